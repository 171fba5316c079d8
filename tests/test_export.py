"""Exports: report lines, Parquet, ACLED-style CSV and GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import duckdb

from lagebild.fuse import fuse
from lagebild.store import Store
from lagebild.store.queries import EventFilter
from lagebild.views.export import (
    ACLED_COLUMNS,
    export_acled_csv,
    export_geojson,
    export_jsonl,
    export_parquet,
    neutral,
    numeric_iso,
)

from factories import sample_report


def stored(settings):
    store = Store(settings.db_path)
    store.write([sample_report("a1"), sample_report("a2", "2023-03-19")])
    fuse(store)
    return store


def test_jsonl_gives_back_the_full_reports(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_jsonl(store, out, EventFilter()) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines[0] == sample_report("a1").to_json_dict()


def test_acled_csv_one_row_per_cluster(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_acled_csv(store, out, EventFilter(article_id="a1")) == 2
        clusters = {r["id"]: r for r in store.query("SELECT * FROM clusters")}
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == ACLED_COLUMNS and len(rows) == len(clusters) == 2
    killed = next(r for r in rows if clusters[r["cluster_id"]]["type"] == "ASSAULT")
    assert killed["event_date"] == "2023-03-17" and killed["time_precision"] == "1"
    assert killed["country"] == "Kyrgyzstan" and killed["iso"] == "417"
    assert killed["location"] == "Bishkek" and killed["geo_precision"] == "1"
    assert killed["fatalities"] == "14" and killed["source"] == "Steppenkurier"
    assert "fatalities_from=Staatsradio: 14 Menschen" in killed["tags"] and "articles=2" in killed["tags"]
    arrests = next(r for r in rows if clusters[r["cluster_id"]]["type"] == "COERCE")
    assert arrests["fatalities"] == "0"


def test_csv_cells_never_run_as_formulas():
    assert neutral('=HYPERLINK("http://x")') == "'=HYPERLINK(\"http://x\")"
    assert [neutral(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "plain", -12.5, 3)] == \
        ["'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", -12.5, 3]
    assert numeric_iso("MZ") == 508 and numeric_iso("kg") == 417 and numeric_iso(None) == ""


def test_acled_export_of_a_hostile_outlet_is_neutralised(tmp_path):
    from crisis import crisis_store

    path = crisis_store(tmp_path / "crisis.duckdb")
    out = io.StringIO()
    with Store(path, read_only=True) as store:
        export_acled_csv(store, out, EventFilter())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    attack = next(r for r in rows if r["location"] == "Pemba")
    assert attack["iso"] == "508" and attack["country"] == "Mozambique"
    assert attack["source"].startswith("'=HYPERLINK")
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    # ACLED's conservative rule: each claimant's latest claim within 3 days of the newest; the smallest lower bound
    assert attack["fatalities"] == "19" and "sources_disagree" in attack["tags"]


def test_geojson_points(settings):
    out = io.StringIO()
    with stored(settings) as store:
        assert export_geojson(store, out, EventFilter(type="ASSAULT")) == 2
    data = json.loads(out.getvalue())
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"] == {"type": "Point", "coordinates": [74.59, 42.87]}
    properties = data["features"][0]["properties"]
    assert properties["source_kind"] == "media" and properties["claimant"] == "Staatsradio"
    assert properties["title"] == "Unruhen" and properties["outlet"] == "Steppenkurier"
    assert properties["figures"] == [{"text": "14 Menschen", "category": "killed", "low": 14, "high": 14}]


def test_parquet_events(settings, tmp_path):
    path = tmp_path / "events.parquet"
    with stored(settings) as store:
        assert export_parquet(store, path, EventFilter()) == 4
    rows = duckdb.sql(f"SELECT type, place_name, earliest, claimant, quantities, time_text FROM '{path}' "
                      "ORDER BY article_id, id").fetchall()
    assert rows[0][0] == "ASSAULT" and rows[0][1] == "Bishkek"
    assert rows[0][3] == "Staatsradio" and rows[0][5] == "am Freitag"  # values, not ids
    assert rows[0][4] == [{"text": "14 Menschen", "category": "killed", "value": 14, "low": 14, "high": 14}]


def test_demo_acled_export_has_one_row_per_cluster_and_conservative_fatalities(tmp_path_factory):
    from lagebild.fuse import figures_summary

    from test_api import demo_store

    path = demo_store(tmp_path_factory.getbasetemp())
    out = io.StringIO()
    with Store(path, read_only=True) as store:
        export_acled_csv(store, out, EventFilter())
        ids = [r["id"] for r in store.query("SELECT id FROM clusters")]
        expected = {cid: int((figures_summary(store, cid).get("killed") or {}).get("export_figure") or 0)
                    for cid in ids}
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sorted(r["cluster_id"] for r in rows) == sorted(ids)
    assert sum(int(r["fatalities"]) for r in rows) == sum(expected.values()) > 0
    assert all(int(r["fatalities"]) == expected[r["cluster_id"]] for r in rows)
    assert all(r["event_type"] for r in rows)  # an ACLED type, or the documented "Unmapped"
