"""Latency of one 400-word German agency article, from text to a full Report, on one core.

Usage: .venv/bin/python benchmarks/bench_article.py [--repeats 21]
The article (benchmarks/data/agency-400-de.txt) is written by the project. Three stages are timed in the same
run, each on the same text: spaCy's blank German tokenizer (the baseline), the trained base pipeline alone,
and the whole extraction (base pipeline + every extractor + report building). Medians, because the machine
is shared and noisy. Writes benchmarks/results/article.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from bench_de_pipeline import peak_rss_mb, pin_one_core  # noqa: E402

from lagebild.config import Settings  # noqa: E402
from lagebild.ingest.base import RecordBuilder  # noqa: E402
from lagebild.ingest.readers import read_inputs  # noqa: E402
from lagebild.lang import base_pipeline  # noqa: E402
from lagebild.model import Article  # noqa: E402
from lagebild.pipeline import Extractor  # noqa: E402

ARTICLE = Path(__file__).with_name("data") / "agency-400-de.txt"
RESULTS = Path(__file__).with_name("results") / "article.json"


def median_ms(run: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """Median milliseconds of `repeats` calls after one warm-up call, and all timings."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def main() -> None:
    """Read the article, pin to one core, time the three stages, write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    cpu = pin_one_core()
    settings = Settings.from_env()
    (article,) = list(read_inputs([str(ARTICLE)], RecordBuilder(settings)))
    assert isinstance(article, Article), article
    blank, base, extractor = spacy.blank("de"), base_pipeline("de"), Extractor(settings)
    report = extractor.report(article)
    stages = {
        "blank_tokenizer": median_ms(lambda: blank.make_doc(article.text), args.repeats),
        "base_pipeline": median_ms(lambda: base(article.text), args.repeats),
        "full_report": median_ms(lambda: extractor.report(article), args.repeats),
    }
    baseline = stages["blank_tokenizer"][0]
    result = {
        "cpu": cpu,
        "article": ARTICLE.name,
        "words": len(article.text.split()),
        "tokens": len(blank.make_doc(article.text)),
        "repeats": args.repeats,
        "report_counts": {name: len(getattr(report, name)) for name in ("entities", "times", "quantities", "quotes", "events")},
        "median_ms": {name: round(ms, 2) for name, (ms, _) in stages.items()},
        "ratio_vs_blank_tokenizer": {name: round(ms / baseline, 1) for name, (ms, _) in stages.items()},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "all_ms": {name: [round(t, 2) for t in times] for name, (_, times) in stages.items()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "all_ms"}, indent=2))


if __name__ == "__main__":
    main()
