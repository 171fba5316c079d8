"""Helpers for ingest tests: one loaded pipeline for the whole session, small inputs, store checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from lagebild.config import Settings
from lagebild.lang import Pipelines

_SHARED: dict[str, Pipelines] = {}

ARTICLES = [
    ("k1", "2023-03-18", "Die Polizei nahm in Osch am Freitag 45 Demonstranten fest."),
    ("k2", "2023-03-18", "In Bischkek demonstrierten am Freitag Tausende Menschen gegen die Regierung."),
    ("k3", "2023-03-19", "Das Staatsradio meldete, in Bischkek seien am Samstag 14 Menschen getötet worden."),
    ("k4", "2023-03-20", "Police arrested 30 protesters in Osh on Monday, the interior ministry said."),
    ("k5", "2023-03-20", "Nach Angaben der Behörden wurden in Osch am Sonntag 12 Menschen verletzt."),
    ("k6", "2023-03-21", "Thousands protested in Bishkek on Tuesday against the curfew."),
]


def shared_pipelines(monkeypatch: Any) -> Pipelines:
    """Make every Extractor in this process reuse one Pipelines (loading the models takes seconds)."""
    if "p" not in _SHARED:
        _SHARED["p"] = Pipelines(Settings.from_env())
    monkeypatch.setattr("lagebild.pipeline.Pipelines", lambda settings: _SHARED["p"])
    return _SHARED["p"]


def write_input(path: Path, articles=ARTICLES, rejects: int = 2) -> Path:
    """A JSON-lines input with these articles and some broken lines."""
    lines = [json.dumps({"id": i, "published": d, "text": t}, ensure_ascii=False) for i, d, t in articles]
    for n in range(rejects):
        lines.insert(1 + 2 * n, "{broken " + str(n))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ORPHAN_CHECKS = {
    "claims without their article": " UNION ALL ".join(
        f"SELECT count(*) FROM {t} x WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = x.article_id)"
        for t in ("entities", "times", "quantities", "quotes", "events")),
    "members without their cluster": "SELECT count(*) FROM cluster_members m "
                                     "WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = m.cluster_id)",
    "figures without their cluster": "SELECT count(*) FROM cluster_figures f "
                                     "WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = f.cluster_id)",
    "clusters without members": "SELECT count(*) FROM clusters c "
                                "WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.cluster_id = c.id)",
    "digests without their cluster": "SELECT count(*) FROM cluster_digests d "
                                     "WHERE NOT EXISTS (SELECT 1 FROM clusters c WHERE c.id = d.cluster_id)",
}
MEMBERS_WITHOUT_EVENT = ("SELECT count(*) FROM cluster_members m WHERE NOT EXISTS "
                         "(SELECT 1 FROM events e WHERE e.article_id = m.article_id AND e.id = m.event_id)")
UNCLUSTERED = ("SELECT count(*) FROM events e WHERE NOT EXISTS "
               "(SELECT 1 FROM cluster_members m WHERE m.article_id = e.article_id AND m.event_id = e.id)")


def orphans(db: Path) -> dict[str, int]:
    """Rows that point at nothing, per kind (all zero in a consistent store)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _orphans(con)
    finally:
        con.close()


def _orphans(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {name: sum(row[0] for row in con.execute(sql).fetchall()) for name, sql in ORPHAN_CHECKS.items()}


def unclustered(db: Path) -> int:
    """Events in no cluster, plus cluster members whose event is gone."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return _unclustered(con)
    finally:
        con.close()


def _unclustered(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute(UNCLUSTERED).fetchone()[0] + con.execute(MEMBERS_WITHOUT_EVENT).fetchone()[0]


def inconsistencies(db: Path) -> dict[str, int]:
    """Everything that must be zero after a finished ingest: orphans, unclustered events, articles waiting to fuse."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = _orphans(con)
        found["events in no cluster"] = _unclustered(con)
        found["articles waiting for fuse"] = con.execute("SELECT count(*) FROM fuse_pending").fetchone()[0]
        return {name: n for name, n in found.items() if n}
    finally:
        con.close()


TIMESTAMPS = {"articles": "ingested_at", "rejects": "rejected_at"}
TABLES = ("articles", "entities", "times", "quantities", "quotes", "events", "rejects", "clusters",
          "cluster_members", "cluster_figures", "cluster_digests", "fuse_pending")


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the times of writing: equal dumps mean equal stores."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for table in TABLES:
            columns = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                                 "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                       if c != TIMESTAMPS.get(table)]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f"SELECT {quoted} FROM {table}").fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        con.close()
