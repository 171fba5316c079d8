"""The DuckDB store: idempotent, transactional, parameterised."""

from __future__ import annotations

import duckdb
import pytest

from lagebild.errors import StoreError
from lagebild.store import Store
from lagebild.store.queries import EventFilter, list_events, search_articles

from factories import sample_report


def test_reports_are_flattened_into_tables(settings):
    with Store(settings.db_path) as store:
        store.write([sample_report()])
        counts = store.counts()
    assert counts == {"articles": 1, "entities": 2, "times": 1, "quantities": 2, "quotes": 0, "events": 2,
                      "claims": 2, "rejects": 0}


def test_writing_the_same_article_twice_stores_it_once(settings):
    with Store(settings.db_path) as store:
        store.write([sample_report()])
        store.write([sample_report()])
        store.write([sample_report(text=sample_report().article.text + " Weitere Angaben fehlten.")])
        assert store.counts()["articles"] == 1
        assert store.counts()["events"] == 2
        [row] = store.query("SELECT text FROM articles")
    assert row["text"].endswith("fehlten.")


def test_a_failed_batch_leaves_the_store_as_it_was(settings):
    good, bad = sample_report("a1"), sample_report("a2")
    bad.events[0].trigger.start = 2**40  # does not fit the INTEGER column: the insert fails mid-batch
    with Store(settings.db_path) as store:
        store.write([good])
        with pytest.raises(duckdb.Error):
            store.write([sample_report("a3"), bad])
        assert store.counts()["articles"] == 1
        assert store.counts()["events"] == 2


def test_events_filters(settings):
    with Store(settings.db_path) as store:
        store.write([sample_report("a1", "2023-03-18"), sample_report("a2", "2023-04-02")])
        assert len(list_events(store)) == 4
        assert [e["mode"] for e in list_events(store, EventFilter(type="coerce"))] == ["arrest", "arrest"]
        assert len(list_events(store, EventFilter(place="Bisch"))) == 4
        assert len(list_events(store, EventFilter(place="KG"))) == 4
        assert list_events(store, EventFilter(place="Osch")) == []
        # the event time (Friday 17 March) wins over the publication date for both articles
        assert len(list_events(store, EventFilter(since=__import__("datetime").date(2023, 3, 18)))) == 0
        assert len(list_events(store, EventFilter(source_kind="media", modality="reported"))) == 4


def test_filter_values_are_parameters_not_sql(settings):
    with Store(settings.db_path) as store:
        store.write([sample_report()])
        assert list_events(store, EventFilter(place="'; DROP TABLE events; --")) == []
        assert store.counts()["events"] == 2
        assert search_articles(store, text="Staatsradio")[0]["events"] == 2


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="lagebild ingest"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_a_foreign_duckdb_file_is_refused(tmp_path):
    import duckdb

    path = tmp_path / "other.duckdb"
    duckdb.connect(str(path)).execute("CREATE TABLE x (a INTEGER)").close()
    with pytest.raises(StoreError, match="not a lagebild store"):
        Store(path, read_only=True)
