"""DuckDB store: idempotent, transactional writes of reports; parameterised reads."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import numpy as np

from ..errors import StoreError, StoreLocked
from ..ingest.base import Reject
from ..model import Report

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
STORE_LAYOUT_VERSION = "2"
# How long opening a store waits while another process holds a conflicting lock (a writer excludes everyone;
# readers exclude writers). Readers that must not wait use a read snapshot instead (store/snapshot.py).
WRITE_LOCK_WAIT_S = 30.0
READ_LOCK_WAIT_S = 2.0

# Column order of each table, and how a report fills it.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "lang", "source", "url", "title", "text", "text_hash", "published_text", "published_value",
                 "published_earliest", "published_latest", "published_granularity", "report", "ingested_at",
                 "generator"),
    "entities": ("article_id", "id", "label", "name", "aliases", "mentions", "place_name", "country", "lat", "lon",
                 "geonames_id", "place_kind"),
    "times": ("article_id", "id", "start", "end", "text", "value", "earliest", "latest", "granularity"),
    "quantities": ("article_id", "id", "start", "end", "text", "value", "low", "high", "approximate", "unit",
                   "category", "scope_place", "scope_level", "scope_group"),
    "quotes": ("article_id", "id", "start", "end", "text", "kind", "speaker", "speaker_text", "cue"),
    "events": ("article_id", "id", "type", "mode", "trigger_start", "trigger_end", "trigger_text", "sentence_start",
               "sentence_end", "actors", "targets", "location", "time", "quantities", "source_kind", "source_entity",
               "source_text", "modality"),
    "claims": ("article_id", "id", "claimant_kind", "claimant_entity", "claimant_text", "claimant_start",
               "claimant_end", "claimant_key", "cue_start", "cue_end", "cue_text", "modality", "event_id",
               "quantity_id", "quote_id", "evidence_start", "evidence_end"),
}
CLAIM_TABLES = ("entities", "times", "quantities", "quotes", "events", "claims")


def text_hash(text: str) -> str:
    """Fingerprint of an article's text, to tell an unchanged re-ingest from an update."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def article_fingerprint(text_hash_: str, lang: str, source: str | None, url: str | None, title: str | None,
                        published_text: str | None) -> str:
    """What must match for a re-ingested article to count as unchanged: its text and every metadata field."""
    fields = (text_hash_, lang, source, url, title, published_text)
    return hashlib.blake2b(json.dumps(fields, ensure_ascii=False).encode("utf-8"), digest_size=16).hexdigest()


def report_rows(report: dict[str, Any], ingested_at: datetime) -> dict[str, list[tuple]]:
    """The rows a JSON-ready report adds to each table."""
    article = report["article"]
    published = article.get("published") or {}
    aid = article["id"]
    rows: dict[str, list[tuple]] = {
        "articles": [(aid, article["lang"], article.get("source"), article.get("url"), article.get("title"),
                      article["text"], text_hash(article["text"]), published.get("text"), published.get("value"),
                      published.get("earliest"), published.get("latest"), published.get("granularity"),
                      json.dumps(report, ensure_ascii=False), ingested_at,
                      json.dumps(report.get("generator"), sort_keys=True) if report.get("generator") else None)],
    }
    rows["entities"] = [
        (aid, e["id"], e["label"], e["name"], json.dumps(e["aliases"], ensure_ascii=False),
         json.dumps(e["mentions"], ensure_ascii=False), *_place_columns(e.get("place")))
        for e in report["entities"]]
    rows["times"] = [(aid, t["id"], t["start"], t["end"], t["text"], t["value"], t.get("earliest"), t.get("latest"),
                      t["granularity"]) for t in report["times"]]
    rows["quantities"] = [(aid, q["id"], q["start"], q["end"], q["text"], q["value"], q["low"], q["high"],
                           q["approximate"], q.get("unit"), q["category"], *_scope_columns(q.get("scope")))
                          for q in report["quantities"]]
    rows["quotes"] = [(aid, q["id"], q["start"], q["end"], q["text"], q["kind"], q.get("speaker"),
                       q.get("speaker_text"), q.get("cue")) for q in report["quotes"]]
    rows["events"] = [
        (aid, ev["id"], ev["type"], ev.get("mode"), ev["trigger"]["start"], ev["trigger"]["end"], ev["trigger"]["text"],
         ev["sentence"]["start"], ev["sentence"]["end"], json.dumps(ev["actors"]), json.dumps(ev["targets"]),
         ev.get("location"), ev.get("time"), json.dumps(ev["quantities"]), ev["source"]["kind"],
         ev["source"].get("entity"), ev["source"].get("text"), ev["modality"])
        for ev in report["events"]]
    rows["claims"] = [_claim_row(aid, c) for c in report.get("claims") or []]
    return rows


def _scope_columns(scope: dict | None) -> tuple:
    scope = scope or {}
    return scope.get("place"), scope.get("level"), scope.get("group")


def _claim_row(aid: str, c: dict[str, Any]) -> tuple:
    who, span, cue = c["claimant"], c["claimant"].get("span") or {}, c.get("cue") or {}
    return (aid, c["id"], who["kind"], who.get("entity"), who.get("text"), span.get("start"), span.get("end"),
            who["key"], cue.get("start"), cue.get("end"), cue.get("text"), c["modality"], c["event"],
            c.get("quantity"), c.get("quote"), c["evidence"]["start"], c["evidence"]["end"])


def _place_columns(place: dict | None) -> tuple:
    if not place:
        return (None,) * 6
    return (place["name"], place.get("country"), place.get("lat"), place.get("lon"), place.get("geonames_id"),
            place.get("kind"))


def is_lock_conflict(err: BaseException) -> bool:
    """Whether DuckDB refused to open a file because another process holds its lock."""
    return isinstance(err, duckdb.IOException) and "lock" in str(err).lower()


def _connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, retrying for up to `wait` seconds while another process holds a conflicting lock."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as err:
            if not is_lock_conflict(err):
                raise StoreError(f"cannot open the store {path}: {err}") from err
            if time.monotonic() >= deadline:
                raise StoreLocked(f"the store {path} is in use by another process (an ingest?); "
                                  "try again when it has finished") from None
        time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
        delay = min(delay * 2, 1.0)


class Store:
    """A lagebild store in one DuckDB file; use as a context manager."""

    def __init__(self, path: Path | str, *, read_only: bool = False, lock_wait: float | None = None) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; run `lagebild ingest` first (or pass --db)")
        wait = lock_wait if lock_wait is not None else READ_LOCK_WAIT_S if read_only else WRITE_LOCK_WAIT_S
        self.con = _connect(self.path, read_only, wait)
        self._types: dict[str, dict[str, str]] = {}
        if read_only and self._layout() == "1":
            self.con.close()  # a layout-1 store is migrated once, then opened as asked
            with Store(self.path):
                pass
            self.con = _connect(self.path, True, wait)
        if not read_only:
            if self._layout() == "1":
                self._migrate_v1()
            self._create_schema()
        self._check_layout()

    @classmethod
    def over(cls, con: duckdb.DuckDBPyConnection, path: Path | str) -> Store:
        """A Store on a connection that is already open and checked (a cursor of another Store's database)."""
        store = cls.__new__(cls)
        store.path, store.con, store._types = Path(path), con, {}
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _create_schema(self) -> None:
        from ..fuse import ensure_tables  # the fuse stage's tables: clusters, cluster_members, cluster_figures

        self.con.execute("BEGIN TRANSACTION")  # all tables or none, even if the process dies half-way
        try:
            self.con.execute(SCHEMA_SQL.read_text())
            ensure_tables(self.con)
            self.con.execute("INSERT OR IGNORE INTO meta VALUES ('layout', ?)", [STORE_LAYOUT_VERSION])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _layout(self) -> str | None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
        except duckdb.CatalogException:
            return None
        return row[0] if row else None

    def _migrate_v1(self) -> None:
        """Layout 1 -> 2 in one transaction: new columns and tables, every stored report as schema v2 with claims."""
        from ..migrate import migrate_report

        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("ALTER TABLE articles ADD COLUMN IF NOT EXISTS generator JSON")
            for col in ("scope_place", "scope_level", "scope_group"):
                self.con.execute(f"ALTER TABLE quantities ADD COLUMN IF NOT EXISTS {col} VARCHAR")
            self.con.execute(SCHEMA_SQL.read_text())
            reports = self.con.execute("SELECT id, report FROM articles ORDER BY id").fetchall()
            claim_rows = []
            for aid, raw in reports:
                report = migrate_report(json.loads(raw))
                self.con.execute("UPDATE articles SET report = ? WHERE id = ?", [json.dumps(report, ensure_ascii=False), aid])
                claim_rows += [_claim_row(aid, c) for c in report["claims"]]
                # one event per figure: the events table follows the migrated report
                for ev in report["events"]:
                    self.con.execute("UPDATE events SET quantities = ? WHERE article_id = ? AND id = ?",
                                     [json.dumps(ev["quantities"]), aid, ev["id"]])
            self.con.execute("DELETE FROM claims")
            self._insert("claims", TABLE_COLUMNS["claims"], claim_rows)
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'layout'", [STORE_LAYOUT_VERSION])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self._types.clear()

    def generators(self) -> dict[str, str | None]:
        """Each stored article's generator (as stored JSON, None for reports migrated from v1)."""
        return dict(self.con.execute("SELECT id, generator::VARCHAR FROM articles").fetchall())

    def _check_layout(self) -> None:
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()
        except duckdb.CatalogException as err:
            if not self.con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]:  # type: ignore[index]
                raise StoreError(f"the store {self.path} is empty: an ingest stopped before its first write; "
                                 "run `lagebild ingest`") from err
            raise StoreError(f"{self.path} is not a lagebild store") from err
        if not row or row[0] != STORE_LAYOUT_VERSION:
            raise StoreError(f"{self.path} has store layout {row[0] if row else '?'}; this lagebild reads layout "
                             f"{STORE_LAYOUT_VERSION}")

    def known_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Text hashes of the stored articles among `ids`."""
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, text_hash FROM articles WHERE id IN (SELECT unnest(?))", [list(ids)])
        return dict(rows.fetchall())

    def known_fingerprints(self, ids: Sequence[str]) -> dict[str, str]:
        """`article_fingerprint` of the stored articles among `ids`."""
        if not ids:
            return {}
        rows = self.con.execute("SELECT id, text_hash, lang, source, url, title, published_text FROM articles "
                                "WHERE id IN (SELECT unnest(?))", [list(ids)])
        return {row[0]: article_fingerprint(*row[1:]) for row in rows.fetchall()}

    def unfused(self) -> list[str]:
        """Articles whose events may not be clustered yet: written but not fused (say, after a crash)."""
        rows = self.con.execute(
            "SELECT article_id FROM fuse_pending UNION SELECT e.article_id FROM events e WHERE NOT EXISTS "
            "(SELECT 1 FROM cluster_members m WHERE m.article_id = e.article_id AND m.event_id = e.id) "
            "ORDER BY 1")
        return [article_id for (article_id,) in rows.fetchall()]

    def mark_fused(self, ids: Sequence[str] | None = None) -> None:
        """Forget that these articles (all if None) wait for fusing."""
        if ids is None:
            self.con.execute("DELETE FROM fuse_pending")
        elif ids:
            self.con.execute("DELETE FROM fuse_pending WHERE article_id IN (SELECT unnest(?))", [list(ids)])

    def write(self, reports: Iterable[Report], rejects: Iterable[Reject] = ()) -> int:
        """Store reports (replacing earlier versions of the same articles) and rejects in one transaction."""
        now = datetime.now(UTC).replace(tzinfo=None)
        tables: dict[str, list[tuple]] = {name: [] for name in TABLE_COLUMNS}
        ids: list[str] = []
        for report in reports:
            ids.append(report.article.id)
            for name, rows in report_rows(report.to_json_dict(), now).items():
                tables[name].extend(rows)
        # One row per distinct reject: reading the same input again refreshes its time instead of adding rows.
        reject_rows = list({(r.origin, r.code.value, r.reason): (r.origin, r.code.value, r.reason, now)
                            for r in rejects}.values())
        self.con.execute("BEGIN TRANSACTION")
        try:
            if ids:
                self._follow_event_ids(tables["events"])
                self.con.execute("CREATE OR REPLACE TEMP TABLE batch_ids AS SELECT unnest(?::VARCHAR[]) AS id", [ids])
                for name in CLAIM_TABLES:
                    self.con.execute(f"DELETE FROM {name} WHERE article_id IN (SELECT id FROM batch_ids)")
                self.con.execute("DELETE FROM articles WHERE id IN (SELECT id FROM batch_ids)")
                self.con.execute("INSERT OR IGNORE INTO fuse_pending SELECT id FROM batch_ids")
            for name, rows in tables.items():
                self._insert(name, TABLE_COLUMNS[name], rows)
            if reject_rows:
                origins, codes, reasons = ([row[i] for row in reject_rows] for i in range(3))
                self.con.execute("CREATE OR REPLACE TEMP TABLE batch_rejects AS SELECT unnest(?::VARCHAR[]) AS origin, "
                                 "unnest(?::VARCHAR[]) AS code, unnest(?::VARCHAR[]) AS reason",
                                 [origins, codes, reasons])
                self.con.execute("DELETE FROM rejects r USING batch_rejects b "
                                 "WHERE r.origin = b.origin AND r.code = b.code AND r.reason = b.reason")
            self._insert("rejects", ("origin", "code", "reason", "rejected_at"), reject_rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return len(ids)

    def _follow_event_ids(self, new_events: list[tuple]) -> None:
        """A re-extracted article's events keep their cluster memberships and pins under their new ids
        (matched by type and trigger offsets, else by type and trigger word)."""
        by_article: dict[str, list[tuple]] = {}
        for row in new_events:
            by_article.setdefault(row[0], []).append(row)
        old = self.con.execute(
            "SELECT article_id, id, type, trigger_start, trigger_text FROM events "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(by_article)]).fetchall()
        for aid, old_id, type_, start, text in old:
            fresh = by_article.get(aid, [])
            new_id = next((r[1] for r in fresh if r[2] == type_ and r[4] == start), None) or next(
                (r[1] for r in sorted(fresh, key=lambda r: abs(r[4] - start)) if r[2] == type_ and r[6] == text), None)
            if new_id is None or new_id == old_id:
                continue
            for table in ("cluster_members", "cluster_pins"):
                self.con.execute(f"UPDATE {table} SET event_id = ? WHERE article_id = ? AND event_id = ?",
                                 [new_id, aid, old_id])

    def _insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        frame = {f"c{i}": np.array([row[i] for row in rows], dtype=object) for i in range(len(columns))}
        self.con.register("incoming", frame)
        try:
            types = self._column_types(table)
            select = ", ".join(f"c{i}::{types[col]}" for i, col in enumerate(columns))
            quoted = ", ".join(f'"{col}"' for col in columns)
            self.con.execute(f"INSERT INTO {table} ({quoted}) SELECT {select} FROM incoming")
        finally:
            self.con.unregister("incoming")

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", [table])
            self._types[table] = dict(rows.fetchall())
        return self._types[table]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a parameterised query as dicts."""
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def counts(self) -> dict[str, int]:
        """Row count of each table."""
        return {name: self.con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # type: ignore[index]
                for name in (*TABLE_COLUMNS, "rejects")}
