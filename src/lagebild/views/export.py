"""Exports of the store: report JSON lines, Parquet, ACLED-style CSV and GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from babel import Locale

from ..store import Store
from ..store.queries import EVENT_SELECT, EventFilter, list_events, quantities_of

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "iso", "country", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities", "tags",
)
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {"city": 1, "capital": 1, "town": 1, "region": 2, "country": 3}
EXPORT_LIMIT = 10_000_000


def acled_event_type(event: dict[str, Any]) -> tuple[str, str]:
    """ACLED event_type and sub_event_type for an event, from the event extractor's mapping."""
    from ..extract.events import acled_type

    return acled_type({"type": event["type"], "mode": event["mode"], "modality": event["modality"]})


def fatalities(claims: list[dict[str, Any]]) -> tuple[int, dict[str, Any] | None]:
    """ACLED's single number: the lowest lower bound among the event's killed claims, and the claim it came from.

    Like ACLED we take the most conservative figure; a claim with no lower bound ("bis zu 10") counts as 0.
    """
    killed = [q for q in claims if q["category"] == "killed"]
    if not killed:
        return 0, None
    chosen = min(killed, key=lambda q: q["low"] if q["low"] is not None else 0)
    return int(chosen["low"] or 0), chosen


def _names(store: Store, article_id: str, ids_json: str) -> list[str]:
    ids = json.loads(ids_json or "[]")
    if not ids:
        return []
    rows = store.query("SELECT id, name FROM entities WHERE article_id = ? AND id IN (SELECT unnest(?))",
                       [article_id, ids])
    by_id = {row["id"]: row["name"] for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def _country_name(iso: str | None) -> str:
    return Locale("en").territories.get(iso, iso) if iso else ""


def acled_row(store: Store, event: dict[str, Any]) -> dict[str, Any]:
    """One ACLED-style CSV row for an event."""
    event_type, sub_event_type = acled_event_type(event)
    claims = quantities_of(store, event["article_id"], json.loads(event["quantities"] or "[]"))
    deaths, chosen = fatalities(claims)
    tags = [f"modality={event['modality']}", f"claimed_by={event['source_kind']}"
            + (f":{event['source_name'] or event['source_text']}" if event["source_name"] or event["source_text"] else "")]
    if chosen:
        tags.append(f"fatalities_from={chosen['id']}:{chosen['text']}")
    actors, targets = _names(store, event["article_id"], event["actors"]), _names(store, event["article_id"],
                                                                                  event["targets"])
    return {
        "event_id_cnty": f"{event['article_id']}:{event['id']}",
        "event_date": event["earliest"].isoformat() if event["earliest"] else "",
        "year": event["earliest"].year if event["earliest"] else "",
        "time_precision": TIME_PRECISION.get(event["granularity"] or "", 3),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": actors[0] if actors else "",
        "actor2": targets[0] if targets else "",
        "iso": event["country"] or "",
        "country": _country_name(event["country"]),
        "location": event["place_name"] or event["location_name"] or "",
        "latitude": event["lat"] if event["lat"] is not None else "",
        "longitude": event["lon"] if event["lon"] is not None else "",
        "geo_precision": GEO_PRECISION.get(event["place_kind"] or "", ""),
        "source": event["article_source"] or "",
        "notes": " ".join((event["sentence"] or "").split()),
        "fatalities": deaths,
        "tags": "; ".join(tags),
    }


def export_acled_csv(store: Store, out: IO[str], filters: EventFilter) -> int:
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    events = list_events(store, filters, limit=EXPORT_LIMIT)
    for event in events:
        writer.writerow(acled_row(store, event))
    return len(events)


def export_geojson(store: Store, out: IO[str], filters: EventFilter) -> int:
    """Events with a resolved place, as GeoJSON points."""
    features = []
    for event in list_events(store, filters, limit=EXPORT_LIMIT):
        if event["lat"] is None or event["lon"] is None:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [event["lon"], event["lat"]]},
            "properties": {
                "article_id": event["article_id"], "event_id": event["id"], "type": event["type"],
                "mode": event["mode"], "modality": event["modality"], "source_kind": event["source_kind"],
                "place": event["place_name"] or event["location_name"], "country": event["country"],
                "earliest": event["earliest"].isoformat() if event["earliest"] else None,
                "latest": event["latest"].isoformat() if event["latest"] else None,
                "sentence": event["sentence"],
            },
        })
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    return len(features)


def export_jsonl(store: Store, out: IO[str], filters: EventFilter) -> int:
    """Full reports, one per line, in publication order (event filters do not apply)."""
    rows = store.con.execute("SELECT report FROM articles ORDER BY published_earliest NULLS LAST, id")
    count = 0
    while batch := rows.fetchmany(1000):
        for (report,) in batch:
            out.write(report if isinstance(report, str) else json.dumps(report, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


def export_parquet(store: Store, path: Path, filters: EventFilter) -> int:
    """The event listing (one row per event, with article, time and place columns) as a Parquet file."""
    where, params = filters.where()
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE export_events AS {EVENT_SELECT} {where}", params)
    literal = str(path).replace("'", "''")
    store.con.execute(f"COPY export_events TO '{literal}' (FORMAT PARQUET)")
    return store.con.execute("SELECT count(*) FROM export_events").fetchone()[0]  # type: ignore[index]


TEXT_EXPORTS: dict[str, Callable[[Store, IO[str], EventFilter], int]] = {
    "jsonl": export_jsonl,
    "acled-csv": export_acled_csv,
    "geojson": export_geojson,
}
