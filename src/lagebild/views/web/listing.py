"""The timeline listing in SQL: filtered, sorted and paged clusters with their facet counts and map points.

The "disputed" flag follows `fuse.figures.summarise`: two claimants whose latest claims in one category have
disjoint [low, high] intervals and were reported within the conflict window. `tests/test_web_listing.py` checks
that the SQL and the Python rule agree. "As of" a date keeps only the clusters first reported by then and only
the claims and articles published by then. Every value reaches SQL as a parameter.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ...extract.claimants import institution_keys
from ...fuse.cluster import FuseConfig
from ...store import Store
from .filters import ClusterQuery, country_code

SORT_SQL = {
    "date": "earliest NULLS LAST, id",
    "-date": "earliest DESC NULLS LAST, id",
    "fatalities": "killed DESC NULLS LAST, earliest NULLS LAST, id",
    "sources": "sources DESC, earliest NULLS LAST, id",
    "reported": "last_report DESC NULLS LAST, id",
}
FACETS = ("type", "country", "place", "source_kind", "modality")
MAP_LIMIT = 5000

DERIVED = """
figs AS (
    SELECT f.*, lower(trim(coalesce(f.source_name, f.source_kind, '?'))) AS src,
           CASE WHEN f.low IS NULL AND f.high IS NULL AND f.value IS NOT NULL THEN f.value
                ELSE coalesce(f.low, '-infinity'::DOUBLE) END AS lo,
           CASE WHEN f.low IS NULL AND f.high IS NULL AND f.value IS NOT NULL THEN f.value
                ELSE coalesce(f.high, 'infinity'::DOUBLE) END AS hi
    FROM cluster_figures f WHERE ($as_of IS NULL OR f.reported <= $as_of)),
latest AS (
    SELECT * FROM (SELECT cluster_id, category, src, reported, lo, hi, row_number() OVER (
        PARTITION BY cluster_id, category, src ORDER BY reported DESC NULLS LAST, article_id DESC, quantity_id DESC) AS rn
        FROM figs) WHERE rn = 1),
disputes AS (
    SELECT DISTINCT a.cluster_id FROM latest a JOIN latest b
      ON a.cluster_id = b.cluster_id AND a.category IS NOT DISTINCT FROM b.category AND a.src < b.src
    WHERE (a.lo > b.hi OR b.lo > a.hi)
      AND coalesce(abs(date_diff('day', a.reported, b.reported)), 0) <= $window),
killed AS (
    SELECT cluster_id, max(CASE WHEN isfinite(lo) THEN lo END) AS killed FROM figs WHERE category = 'killed' GROUP BY 1),
member_articles AS (
    SELECT DISTINCT m.cluster_id, m.article_id FROM cluster_members m),
stats AS (
    SELECT ma.cluster_id, count(DISTINCT coalesce(o.source, o.id)) AS sources, count(*) AS articles,
           max(a.published_earliest) AS last_report
    FROM member_articles ma JOIN (SELECT id, source, published_earliest FROM articles) a ON a.id = ma.article_id
    LEFT JOIN article_copies cp ON cp.article_id = a.id  -- a wire copy counts as its original's outlet
    JOIN (SELECT id, source FROM articles) o ON o.id = coalesce(cp.original_id, a.id)
    WHERE ($as_of IS NULL OR a.published_earliest <= $as_of) GROUP BY 1),
derived AS (
    SELECT c.id AS cluster_id, s.sources, s.articles, s.last_report, k.killed, (dd.cluster_id IS NOT NULL) AS disputed
    FROM clusters c LEFT JOIN stats s ON s.cluster_id = c.id LEFT JOIN killed k ON k.cluster_id = c.id
    LEFT JOIN disputes dd ON dd.cluster_id = c.id)"""
CACHED = """
derived AS (SELECT * FROM read_parquet({file}))"""
BASE = """,
base AS (
    SELECT c.* EXCLUDE (sources), {sources} AS sources, coalesce(d.articles, 0) AS articles, d.last_report, d.killed,
           coalesce(d.disputed, false) AS disputed
    FROM clusters c LEFT JOIN derived d ON d.cluster_id = c.id
    {where})
"""
_CACHE_DIR: list[Path] = []
MAX_CACHED = 64  # files in the cache folder (each as-of day of each store is one)


def _digest(value: Any) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def _version(path: Path) -> str:
    """A key for the file's identity and contents: it changes when the store (or its write-ahead log) is written."""
    out: list[Any] = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            stat = candidate.stat()
            out += [stat.st_mtime_ns, stat.st_size]
        except OSError:
            out += [None, None]
    return f"{_digest(str(path))}-{_digest(out)}"


def store_version(store: Store) -> str:
    """A key for the store's current contents (its file and write-ahead log)."""
    return _version(Path(store.path).resolve())


def _cache_dir() -> Path:
    if not _CACHE_DIR:
        folder = Path(tempfile.mkdtemp(prefix="lagebild-web-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _CACHE_DIR.append(folder)
    return _CACHE_DIR[0]


MEMBER_VALUES = """SELECT DISTINCT m.cluster_id, f.facet, f.value FROM cluster_members m
    JOIN events e ON e.article_id = m.article_id AND e.id = m.event_id,
    LATERAL (VALUES ('source_kind', e.source_kind), ('modality', e.modality)) f(facet, value)"""


def _cached(store: Store, name: str, sql: str) -> Path:
    """A query over the whole store as a Parquet file in a private temporary folder, once per store version."""
    version = store_version(store)
    file = _cache_dir() / f"{version}-{name}.parquet"
    if not file.exists():
        kept = sorted(_cache_dir().glob("*.parquet"), key=lambda f: f.stat().st_mtime if f.exists() else 0)
        for stale in kept:
            older = stale.name.startswith(version.split("-")[0] + "-") and not stale.name.startswith(version + "-")
            if older or len(kept) > MAX_CACHED:
                stale.unlink(missing_ok=True)  # an older version of the same store, or the oldest of too many
                kept = [f for f in kept if f != stale]
        partial = file.with_suffix(f".{os.getpid()}-{threading.get_ident()}.partial")
        store.con.execute(f"COPY ({sql}) TO '{partial}' (FORMAT PARQUET)")
        os.replace(partial, file)
    return file


def _cached_derived(store: Store, config: FuseConfig, as_of: date | None = None) -> Path:
    """Per-cluster sources, articles, last report, killed and disputed for the whole store, as of a day or now."""
    day = f"DATE '{as_of.isoformat()}'" if as_of else "NULL::DATE"  # a date object: no text reaches SQL
    sql = ("WITH " + DERIVED + " SELECT * FROM derived").replace("$as_of", day).replace(
        "$window", str(int(config.conflict_window_days)))
    return _cached(store, f"derived-{as_of.isoformat() if as_of else 'now'}", sql)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _cte(store: Store, query: ClusterQuery, clause: Where, config: FuseConfig = FuseConfig()) -> tuple[str, dict]:
    """The WITH clause that ends in `base` (the matching clusters with their derived columns) and its parameters."""
    cached = CACHED.format(file=_literal(_cached_derived(store, config, query.as_of)))
    # independent sources as the fuse stage counts them (wire copies with their original); as of a day, the
    # distinct outlets among the articles published by then
    sources = "coalesce(d.sources, 0)" if query.as_of else "coalesce(c.sources, d.sources, 0)"
    params = dict(clause.params)
    if query.as_of is not None:
        params["as_of"] = query.as_of  # the filter on first report
    return "WITH " + cached + BASE.format(where=clause.sql, sources=sources), params


# A filter on member events is a semi-join on the cluster id (one pass over the members), not a correlated
# EXISTS per cluster.
MEMBER_EVENTS = ("SELECT m.cluster_id FROM cluster_members m JOIN events e ON e.article_id = m.article_id "
                 "AND e.id = m.event_id {joins} WHERE {cond}")


def _exists(cond: str, joins: str = "") -> str:
    return f"c.id IN ({MEMBER_EVENTS.format(joins=joins, cond=cond)})"


@dataclass(frozen=True)
class Where:
    """A WHERE clause of fixed fragments and its named parameters."""

    sql: str
    params: dict[str, Any]


def where(query: ClusterQuery, config: FuseConfig = FuseConfig()) -> Where:
    """The clause that selects the clusters a query keeps."""
    clauses: list[str] = []
    params: dict[str, Any] = {}

    def like(name: str, value: str) -> str:
        params[name] = f"%{value}%"
        return f"${name}"

    if query.type:
        params["type"] = query.type
        clauses.append("upper(c.type) = upper($type)")
    if query.place:
        code = country_code(query.place)
        params["place_code"] = code
        clauses.append(f"(c.place_name ILIKE {like('place', query.place)} OR c.label ILIKE $place "
                       "OR c.country = $place_code)")
    if query.country:
        params["country"] = query.country
        clauses.append("c.country = $country")
    if query.since:
        params["since"] = query.since
        clauses.append("coalesce(c.latest, c.earliest) >= $since")
    if query.until:
        params["until"] = query.until
        clauses.append("coalesce(c.earliest, c.latest) <= $until")
    if query.as_of:
        clauses.append("c.first_reported <= $as_of")
    if query.source_kind:
        params["source_kind"] = query.source_kind
        clauses.append(_exists("e.source_kind = $source_kind"))
    if query.modality:
        params["modality"] = query.modality
        clauses.append(_exists("e.modality = $modality"))
    if query.claimant:
        pattern = like("claimant", query.claimant)
        params["claimant_keys"] = sorted(institution_keys(query.claimant))
        clauses.append(
            f"(c.id IN (SELECT f.cluster_id FROM cluster_figures f WHERE f.source_name ILIKE {pattern} "
            "OR list_contains(CAST($claimant_keys AS VARCHAR[]), f.claimant_key)) OR "
            + _exists(f"(s.name ILIKE {pattern} OR e.source_text ILIKE {pattern} "
                      "OR list_contains(CAST($claimant_keys AS VARCHAR[]), k.claimant_key))",
                      "LEFT JOIN entities s ON s.article_id = e.article_id AND s.id = e.source_entity "
                      "LEFT JOIN claims k ON k.article_id = e.article_id AND k.event_id = e.id") + ")")
    if query.outlet:
        clauses.append("c.id IN (SELECT m.cluster_id FROM cluster_members m JOIN articles a ON a.id = m.article_id "
                       f"WHERE a.source ILIKE {like('outlet', query.outlet)})")
    if query.actor:
        clauses.append(_exists(
            f"n.name ILIKE {like('actor', query.actor)}",
            "JOIN entities n ON n.article_id = e.article_id AND (list_contains(json_extract_string(e.actors, '$[*]'), "
            "n.id) OR list_contains(json_extract_string(e.targets, '$[*]'), n.id))"))
    if query.q:
        pattern = like("q", query.q)
        clauses.append(
            f"(c.label ILIKE {pattern} OR c.place_name ILIKE {pattern} OR "
            + _exists(f"(a.title ILIKE {pattern} OR substr(a.text, e.sentence_start + 1, "
                      f"e.sentence_end - e.sentence_start) ILIKE {pattern})",
                      "JOIN articles a ON a.id = m.article_id") + ")")
    if query.disputed:
        clauses.append("coalesce(d.disputed, false)")
    return Where(("WHERE " + " AND ".join(clauses)) if clauses else "", params)


def _named(store: Store, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = store.con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def base_cte(store: Store, query: ClusterQuery) -> tuple[str, dict[str, Any]]:
    """The WITH clause ending in `base`, the clusters a query keeps with their derived columns, and its parameters."""
    return _cte(store, query, where(query))


def named_rows(store: Store, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of a query with named parameters, as dicts."""
    return _named(store, sql, params)


def page(store: Store, query: ClusterQuery) -> tuple[list[dict[str, Any]], int]:
    """One page of clusters with sources, articles, last report, killed and disputed; and the total that match."""
    cte, params = _cte(store, query, where(query))
    sql = cte + f"SELECT *, count(*) OVER () AS total FROM base ORDER BY {SORT_SQL[query.sort]} LIMIT $limit OFFSET $offset"
    rows = _named(store, sql, {**params, "limit": query.per_page, "offset": query.offset})
    if rows:
        total = int(rows[0]["total"])
    else:
        total = int(_named(store, cte + "SELECT count(*) AS n FROM base", params)[0]["n"])
    for row in rows:
        row.pop("total", None)
    return rows, total


_FACETS: dict[tuple[str, tuple[tuple[str, str], ...], int], dict[str, list[dict[str, Any]]]] = {}


def facets(store: Store, query: ClusterQuery, limit: int = 12) -> dict[str, list[dict[str, Any]]]:
    """Counts of matching clusters per type, country, place, claimant kind and modality, largest first.

    They depend on the filters only (not on sort or page), so they are kept per store version and filters.
    """
    key = (store_version(store), tuple(sorted(query.filters().items())), limit)
    if key not in _FACETS:
        if len(_FACETS) > 256:
            _FACETS.clear()
        _FACETS[key] = _facets(store, query, limit)
    return copy.deepcopy(_FACETS[key])


def _facets(store: Store, query: ClusterQuery, limit: int) -> dict[str, list[dict[str, Any]]]:
    cte, params = _cte(store, query, where(query))
    values = _literal(_cached(store, "members", MEMBER_VALUES))
    sql = cte + " UNION ALL ".join([
        "SELECT 'type' AS facet, type AS value, count(*) AS n FROM base GROUP BY 2",
        "SELECT 'country', country, count(*) FROM base GROUP BY 2",
        "SELECT 'place', place_name, count(*) FROM base WHERE place_name IS DISTINCT FROM country GROUP BY 2",
        f"SELECT v.facet, v.value, count(*) FROM read_parquet({values}) v JOIN base b ON b.id = v.cluster_id GROUP BY 1, 2",
    ])
    grouped: dict[str, list[dict[str, Any]]] = {name: [] for name in FACETS}
    for row in sorted(_named(store, sql, params), key=lambda r: (-r["n"], str(r["value"]))):
        if row["value"] is not None and len(grouped[row["facet"]]) < limit:
            grouped[row["facet"]].append({"value": row["value"], "count": int(row["n"])})
    return grouped


def points(store: Store, query: ClusterQuery, limit: int = MAP_LIMIT) -> list[dict[str, Any]]:
    """Every matching cluster that has coordinates (at most `limit`), for the map."""
    cte, params = _cte(store, query, where(query))
    sql = (cte + "SELECT id, type, mode, label, place_name, country, lat, lon, earliest, latest, killed, sources, "
           "articles, disputed FROM base WHERE lat IS NOT NULL AND lon IS NOT NULL "
           "ORDER BY killed DESC NULLS LAST, id LIMIT $limit")
    return _named(store, sql, {**params, "limit": limit})


def figure_rows(store: Store, cluster_ids: list[str], query: ClusterQuery) -> dict[str, list[dict[str, Any]]]:
    """The figure claims of these clusters (as of the query's date), per cluster."""
    if not cluster_ids:
        return {}
    rows = _named(store, "SELECT * FROM cluster_figures WHERE cluster_id IN (SELECT unnest($ids::VARCHAR[])) "
                         "AND ($as_of IS NULL OR reported <= $as_of) ORDER BY reported, article_id, quantity_id",
                  {"ids": cluster_ids, "as_of": query.as_of})
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["cluster_id"], []).append(row)
    return grouped
