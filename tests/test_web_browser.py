"""The web pages in a real headless browser (Debian's chromium driven by Playwright); screenshots in artifacts/."""

from __future__ import annotations

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

from test_api import demo_store  # noqa: E402  (tests/ is on sys.path: no package)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on 127.0.0.1 over the demo store, in a thread."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(demo_store(tmp_path_factory.getbasetemp())),
                                           host="127.0.0.1", port=port, log_level="warning"))
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
def page(base_url: str) -> Iterator[playwright_api.Page]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.set_default_timeout(10_000)
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        browser.close()
        assert not errors, errors


def test_timeline_filters_and_map(page: playwright_api.Page, base_url: str) -> None:
    page.goto(base_url + "/")
    items = page.locator("#timeline li.item")
    total = items.count()
    assert total > 0
    assert page.locator("#map svg").count() == 1 and page.locator("#map path.country").count() > 10
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)

    kinds = page.locator("select[name=type] option").all_inner_texts()[1:]
    assert kinds
    page.select_option("select[name=type]", kinds[0])  # applies at once, in place
    page.wait_for_function("document.body.dataset.loaded && document.body.dataset.loaded.includes('type=')")
    tags = page.locator("#timeline li.item .tag").all_inner_texts()
    assert tags and all(t.split("/")[0] == kinds[0] for t in tags)
    assert page.locator("#timeline li.item").count() <= total
    page.fill("input[name=since]", "2099-01-01")
    page.dispatch_event("input[name=since]", "change")
    page.wait_for_function("document.body.dataset.loaded.includes('since=2099')")
    assert page.locator("#timeline li.item").count() == 0
    assert "Nothing matches" in page.locator("#timeline").inner_text()


def test_cluster_page_shows_figures(page: playwright_api.Page, base_url: str) -> None:
    listing = page.request.get(base_url + "/api/clusters").json()
    assert listing["clusters"], "the demo store has event clusters"
    details = [page.request.get(f"{base_url}/api/clusters/{c['id']}").json() for c in listing["clusters"]]
    chosen = max(details, key=lambda d: (sum(len(v) for v in d["figures"].values()), d["mention_count"]))
    page.goto(base_url + "/")
    page.click(f"#timeline li.item[data-id='{chosen['id']}'] a.open")
    page.wait_for_url(f"**/clusters/{chosen['id']}")
    assert page.locator("h1.cluster-title").inner_text() == (chosen["label"] or chosen["type"])
    for category, claims in chosen["figures"].items():
        section = page.locator(f"section.figure[data-category='{category}']")
        assert section.locator("svg.chart g.claim").count() == len(claims)
        shown = section.locator("table.claims").inner_text()
        for claim in claims:
            assert claim["text"] in shown
    assert page.locator("li.member").count() == len(chosen["members"])
    page.screenshot(path=str(SHOTS / "cluster.png"), full_page=True)


def test_article_page_highlights(page: playwright_api.Page, base_url: str) -> None:
    articles = page.request.get(base_url + "/api/articles").json()["articles"]
    richest = max(articles, key=lambda a: (a["events"], a["quantities"]))
    page.goto(base_url + "/articles")
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
        page.click(f"tr#{linked[0]['id']} a.cluster-link")
        page.wait_for_url(f"**/clusters/{linked[0]['cluster_id']}")
