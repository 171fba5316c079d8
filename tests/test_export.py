"""Exports: report lines, Parquet, ACLED-style CSV and GeoJSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

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


# ---- the claims export: one row per claim ----

def test_demo_claims_export_has_one_row_per_claim_with_its_cluster_figure_and_evidence(tmp_path_factory, tmp_path):
    from lagebild.views.claim_export import CLAIM_COLUMNS, ClaimScope, write_claims_csv, write_claims_parquet

    from test_api import demo_store

    path = demo_store(tmp_path_factory.getbasetemp())
    out = io.StringIO()
    with Store(path, read_only=True) as store:
        assert write_claims_csv(store, ClaimScope(), out) == store.query("SELECT count(*) AS n FROM claims")[0]["n"]
        stored_claims = {(r["article_id"], r["id"]): r for r in store.query("SELECT * FROM claims")}
        members = {(r["article_id"], r["event_id"]): r["cluster_id"] for r in store.query("SELECT * FROM cluster_members")}
        figures = {(r["article_id"], r["quantity_id"]): r for r in store.query("SELECT * FROM cluster_figures")}
        texts = {r["id"]: r for r in store.query("SELECT id, text, source, published_earliest FROM articles")}
        parquet = tmp_path / "claims.parquet"
        assert write_claims_parquet(store, ClaimScope(), parquet) == len(stored_claims)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CLAIM_COLUMNS
    assert {(r["article_id"], r["claim_id"]) for r in rows} == set(stored_claims)
    with_figure = [r for r in rows if r["figure_text"]]
    assert len(with_figure) == sum(1 for c in stored_claims.values() if c["quantity_id"]) > 0
    for row in rows:
        claim = stored_claims[(row["article_id"], row["claim_id"])]
        article = texts[row["article_id"]]
        assert row["cluster_id"] == members[(row["article_id"], row["event_id"])]
        assert row["claimant_key"] == claim["claimant_key"] and row["modality"] == claim["modality"]
        assert row["evidence"] == article["text"][claim["evidence_start"]:claim["evidence_end"]]
        assert row["outlet"] == article["source"] and row["report_date"] == article["published_earliest"].isoformat()
    for row in with_figure:  # the figure and its bounds agree with what the fuse stage holds for the cluster
        figure = figures.get((row["article_id"], stored_claims[(row["article_id"], row["claim_id"])]["quantity_id"]))
        if figure is not None:
            assert row["category"] == figure["category"] and row["figure_text"] == figure["text"]
            assert row["low"] == ("" if figure["low"] is None else str(int(figure["low"])))
            assert row["high"] == ("" if figure["high"] is None else str(int(figure["high"])))
    killed = [r for r in with_figure if r["category"] == "killed" and r["claimant_key"] == "media:state-radio"]
    assert {r["low"] for r in killed} == {"14"} and {r["high"] for r in killed} == {""}  # "mindestens 14": [14, ∞)
    typed = duckdb.sql(f"SELECT low, high, report_date, cluster_id FROM '{parquet}' WHERE claimant_key = "
                       "'media:state-radio' AND category = 'killed'").fetchall()
    assert typed and all(r[0] == 14.0 and r[1] is None and r[3] for r in typed)
    assert str(duckdb.sql(f"SELECT typeof(report_date) FROM '{parquet}' LIMIT 1").fetchall()[0][0]) == "DATE"


def test_claims_export_of_events_without_claim_rows_is_neutralised(tmp_path):
    from lagebild.views.claim_export import ClaimScope, write_claims_csv

    from crisis import crisis_store

    path = crisis_store(tmp_path / "crisis.duckdb")
    out = io.StringIO()
    with Store(path, read_only=True) as store:
        assert write_claims_csv(store, ClaimScope(), out) == 5  # hand-built reports: one row per figure, no claim rows
        attack = store.query("SELECT id FROM clusters WHERE type = 'ASSAULT'")[0]["id"]
        early = io.StringIO()
        assert write_claims_csv(store, ClaimScope(cluster_ids=(attack,), as_of=date(2024, 5, 7)), early) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    red_cross = [r for r in rows if r["claimant"] == "Rotes Kreuz"]
    assert [(r["low"], r["high"], r["report_date"]) for r in red_cross] == [("27", "", "2024-05-07"),
                                                                            ("30", "", "2024-05-09")]
    assert all(r["cluster_id"] == attack and r["claimant_kind"] == "official" for r in red_cross)
    assert any(r["outlet"].startswith("'=HYPERLINK") for r in rows)
    assert all(not v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    assert {r["claimant"] for r in csv.DictReader(io.StringIO(early.getvalue()))} == {
        "Bezirksverwalter", "Rotes Kreuz", "Regierung"}


def test_cli_exports_claims(tmp_path):
    from typer.testing import CliRunner

    from lagebild.views.cli import app

    from crisis import crisis_store

    path = crisis_store(tmp_path / "crisis.duckdb")
    runner = CliRunner()
    result = runner.invoke(app, ["export", "--db", str(path), "--format", "claims-csv", "--type", "PROTEST"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["claimant"], r["category"], r["low"]) for r in rows] == [("Polizei", "injured", "2")]
    out = tmp_path / "claims.parquet"
    result = runner.invoke(app, ["export", "--db", str(path), "--format", "claims-parquet", "-o", str(out)])
    assert result.exit_code == 0 and duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0] == 5
    missing = runner.invoke(app, ["export", "--db", str(path), "--format", "claims-parquet"])
    assert missing.exit_code == 2 and "--out" in missing.output


def test_acled_admin1_is_the_region_name_where_the_shipped_data_knows_it(tmp_path):
    from lagebild.views.admin1 import admin1

    from crisis import report

    munich = {"name": "Munich", "country": "DE", "lat": 48.14, "lon": 11.58, "geonames_id": 2867714, "kind": "city"}
    houston = {"name": "Houston", "country": "US", "lat": 29.76, "lon": -95.36, "geonames_id": 4699066, "kind": "city"}
    berlin = {"name": "Berlin", "country": "DE", "lat": 52.52, "lon": 13.40, "geonames_id": 2950159, "kind": "capital"}
    donetsk = {"name": "Donetsk Oblast", "country": "UA", "lat": 48.0, "lon": 37.8, "geonames_id": None, "kind": "region"}
    with Store(tmp_path / "regions.duckdb") as store:
        claimants = ("Polizei", "Feuerwehr", "Bürgermeisterin", "Gouverneur")  # different words: no wire copies
        actors = ("Bewaffnete", "Unbekannte", "Angreifer", "Milizen")
        store.write([report(f"r{i}", "2024-05-06", "Wire", claimants[i], 2, 2, place=place, actor=actors[i])
                     for i, place in enumerate((munich, houston, berlin, donetsk))])
        fuse(store)
        out = io.StringIO()
        export_acled_csv(store, out, EventFilter())
    regions = {r["location"]: r["admin1"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    # Berlin's region (DE.16) has no name in the shipped data: empty rather than guessed. The fuse stage places
    # a mention in a region by its country (location: the country's name), and the region becomes admin1.
    assert regions == {"Munich": "Bavaria", "Houston": "Texas", "Berlin": "", "Ukraine": "Donetsk Oblast"}
    assert admin1("Germany", "DE", 2921044, "country") == "" and admin1("Donbas", "UA", None, "region") == ""
