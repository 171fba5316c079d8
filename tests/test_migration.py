"""A layout-1 store (report schema v1) is migrated on open: reports become v2 with claims, nothing is lost."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema

from lagebild.migrate import migrate_report
from lagebild.model import Report
from lagebild.store import Store

from factories import sample_report

SCHEMA = json.loads((files("lagebild") / "schema" / "report-v2.schema.json").read_text(encoding="utf-8"))
SCHEMA_V1 = json.loads((files("lagebild") / "schema" / "report-v1.schema.json").read_text(encoding="utf-8"))


def as_v1(report: Report) -> dict:
    """The report as lagebild wrote it before schema v2."""
    data = report.to_json_dict()
    data["schema"] = "lagebild.report/1"
    for name in ("claims", "generator"):
        data.pop(name)
    for q in data["quantities"]:
        q.pop("scope")
    jsonschema.validate(data, SCHEMA_V1)
    return data


def make_layout_1(path, report: Report) -> None:
    """A store as layout 1 left it: no claims table, no scope or generator columns, v1 reports."""
    with Store(path) as store:
        store.write([report])
        con = store.con
        con.execute("DROP TABLE claims")
        con.execute("ALTER TABLE articles DROP COLUMN generator")
        for col in ("scope_place", "scope_level", "scope_group"):
            con.execute(f"ALTER TABLE quantities DROP COLUMN {col}")
        con.execute("UPDATE articles SET report = ?", [json.dumps(as_v1(report))])
        con.execute("UPDATE meta SET value = '1' WHERE key = 'layout'")


def test_v1_report_migrates_to_a_valid_v2_report():
    data = migrate_report(as_v1(sample_report()))
    jsonschema.validate(data, SCHEMA)
    assert data["schema"] == "lagebild.report/2" and data["generator"] is None
    assert [(c["event"], c["quantity"], c["claimant"]["key"]) for c in data["claims"]] == [
        ("ev1", "q1", "media:state-radio"), ("ev2", "q2", "media:state-radio")]


def test_layout_1_store_is_migrated_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    make_layout_1(path, sample_report())
    with Store(path, read_only=True) as store:  # even a read-only open migrates first
        assert store.query("SELECT value FROM meta WHERE key = 'layout'")[0]["value"] == "2"
        claims = store.query("SELECT event_id, quantity_id, claimant_key FROM claims ORDER BY event_id")
        assert claims == [{"event_id": "ev1", "quantity_id": "q1", "claimant_key": "media:state-radio"},
                          {"event_id": "ev2", "quantity_id": "q2", "claimant_key": "media:state-radio"}]
        stored = json.loads(store.query("SELECT report FROM articles")[0]["report"])
        jsonschema.validate(stored, SCHEMA)
        assert store.counts()["events"] == 2 and store.generators() == {"a1": None}


def test_reextract_refreshes_only_reports_of_another_generator(tmp_path, extractor):
    from lagebild.reextract import outdated, reextract

    path = tmp_path / "re.duckdb"
    make_layout_1(path, sample_report())
    with Store(path) as store:
        assert [a.id for a in outdated(store, extractor)] == ["a1"]
        assert reextract(store, extractor) == ["a1"]
        assert list(outdated(store, extractor)) == []
        generator = json.loads(store.generators()["a1"])
        assert generator == extractor.generator("de")
        assert store.query("SELECT count(*) AS n FROM claims")[0]["n"] >= 2
        assert not store.query("SELECT id FROM events WHERE id LIKE 'ev_'")  # content ids now


def test_cli_ingest_reextract_refreshes_a_migrated_store(tmp_path):
    from test_cli import run

    path = tmp_path / "cli.duckdb"
    make_layout_1(path, sample_report())
    done = run("ingest", "--reextract", "--db", str(path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1 re-extracted" in done.stderr
    nothing = run("ingest", "--db", str(path), cwd=tmp_path)
    assert nothing.returncode == 2 and "Traceback" not in nothing.stderr
