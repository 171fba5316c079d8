"""The page and API over a hand-built crisis: safe pages, speaking cards, filters, facets, paging, as-of, words."""

from __future__ import annotations

import random
import re
from datetime import date
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from lagebild.fuse import figures_summary  # noqa: E402
from lagebild.store import Store  # noqa: E402
from lagebild.views.web import (
    create_app,  # noqa: E402
    words,  # noqa: E402
)
from lagebild.views.web.filters import country_code, parse  # noqa: E402
from lagebild.views.web.listing import page as listing_page  # noqa: E402
from lagebild.views.web.render import date_ticks, highlight, y_ticks  # noqa: E402

from crisis import crisis_store, crisis_wide_store  # noqa: E402
from test_api import demo_store  # noqa: E402

HTML = {"accept": "text/html"}
ODD_ID = "feed/2024?x#1 ü%"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return crisis_store(tmp_path_factory.mktemp("crisis") / "crisis.duckdb")


@pytest.fixture(scope="module")
def client(store_path: Path) -> TestClient:
    return TestClient(create_app(store_path))


def pemba(client: TestClient, **params: str) -> dict:
    listing = client.get("/api/clusters", params={"type": "ASSAULT", **params}).json()
    assert listing["total"] == 1, listing
    return listing["clusters"][0]


# ---- issue 14: a safe page ----

def test_only_http_urls_become_links(client: TestClient) -> None:
    hostile = client.get("/articles/pemba-2", headers=HTML).text
    assert "javascript:alert(1)" in hostile  # shown as text, so nothing is hidden ...
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", hostile, re.I)  # ... but never as a link
    fine = client.get("/articles/pemba-1", headers=HTML).text
    assert 'href="https://example.org/pemba-1"' in fine
    assert words.safe_url("JaVaScRiPt:alert(1)") is None and words.safe_url(" data:text/html,x") is None
    assert words.safe_url("java\tscript:x") is None and words.safe_url("//evil.example/") is None
    assert words.safe_url("https://example.org/a?b#c") == "https://example.org/a?b#c"


def _html_pages(client: TestClient) -> list[str]:
    cluster = pemba(client)["id"]
    return ["/", "/?disputed=1&sort=fatalities", "/?country=Narnia", f"/clusters/{cluster}", "/claimants", "/articles",
            "/articles/pemba-1", f"/articles/{quote(ODD_ID, safe='')}", "/no/such/page"]


def test_strict_security_headers_and_no_inline_script_or_style(client: TestClient) -> None:
    for url in _html_pages(client):
        response = client.get(url, headers=HTML)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, url
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        body = response.text
        assert "<html" in body, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), f"inline script on {url}"
        assert not re.search(r"<style\b", body) and not re.search(r"\sstyle\s*=", body), f"inline style on {url}"
        assert not re.search(r"\son[a-z]+\s*=", body), f"inline event handler on {url}"
    api = client.get("/api/clusters")
    assert api.headers["x-frame-options"] == "DENY" and "content-security-policy" in api.headers


def test_ids_are_routable_whatever_characters_they_hold(client: TestClient) -> None:
    listing = client.get("/articles", headers=HTML).text
    encoded = quote(ODD_ID, safe="")
    assert f'href="/articles/{escape(encoded)}"' in listing
    for url in (f"/articles/{encoded}", f"/api/articles/{encoded}", f"/articles/{encoded}?format=json"):
        response = client.get(url, headers=HTML if "api" not in url and "format" not in url else {})
        assert response.status_code == 200, url
    assert client.get(f"/api/articles/{encoded}").json()["article"]["id"] == ODD_ID
    assert client.get("/api/articles/feed%2F2024%3Fnope").status_code == 404


def _covering(text: str, spans: list[dict]) -> list[frozenset]:
    """Reference: for every character, the ids of the non-empty spans over it."""
    return [frozenset(s["id"] for s in spans if s["start"] <= i < s["end"]) for i in range(len(text))]


def _covering_in_html(html: str) -> list[frozenset]:
    out: list[frozenset] = []
    current: frozenset = frozenset()
    for token in re.split(r"(<[^>]+>)", html):
        if token.startswith("<span"):
            current = frozenset(re.search(r'data-ids="([^"]*)"', token).group(1).split())  # type: ignore[union-attr]
        elif token == "</span>":
            current = frozenset()
        elif not token.startswith("<"):
            out += [current] * len(unescape(token))
    return out


def test_highlighting_matches_the_plain_definition() -> None:
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice("ab <&\"'") for _ in range(rng.randint(1, 60)))
        spans = []
        for i in range(rng.randint(0, 12)):
            start = rng.randint(0, len(text))
            spans.append({"kind": rng.choice(["entity", "time", "event"]), "id": f"s{i}", "start": start,
                          "end": rng.randint(start, len(text)), "label": f"<l{i}>"})
        html = highlight(text, spans)
        assert unescape(re.sub(r"<[^>]+>", "", html)) == text
        assert _covering_in_html(html) == _covering(text, spans)


def test_a_long_article_page_renders_every_highlight(tmp_path: Path) -> None:
    from crisis import report as make_report

    base = make_report("long", "2024-05-06", "Wire", "Polizei", 3, 3)
    body = ("In Pemba gab es am Montag Kämpfe, sagte die Polizei. " * 1300)[:65_000]
    data = base.to_json_dict()
    data["article"]["text"] = body
    data["entities"] = [{"id": f"x{i}", "label": "LOC", "name": "Pemba", "aliases": [],
                         "mentions": [{"start": m.start(), "end": m.end(), "text": "Pemba"}], "place": None}
                        for i, m in enumerate(re.finditer("Pemba", body))]
    data["times"], data["quantities"], data["events"], data["quotes"] = [], [], [], []
    from lagebild.model import Report

    with Store(tmp_path / "long.duckdb") as store:
        store.write([Report.model_validate(data)])
    page = TestClient(create_app(tmp_path / "long.duckdb")).get("/articles/long", headers=HTML)
    assert page.status_code == 200
    shown = page.text.split('id="article-text"')[1]
    assert shown.count('class="hl-entity"') == body.count("Pemba") > 1000


# ---- issue 12: cards that speak ----

def test_cards_state_figures_claimants_disputes_and_sources(client: TestClient, store_path: Path) -> None:
    card = pemba(client)
    with Store(store_path, read_only=True) as store:  # independent sources as the fuse stage counts them
        independent = store.query("SELECT sources FROM clusters WHERE id = ?", [card["id"]])[0]["sources"]
    assert card["disputed"] is True and card["sources"] == independent and card["articles"] == 4
    killed = next(f for f in card["figures"] if f["category"] == "killed")
    assert killed["range"] == "≥19"
    latest = {c["claimant"]: c["figure"] for c in killed["latest"]}
    assert latest == {"Bezirksverwalter": "19", "Regierung": "22", "Rotes Kreuz": "≥30"}
    html = client.get("/", headers=HTML).text
    item = html[html.index(f'data-id="{card["id"]}"'):]
    item = item[:item.index("</li>\n  \n")] if "</li>\n  \n" in item else item[:3000]
    for text in ("sources disagree", f"{independent} sources · 4 articles", "killed ≥19", "Rotes Kreuz", "≥30", "Regierung"):
        assert text in item, text


def test_sql_disputes_agree_with_the_fuse_rule(client: TestClient, store_path: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    for path in (store_path, demo_store(tmp_path_factory.getbasetemp())):
        with Store(path, read_only=True) as store:
            rows, _ = listing_page(store, parse({"per_page": "500"}))
            for row in rows:
                python = any(s["conflicts"] for s in figures_summary(store, row["id"]).values())
                assert row["disputed"] == python, row["id"]


def test_filters_each_narrow_the_timeline(client: TestClient) -> None:
    def ids(**params: str) -> set[str]:
        return {c["id"] for c in client.get("/api/clusters", params=params).json()["clusters"]}

    everything = ids()
    assert len(everything) == 2
    attack = pemba(client)["id"]
    assert ids(disputed="1") == {attack}
    assert ids(claimant="Rotes Kreuz") == {attack} and ids(claimant="Polizei") == everything - {attack}
    assert ids(outlet="Canal Norte") == {attack} and ids(outlet="Nobody") == set()
    assert ids(actor="Rebellen") == {attack} and ids(actor="Demonstranten") == everything - {attack}
    assert ids(country="Mosambik") == ids(country="Mozambique") == ids(country="MZ") == ids(country="mz") == {attack}
    assert ids(place="Mosambik") == {attack}
    assert ids(q="Angriff bei") == everything and ids(q="Pemba") == {attack} and ids(q="zzz") == set()
    assert ids(type="PROTEST", country="MZ") == set()


def test_as_of_shows_only_what_was_known(client: TestClient) -> None:
    early = client.get("/api/clusters", params={"as_of": "2024-05-06"}).json()
    assert early["total"] == 1
    card = early["clusters"][0]
    assert card["articles"] == 1 and card["disputed"] is False
    assert [c["claimant"] for c in card["figures"][0]["latest"]] == ["Bezirksverwalter"]
    assert pemba(client, as_of="2024-05-07")["disputed"] is True
    later = pemba(client, as_of="2024-05-07")["figures"][0]["latest"]
    assert {c["claimant"]: c["figure"] for c in later}["Rotes Kreuz"] == "≥27"
    detail = client.get(f"/api/clusters/{card['id']}", params={"as_of": "2024-05-06"}).json()
    assert len(detail["members"]) == 1 and sum(len(v) for v in detail["figures"].values()) == 1


def test_sort_paging_n_of_m_and_next_links(client: TestClient) -> None:
    first = client.get("/api/clusters", params={"per_page": "1", "sort": "fatalities"}).json()
    assert first["total"] == 2 and first["count"] == 1 and first["clusters"][0]["type"] == "ASSAULT"
    assert first["next"] and "page=2" in first["next"] and "sort=fatalities" in first["next"]
    second = client.get(first["next"]).json()
    assert second["clusters"][0]["type"] == "PROTEST" and second["next"] is None and second["prev"]
    html = client.get("/", params={"per_page": "1", "sort": "fatalities"}, headers=HTML).text
    assert "1–1 of 2 clusters" in html and 'rel="next"' in html
    latest_first = client.get("/api/clusters", params={"sort": "-date"}).json()["clusters"]
    assert [c["earliest"] for c in latest_first] == sorted((c["earliest"] for c in latest_first), reverse=True)
    articles = client.get("/api/articles", params={"limit": 2}).json()
    seen, page = [], articles
    while True:
        seen += [a["id"] for a in page["articles"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == articles["total"] == 5


def test_facets_count_the_matching_clusters(client: TestClient) -> None:
    facets = client.get("/api/clusters").json()["facets"]
    assert {f["value"]: f["count"] for f in facets["type"]} == {"ASSAULT": 1, "PROTEST": 1}
    assert {f["value"]: f["count"] for f in facets["country"]} == {"MZ": 1, "KG": 1}
    assert facets["source_kind"] == [{"value": "official", "count": 2}]
    narrowed = client.get("/api/clusters", params={"country": "MZ"}).json()["facets"]
    assert narrowed["type"] == [{"value": "ASSAULT", "count": 1}]
    html = client.get("/", headers=HTML).text
    assert "Mozambique" in html and 'data-facet="modality"' in html


def test_a_bad_filter_renders_the_page_with_a_message(client: TestClient) -> None:
    page = client.get("/", params={"country": "Narnia", "since": "yesterday", "sort": "best"}, headers=HTML)
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "no country called &#39;Narnia&#39;" in page.text and "since: expected a date" in page.text
    assert "sort: one of" in page.text and 'class="item cluster' in page.text  # the timeline is still there
    bounded = client.get("/articles", params={"limit": "lots"}, headers=HTML)
    assert bounded.status_code == 422 and bounded.headers["content-type"].startswith("text/html")
    assert "limit: " in bounded.text
    assert client.get("/api/articles", params={"limit": "lots"}).json()["detail"][0]["loc"] == ["query", "limit"]
    twin = client.get("/", params={"country": "Narnia", "format": "json"})
    assert twin.status_code == 422 and any("Narnia" in d for d in twin.json()["detail"])


def test_one_url_per_resource_html_or_json(client: TestClient) -> None:
    cluster = pemba(client)["id"]
    for url in ("/", f"/clusters/{cluster}", "/articles", "/articles/pemba-1"):
        assert client.get(url, headers=HTML).headers["content-type"].startswith("text/html"), url
        assert client.get(url, headers={"accept": "application/json"}).headers["content-type"] == "application/json"
        assert client.get(url, params={"format": "json"}, headers=HTML).headers["content-type"] == "application/json"
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/", "/clusters/{cluster_id}", "/articles", "/articles/{article_id}", "/api/map",
                 "/download/{fmt}"):
        assert path in paths, path
    content = paths["/"]["get"]["responses"]["200"]["content"]
    assert {"text/html", "application/json"} <= set(content)
    assert {p["name"] for p in paths["/"]["get"]["parameters"]} >= {"country", "disputed", "as_of", "sort", "page"}


def test_map_points_follow_the_filters(client: TestClient) -> None:
    everything = client.get("/api/map").json()
    assert everything["count"] == 2
    only = client.get("/api/map", params={"country": "Mosambik", "disputed": "1"}).json()
    assert only["count"] == 1 and only["points"][0]["killed"] == 30 and only["points"][0]["disputed"]
    assert only["points"][0]["url"].startswith("/clusters/")
    html = client.get("/", params={"country": "MZ"}, headers=HTML).text
    assert 'data-points="/api/map?country=MZ"' in html


def test_download_the_claims_of_this_view(client: TestClient) -> None:
    import csv
    import io

    html = client.get("/", params={"country": "Mosambik", "as_of": "2024-05-07"}, headers=HTML).text
    link = re.search(r'data-format="claims-csv" href="([^"]+)"', html).group(1)
    assert unescape(link) == "/download/claims-csv?country=MZ&as_of=2024-05-07"
    response = client.get(unescape(link))
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="claims.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted((r["claimant"], r["low"], r["high"]) for r in rows) == [
        ("Bezirksverwalter", "19", "19"), ("Regierung", "22", "22"), ("Rotes Kreuz", "27", "")]  # not the later 30
    assert {r["cluster_id"] for r in rows} == {pemba(client)["id"]}
    assert all(r["outlet"] != '=HYPERLINK("http://x")' for r in rows)  # neutralised, as in every CSV
    protest = client.get("/download/claims-parquet", params={"type": "PROTEST"})
    assert protest.status_code == 200 and protest.content[:4] == b"PAR1"
    assert client.get("/download/claims-xlsx").status_code == 404


def test_cluster_page_sides_reasons_chart_and_claimant_table(client: TestClient) -> None:
    card = pemba(client)
    page = client.get(f"/clusters/{card['id']}", headers=HTML).text
    assert page.count('class="conflict"') == 3 and 'class="vs"' in page
    assert "Why it joined: merged" in page
    assert "Latest figure per claimant" in page and "≥30 (9 May 2024)" in page
    assert "open bound" in page  # the legend explains "at least"
    ticks = re.findall(r'class="axis ytick"[^>]*>([^<]+)<', page)
    values = [int(t.replace(",", "")) for t in ticks]
    steps = {b - a for a, b in zip(values, values[1:])}
    assert values[0] == 0 and len(steps) == 1 and values[-1] >= 30, values
    assert re.findall(r'class="axis xtick"[^>]*>([^<]+)<', page)[0] == "6 May"


def test_identical_claims_and_mentions_collapse_with_a_count(tmp_path: Path) -> None:
    from crisis import report as make_report

    path = tmp_path / "same.duckdb"
    from lagebild.fuse import fuse

    with Store(path) as store:
        store.write([make_report(f"same-{i}", "2024-05-07", "Wire", "Polizei", 5, 5) for i in range(30)])
        fuse(store)
    app = TestClient(create_app(path))
    cluster = app.get("/api/clusters").json()["clusters"][0]["id"]
    page = app.get(f"/clusters/{cluster}", headers=HTML).text
    assert page.count('class="member"') == 1 and "×30" in page
    assert page.count("<tr><td>7 May 2024") == 1


def test_plain_words() -> None:
    assert words.count(1, "article") == "1 article" and words.count(2, "article") == "2 articles"
    assert words.count(0, "source") == "0 sources"
    assert words.day_range(date(2023, 3, 1), date(2023, 3, 31)) == "Mar 2023"
    assert words.day_range(date(2023, 3, 13), date(2023, 3, 19)) == "13–19 Mar 2023"
    assert words.day_range(date(2023, 2, 28), date(2023, 3, 3)) == "28 Feb – 3 Mar 2023"
    assert words.day_range(date(2023, 1, 1), date(2023, 12, 31)) == "2023"
    assert words.cluster_name({"type": "PROTEST", "place_name": "Osh", "country": "KG", "earliest": date(2023, 3, 20),
                               "latest": date(2023, 3, 20)}) == "Protest in Osh, Kyrgyzstan, 20 Mar 2023"
    assert country_code("Kirgisistan") == country_code("Kyrgyzstan") == "KG"
    assert y_ticks(50)[1] == [0, 20, 40, 60] and y_ticks(27)[1] == [0, 10, 20, 30]
    assert date_ticks(date(2024, 5, 1), date(2024, 5, 30)) == [date(2024, 5, d) for d in (1, 15, 29)]


def test_article_page_in_plain_words(client: TestClient) -> None:
    page = client.get("/articles/pemba-1", headers=HTML).text
    assert "6 May 2024" in page and "2024-05-06" not in page.split('class="article-text"')[0]
    assert re.search(r'class="cluster-link"[^>]*>Assault in Pemba, Mozambique, 6 May 2024<', page)
    assert "Pemba, Mozambique" in page
    listing = client.get("/articles", headers=HTML).text
    assert "1–5 of 5 articles" in listing


# ---- claimants across the crisis: claimant key x category ----

@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(create_app(crisis_wide_store(tmp_path_factory.mktemp("wide") / "wide.duckdb")))


def _cells(table: dict) -> dict[str, dict[str, tuple]]:
    """Per claimant key and category: (headline, clusters, [(scope, total, added)], [(figure, scope, in total)])."""
    return {r["key"]: {cat: (c["total"], c["clusters"], [(t["scope_text"], t["total"], t["added"]) for t in c["scoped"]],
                             [(f["figure"], f["scope_text"], f["in_total"]) for f in c["figures"]])
                       for cat, c in r["cells"].items()} for r in table["rows"]}


def test_claimants_across_the_crisis_add_up_the_latest_figure_per_cluster(wide: TestClient) -> None:
    table = wide.get("/claimants", params={"format": "json"}).json()
    assert table == wide.get("/api/claimants").json()  # one resource, two URLs
    assert (table["clusters"], table["total"], table["categories"]) == (3, 3, ["killed", "injured"])
    rows = {r["key"]: r for r in table["rows"]}
    assert rows["official:red-cross"]["name"] == "Rotes Kreuz"  # said twice, "Red Cross" once: one claimant
    assert rows["official:red-cross"]["names"] == ["Rotes Kreuz", "Red Cross"]
    assert rows["official:government"]["names"] == ["Regierung", "die Regierung"]
    assert rows["official:government"]["kind"] == "official"
    cells = _cells(table)
    # Pemba ≥30 (its latest, not the earlier ≥27) + Montepuez 5: open, so at least 35, in two clusters
    assert cells["official:red-cross"]["killed"] == ("≥35", 2, [], [("5", "", True), ("≥30", "", True)])
    # Pemba 22 + Montepuez "up to 6": 22–28; the nationwide tally ≥100 is shown apart, never added
    assert cells["official:government"]["killed"] == (
        "22–28", 2, [("nationwide", "≥100", False)], [("≥100", "nationwide", True), ("≤6", "", True), ("22", "", True)])
    assert cells["official:police"] == {"injured": ("2", 1, [], [("2", "", True)])}
    assert [r["key"] for r in table["rows"]] == ["official:government", "official:red-cross", "official:police"]


def test_claimants_follow_the_timeline_filters_as_of_and_page(wide: TestClient) -> None:
    early = wide.get("/api/claimants", params={"as_of": "2024-05-07"}).json()
    assert early["clusters"] == 1 and early["filters"] == {"as_of": "2024-05-07"}
    assert _cells(early)["official:red-cross"]["killed"][:2] == ("≥27", 1)  # the ≥30 of 9 May is not known yet
    assert _cells(early)["official:government"]["killed"][:3] == ("22", 1, [])
    link = early["rows"][0]["cells"]["killed"]["figures"][0]["url"]
    assert link.startswith("/clusters/") and link.endswith("?as_of=2024-05-07")
    protest = wide.get("/api/claimants", params={"type": "PROTEST"}).json()
    assert [r["key"] for r in protest["rows"]] == ["official:police"] and protest["categories"] == ["injured"]
    first = wide.get("/api/claimants", params={"per_page": 2}).json()
    assert (first["first"], first["last"], first["total"]) == (1, 2, 3) and first["prev"] is None
    second = wide.get(first["next"]).json()
    assert (second["first"], second["last"], second["total"], second["next"]) == (3, 3, 3, None)
    assert [r["key"] for r in first["rows"] + second["rows"]] == [r["key"] for r in wide.get("/api/claimants").json()["rows"]]
    assert wide.get("/api/claimants", params={"as_of": "soon"}).status_code == 422
    bad = wide.get("/claimants", params={"as_of": "soon"}, headers=HTML)
    assert bad.status_code == 400 and "as_of: expected a date" in bad.text and "<table" in bad.text


def test_the_claimant_filter_matches_the_canonical_key_in_any_language(wide: TestClient) -> None:
    def types(claimant: str) -> list[str]:
        return [c["type"] for c in wide.get("/api/clusters", params={"claimant": claimant}).json()["clusters"]]

    assert types("Polizei") == types("the police") == ["PROTEST"]  # "police" is not in "Polizei": the key matches
    assert types("police spokesman") == ["PROTEST"] and types("Gesundheitsministerium") == []


def test_claimants_page_shows_the_cells_the_legend_and_is_linked(wide: TestClient) -> None:
    page = wide.get("/claimants", params={"country": "Mosambik"}, headers=HTML).text
    assert "1–2 of 2 claimants across 2 clusters" in page
    assert "A cell adds up" in page and "never added" in page  # the legend says what a cell means
    row = re.search(r'<tr data-key="official:government">(.*?)</tr>', page, re.S)
    assert row is not None
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", row.group(1))).split())
    assert text.startswith("Regierung official:government also: die Regierung official 2 22–28 in 2 clusters "
                           "nationwide ≥100 newest, not added"), text
    assert 'name="country" value="Mozambique"' in page and 'name="sort"' not in page
    assert 'href="/?country=MZ"' in page  # back to the timeline with the same filters
    timeline = wide.get("/", params={"country": "MZ", "sort": "fatalities", "per_page": "5"}, headers=HTML).text
    assert 'id="claimants-link" href="/claimants?country=MZ"' in timeline
    paths = wide.get("/openapi.json").json()["paths"]
    assert set(paths["/claimants"]["get"]["responses"]["200"]["content"]) == {"text/html", "application/json"}
    assert "ClaimantTable" in str(paths["/api/claimants"]["get"]["responses"]["200"])


def test_one_claimant_row_per_key_on_the_cluster_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = TestClient(create_app(demo_store(tmp_path_factory.getbasetemp())))
    attack = next(c for c in app.get("/api/clusters", params={"per_page": 100}).json()["clusters"]
                  if c["name"].startswith("Assault in Kyrgyzstan"))
    found = app.get(f"/api/clusters/{attack['id']}").json()
    assert len(found["summaries"]["killed"]["latest_by_source"]) == 2  # fuse: two series (with and without scope)
    radio = [r for r in found["claimants"]["rows"] if r["key"] == "media:state-radio"]
    assert len(radio) == 1 and sorted(radio[0]["names"]) == ["Staatsradios", "state radio"]
    assert radio[0]["cells"] == ["≥14 (19 Mar 2023) · nationwide ≥14 (18 Mar 2023)"]
    crisis = {r["key"]: r for r in app.get("/api/claimants").json()["rows"]}
    assert crisis["media:state-radio"]["cells"]["killed"]["total"] == "≥14"
    for row in crisis.values():  # every added figure is that claimant's latest in its cluster (as the cluster says)
        for category, cell in row["cells"].items():
            added = [f for f in cell["figures"] if f["in_total"] and not re.search(r"nation|group:", f["scope"] or "")]
            for figure in added:
                claims = app.get(f"/api/clusters/{figure['cluster_id']}").json()["figures"][category]
                own = [c for c in claims if c["claimant_key"] == row["key"] and c["scope"] == figure["scope"]]
                assert max(own, key=lambda c: (c["reported"], c["article_id"]))["low"] == figure["low"]
            lows = [f["low"] for f in added if f["low"] is not None]
            assert cell["low"] == (sum(lows) if lows else None) and cell["clusters"] == len(added)
