"""Exports: report lines, Parquet, ACLED-style CSV and GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import duckdb

from lagebild.store import Store
from lagebild.store.queries import EventFilter
from lagebild.views.export import (
    ACLED_COLUMNS,
    export_acled_csv,
    export_geojson,
    export_jsonl,
    export_parquet,
    fatalities,
)

from factories import sample_report


def stored(settings):
    store = Store(settings.db_path)
    store.write([sample_report("a1"), sample_report("a2", "2023-03-19")])
    return store


def test_jsonl_gives_back_the_full_reports(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_jsonl(store, out, EventFilter()) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == sample_report("a1").to_json_dict()


def test_acled_csv_columns_and_values(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_acled_csv(store, out, EventFilter(article_id="a1")) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == ACLED_COLUMNS
    killed = next(r for r in rows if r["event_id_cnty"] == "a1:ev1")
    assert killed["event_date"] == "2023-03-17" and killed["time_precision"] == "1"
    assert killed["country"] == "Kyrgyzstan" and killed["iso"] == "KG"
    assert killed["location"] == "Bishkek" and killed["geo_precision"] == "1"
    assert killed["fatalities"] == "14"
    assert "claimed_by=media:Staatsradio" in killed["tags"] and "fatalities_from=q1" in killed["tags"]
    arrests = next(r for r in rows if r["event_id_cnty"] == "a1:ev2")
    assert arrests["fatalities"] == "0"


def test_fatalities_take_the_most_conservative_claim():
    claims = [{"id": "q1", "category": "killed", "low": 14, "text": "14"},
              {"id": "q2", "category": "killed", "low": 9, "text": "mindestens 9"},
              {"id": "q3", "category": "arrested", "low": 701, "text": "mehr als 700"}]
    assert fatalities(claims)[0] == 9 and fatalities(claims)[1]["id"] == "q2"
    assert fatalities([{"id": "q4", "category": "killed", "low": None, "text": "bis zu 10"}])[0] == 0


def test_geojson_points(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_geojson(store, out, EventFilter(type="ASSAULT")) == 2
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [74.59, 42.87]}
    assert data["features"][0]["properties"]["source_kind"] == "media"


def test_parquet_events(settings, tmp_path):
    path = tmp_path / "events.parquet"
    with stored(settings) as store:
        assert export_parquet(store, path, EventFilter()) == 4
    rows = duckdb.sql(f"SELECT type, place_name, earliest FROM '{path}' ORDER BY article_id, id").fetchall()
    assert rows[0][0] == "ASSAULT" and rows[0][1] == "Bishkek"
