"""The web pages in a real headless browser (Debian's chromium driven by Playwright); screenshots in artifacts/."""

from __future__ import annotations

import csv
import io
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn")
if not CHROMIUM.exists():
    pytest.skip(f"no browser at {CHROMIUM} (make test installs Debian's chromium where apt-get can)",
                allow_module_level=True)

from lagebild.views.web import create_app  # noqa: E402

from crisis import crisis_store  # noqa: E402  (tests/ is on sys.path: no package)
from test_api import demo_store  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(path: Path) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on 127.0.0.1 over the demo store, in a thread."""
    yield from _serve(demo_store(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="module")
def crisis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the hand-built crisis (hostile URL, odd ids, disputes)."""
    yield from _serve(crisis_store(tmp_path_factory.mktemp("browser") / "crisis.duckdb"))


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def _watched(tab: playwright_api.Page, errors: list[str]) -> playwright_api.Page:
    tab.set_default_timeout(10_000)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return tab


@pytest.fixture(scope="module")
def page(browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A desktop screen; no script error and no CSP violation may happen on any page."""
    errors: list[str] = []
    tab = _watched(browser.new_page(viewport={"width": 1280, "height": 900}), errors)
    yield tab
    tab.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def phone(browser: playwright_api.Browser) -> Iterator[playwright_api.Page]:
    """A 390 px wide phone screen."""
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = _watched(context.new_page(), errors)
    yield tab
    context.close()
    assert not errors, errors


def _map_ready(page: playwright_api.Page) -> int:
    """How many points the map drew, once it has (polled from Python: the page's CSP forbids eval'd predicates)."""
    deadline = time.monotonic() + 15
    while (count := page.evaluate("() => document.body.dataset.mapPoints")) is None:
        assert time.monotonic() < deadline, "the map did not load its points"
        time.sleep(0.1)
    return int(count)


def test_timeline_cards_filters_in_the_url_and_the_map_follows(page: playwright_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    total = page.request.get(base_url + "/api/clusters").json()["total"]
    assert page.locator("#count").inner_text().startswith(f"1–{min(total, 50)} of {total} clusters")
    everywhere = _map_ready(page)
    assert everywhere == page.request.get(base_url + "/api/map").json()["count"] > 1
    assert page.locator("#leaflet .leaflet-interactive").count() > 0  # markers or marker groups drawn by Leaflet
    assert page.locator(".map-legend").is_visible() and page.locator("#svgmap").is_hidden()
    disputed = page.locator("#timeline li.item.disputed")
    assert disputed.count() >= 1 and "sources disagree" in disputed.first.inner_text()
    assert re.search(r"\d+ sources? · \d+ articles?", disputed.first.inner_text())
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)

    page.select_option("select[name=type]", "PROTEST")  # applies at once; the URL keeps the filter
    page.wait_for_url("**/?type=PROTEST")
    tags = page.locator("#timeline li.item .tag").all_inner_texts()
    assert tags and all(t.split("/")[0] == "PROTEST" for t in tags)
    shown = _map_ready(page)
    assert shown == page.request.get(base_url + "/api/map?type=PROTEST").json()["count"] < everywhere
    assert page.evaluate("document.body.dataset.mapUrl") == "/api/map?type=PROTEST"
    page.screenshot(path=str(SHOTS / "timeline-filtered.png"), full_page=True)

    page.check("input[name=disputed]")
    page.wait_for_url("**/?type=PROTEST&disputed=1")
    page.goto(base_url + "/?disputed=1")
    assert page.locator("#timeline li.item").count() == page.locator("#timeline li.item.disputed").count() >= 1
    assert _map_ready(page) == page.request.get(base_url + "/api/map?disputed=1").json()["count"]


def test_map_popup_and_zoom(page: playwright_api.Page, base_url: str) -> None:
    page.goto(base_url + "/?type=ASSAULT&country=Kirgisistan")
    points = page.request.get(base_url + "/api/map?type=ASSAULT&country=KG").json()["points"]
    assert _map_ready(page) == len(points) >= 1
    zoom_in = page.locator("#leaflet .leaflet-control-zoom-in")
    assert zoom_in.is_visible()
    groups = page.locator("#leaflet .marker-cluster")
    while groups.count():  # open marker groups until single markers show
        groups.first.click()
        page.wait_for_timeout(600)
    page.locator("#leaflet path.event-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").get_attribute("href").startswith("/clusters/")
    assert any(p["name"] == popup.locator("a").inner_text() for p in points)
    assert re.search(r"killed: at least \d+|no death toll reported", popup.inner_text())
    page.screenshot(path=str(SHOTS / "map-popup.png"))


def test_facets_paging_as_of_and_a_bad_filter(page: playwright_api.Page, base_url: str) -> None:
    page.goto(base_url + "/?per_page=5")
    total = page.request.get(base_url + "/api/clusters").json()["total"]
    assert page.locator("#count").inner_text().startswith(f"1–5 of {total} clusters")
    page.click(".pager a[rel=next]")
    page.wait_for_url("**page=2**")
    assert page.locator("#count").inner_text().startswith(f"6–10 of {total}")
    page.goto(base_url + "/")
    facet = page.locator(".facet[data-facet=country] a").first
    name, count = facet.inner_text(), int(page.locator(".facet[data-facet=country] .n").first.inner_text())
    facet.click()
    page.wait_for_url("**country=**")
    assert page.locator("#timeline li.item").count() == count and name in ("Kyrgyzstan", "Germany")
    page.fill("input[name=as_of]", "2023-03-18")
    page.dispatch_event("input[name=as_of]", "change")
    page.wait_for_url("**as_of=2023-03-18**")
    assert "as known on 18 Mar 2023" in page.locator("h1").inner_text()
    page.goto(base_url + "/?country=Narnia")
    assert "no country called 'Narnia'" in page.locator("#errors").inner_text()
    assert page.locator("#timeline li.item").count() > 0
    page.screenshot(path=str(SHOTS / "bad-filter.png"))


def test_download_this_view(page: playwright_api.Page, base_url: str) -> None:
    page.goto(base_url + "/?type=ASSAULT")
    link = page.locator("a.download[data-format=csv]")
    assert link.get_attribute("href") == "/download/csv?type=ASSAULT"
    with page.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == page.request.get(base_url + "/api/clusters?type=ASSAULT").json()["total"]
    assert all(r["cluster_id"] for r in rows)
    geo = page.request.get(base_url + page.locator("a.download[data-format=geojson]").get_attribute("href")).json()
    assert geo["features"] and all(f["properties"]["title"].startswith("Assault") for f in geo["features"])


def test_cluster_page_shows_conflicts_figures_and_mentions(page: playwright_api.Page, base_url: str) -> None:
    disputed = page.request.get(base_url + "/api/clusters?disputed=1").json()["clusters"][0]
    chosen = page.request.get(f"{base_url}/api/clusters/{disputed['id']}").json()
    page.goto(base_url + "/?disputed=1")
    page.click(f"#timeline li.item[data-id='{chosen['id']}'] a.open")
    page.wait_for_url(f"**/clusters/{chosen['id']}")
    assert page.locator("h1.cluster-title").inner_text() == chosen["name"]
    conflicts = page.locator(".conflict")
    assert conflicts.count() >= 1 and conflicts.first.locator(".side").count() == 2
    for category, claims in chosen["figures"].items():
        section = page.locator(f"section.figure[data-category='{category}']")
        assert section.locator("svg.chart g.claim").count() == len(claims)
        shown = section.locator("table.claims").inner_text()
        for claim in claims:
            assert claim["text"] in shown
        ticks = [int(t.replace(",", "")) for t in section.locator("text.ytick").all_text_contents()]
        assert ticks[0] == 0 and len({b - a for a, b in zip(ticks, ticks[1:])}) == 1
        assert section.locator("text.xtick").count() >= 1
    assert page.locator("li.member").count() == len(chosen["mentions"])
    assert "Why it joined" in page.locator("li.member").first.inner_text()
    assert page.locator("table.claimants tbody tr").count() >= 2
    page.screenshot(path=str(SHOTS / "cluster.png"), full_page=True)


def test_article_page_highlights(page: playwright_api.Page, base_url: str) -> None:
    articles = page.request.get(base_url + "/api/articles").json()["articles"]
    richest = max(articles, key=lambda a: (a["events"], a["quantities"]))
    page.goto(base_url + "/articles")
    assert re.match(r"1–\d+ of \d+ articles", page.locator("h1").inner_text())
    page.click(f"a[href='/articles/{richest['id']}']")
    page.wait_for_url(f"**/articles/{richest['id']}")
    report = page.request.get(f"{base_url}/api/articles/{richest['id']}").json()
    text = page.locator("#article-text")
    assert text.inner_text().strip() == report["article"]["text"].strip()
    for quantity in report["quantities"]:
        assert quantity["text"] in " ".join(text.locator(".hl-quantity").all_inner_texts()).replace("\n", " ") \
            or quantity["text"] in text.inner_text()
    assert text.locator(".hl-event").count() >= len(report["events"])
    assert page.locator("table.events tbody tr").count() == len(report["events"])
    page.screenshot(path=str(SHOTS / "article.png"), full_page=True)
    linked = [e for e in report["events"] if e.get("cluster_id")]
    if linked:
        link = page.locator(f"tr#{linked[0]['id']} a.cluster-link")
        assert re.match(r"[A-Z][a-z]+.* \d{4}$", link.inner_text())  # named by type, place and date
        link.click()
        page.wait_for_url(f"**/clusters/{linked[0]['cluster_id']}")


def test_hostile_urls_and_odd_ids(page: playwright_api.Page, crisis_url: str) -> None:
    page.goto(crisis_url + "/articles/pemba-2")
    assert page.locator("a.original").count() == 0 and "javascript:alert(1)" in page.locator(".unsafe-url").inner_text()
    page.goto(crisis_url + "/articles")
    page.click("text=Steppe Wire: Angriff bei Osh")
    page.wait_for_url("**/articles/feed%2F2024%3Fx%231%20%C3%BC%25")
    assert page.locator("h1.article-title").inner_text() == "Steppe Wire: Angriff bei Osh"
    page.screenshot(path=str(SHOTS / "article-odd-id.png"), full_page=True)
    page.goto(crisis_url + "/")
    assert page.locator("#timeline li.item.disputed .figs").inner_text().startswith("killed ≥19")


def test_phone_width_never_scrolls_sideways(phone: playwright_api.Page, base_url: str) -> None:
    cluster = phone.request.get(base_url + "/api/clusters?disputed=1").json()["clusters"][0]["id"]
    article = phone.request.get(base_url + "/api/articles").json()["articles"][0]["id"]
    for name, url in (("timeline", "/"), ("cluster", f"/clusters/{cluster}"), ("articles", "/articles"),
                      ("article", f"/articles/{article}"), ("filtered", "/?country=Narnia&type=PROTEST")):
        phone.goto(base_url + url)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name}: {width} px wide"
        phone.screenshot(path=str(SHOTS / f"mobile-{name}.png"), full_page=True)
    phone.goto(base_url + "/?type=PROTEST")
    assert _map_ready(phone) == phone.request.get(base_url + "/api/map?type=PROTEST").json()["count"]
