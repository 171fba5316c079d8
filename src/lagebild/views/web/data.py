"""Read-only data for the web views: every value reaches SQL as a parameter."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import duckdb

from ...fuse import figures_summary
from ...store import Store
from ...store.queries import EventFilter, list_events
from . import words
from .claimants import cluster_rows, scope_places

_MEMO: dict[tuple[str, str], Any] = {}


def _memo(store: Store, name: str, compute: Callable[[], Any]) -> Any:
    """A value computed once per version of the store file."""
    from .listing import store_version

    key = (store_version(store), name)
    if key not in _MEMO:
        if len(_MEMO) > 64:
            _MEMO.clear()
        _MEMO[key] = compute()
    return _MEMO[key]


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def events(store: Store, filters: EventFilter, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    """Events with article, time, place and source, with their cluster when fused."""
    rows = list_events(store, filters, limit + offset)[offset:]
    clusters = _event_clusters(store, [(r["article_id"], r["id"]) for r in rows])
    for row in rows:
        for key in ("actors", "targets", "quantities"):
            row[key] = _json(row[key])
        row["cluster_id"] = clusters.get((row["article_id"], row["id"]))
    return rows


def _event_clusters(store: Store, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    if not keys:
        return {}
    rows = store.query("SELECT article_id, event_id, cluster_id FROM cluster_members "
                       "WHERE article_id IN (SELECT unnest(?))", [sorted({k[0] for k in keys})])
    return {(r["article_id"], r["event_id"]): r["cluster_id"] for r in rows}


def cluster_redirect(store: Store, cluster_id: str) -> str | None:
    """The id a former cluster id now stands under (its cluster was merged into another); None if none."""
    from ...fuse import resolve_cluster_id

    try:
        return resolve_cluster_id(store, cluster_id)
    except duckdb.CatalogException:
        return None


def cluster(store: Store, cluster_id: str, as_of: date | None = None) -> dict[str, Any] | None:
    """One cluster with its supporting mentions (identical ones collapsed), figures, conflicts and claimant table.

    With `as_of`, only the articles published and the claims reported by that day count.
    """
    found = store.query("SELECT * FROM clusters WHERE id = ?", [cluster_id])
    if not found:
        return None
    result = found[0]
    members = store.query(
        """SELECT m.article_id, m.event_id, m.reasons, m.pinned, e.type, e.mode, e.modality, e.source_kind,
                  e.source_text, e.trigger_text, src.name AS source_name, a.title, a.source AS outlet, a.url,
                  a.published_value AS published, a.published_earliest,
                  substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence
           FROM cluster_members m
           LEFT JOIN events e ON e.article_id = m.article_id AND e.id = m.event_id
           LEFT JOIN articles a ON a.id = m.article_id
           LEFT JOIN entities src ON src.article_id = e.article_id AND src.id = e.source_entity
           WHERE m.cluster_id = ? AND (?::DATE IS NULL OR a.published_earliest <= ?::DATE)
           ORDER BY a.published_earliest NULLS LAST, m.article_id, m.event_id
           LIMIT 5000""", [cluster_id, as_of, as_of])
    for member in members:
        member["reasons"] = _json(member["reasons"])
        member["reasons_text"] = reasons_text(member["reasons"])
        member["claimant"] = member["source_name"] or member["source_text"] or member["outlet"] or member["source_kind"]
    result["name"] = words.cluster_name(result)
    result["place"] = words.place(result)
    result["when"] = words.day_range(result.get("earliest"), result.get("latest"))
    result["as_of"] = as_of
    result["members"] = members
    result["mentions"] = collapse_members(members)
    result["outlets"] = sorted({m["outlet"] for m in members if m["outlet"]})
    result["figures"] = figures(store, cluster_id, as_of)
    result["figures_summary"] = figures_summary(store, result["id"])
    result["summaries"] = {cat: _summary(claims) for cat, claims in result["figures"].items()}
    result["claimants"] = claimant_table(store, result["summaries"])
    return result


def reasons_text(reasons: Any) -> str:
    """Why a mention joined its cluster, in the fuse stage's own words ('merged: same type PROTEST; ...')."""
    if isinstance(reasons, dict):
        joined = str(reasons.get("joined") or "joined")
        rest = [str(v) for k, v in reasons.items()
                if k not in ("joined", "score") and isinstance(v, (str, int, float)) and v != ""]
        return f"{joined}: {'; '.join(rest)}" if rest else joined
    return str(reasons or "first mention")


def collapse_members(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mentions with the same sentence, claimant and modality shown once, with how many there are."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for m in members:
        key = (" ".join((m["sentence"] or m["trigger_text"] or "").split()), m["claimant"], m["modality"])
        if key in groups:
            groups[key]["count"] += 1
            groups[key]["outlets"].add(m["outlet"] or "?")
        else:
            groups[key] = {**m, "count": 1, "outlets": {m["outlet"] or "?"}}
    return [{**g, "outlets": sorted(g["outlets"])} for g in groups.values()]


def _summary(claims: list[dict[str, Any]]) -> dict[str, Any]:
    from ...fuse.figures import summarise

    summary = summarise(claims)
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for c in summary["claims"]:
        key = (c.get("source_name") or c.get("source_kind"), c.get("low"), c.get("high"), c.get("value"),
               c.get("modality"), c.get("text"))
        if key in rows:
            rows[key]["count"] += 1
            rows[key]["last_reported"] = c.get("reported")
        else:
            rows[key] = {**c, "count": 1, "first_reported": c.get("reported"), "last_reported": c.get("reported")}
    summary["collapsed"] = list(rows.values())
    return summary


def claimant_table(store: Store, summaries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Claimant x category -> that claimant's latest figure per scope, one row per claimant key."""
    claims = [c for summary in summaries.values() for c in summary["claims"]]
    return cluster_rows(summaries, scope_places(store, claims))


def figures(store: Store, cluster_id: str, as_of: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The cluster's figure claims per category, in report order."""
    rows = store.query("SELECT * FROM cluster_figures WHERE cluster_id = ? AND (?::DATE IS NULL OR reported <= ?::DATE) "
                       "ORDER BY category, reported NULLS LAST, article_id, quantity_id LIMIT 5000",
                       [cluster_id, as_of, as_of])
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["category"] or "other", []).append(row)
    return grouped


def articles_page(store: Store, text: str | None, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """A page of articles, oldest first, with claim counts; and how many match."""
    params: list[Any] = []
    where = ""
    if text:
        where = "WHERE a.title ILIKE ? OR a.text ILIKE ?"
        params = [f"%{text}%", f"%{text}%"]
    total = store.query(f"SELECT count(*) AS n FROM articles a {where}", params)[0]["n"]
    rows = store.query(
        f"""SELECT a.id, a.lang, a.source, a.url, a.title, a.published_value AS published,
                   a.published_earliest, a.published_latest,
                   (SELECT count(*) FROM entities x WHERE x.article_id = a.id) AS entities,
                   (SELECT count(*) FROM quantities x WHERE x.article_id = a.id) AS quantities,
                   (SELECT count(*) FROM quotes x WHERE x.article_id = a.id) AS quotes,
                   (SELECT count(*) FROM events x WHERE x.article_id = a.id) AS events
            FROM articles a {where} ORDER BY a.published_earliest NULLS LAST, a.id LIMIT ? OFFSET ?""",
        [*params, limit, offset])
    return rows, int(total)


def article(store: Store, article_id: str) -> dict[str, Any] | None:
    """The full stored report of one article, with each event's cluster; None if unknown."""
    rows = store.query("SELECT report FROM articles WHERE id = ?", [article_id])
    if not rows:
        return None
    report = _json(rows[0]["report"])
    clusters_of = _event_clusters(store, [(article_id, e["id"]) for e in report.get("events", [])])
    for event in report.get("events", []):
        event["cluster_id"] = clusters_of.get((article_id, event["id"]))
    return report


def places(store: Store, limit: int) -> list[dict[str, Any]]:
    """Places of the event clusters that have coordinates, with counts."""
    return store.query(
        """SELECT coalesce(place_name, label) AS name, country, lat, lon, count(*) AS clusters,
                  sum(mention_count) AS mentions, list(id ORDER BY earliest) AS cluster_ids
           FROM clusters WHERE lat IS NOT NULL AND lon IS NOT NULL
           GROUP BY ALL ORDER BY clusters DESC, name LIMIT ?""", [limit])


def options(store: Store) -> dict[str, list[str]]:
    """Distinct values for the filter menus."""
    def distinct(column: str) -> list[str]:
        rows = store.query(f"SELECT DISTINCT {column} AS v FROM events WHERE {column} IS NOT NULL ORDER BY 1 LIMIT 200")
        return [r["v"] for r in rows]
    return dict(_memo(store, "options", lambda: {"type": distinct("type"), "source_kind": distinct("source_kind"),
                                                  "modality": distinct("modality")}))


def cluster_names(store: Store, ids: list[str]) -> dict[str, str]:
    """Clusters named by type, place and date, by id."""
    if not ids:
        return {}
    rows = store.query("SELECT * FROM clusters WHERE id IN (SELECT unnest(?::VARCHAR[]))", [sorted(set(ids))])
    return {r["id"]: words.cluster_name(r) for r in rows}
