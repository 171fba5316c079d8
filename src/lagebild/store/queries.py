"""Read queries over the store. Every value reaches SQL as a parameter; only fixed fragments are joined."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .store import Store

# An event with its article, time, place and source entity; the filters of EventFilter refer to these aliases.
EVENT_FROM = """
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN times t ON t.article_id = e.article_id AND t.id = e.time
LEFT JOIN entities loc ON loc.article_id = e.article_id AND loc.id = e.location
LEFT JOIN entities src ON src.article_id = e.article_id AND src.id = e.source_entity
"""
EVENT_SELECT = """
SELECT e.article_id, e.id, e.type, e.mode, e.modality, e.source_kind, e.source_text, e.trigger_text,
       e.actors, e.targets, e.quantities, e.location, e.time,
       a.source AS article_source, a.title, a.url, a.published_value,
       coalesce(t.earliest, a.published_earliest) AS earliest,
       coalesce(t.latest, a.published_latest) AS latest,
       coalesce(t.granularity, a.published_granularity) AS granularity,
       t.text AS time_text, src.name AS source_name,
       loc.name AS location_name, loc.place_name, loc.country, loc.lat, loc.lon, loc.place_kind,
       substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence""" + EVENT_FROM


@dataclass(frozen=True)
class EventFilter:
    """Filters for event listings; None means no filter."""

    type: str | None = None
    place: str | None = None
    since: date | None = None
    until: date | None = None
    modality: str | None = None
    source_kind: str | None = None
    article_id: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, as strings."""
        return {k: str(v) for k, v in vars(self).items() if v not in (None, "")}

    def where(self) -> tuple[str, list[Any]]:
        """A WHERE clause of fixed fragments and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.type:
            clauses.append("upper(e.type) = upper(?)")
            params.append(self.type)
        if self.place:
            clauses.append("(loc.name ILIKE ? OR loc.place_name ILIKE ? OR loc.country = upper(?))")
            params += [f"%{self.place}%", f"%{self.place}%", self.place]
        if self.since:
            clauses.append("coalesce(t.latest, a.published_latest) >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("coalesce(t.earliest, a.published_earliest) <= ?")
            params.append(self.until)
        if self.modality:
            clauses.append("e.modality = ?")
            params.append(self.modality)
        if self.source_kind:
            clauses.append("e.source_kind = ?")
            params.append(self.source_kind)
        if self.article_id:
            clauses.append("e.article_id = ?")
            params.append(self.article_id)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_events(store: Store, filters: EventFilter = EventFilter(), limit: int = 1000) -> list[dict[str, Any]]:
    """Events with their article, time, place and source, oldest first."""
    where, params = filters.where()
    sql = f"{EVENT_SELECT} {where} ORDER BY earliest NULLS LAST, e.article_id, e.id LIMIT ?"
    return store.query(sql, [*params, limit])


def quantities_of(store: Store, article_id: str, ids: list[str]) -> list[dict[str, Any]]:
    """The quantities with these ids in one article."""
    if not ids:
        return []
    return store.query("SELECT * FROM quantities WHERE article_id = ? AND id IN (SELECT unnest(?)) ORDER BY start",
                       [article_id, ids])


def search_articles(store: Store, text: str | None = None, lang: str | None = None, since: date | None = None,
                    until: date | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Articles whose title or text contains `text`, with how much was found in each."""
    clauses: list[str] = []
    params: list[Any] = []
    if text:
        clauses.append("(a.title ILIKE ? OR a.text ILIKE ?)")
        params += [f"%{text}%", f"%{text}%"]
    if lang:
        clauses.append("a.lang = ?")
        params.append(lang)
    if since:
        clauses.append("a.published_latest >= ?")
        params.append(since)
    if until:
        clauses.append("a.published_earliest <= ?")
        params.append(until)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"""
        SELECT a.id, a.lang, a.published_value AS published, a.source, a.title,
               (SELECT count(*) FROM entities x WHERE x.article_id = a.id) AS entities,
               (SELECT count(*) FROM quantities x WHERE x.article_id = a.id) AS quantities,
               (SELECT count(*) FROM quotes x WHERE x.article_id = a.id) AS quotes,
               (SELECT count(*) FROM events x WHERE x.article_id = a.id) AS events
        FROM articles a {where}
        ORDER BY a.published_earliest NULLS LAST, a.id LIMIT ?"""
    return store.query(sql, [*params, limit])
