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

from lagebild.store import Store  # noqa: E402
from lagebild.views.timeline import figure_text  # noqa: E402
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
def same_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over 30 identical reports of one event (collapsed claims and mentions)."""
    from lagebild.fuse import fuse

    from crisis import report

    path = tmp_path_factory.mktemp("browser-same") / "same.duckdb"
    with Store(path) as store:
        store.write([report(f"same-{i}", "2024-05-07", "Wire", "Polizei", 5, 5) for i in range(30)])
        fuse(store)
    yield from _serve(path)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_api.Browser]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def _watched(tab: playwright_api.Page, errors: list[str]) -> playwright_api.Page:
    """Script errors, CSP violations and any request beyond this machine (the map is offline) count as errors."""
    tab.set_default_timeout(10_000)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    tab.on("request", lambda req: None if req.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
           else errors.append(f"request off the machine: {req.url}"))
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
    page.screenshot(path=str(SHOTS / "articles.png"), full_page=True)
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


# ---- each item of issue 12 on a real screen ----

def _ids(page: playwright_api.Page) -> list[str]:
    return [str(i) for i in page.locator("#timeline li.item").evaluate_all("els => els.map(e => e.dataset.id)")]


def _api_ids(page: playwright_api.Page, base_url: str, query: str) -> list[str]:
    return [c["id"] for c in page.request.get(f"{base_url}/api/clusters?{query}").json()["clusters"]]


def test_search_claimant_outlet_actor_filters_and_every_sort(page: playwright_api.Page, base_url: str) -> None:
    for name, value in (("q", "Wahlgesetz"), ("claimant", "Staatsradio"), ("outlet", "Central Asia Wire"),
                        ("actor", "Abdyrachmanow")):
        page.goto(base_url + "/")
        page.fill(f"#filters input[name={name}]", value)
        with page.expect_navigation(wait_until="load"):
            page.press(f"#filters input[name={name}]", "Enter")  # the form applies; the URL keeps the filter
        assert page.url.startswith(f"{base_url}/?{name}=")
        expected = page.request.get(base_url + "/api/clusters", params={name: value}).json()
        assert 0 < expected["total"] < page.request.get(base_url + "/api/clusters").json()["total"], (name, value)
        assert _ids(page) == [c["id"] for c in expected["clusters"]], name
        assert page.locator("#count").inner_text().startswith(f"1–{expected['total']} of ")
        assert page.locator(f"#filters input[name={name}]").input_value() == value
    page.screenshot(path=str(SHOTS / "timeline-actor.png"), full_page=True)
    orders = {}
    for sort in ("fatalities", "sources", "reported", "-date", "date"):
        page.goto(base_url + ("/?sort=reported" if sort == "date" else "/"))
        with page.expect_navigation(wait_until="load"):
            page.select_option("select[name=sort]", sort)  # applies at once
        assert page.url == base_url + ("/" if sort == "date" else f"/?sort={sort}")
        orders[sort] = _ids(page)
        assert orders[sort] == _api_ids(page, base_url, f"sort={sort}"), sort
    assert len({tuple(o) for o in orders.values()}) == len(orders)  # each sort gives its own order
    page.screenshot(path=str(SHOTS / "timeline-sorted.png"), full_page=True)


def test_cards_speak_in_plain_words(page: playwright_api.Page, crisis_url: str) -> None:
    page.goto(crisis_url + "/")
    attack = page.locator("#timeline li.item.disputed")
    assert attack.locator(".fig[data-category=killed]").inner_text() == \
        "killed ≥19 · Bezirksverwalter 19 · Regierung 22 · Rotes Kreuz ≥30"
    card = page.request.get(crisis_url + "/api/clusters?disputed=1").json()["clusters"][0]
    assert card["articles"] == 4 and card["sources"] < 4  # independent sources: a wire copy counts with its original
    assert "⚠ sources disagree" in attack.inner_text()
    assert f"{card['sources']} sources · 4 articles" in attack.inner_text()
    quiet = page.locator("#timeline li.item:not(.disputed)")
    assert "1 source · 1 article" in quiet.inner_text()  # "1 article", not "1 articles"
    assert "Assault in Pemba, Mozambique, 6 May 2024" == attack.locator("a.open").inner_text()
    countries = page.locator(".facet[data-facet=country] a").all_inner_texts()
    assert sorted(countries) == ["Kyrgyzstan", "Mozambique"]  # names, not codes
    page.goto(crisis_url + "/articles/pemba-1")
    when = page.locator("table.events tbody td").nth(2).inner_text()
    assert when == "am Montag 6 May 2024" and "2024-05-06" not in when  # a readable time, not a TIMEX value
    page.goto(crisis_url + "/?country=Mosambik")  # a country by its German name
    assert page.locator("#filters input[name=country]").input_value() == "Mozambique"
    assert page.locator("#timeline li.item").count() == 1


def test_cluster_page_claimant_table_as_of_and_the_open_bound_legend(page: playwright_api.Page,
                                                                    crisis_url: str) -> None:
    attack = page.request.get(crisis_url + "/api/clusters?disputed=1").json()["clusters"][0]["id"]
    for as_of in (None, "2024-05-07"):
        page.goto(f"{crisis_url}/clusters/{attack}" + (f"?as_of={as_of}" if as_of else ""))
        claims = page.request.get(f"{crisis_url}/api/clusters/{attack}" + (f"?as_of={as_of}" if as_of else "")).json()
        header = page.locator("table.claimants thead th").all_inner_texts()
        assert header == ["claimant", *sorted(claims["figures"])]
        rows = page.locator("table.claimants tbody tr")
        names = set()
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td").all_inner_texts()
            names.add(cells[0])
            for category, cell in zip(header[1:], cells[1:]):
                own = [c for c in claims["figures"][category] if (c["source_name"] or c["source_kind"]) == cells[0]]
                if not own:
                    assert cell == ""
                    continue
                newest = max(c["reported"] for c in own)  # the claimant's latest figure, with its day
                assert any(cell.startswith(figure_text(c) + " (") for c in own if c["reported"] == newest), cell
        assert names == {c["source_name"] for c in claims["figures"]["killed"]}
        assert page.locator(".legend-note").inner_text().startswith("A pale bar running to the top edge")
    assert "Rotes Kreuz" in page.locator("table.claimants").inner_text()
    assert "≥30" not in page.locator("table.claimants").inner_text()  # reported on 9 May: not known by the 7th
    assert "showing what was reported by 7 May 2024" in page.locator(".asof").inner_text()
    page.screenshot(path=str(SHOTS / "cluster-as-of.png"), full_page=True)


def test_claimants_across_the_crisis_follow_the_filters(page: playwright_api.Page, phone: playwright_api.Page,
                                                        base_url: str) -> None:
    page.goto(base_url + "/?type=ASSAULT")
    page.click("#claimants-link")  # the timeline links to the table for its own filters
    page.wait_for_url("**/claimants?type=ASSAULT")
    table = page.request.get(base_url + "/api/claimants?type=ASSAULT").json()
    assert page.locator("#count").inner_text().startswith(
        f"1–{table['total']} of {table['total']} claimant{'s' if table['total'] != 1 else ''} across")
    assert page.locator("table.crisis-claimants thead th").all_inner_texts() == [
        "claimant", "kind", "clusters", *table["categories"]]
    rows = page.locator("table.crisis-claimants tbody tr")
    assert rows.count() == len(table["rows"]) >= 2
    for i, row in enumerate(table["rows"]):  # each cell as the API computes it, headline and clusters covered
        shown = rows.nth(i)
        assert shown.get_attribute("data-key") == row["key"]
        assert shown.locator("td.who b").inner_text() == row["name"]
        for category, cell in row["cells"].items():
            td = shown.locator(f"td.cell[data-category='{category}']")
            if cell["total"]:
                assert td.locator(".total").inner_text() == cell["total"]
                assert td.locator(".covers").inner_text() == f"in {cell['clusters']} cluster" + "s" * (cell["clusters"] != 1)
            assert td.locator("details li").count() == len(cell["figures"])
    radio = page.locator("tr[data-key='media:state-radio'] td.cell[data-category=killed]")
    assert radio.locator(".scoped").inner_text().startswith("nationwide")  # one row, the scope as a detail
    radio.locator("summary").click()
    assert radio.locator("details li a").first.is_visible()
    assert "The newest is shown, never added".lower() in page.locator("#legend").inner_text().lower()
    page.screenshot(path=str(SHOTS / "claimants.png"), full_page=True)

    page.fill("#filters input[name=as_of]", "2023-03-18")  # as of a day: applies at once, the URL keeps it
    page.wait_for_url("**/claimants?type=ASSAULT&as_of=2023-03-18")
    early = page.request.get(base_url + "/api/claimants?type=ASSAULT&as_of=2023-03-18").json()
    assert page.locator("table.crisis-claimants tbody tr").count() == len(early["rows"])
    assert "as known on 18 Mar 2023" in page.locator("h1").inner_text()

    phone.goto(base_url + "/claimants")
    phone.wait_for_load_state("networkidle")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"claimants: {width} px wide"
    phone.screenshot(path=str(SHOTS / "mobile-claimants.png"), full_page=True)


def test_identical_claims_and_mentions_show_once_with_a_count(page: playwright_api.Page, same_url: str) -> None:
    cluster = page.request.get(same_url + "/api/clusters").json()["clusters"][0]["id"]
    page.goto(f"{same_url}/clusters/{cluster}")
    assert page.locator("li.member").count() == 1 and page.locator("li.member .repeat").inner_text() == "×30"
    rows = page.locator("table.claims tbody tr")
    assert rows.count() == 1 and rows.first.locator("td.count").inner_text() == "×30"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"{height} px tall"
    page.screenshot(path=str(SHOTS / "cluster-collapsed.png"), full_page=True)


def test_map_marker_size_grows_with_the_death_toll(page: playwright_api.Page, crisis_url: str) -> None:
    page.goto(crisis_url + "/")
    points = page.request.get(crisis_url + "/api/map").json()["points"]
    assert _map_ready(page) == len(points) == 2
    groups = page.locator("#leaflet .marker-cluster")
    while groups.count():
        groups.first.click()
        page.wait_for_timeout(600)
    markers = page.locator("#leaflet path.event-marker")
    sizes = {page.evaluate("el => el.getAttribute('stroke')", markers.nth(i).element_handle()):
             markers.nth(i).bounding_box()["width"] for i in range(markers.count())}
    # the disputed attack (dark rim, at least 30 killed) is drawn larger than the protest with no death toll
    assert sizes["#8b0000"] > sizes["#ffffff"]
    assert "Circle area grows with" in page.locator(".map-legend").inner_text()


def test_download_parquet_and_the_claims_of_this_view(page: playwright_api.Page, base_url: str,
                                                      tmp_path: Path) -> None:
    import duckdb

    page.goto(base_url + "/?type=ASSAULT")
    view = page.request.get(base_url + "/api/clusters?type=ASSAULT").json()
    parquet = tmp_path / "clusters.parquet"
    parquet.write_bytes(page.request.get(base_url + page.locator("a.download[data-format=parquet]")
                                         .get_attribute("href")).body())
    assert sorted(r[0] for r in duckdb.sql(f"SELECT cluster_id FROM '{parquet}'").fetchall()) == \
        sorted(c["id"] for c in view["clusters"])
    link = page.locator("a.download[data-format=claims-csv]")
    assert link.get_attribute("href") == "/download/claims-csv?type=ASSAULT" and link.inner_text() == "CSV"
    with page.expect_download() as info:
        link.click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert {r["cluster_id"] for r in rows} <= {c["id"] for c in view["clusters"]}
    for cluster in view["clusters"]:  # every figure claim on the cluster page is a row, with its bounds
        figures = page.request.get(f"{base_url}/api/clusters/{cluster['id']}").json()["figures"]
        for claim in (c for claims in figures.values() for c in claims):
            assert any(r["cluster_id"] == cluster["id"] and r["figure_text"] == claim["text"]
                       and r["low"] == ("" if claim["low"] is None else f"{claim['low']:g}") for r in rows), claim
    claims_parquet = page.request.get(base_url + page.locator("a.download[data-format=claims-parquet]")
                                      .get_attribute("href"))
    assert claims_parquet.ok and claims_parquet.body()[:4] == b"PAR1"
