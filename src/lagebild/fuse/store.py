"""The fuse stage against the store: load mentions, cluster, write only what changed; split; figure summaries."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ..collector import paused_collector
from ..extract.names import canonical_key
from .cluster import Cluster, FuseConfig, Mention, cluster_mentions, shift
from .copies import ensure_tables as ensure_copy_tables
from .figures import summarise

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
PINNED_SPLIT = "split"
PINNED_MERGE = "merge:"

CLUSTER_COLUMNS = ("id", "type", "mode", "place_name", "country", "lat", "lon", "earliest", "latest",
                   "first_reported", "last_reported", "mention_count", "article_count", "label", "sources")
MEMBER_COLUMNS = ("cluster_id", "article_id", "event_id", "reasons", "pinned")
FIGURE_COLUMNS = ("cluster_id", "category", "article_id", "quantity_id", "text", "value", "low", "high",
                  "source_kind", "source_name", "reported", "modality", "claimant_key", "scope")
TABLE_TYPES = {
    "clusters": ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "DATE", "DATE", "DATE",
                 "DATE", "INTEGER", "INTEGER", "VARCHAR", "INTEGER"),
    "cluster_members": ("VARCHAR", "VARCHAR", "VARCHAR", "JSON", "VARCHAR"),
    "cluster_figures": ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE",
                        "VARCHAR", "VARCHAR", "DATE", "VARCHAR", "VARCHAR", "VARCHAR"),
    "cluster_digests": ("VARCHAR", "VARCHAR", "VARCHAR"),
}
TABLE_COLUMNS = {"clusters": CLUSTER_COLUMNS, "cluster_members": MEMBER_COLUMNS, "cluster_figures": FIGURE_COLUMNS,
                 "cluster_digests": ("cluster_id", "type", "digest")}

MENTION_SQL = """
SELECT e.article_id, e.id AS event_id, e.type, e.mode, e.modality, e.actors, e.targets, e.quantities,
       e.source_kind, e.source_text, src.name AS source_name, a.lang, a.source AS outlet,
       a.published_earliest, a.published_latest, t.earliest, t.latest,
       loc.place_name, loc.country, loc.lat, loc.lon, loc.geonames_id, loc.place_kind, cp.original_id AS copy_of
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN article_copies cp ON cp.article_id = e.article_id
LEFT JOIN times t ON t.article_id = e.article_id AND t.id = e.time
LEFT JOIN entities loc ON loc.article_id = e.article_id AND loc.id = e.location
LEFT JOIN entities src ON src.article_id = e.article_id AND src.id = e.source_entity
WHERE e.type IN (SELECT unnest(?::VARCHAR[]))
"""
ARTICLES_OF_TYPES = "SELECT article_id FROM events WHERE type IN (SELECT unnest(?::VARCHAR[]))"  # the articles loaded
# The clustering's canonical order (`Mention.order`), so that mentions are built in the order they are visited:
# they then lie in memory as they are read, and the sort in `cluster_mentions` finds them sorted. An undated
# mention starts `undated_lookback_days` (the second parameter) before its publication.
MENTION_ORDER_SQL = f"""
SELECT * EXCLUDE (order_earliest, order_latest) FROM (
  SELECT m.*, CASE WHEN m.earliest IS NOT NULL THEN m.earliest ELSE m.published_earliest - ?::INTEGER END
           AS order_earliest,
         CASE WHEN m.earliest IS NOT NULL THEN m.latest ELSE m.published_latest END AS order_latest
  FROM ({MENTION_SQL}) m)
ORDER BY CASE WHEN order_earliest IS NULL OR order_latest IS NULL THEN 1 ELSE 0 END,
         order_earliest, order_latest, type, coalesce(mode, ''), article_id, event_id
"""


@dataclass(frozen=True)
class Loaded:
    """Mentions of some types, with the per-mention facts that figures need."""

    mentions: list[Mention]
    facts: dict[tuple[str, str], dict[str, Any]]
    quantities: dict[tuple[str, str], dict[str, Any]]
    claims: dict[tuple[str, str], list[dict[str, Any]]]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the fuse tables if absent; pins of older stores (kept only on members) move to `cluster_pins`."""
    con.execute(SCHEMA_SQL.read_text())
    ensure_copy_tables(con)
    con.execute("INSERT INTO cluster_pins SELECT m.article_id, m.event_id, m.pinned, now()::TIMESTAMP "
                "FROM cluster_members m WHERE m.pinned IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cluster_pins p "
                "WHERE p.article_id = m.article_id AND p.event_id = m.event_id)")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_mentions(con: duckdb.DuckDBPyConnection, types: Sequence[str], config: FuseConfig = FuseConfig()) -> Loaded:
    """The stored mentions of these event types, with their pins, in the clustering's canonical order."""
    with paused_collector():
        return _load_mentions(con, types, config)


def _load_mentions(con: duckdb.DuckDBPyConnection, types: Sequence[str], config: FuseConfig) -> Loaded:
    kinds = list(types)
    rows = _rows(con, MENTION_ORDER_SQL, [config.undated_lookback_days, kinds])
    names = {(r["article_id"], r["id"]): r["name"] for r in _rows(
        con, f"SELECT article_id, id, name FROM entities WHERE article_id IN ({ARTICLES_OF_TYPES})", [kinds])}
    quantities = {(r["article_id"], r["id"]): r for r in _rows(
        con, "SELECT article_id, id, text, value, low, high, category, scope_place, scope_level, scope_group "
             f"FROM quantities WHERE article_id IN ({ARTICLES_OF_TYPES})", [kinds])}
    claims: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for c in _rows(con, "SELECT c.article_id, c.event_id, c.quantity_id, c.claimant_kind, c.claimant_key, "
                        "coalesce(ent.name, c.claimant_text) AS claimant_name, c.modality FROM claims c "
                        "LEFT JOIN entities ent ON ent.article_id = c.article_id AND ent.id = c.claimant_entity "
                        f"WHERE c.article_id IN ({ARTICLES_OF_TYPES}) AND c.quantity_id IS NOT NULL "
                        "ORDER BY c.article_id, c.event_id, c.quantity_id", [kinds]):
        claims.setdefault((c["article_id"], c["event_id"]), []).append(c)
    pins = {(r["article_id"], r["event_id"]): r["pin"] for r in _rows(
        con, "SELECT article_id, event_id, pin FROM cluster_pins ORDER BY pinned_at, pin")}
    mentions, facts = [], {}
    for r in rows:
        key = (r["article_id"], r["event_id"])
        ids = json.loads(r["actors"] or "[]") + json.loads(r["targets"] or "[]")
        actors = frozenset(k for k in (canonical_key(names[(key[0], i)], r["lang"])
                                       for i in ids if (key[0], i) in names) if k)
        dated = r["earliest"] is not None
        earliest = r["earliest"] if dated else shift(r["published_earliest"], -config.undated_lookback_days)
        latest = r["latest"] if dated else r["published_latest"]
        if earliest is None or latest is None:
            earliest = latest = None
        mentions.append(Mention(
            article_id=key[0], event_id=key[1], type=r["type"], mode=r["mode"], modality=r["modality"],
            earliest=earliest, latest=latest, dated=dated, geonames_id=r["geonames_id"], place_name=r["place_name"],
            country=r["country"], lat=r["lat"], lon=r["lon"], place_kind=r["place_kind"], actors=actors,
            published=r["published_earliest"], pinned=_split_pin(pins.get(key)), group=r["copy_of"],
            merge_group=_merge_group(pins.get(key))))
        facts[key] = r
    return Loaded(mentions, facts, quantities, claims)


def _split_pin(pin: str | None) -> str | None:
    return pin if pin == PINNED_SPLIT else None


def _merge_group(pin: str | None) -> str | None:
    return pin[len(PINNED_MERGE):] if pin and pin.startswith(PINNED_MERGE) else None


def _label(type_: str, place: str | None, earliest: date | None, latest: date | None) -> str:
    when = "date unknown" if earliest is None else (
        earliest.isoformat() if earliest == latest or latest is None else f"{earliest.isoformat()}–{latest.isoformat()}")
    return f"{type_} in {place or 'unknown place'}, {when}"


def cluster_rows(cluster: Cluster, loaded: Loaded) -> dict[str, list[tuple]]:
    """The rows one cluster contributes to each fuse table."""
    ordered = cluster.members
    local = [m for m in ordered if m.local_place and m.geonames_id == cluster.geonames_id]
    national = [m for m in ordered if m.country == cluster.country and m.country]
    where = next(iter(local or national), None)
    dated = ordered[0].earliest is not None
    reported = [m.published for m in ordered if m.published]
    modes = Counter(m.mode for m in ordered if m.mode)
    mode = min(modes, key=lambda k: (-modes[k], k)) if modes else None
    earliest, latest = (cluster.earliest, cluster.latest) if dated else (None, None)
    place_name = where.place_name if where and where.local_place else (where.country if where else None)
    row = (cluster.id, cluster.type, mode, place_name, cluster.country, where.lat if where else None,
           where.lon if where else None, earliest, latest, min(reported, default=None), max(reported, default=None),
           len(ordered), len({m.article_id for m in ordered}), _label(cluster.type, place_name, earliest, latest),
           cluster.sources)
    members = [(cluster.id, m.article_id, m.event_id, json.dumps(reason, ensure_ascii=False, sort_keys=True),
                m.pinned or (PINNED_MERGE + m.merge_group if m.merge_group else None)) for m, reason in zip(ordered, cluster.reasons)]
    figures, seen = [], set()
    for m in sorted(ordered, key=lambda m: m.key):
        fact = loaded.facts[m.key]
        for claim in _figure_claims(m, fact, loaded):
            qid = claim["quantity_id"]
            q = loaded.quantities.get((m.article_id, qid))
            if q is None or (m.article_id, qid) in seen:
                continue
            seen.add((m.article_id, qid))
            kind = claim["claimant_kind"]
            source = fact["outlet"] if kind == "author" else claim["claimant_name"]
            figures.append((cluster.id, q["category"], m.article_id, qid, q["text"], q["value"], q["low"], q["high"],
                            kind, source, m.published, claim["modality"], claim["claimant_key"], scope_of(q)))
    return {"clusters": [row], "cluster_members": members, "cluster_figures": figures}


def scope_of(q: dict[str, Any]) -> str | None:
    """A figure's scope as one comparable string ("nation", "place:<id>", "group:police", joined by '|')."""
    parts = []
    if q.get("scope_level") == "nation":
        parts.append("nation")
    elif q.get("scope_place"):
        parts.append(f"place:{q['scope_place']}")
    if q.get("scope_group"):
        parts.append(f"group:{q['scope_group']}")
    return "|".join(parts) or None


def _figure_claims(m: Mention, fact: dict[str, Any], loaded: Loaded) -> list[dict[str, Any]]:
    """The mention's figure claims; a store without claims rows falls back to the event's own source."""
    found = loaded.claims.get(m.key)
    if found is not None:
        return found
    name = fact["source_name"] or fact["source_text"]
    return [{"quantity_id": qid, "claimant_kind": fact["source_kind"], "claimant_name": name,
             "claimant_key": None, "modality": m.modality} for qid in json.loads(fact["quantities"] or "[]")]


def _digest(rows: dict[str, list[tuple]]) -> str:
    return hashlib.blake2b(repr(sorted(rows.items())).encode(), digest_size=16).hexdigest()


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    if not rows:
        return
    columns, types = TABLE_COLUMNS[table], TABLE_TYPES[table]
    frame = {f"c{i}": np.array([row[i] for row in rows], dtype=object) for i in range(len(columns))}
    con.register("fuse_incoming", frame)
    try:
        select = ", ".join(f"c{i}::{t}" for i, t in enumerate(types))
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM fuse_incoming")
    finally:
        con.unregister("fuse_incoming")


def affected_types(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str] | None) -> list[str]:
    """Event types whose clusters may change: those of these articles' events, now and as last fused."""
    if article_ids is None:
        rows = con.execute("SELECT DISTINCT type FROM events UNION SELECT DISTINCT type FROM cluster_digests")
    else:
        ids = sorted(set(article_ids))
        rows = con.execute(
            "SELECT DISTINCT type FROM events WHERE article_id IN (SELECT unnest(?::VARCHAR[])) UNION "
            "SELECT DISTINCT c.type FROM clusters c JOIN cluster_members m ON m.cluster_id = c.id "
            "WHERE m.article_id IN (SELECT unnest(?::VARCHAR[]))", [ids, ids])
    return sorted(t for (t,) in rows.fetchall() if t is not None)


def fuse(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str] | None = None,
         config: FuseConfig = FuseConfig(), types: Sequence[str] | None = None) -> dict[str, int]:
    """Re-cluster the event types these articles touch (all if None); rewrite only clusters that changed."""
    ensure_tables(con)
    scope = sorted(set(types)) if types is not None else affected_types(con, article_ids)
    if not scope:
        return {"clusters": 0, "written": 0, "removed": 0, "unchanged": 0}
    loaded = load_mentions(con, scope, config)
    clusters = cluster_mentions(loaded.mentions)
    redirects = keep_ids(con, clusters, scope)
    new: dict[str, tuple[str, dict[str, list[tuple]]]] = {}
    for cluster in clusters:
        rows = cluster_rows(cluster, loaded)
        new[cluster.id] = (_digest(rows), rows)
    old = dict(con.execute("SELECT cluster_id, digest FROM cluster_digests WHERE type IN (SELECT unnest(?::VARCHAR[]))",
                           [scope]).fetchall())
    stale = sorted(cid for cid, digest in old.items() if new.get(cid, (None,))[0] != digest)
    fresh = sorted(cid for cid, (digest, _) in new.items() if old.get(cid) != digest)
    if stale or fresh or redirects:
        con.execute("BEGIN TRANSACTION")
        try:
            _write_redirects(con, redirects, set(new))
            for table, column in (("clusters", "id"), ("cluster_members", "cluster_id"),
                                  ("cluster_figures", "cluster_id"), ("cluster_digests", "cluster_id")):
                con.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?::VARCHAR[]))", [stale + fresh])
            for table in ("clusters", "cluster_members", "cluster_figures"):
                _insert(con, table, [row for cid in fresh for row in new[cid][1][table]])
            _insert(con, "cluster_digests", [(cid, new[cid][1]["clusters"][0][1], new[cid][0]) for cid in fresh])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return {"clusters": len(new), "written": len(fresh), "removed": len(set(stale) - set(new)),
            "unchanged": len(new) - len(fresh)}


def keep_ids(con: duckdb.DuckDBPyConnection, clusters: list[Cluster], scope: Sequence[str]) -> dict[str, str]:
    """Give each new cluster the id of the earlier cluster it shares most mentions with (one to one, largest
    overlap first); returns old id -> successor for the earlier ids no cluster keeps (merged away)."""
    old_of = {(a, e): c for c, a, e in con.execute(
        "SELECT m.cluster_id, m.article_id, m.event_id FROM cluster_members m JOIN clusters c ON c.id = m.cluster_id "
        "WHERE c.type IN (SELECT unnest(?::VARCHAR[]))", [list(scope)]).fetchall()}
    retired = {r for (r,) in con.execute("SELECT old_id FROM cluster_redirects").fetchall()}
    overlap: Counter[tuple[str, int]] = Counter()
    for index, cluster in enumerate(clusters):
        for m in cluster.members:
            if m.key in old_of:
                overlap[(old_of[m.key], index)] += 1
    kept: dict[int, str] = {}
    for (old, index), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1])):
        if index not in kept and old not in kept.values():
            kept[index] = old
    taken = set(kept.values()) | retired
    for index, cluster in enumerate(clusters):
        if index in kept:
            cluster.id = kept[index]
            continue
        base, n = cluster.id, 2
        while cluster.id in taken or cluster.id in old_of.values():
            cluster.id, n = f"{base}-{n}", n + 1
        taken.add(cluster.id)
    successors: dict[str, str] = {}
    for (old, index), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1])):
        if old not in kept.values() and old not in successors:
            successors[old] = clusters[index].id
    return successors


def _write_redirects(con: duckdb.DuckDBPyConnection, successors: dict[str, str], live: set[str]) -> None:
    """Record old id -> new id, re-point earlier redirects to the new ids, and drop redirects of live ids."""
    for old, new in sorted(successors.items()):
        con.execute("DELETE FROM cluster_redirects WHERE old_id = ?", [old])
        con.execute("INSERT INTO cluster_redirects VALUES (?, ?, 'merged', now()::TIMESTAMP)", [old, new])
        con.execute("UPDATE cluster_redirects SET new_id = ? WHERE new_id = ?", [new, old])
    if live:
        con.execute("DELETE FROM cluster_redirects WHERE old_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(live)])


def resolve_cluster_id(con: duckdb.DuckDBPyConnection, cluster_id: str) -> str | None:
    """The id a former cluster id now redirects to (None if it never redirected)."""
    seen: set[str] = set()
    current = cluster_id
    while True:
        row = con.execute("SELECT new_id FROM cluster_redirects WHERE old_id = ?", [current]).fetchone()
        if row is None or row[0] in seen:
            return current if current != cluster_id else None
        seen.add(current)
        current = row[0]


def _pin(con: duckdb.DuckDBPyConnection, article_id: str, event_id: str, pin: str) -> None:
    con.execute("DELETE FROM cluster_pins WHERE article_id = ? AND event_id = ?", [article_id, event_id])
    con.execute("INSERT INTO cluster_pins VALUES (?, ?, ?, now()::TIMESTAMP)", [article_id, event_id, pin])


def merge(con: duckdb.DuckDBPyConnection, cluster_id: str, other_id: str, config: FuseConfig = FuseConfig()) -> str:
    """Join two clusters of one type by a user's decision, pinned for later re-fusing; returns the joined id."""
    rows = con.execute("SELECT c.id, c.type, m.article_id, m.event_id FROM cluster_members m "
                       "JOIN clusters c ON c.id = m.cluster_id WHERE c.id IN (?, ?)", [cluster_id, other_id]).fetchall()
    types = {r[1] for r in rows}
    if {r[0] for r in rows} != {cluster_id, other_id} or len(types) != 1:
        raise KeyError(f"cannot merge {cluster_id} and {other_id}: both must exist and have one event type")
    group = min(cluster_id, other_id)
    for _, _, article_id, event_id in rows:
        _pin(con, article_id, event_id, PINNED_MERGE + group)
    fuse(con, config=config, types=sorted(types))
    found = con.execute("SELECT cluster_id FROM cluster_members WHERE article_id = ? AND event_id = ?",
                        [rows[0][2], rows[0][3]]).fetchone()
    return found[0]  # type: ignore[index]


def split(con: duckdb.DuckDBPyConnection, cluster_id: str, article_id: str, event_id: str,
          config: FuseConfig = FuseConfig()) -> str:
    """Undo a merge: pin the mention apart and re-fuse its type; returns the mention's new cluster id."""
    row = con.execute("SELECT c.type FROM cluster_members m JOIN clusters c ON c.id = m.cluster_id "
                      "WHERE m.cluster_id = ? AND m.article_id = ? AND m.event_id = ?",
                      [cluster_id, article_id, event_id]).fetchone()
    if row is None:
        raise KeyError(f"no mention {article_id}/{event_id} in cluster {cluster_id}")
    _pin(con, article_id, event_id, PINNED_SPLIT)
    fuse(con, config=config, types=[row[0]])
    found = con.execute("SELECT cluster_id FROM cluster_members WHERE article_id = ? AND event_id = ?",
                        [article_id, event_id]).fetchone()
    return found[0]  # type: ignore[index]


def figures_summary(con: duckdb.DuckDBPyConnection, cluster_id: str,
                    config: FuseConfig = FuseConfig()) -> dict[str, dict[str, Any]]:
    """Per category: every claim, the range, the latest claim per source, conflicts and the export figure."""
    claims = _rows(con, f"SELECT {', '.join(FIGURE_COLUMNS)} FROM cluster_figures WHERE cluster_id = ? "
                        "ORDER BY reported, article_id, quantity_id", [cluster_id])
    by_category: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_category.setdefault(claim["category"], []).append(claim)
    return {category: summarise(items, config) for category, items in sorted(by_category.items())}
