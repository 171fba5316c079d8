"""The read-only web API over a demo store: JSON for every page, bounded input, 404s as JSON."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from lagebild.config import Settings  # noqa: E402
from lagebild.store import Store  # noqa: E402
from lagebild.views.web import create_app  # noqa: E402


def demo_store(base: Path) -> Path:
    """The bundled examples ingested once per test session (shared with the browser tests)."""
    from lagebild.views.cli import RejectLog, ingest_paths

    path = base / "web-demo.duckdb"
    if not path.exists():
        ingest_paths([str(files("lagebild") / "examples")], Settings.from_env(db_path=path), RejectLog(None))
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(demo_store(tmp_path_factory.getbasetemp())))


def test_events_filtered_and_bounded(client: TestClient) -> None:
    everything = client.get("/api/events").json()
    assert everything["count"] > 0
    kind = everything["events"][0]["type"]
    typed = client.get("/api/events", params={"type": kind}).json()
    assert typed["count"] >= 1 and {e["type"] for e in typed["events"]} == {kind}
    assert client.get("/api/events", params={"limit": 2}).json()["count"] <= 2
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422
    assert client.get("/api/events", params={"since": "not-a-date"}).status_code == 422
    late = client.get("/api/events", params={"since": "2099-01-01"}).json()
    assert late["count"] == 0


def test_articles_and_full_report(client: TestClient) -> None:
    listing = client.get("/api/articles").json()
    assert listing["count"] >= 5
    first = listing["articles"][0]["id"]
    report = client.get(f"/api/articles/{first}").json()
    assert report["article"]["id"] == first and "events" in report and "quantities" in report
    assert client.get(f"/articles/{first}", params={"format": "json"}).json()["article"]["id"] == first


def test_clusters_and_figures(client: TestClient) -> None:
    listing = client.get("/api/clusters").json()
    assert listing["count"] > 0
    detail = client.get(f"/api/clusters/{listing['clusters'][0]['id']}").json()
    assert detail["members"] and all("sentence" in m and "claimant" in m for m in detail["members"])
    with_figures = [c for c in listing["clusters"] if client.get(f"/api/clusters/{c['id']}").json()["figures"]]
    assert with_figures, "the demo reports figures (killed, injured, arrested, ...)"


def test_unknown_ids_are_json_404(client: TestClient) -> None:
    for url in ("/api/articles/nope", "/api/clusters/nope", "/articles/nope?format=json", "/clusters/x?format=json"):
        response = client.get(url)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
        assert "detail" in response.json()
    assert client.get("/clusters/x", headers={"accept": "text/html"}).status_code == 404


def test_read_only_and_bounded_requests(client: TestClient) -> None:
    assert client.post("/api/events", content=b"x").status_code == 405
    assert client.get("/api/events", params={"place": "x" * 5000}).status_code in (414, 422)
    assert client.get("/api/events", params={"place": "x" * 150}).status_code == 422
    assert client.get("/api/events", params={"place": "'; DROP TABLE events; --"}).json()["count"] == 0
    assert client.get("/api/events").json()["count"] > 0


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/clusters", "/api/clusters/{cluster_id}", "/api/articles",
                 "/api/articles/{article_id}", "/api/places"):
        assert path in paths


def test_pages_have_json_twins(client: TestClient) -> None:
    html = client.get("/", headers={"accept": "text/html"})
    assert html.status_code == 200 and "<svg" in html.text
    twin = client.get("/", params={"format": "json"}).json()
    assert twin["kind"] == "clusters" and twin["count"] == len(twin["items"])
    assert client.get("/articles", params={"format": "json"}).json()["count"] > 0


def test_demo_places_are_on_the_map(client: TestClient) -> None:
    places = {p["name"]: p for p in client.get("/api/places").json()["places"]}
    assert places["Bishkek"]["country"] == "KG" and 42 < places["Bishkek"]["lat"] < 43
    assert 'class="marker"' in client.get("/", headers={"accept": "text/html"}).text


def test_places_feed_the_map(client: TestClient, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    path = tmp_path / "located.duckdb"
    shutil.copy(demo_store(tmp_path_factory.getbasetemp()), path)
    with Store(path) as store:
        store.con.execute("INSERT INTO clusters (id, type, place_name, country, lat, lon, earliest, latest, "
                          "mention_count, article_count, label) VALUES ('cx', 'PROTEST', 'Osh', 'KG', 40.53, 72.80, "
                          "DATE '2023-03-20', DATE '2023-03-20', 2, 2, 'PROTEST in Osh')")
    located = TestClient(create_app(path))
    places = located.get("/api/places").json()["places"]
    assert "Osh" in [p["name"] for p in places]
    page = located.get("/", headers={"accept": "text/html"}).text
    assert 'class="marker"' in page and "Osh" in page and 'class="country"' in page
    assert "cx" in [item["id"] for item in located.get("/", params={"place": "Osh", "format": "json"}).json()["items"]]


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    from lagebild.errors import StoreError

    with pytest.raises(StoreError):
        create_app(tmp_path / "absent.duckdb")
