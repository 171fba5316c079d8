"""The store after interrupted or repeated ingests: fuse repaired, rejects once, metadata changes stored."""

from __future__ import annotations

import json

import duckdb
import pytest
from ingest_harness import ARTICLES, dump, orphans, shared_pipelines, unclustered, write_input

from lagebild.store import Store
from lagebild.views.cli import RejectLog, ingest_paths


@pytest.fixture(autouse=True)
def _pipelines(monkeypatch):
    shared_pipelines(monkeypatch)


def ingest(path, settings, **kw):
    return ingest_paths([str(path)], settings, RejectLog(None), **kw)


def count(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


class Crash(BaseException):
    """Stands for the process dying at this point."""


def test_a_crash_before_fuse_is_repaired_by_the_next_ingest(tmp_path, settings, monkeypatch):
    source = write_input(tmp_path / "in.jsonl")
    reference = tmp_path / "ref.duckdb"
    ingest(source, settings.__class__(db_path=reference, data_dir=settings.data_dir))

    def die(*args, **kwargs):
        raise Crash

    monkeypatch.setattr("lagebild.fuse.fuse", die)
    with pytest.raises(Crash):
        ingest(source, settings)
    monkeypatch.undo()
    shared_pipelines(monkeypatch)
    assert count(settings.db_path, "SELECT count(*) FROM events") > 0
    assert unclustered(settings.db_path) > 0  # the state the issue describes
    counts = ingest(source, settings)
    assert counts == {"stored": 0, "unchanged": len(ARTICLES), "rejected": 2}
    assert unclustered(settings.db_path) == 0
    assert dump(settings.db_path) == dump(reference)


def test_a_crash_inside_the_fuse_transaction_is_repaired(tmp_path, settings, monkeypatch):
    source = write_input(tmp_path / "in.jsonl")
    calls = {"n": 0}
    from lagebild.fuse import store as fuse_store

    real_insert = fuse_store._insert

    def insert_then_die(con, table, rows):
        real_insert(con, table, rows)
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash

    monkeypatch.setattr(fuse_store, "_insert", insert_then_die)
    with pytest.raises(Crash):
        ingest(source, settings)
    assert count(settings.db_path, "SELECT count(*) FROM clusters") == 0  # rolled back
    assert all(n == 0 for n in orphans(settings.db_path).values())
    monkeypatch.setattr(fuse_store, "_insert", real_insert)
    ingest(source, settings)
    assert unclustered(settings.db_path) == 0
    assert count(settings.db_path, "SELECT count(*) FROM fuse_pending") == 0


def test_a_store_with_unclustered_events_from_before_is_repaired(tmp_path, settings):
    source = write_input(tmp_path / "in.jsonl", rejects=0)
    ingest(source, settings)
    con = duckdb.connect(str(settings.db_path))
    for table in ("clusters", "cluster_members", "cluster_figures", "cluster_digests"):
        con.execute(f"DELETE FROM {table}")
    con.close()
    assert unclustered(settings.db_path) > 0
    assert ingest(source, settings)["stored"] == 0
    assert unclustered(settings.db_path) == 0


def test_re_ingesting_the_same_input_does_not_grow_the_rejects_table(tmp_path, settings):
    source = write_input(tmp_path / "in.jsonl", rejects=3)
    for _ in range(3):
        assert ingest(source, settings)["rejected"] == 3
    assert count(settings.db_path, "SELECT count(*) FROM rejects") == 3


def test_a_title_only_change_is_stored_not_skipped(tmp_path, settings):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "t1", "title": "Alt", "text": ARTICLES[0][2]}) + "\n", encoding="utf-8")
    ingest(source, settings)
    source.write_text(json.dumps({"id": "t1", "title": "Neu", "text": ARTICLES[0][2]}) + "\n", encoding="utf-8")
    assert ingest(source, settings) == {"stored": 1, "unchanged": 0, "rejected": 0}
    with Store(settings.db_path, read_only=True) as store:
        assert store.query("SELECT title FROM articles") == [{"title": "Neu"}]
    assert ingest(source, settings)["unchanged"] == 1


def test_duplicate_ids_in_one_input_are_rejects_and_identical_repeats_unchanged(tmp_path, settings):
    text = ARTICLES[0][2]
    source = tmp_path / "dup.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in (
        {"id": "d", "text": text}, {"id": "d", "text": text}, {"id": "d", "text": text + " Später mehr."})) + "\n",
        encoding="utf-8")
    assert ingest(source, settings) == {"stored": 1, "unchanged": 1, "rejected": 1}
    with Store(settings.db_path, read_only=True) as store:
        [row] = store.query("SELECT code, reason FROM rejects")
    assert row["code"] == "R015" and "'d' was read earlier" in row["reason"]


def test_an_article_whose_extraction_fails_is_a_reject_and_its_batch_is_kept(tmp_path, settings, monkeypatch):
    from lagebild import pipeline

    real = pipeline.build_report

    def fragile(doc):
        if "Bischkek" in doc.text:
            raise OverflowError("date value out of range")
        return real(doc)

    monkeypatch.setattr(pipeline, "build_report", fragile)
    source = write_input(tmp_path / "in.jsonl", rejects=0)
    counts = ingest(source, settings)
    failing = sum("Bischkek" in text for _, _, text in ARTICLES)
    assert counts == {"stored": len(ARTICLES) - failing, "unchanged": 0, "rejected": failing}
    with Store(settings.db_path, read_only=True) as store:
        rows = store.query("SELECT origin, code, reason FROM rejects ORDER BY origin")
    assert [r["origin"] for r in rows] == ["id k2", "id k3"] and {r["code"] for r in rows} == {"R017"}
    assert "OverflowError: date value out of range" in rows[0]["reason"]


def test_a_store_killed_before_its_first_write_is_called_empty_and_ingest_fills_it(tmp_path, settings):
    from lagebild.errors import StoreError

    duckdb.connect(str(settings.db_path)).close()  # the file exists, the schema was never committed
    with pytest.raises(StoreError, match="is empty"):
        Store(settings.db_path, read_only=True)
    assert ingest(write_input(tmp_path / "in.jsonl", rejects=0), settings)["stored"] == len(ARTICLES)
