"""Server time of the claimants page (/claimants) over the synthetic store of bench_web.py (run it by hand).

Every cluster there has two killed claims by two claimants, so each claimant's row adds up 10,000 clusters: the
most work one row can take. Reports the first request of each view (it computes the sums, then kept per store
version and filters) and the median of the rest, with the timeline's first page in the same run as a reference.

    .venv/bin/python benchmarks/bench_web_claimants.py       # 10,000 clusters -> benchmarks/results/web_claimants.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

from lagebild.views.web import create_app

sys.path.insert(0, str(Path(__file__).parent))
from bench_web import build  # noqa: E402

RESULTS = Path(__file__).parent / "results"
URLS = {"timeline, first page (reference)": "/", "claimants": "/claimants",
        "claimants, one a page, page 2": "/claimants?per_page=1&page=2",
        "claimants as of a day": "/claimants?as_of=2023-06-01",
        "claimants, country by name + type": "/claimants?country=Mosambik&type=ASSAULT",
        "claimants JSON": "/api/claimants", "claimants JSON twin": "/claimants?format=json"}


def timed(client: TestClient, url: str, repeats: int) -> tuple[float, float]:
    """The first request's and the median later request's server time (Server-Timing), in ms."""
    times = []
    for _ in range(repeats + 1):
        response = client.get(url, headers={"accept": "text/html"})
        assert response.status_code == 200, (url, response.status_code)
        times.append(float(response.headers["server-timing"].split("dur=")[1]))
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS / "web_claimants.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        build(path, args.clusters)
        client = TestClient(create_app(path))
        client.get("/", headers={"accept": "text/html"})  # warm up
        timings = {name: timed(client, url, args.repeats) for name, url in URLS.items()}
    result = {
        "command": "python benchmarks/bench_web_claimants.py " + " ".join(sys.argv[1:]),
        "clusters": args.clusters, "repeats": args.repeats,
        "first_request_ms": {name: round(t[0], 1) for name, t in timings.items()},
        "median_ms": {name: round(t[1], 1) for name, t in timings.items()},
        "load_average_1min": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
