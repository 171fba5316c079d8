"""Spark in local mode gives the reports `extract` gives; `ingest` loads its Parquet tables into a store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import duckdb
import pytest

from lagebild.config import Settings
from lagebild.ingest import RecordBuilder, Reject, read_inputs
from lagebild.ingest.readers import split_text_header
from lagebild.pipeline import Extractor
from lagebild.spark import NO_CLAIMS_NOTE, input_kind, month_of

CLI = [str(Path(sys.executable).with_name("lagebild"))]
EXAMPLES = files("lagebild") / "examples"
needs_java = pytest.mark.skipif(shutil.which("java") is None,
                                reason="Java is missing: Spark needs Java 17 on PATH (Debian: openjdk-17-jre-headless)")


def articles_file(path: Path) -> Path:
    """The bundled wire records, the German text examples as records, and one broken line."""
    lines = (EXAMPLES / "07-mixed-wire.jsonl").read_text(encoding="utf-8").splitlines()
    for name in ("01-de-proteste-bischkek.txt", "02-de-staatsradio-tote.txt", "05-de-gesundheitsministerium-bilanz.txt"):
        fields, body = split_text_header((EXAMPLES / name).read_text(encoding="utf-8"))
        lines.append(json.dumps({**fields, "text": body}, ensure_ascii=False))
    lines.insert(2, '{"text": "broken')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def parquet_rows(folder: Path, table: str) -> list[dict]:
    con = duckdb.connect()
    cursor = con.execute("SELECT * FROM read_parquet(?, hive_partitioning = true)", [str(folder / table / "**" / "*.parquet")])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_input_kind_and_month():
    assert [input_kind(p, None) for p in ("a.jsonl", "hdfs://x/b.parquet", "s3a://c/d.warc.gz")] == \
           ["jsonl", "parquet", "warc"]
    assert month_of({"article": {"published": {"earliest": "2023-03-18"}}}) == "2023-03"
    assert month_of({"article": {"published": None}}) == "unknown"


@needs_java
def test_spark_local_mode_matches_extract_and_ingest_loads_it(tmp_path):
    source = articles_file(tmp_path / "articles.jsonl")
    out = tmp_path / "spark-out"
    done = subprocess.run([*CLI, "spark", "extract", str(source), str(out), "--master", "local[1]",
                           "--partitions", "2"], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stderr[-3000:]  # 1: there is a reject
    assert NO_CLAIMS_NOTE not in " ".join(done.stderr.split())  # schema v2 reports carry claims: a claims table
    assert any(p.suffix == ".parquet" for p in (out / "claims").rglob("*"))

    settings = Settings.from_env(db_path=tmp_path / "direct.duckdb")
    expected, expected_rejects = {}, []
    for item in Extractor(settings).reports(read_inputs([str(source)], RecordBuilder(settings))):
        if isinstance(item, Reject):
            expected_rejects.append((item.origin, item.code.value))
        else:
            expected[item.article.id] = json.loads(json.dumps(item.to_json_dict(), ensure_ascii=False))
    reports = parquet_rows(out, "reports")
    assert {r["article_id"]: json.loads(r["report"]) for r in reports} == expected
    assert {r["month"] for r in reports} == {month_of(r) for r in expected.values()} and "2023-03" in {
        r["month"] for r in reports}
    assert (out / "reports" / "month=2023-03").is_dir()
    assert [(r["origin"], r["code"]) for r in parquet_rows(out, "rejects")] == expected_rejects == [
        (f"{source}:3", "R003")]
    events = parquet_rows(out, "events")
    assert len(events) == sum(len(r["events"]) for r in expected.values()) > 0
    claims = parquet_rows(out, "claims")
    assert len(claims) == sum(len(r["claims"]) for r in expected.values()) > 0
    manifest = json.loads(next((out / "_lagebild").glob("part-*")).read_text())
    assert manifest["tables"] == ["reports", "events", "claims", "rejects"] and manifest["note"] is None

    loaded = subprocess.run([*CLI, "ingest", str(out), "--db", str(tmp_path / "spark.duckdb")], capture_output=True,
                            text=True, timeout=600, check=False)
    assert loaded.returncode == 1, loaded.stderr  # 1: the reject is listed in the store too
    assert f"{len(expected)} stored, 0 unchanged, 1 rejected" in loaded.stderr
    con = duckdb.connect(str(tmp_path / "spark.duckdb"), read_only=True)
    try:
        stored = {aid: json.loads(report) for aid, report in con.execute("SELECT id, report FROM articles").fetchall()}
        assert stored == expected
        assert con.execute("SELECT origin, code FROM rejects").fetchall() == expected_rejects
        fused = con.execute("SELECT count(*) FROM cluster_members").fetchone()[0]  # fuse ran in the store
        assert fused == len(events)
    finally:
        con.close()
