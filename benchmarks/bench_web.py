"""Server time of the timeline page over a store of many clusters (not a test: run it by hand).

Builds a synthetic store (default 10,000 clusters, two articles and two figure claims each, a fifth of them
disputed) straight in SQL, then requests timeline pages in-process (FastAPI's TestClient, so no network) with
different pages, sorts and filters, and reports the median time per request. Also times the page of one
65,000-character article with 2,600 highlighted spans. Target (issue 12): median under 300 ms per timeline page.

    .venv/bin/python benchmarks/bench_web.py                 # 10,000 clusters, results in benchmarks/results/
    .venv/bin/python benchmarks/bench_web.py --clusters 1000 --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from lagebild.fuse import ensure_tables
from lagebild.store import Store
from lagebild.views.web import create_app

RESULTS = Path(__file__).parent / "results"
PLACES = [("Pemba", "MZ", -12.97, 40.52), ("Osh", "KG", 40.53, 72.80), ("Bishkek", "KG", 42.87, 74.59),
          ("Mocímboa da Praia", "MZ", -11.35, 40.35), ("Berlin", "DE", 52.52, 13.40)]
TYPES = ["ASSAULT", "PROTEST", "COERCE", "FIGHT", "MOBILIZE"]


def build(path: Path, clusters: int) -> None:
    """A store of `clusters` clusters with two member articles and two killed claims each."""
    with Store(path) as store:
        ensure_tables(store)
        con = store.con
        n = clusters
        con.execute("CREATE TEMP TABLE p AS SELECT * FROM (VALUES " + ", ".join(
            f"({i}, '{name}', '{cc}', {lat}, {lon})" for i, (name, cc, lat, lon) in enumerate(PLACES))
            + ") t(pid, name, cc, lat, lon)")
        con.execute("CREATE TEMP TABLE t AS SELECT * FROM (VALUES " + ", ".join(
            f"({i}, '{t}')" for i, t in enumerate(TYPES)) + ") x(tid, type)")
        con.execute(f"""INSERT INTO articles (id, lang, source, title, text, published_value, published_earliest,
                        published_latest, published_granularity, report)
            SELECT 'a' || i, 'de', 'Outlet ' || (i % 40), 'Bericht ' || i,
                   'Die Polizei sagte, in der Stadt seien ' || (i % 50) || ' Menschen getötet worden. Mehr nicht.',
                   strftime(DATE '2023-01-01' + CAST(i // 2 % 700 AS INTEGER), '%Y-%m-%d'),
                   DATE '2023-01-01' + CAST(i // 2 % 700 AS INTEGER), DATE '2023-01-01' + CAST(i // 2 % 700 AS INTEGER),
                   'day', '{{}}'
            FROM range({2 * n}) r(i)""")
        con.execute(f"""INSERT INTO entities (article_id, id, label, name, place_name, country, lat, lon, place_kind)
            SELECT 'a' || i, 'e1', 'LOC', p.name, p.name, p.cc, p.lat, p.lon, 'city'
            FROM range({2 * n}) r(i) JOIN p ON p.pid = (i // 2) % {len(PLACES)}""")
        con.execute(f"""INSERT INTO entities (article_id, id, label, name)
            SELECT 'a' || i, 'e2', 'ORG', CASE WHEN i % 2 = 0 THEN 'Polizei' ELSE 'Rotes Kreuz' END FROM range({2 * n}) r(i)""")
        con.execute(f"""INSERT INTO events (article_id, id, type, mode, trigger_start, trigger_end, trigger_text,
                        sentence_start, sentence_end, actors, targets, location, time, quantities, source_kind,
                        source_entity, source_text, modality)
            SELECT 'a' || i, 'ev1', t.type, NULL, 40, 47, 'getötet', 0, 60, '[]', '[]', 'e1', NULL, '["q1"]',
                   'official', 'e2', NULL, CASE WHEN i % 3 = 0 THEN 'asserted' ELSE 'reported' END
            FROM range({2 * n}) r(i) JOIN t ON t.tid = (i // 2) % {len(TYPES)}""")
        con.execute(f"""INSERT INTO clusters SELECT 'c' || c, t.type, NULL, p.name, p.cc, p.lat, p.lon,
                   DATE '2023-01-01' + CAST(c % 700 AS INTEGER), DATE '2023-01-01' + CAST(c % 700 AS INTEGER),
                   DATE '2023-01-01' + CAST(c % 700 AS INTEGER), DATE '2023-01-01' + CAST(c % 700 AS INTEGER),
                   2, 2, t.type || ' in ' || p.name, 2
            FROM range({n}) r(c) JOIN p ON p.pid = c % {len(PLACES)} JOIN t ON t.tid = c % {len(TYPES)}""")
        con.execute(f"""INSERT INTO cluster_members SELECT 'c' || (i // 2), 'a' || i, 'ev1',
                   '{{"joined": "merged", "type": "same type"}}', NULL FROM range({2 * n}) r(i)""")
        con.execute(f"""INSERT INTO cluster_figures SELECT 'c' || (i // 2), 'killed', 'a' || i, 'q1',
                   (i % 50) || ' Menschen', NULL, i % 50, CASE WHEN i % 10 = 1 THEN NULL ELSE (i % 50) END,
                   'official', CASE WHEN i % 2 = 0 THEN 'Polizei' ELSE 'Rotes Kreuz' END,
                   DATE '2023-01-01' + CAST(i // 2 % 700 AS INTEGER), 'reported', NULL, NULL
            FROM range({2 * n}) r(i)""")


FIRST: dict[str, float] = {}


def timed(client: TestClient, url: str, repeats: int) -> float:
    """Median server time in seconds (the app's Server-Timing header) of `repeats` HTML requests for one URL.

    The first request of a URL is also kept in FIRST: it pays for what the app caches per store version and
    filters (facet counts; per-cluster figures as of a day).
    """
    times = []
    for _ in range(repeats):
        response = client.get(url, headers={"accept": "text/html"})
        assert response.status_code == 200, (url, response.status_code)
        times.append(float(response.headers["server-timing"].split("dur=")[1]) / 1000)
    FIRST[url] = times[0]
    return statistics.median(times)


def open_file(path: Path, repeats: int) -> float:
    """Median seconds to open the store file read-only and close it: what every request paid before the server
    kept its snapshot open (a reference for the machine's speed in this run)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        Store(path, read_only=True).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def long_article(path: Path) -> str:
    """Add one 65,000-character article with 2,600 entity mentions; returns its id."""
    text = ("In Pemba gab es am Montag Kämpfe, sagte die Polizei. " * 1300)[:65_000]
    mentions = [{"start": i, "end": i + 5, "text": "Pemba"} for i in range(len(text)) if text.startswith("Pemba", i)]
    report = {"schema": "lagebild.report/2", "article": {"id": "long", "lang": "de", "text": text, "title": "long"},
              "entities": [{"id": f"x{k}", "label": "LOC", "name": "Pemba", "aliases": [], "mentions": [m]}
                           for k, m in enumerate(mentions)],
              "times": [], "quantities": [], "quotes": [], "events": []}
    with Store(path) as store:
        store.con.execute("INSERT INTO articles (id, lang, title, text, report) VALUES ('long', 'de', 'long', ?, ?)",
                          [text, json.dumps(report)])
    return "long"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS / "web_timeline.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        build(path, args.clusters)
        built = time.perf_counter() - start
        long_id = long_article(path)
        client = TestClient(create_app(path))
        client.get("/", headers={"accept": "text/html"})  # warm up
        last = max(1, args.clusters // 50)
        urls = {
            "first page": "/",
            "middle page": f"/?page={last // 2}",
            "last page": f"/?page={last}",
            "sorted by fatalities": "/?sort=fatalities",
            "sorted by sources, page 10": "/?sort=sources&page=10",
            "disputed only": "/?disputed=1",
            "country by name + type": "/?country=Mosambik&type=ASSAULT",
            "free text": "/?q=Pemba",
            "claimant": "/?claimant=Rotes",
            "as of a date": "/?as_of=2023-06-01",
        }
        baseline = timed(client, "/api/places?limit=1&format=json", args.repeats * 2)
        opened = open_file(path, args.repeats * 2)
        timings = {name: timed(client, url, args.repeats) for name, url in urls.items()}
        article = timed(client, f"/articles/{long_id}", args.repeats)
    median = statistics.median(timings.values())
    result = {
        "command": "python benchmarks/bench_web.py " + " ".join(sys.argv[1:]),
        "clusters": args.clusters, "repeats": args.repeats, "build_seconds": round(built, 1),
        "median_ms_per_timeline_page": round(median * 1000, 1),
        "worst_ms_per_timeline_page": round(max(timings.values()) * 1000, 1),
        "timeline_ms": {name: round(t * 1000, 1) for name, t in timings.items()},
        "timeline_first_request_ms": {name: round(FIRST[url] * 1000, 1) for name, url in urls.items()},
        "baseline_ms_open_store_and_one_query": round(baseline * 1000, 1),
        "median_ratio_to_baseline": round(median / baseline, 1),
        "open_store_file_ms": round(opened * 1000, 1),
        "median_ratio_to_open_store_file": round(median / opened, 2),
        "load_average_1min": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
        "article_65k_chars_2600_spans_ms": round(article * 1000, 1),
        "target_ms": 300, "meets_target": median < 0.3,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
