"""Read-only data for the web views: every value reaches SQL as a parameter."""

from __future__ import annotations

import json
from typing import Any

import duckdb

from ...fuse import figures_summary
from ...store import Store
from ...store.queries import EventFilter, list_events


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def events(store: Store, filters: EventFilter, limit: int) -> list[dict[str, Any]]:
    """Events with article, time, place and source, with their cluster."""
    rows = list_events(store, filters, limit)
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


def clusters(store: Store, filters: EventFilter, limit: int) -> list[dict[str, Any]]:
    """Clusters matching the filters, earliest first."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.type:
        clauses.append("upper(c.type) = upper(?)")
        params.append(filters.type)
    if filters.place:
        clauses.append("(c.place_name ILIKE ? OR c.country = upper(?) OR c.label ILIKE ?)")
        params += [f"%{filters.place}%", filters.place, f"%{filters.place}%"]
    if filters.since:
        clauses.append("coalesce(c.latest, c.earliest) >= ?")
        params.append(filters.since)
    if filters.until:
        clauses.append("coalesce(c.earliest, c.latest) <= ?")
        params.append(filters.until)
    for column, value in (("source_kind", filters.source_kind), ("modality", filters.modality)):
        if value:
            clauses.append(f"EXISTS (SELECT 1 FROM cluster_members m JOIN events e ON e.article_id = m.article_id "
                           f"AND e.id = m.event_id WHERE m.cluster_id = c.id AND e.{column} = ?)")
            params.append(value)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return store.query(f"SELECT c.* FROM clusters c {where} ORDER BY c.earliest NULLS LAST, c.id LIMIT ?",
                       [*params, limit])


def cluster_redirect(store: Store, cluster_id: str) -> str | None:
    """The id a former cluster id now stands under (its cluster was merged into another); None if none."""
    from ...fuse import resolve_cluster_id

    try:
        return resolve_cluster_id(store, cluster_id)
    except duckdb.CatalogException:
        return None


def cluster(store: Store, cluster_id: str) -> dict[str, Any] | None:
    """One cluster with its supporting events and its figures; None if unknown."""
    found = store.query("SELECT * FROM clusters WHERE CAST(id AS VARCHAR) = ?", [cluster_id])
    if not found:
        return None
    result = found[0]
    members = store.query(
        """SELECT m.article_id, m.event_id, m.reasons, m.pinned, e.type, e.mode, e.modality, e.source_kind,
                  e.source_text, e.trigger_text, src.name AS source_name, a.title, a.source AS outlet,
                  a.published_value AS published,
                  substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence
           FROM cluster_members m
           LEFT JOIN events e ON e.article_id = m.article_id AND e.id = m.event_id
           LEFT JOIN articles a ON a.id = m.article_id
           LEFT JOIN entities src ON src.article_id = e.article_id AND src.id = e.source_entity
           WHERE CAST(m.cluster_id AS VARCHAR) = ? ORDER BY a.published_earliest NULLS LAST, m.article_id, m.event_id
           LIMIT 2000""", [cluster_id])
    for member in members:
        member["reasons"] = _json(member["reasons"])
        member["claimant"] = member["source_name"] or member["source_text"] or member["outlet"] or member["source_kind"]
    result["members"] = members
    result["figures"] = figures(store, cluster_id)
    result["figures_summary"] = figures_summary(store, result["id"])
    return result


def figures(store: Store, cluster_id: str) -> dict[str, list[dict[str, Any]]]:
    """The cluster's figure claims per category, in report order."""
    rows = store.query("SELECT * FROM cluster_figures WHERE CAST(cluster_id AS VARCHAR) = ? "
                       "ORDER BY category, reported NULLS LAST, source_name LIMIT 2000", [cluster_id])
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["category"] or "other", []).append(row)
    return grouped


def articles(store: Store, text: str | None, limit: int) -> list[dict[str, Any]]:
    """Articles, oldest first, with claim counts."""
    params: list[Any] = []
    where = ""
    if text:
        where = "WHERE a.title ILIKE ? OR a.text ILIKE ?"
        params = [f"%{text}%", f"%{text}%"]
    return store.query(
        f"""SELECT a.id, a.lang, a.source, a.url, a.title, a.published_value AS published,
                   (SELECT count(*) FROM entities x WHERE x.article_id = a.id) AS entities,
                   (SELECT count(*) FROM quantities x WHERE x.article_id = a.id) AS quantities,
                   (SELECT count(*) FROM quotes x WHERE x.article_id = a.id) AS quotes,
                   (SELECT count(*) FROM events x WHERE x.article_id = a.id) AS events
            FROM articles a {where} ORDER BY a.published_earliest NULLS LAST, a.id LIMIT ?""", [*params, limit])


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
    return {"type": distinct("type"), "source_kind": distinct("source_kind"), "modality": distinct("modality")}
