"""Cluster ids persist: a user's pin and a cluster URL survive re-extraction, new articles, merges and splits."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from test_fuse import corpus, ingest, members, report  # noqa: E402

from lagebild import fuse  # noqa: E402
from lagebild.store import Store  # noqa: E402
from lagebild.views.web import create_app  # noqa: E402


def renamed(one, old: str, new: str):
    """The same report as a re-extraction that names its event differently (as a v1 store's `ev1` becomes a
    content id)."""
    data = one.to_json_dict()
    for ev in data["events"]:
        if ev["id"] == old:
            ev["id"] = new
    return type(one).model_validate(data)


def test_pin_and_cluster_id_survive_reextraction_and_new_articles(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, corpus())
        unrest = members(store)[("a1", "ev1")]
        apart = fuse.split(store, unrest, "a4", "ev1")
        # re-extraction gives a4's event another id: its pin and cluster follow it
        ingest(store, [renamed(corpus()[3], "ev1", "ev-0a4")])
        got = members(store)
        assert got[("a4", "ev-0a4")] == apart and ("a4", "ev1") not in got
        assert got[("a1", "ev1")] == unrest
        # a new, earlier-dated report of the same unrest joins the cluster; its id stays
        ingest(store, [report("a0", "2023-03-17", {"place": "Bischkek", "day": "2023-03-17"})])
        got = members(store)
        assert got[("a0", "ev1")] == unrest and got[("a4", "ev-0a4")] == apart
        # a full re-fuse changes nothing
        fuse.fuse(store)
        assert members(store) == got


def test_a_merged_away_cluster_id_redirects_with_301(tmp_path):
    path = tmp_path / "m.duckdb"
    with Store(path) as store:
        ingest(store, corpus())
        got = members(store)
        bishkek, osh = got[("a1", "ev1")], got[("a3", "ev1")]
        assert bishkek != osh
        joined = fuse.merge(store, bishkek, osh)
        assert joined == bishkek and members(store)[("a3", "ev1")] == bishkek
        assert fuse.resolve_cluster_id(store, osh) == bishkek
        # the merge is a pin: it holds after re-fusing and after new articles
        ingest(store, [report("a6", "2023-03-21", {"place": "Osch", "day": "2023-03-20"})])
        assert members(store)[("a3", "ev1")] == bishkek
    client = TestClient(create_app(path))
    api = client.get(f"/api/clusters/{osh}", follow_redirects=False)
    assert api.status_code == 301 and api.headers["location"] == f"/api/clusters/{bishkek}"
    page = client.get(f"/clusters/{osh}?format=json", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/clusters/{bishkek}?format=json"
    assert client.get(f"/api/clusters/{osh}").json()["id"] == bishkek
    assert client.get("/api/clusters/c-never-was", follow_redirects=False).status_code == 404


def test_split_keeps_the_larger_part_under_the_old_id(tmp_path):
    with Store(tmp_path / "p.duckdb") as store:
        ingest(store, corpus())
        unrest = members(store)[("a1", "ev1")]
        size = sum(1 for c in members(store).values() if c == unrest)
        fuse.split(store, unrest, "a5", "ev1")
        after = members(store)
        assert after[("a1", "ev1")] == unrest and after[("a5", "ev1")] != unrest
        assert sum(1 for c in after.values() if c == unrest) == size - 1
        assert fuse.resolve_cluster_id(store, unrest) is None  # still live: no redirect
