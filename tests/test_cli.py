"""The command line as a user meets it: exit codes, rejects, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

CLI = [str(Path(sys.executable).with_name("lagebild"))]


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*CLI, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=600, env=env)


def test_help_lists_the_commands(tmp_path):
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("extract", "ingest", "query", "events", "export", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize("records", [500, pytest.param(10_000, marks=pytest.mark.slow)])
def test_many_records_with_one_broken_line(tmp_path, records):
    source = tmp_path / "big.jsonl"
    lines = [json.dumps({"id": f"n{i}", "lang": "de", "text": f"Meldung {i}: In Osch blieb es ruhig."})
             for i in range(records)]
    broken = records * 4321 // 10_000
    lines[broken] = "{not json"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("extract", str(source), "--format", "jsonl", "--rejects", "rejects.jsonl", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert len(result.stdout.splitlines()) == records - 1
    [reject] = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert reject["origin"].endswith(f"big.jsonl:{broken + 1}") and reject["code"] == "R003"
    assert "Traceback" not in result.stderr


def test_json_format_is_one_object_for_one_article_and_an_array_for_several(tmp_path):
    one = run("extract", "-", cwd=tmp_path, stdin="date 2023-03-18 Die Lage in Bischkek blieb angespannt.")
    assert one.returncode == 0
    assert json.loads(one.stdout)["article"]["published"]["value"] == "2023-03-18"
    several = run("extract", "-", cwd=tmp_path, stdin='{"text": "Erste Meldung."}\n{"text": "Zweite Meldung."}\n')
    assert [r["article"]["text"] for r in json.loads(several.stdout)] == ["Erste Meldung.", "Zweite Meldung."]


def test_ingest_is_idempotent_and_lists_rejects(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Die Polizei nahm in Osch 45 Menschen fest."}\n{"id": "b", "text": ""}\n',
                      encoding="utf-8")
    first = run("ingest", str(source), "--db", "s.duckdb", cwd=tmp_path)
    second = run("ingest", str(source), "--db", "s.duckdb", cwd=tmp_path)
    assert first.returncode == second.returncode == 1
    assert "1 stored, 0 unchanged, 1 rejected" in first.stderr
    assert "0 stored, 1 unchanged, 1 rejected" in second.stderr
    assert "in.jsonl:2: empty text" in first.stderr
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (1,)


def test_readable_errors_instead_of_tracebacks(tmp_path):
    missing_store = run("events", "--db", "nowhere.duckdb", cwd=tmp_path)
    assert missing_store.returncode == 2 and "no store at nowhere.duckdb" in missing_store.stderr
    bad_date = run("events", "--db", "nowhere.duckdb", "--since", "gestern", cwd=tmp_path)
    assert bad_date.returncode == 2 and "--since" in bad_date.stderr
    parquet_to_stdout = run("export", "--format", "parquet", cwd=tmp_path)
    assert parquet_to_stdout.returncode == 2
    for result in (missing_store, bad_date, parquet_to_stdout):
        assert "Traceback" not in result.stderr


def test_demo_stores_the_examples_and_summarises(tmp_path):
    result = run("demo", "--db", "demo.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "example articles stored" in result.stderr
    assert "Staatsradio: 14 Tote" in result.stdout
    con = duckdb.connect(str(tmp_path / "demo.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (9,)
    assert con.execute("SELECT count(DISTINCT lang) FROM articles").fetchone() == (2,)


def test_export_commands_write_files(tmp_path):
    run("demo", "--db", "demo.duckdb", cwd=tmp_path)
    for fmt, name in (("jsonl", "r.jsonl"), ("acled-csv", "e.csv"), ("geojson", "e.geojson"), ("parquet", "e.pq")):
        result = run("export", "--format", fmt, "--out", name, "--db", "demo.duckdb", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).stat().st_size > 0
    assert len((tmp_path / "r.jsonl").read_text().splitlines()) == 9


def test_malformed_gold_data_is_a_clear_error(tmp_path):
    speeches = tmp_path / "data" / "gepade_spkatt_de" / "spkatt2023_dev_task1"
    speeches.mkdir(parents=True)
    (speeches / "speech.json").write_text('{"Sentences": [', encoding="utf-8")
    env_run = subprocess.run([*CLI, "eval", "gepade", "--out", str(tmp_path / "eval.md")], cwd=tmp_path,
                             capture_output=True, text=True, timeout=600,
                             env={**os.environ, "LAGEBILD_DATA": str(tmp_path / "data")})
    assert env_run.returncode == 2 and "[E004] evaluation gepade" in env_run.stderr
    assert "Traceback" not in env_run.stderr and not (tmp_path / "eval.md").exists()


def test_eval_split_is_checked_before_any_work(tmp_path):
    result = run("eval", "quotes", "--split", "validation", "--out", "eval.md", cwd=tmp_path)
    assert result.returncode == 2 and "unknown split validation" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "eval.md").exists()
