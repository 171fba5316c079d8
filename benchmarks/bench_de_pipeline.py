"""Speed of the German base pipeline on real news (10kGNAD test, evaluation-only data), one process on one core.

Usage: .venv/bin/python benchmarks/bench_de_pipeline.py [--docs 400] [--repeats 5]
Writes benchmarks/results/de_pipeline.json. The machine is shared and noisy, so medians are reported.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402

from lagebild.config import Settings  # noqa: E402
from lagebild.lang import LANG_DIR, base_pipeline  # noqa: E402
from lagebild.train.corpora import read_gnad_texts  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "de_pipeline.json"


def pin_one_core() -> int:
    """Restrict this process to a single CPU and return its id."""
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def timed_runs(run: Callable[[], int], repeats: int) -> tuple[list[float], int]:
    """Seconds per repeat, and tokens processed per repeat."""
    run()  # warm-up
    seconds: list[float] = []
    tokens = 0
    for _ in range(repeats):
        start = time.perf_counter()
        tokens = run()
        seconds.append(time.perf_counter() - start)
    return seconds, tokens


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_size_mb(path: Path) -> float:
    """Total size of the files under path, in MB."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def bench(texts: Sequence[str], repeats: int) -> dict[str, object]:
    """Time the blank German tokenizer (baseline) and the full German base pipeline on the same texts."""
    blank = spacy.blank("de")
    nlp = base_pipeline("de")

    def run_blank() -> int:
        return sum(len(blank.make_doc(t)) for t in texts)

    def run_base() -> int:
        return sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))

    blank_s, blank_tokens = timed_runs(run_blank, repeats)
    base_s, base_tokens = timed_runs(run_base, repeats)
    blank_tps = blank_tokens / statistics.median(blank_s)
    base_tps = base_tokens / statistics.median(base_s)
    return {
        "pipeline": nlp.pipe_names,
        "docs": len(texts),
        "tokens": base_tokens,
        "repeats": repeats,
        "baseline": {"name": "spacy.blank('de') tokenizer", "tokens_per_s_median": round(blank_tps), "seconds": blank_s},
        "base_pipeline": {"tokens_per_s_median": round(base_tps), "seconds": base_s},
        "ratio_base_vs_baseline": round(base_tps / blank_tps, 4),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "pipeline_size_mb": round(dir_size_mb(LANG_DIR / "de" / "pipeline"), 1),
    }


def main() -> None:
    """Parse arguments, pin, benchmark, write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=400, help="how many 10kGNAD articles (default 400)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    source = Settings.from_env().data_dir / "10kgnad_de" / "test.csv"
    if not source.exists():
        raise SystemExit(f"benchmark data not found: {source}")
    cpu = pin_one_core()
    texts = list(read_gnad_texts(source))[: args.docs]
    result = {"cpu": cpu, "python": platform.python_version(), "spacy": spacy.__version__, **bench(texts, args.repeats)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("baseline", "base_pipeline")}, indent=2))
    print(f"base pipeline: {result['base_pipeline']['tokens_per_s_median']} tokens/s (median); "  # type: ignore[index]
          f"blank tokenizer: {result['baseline']['tokens_per_s_median']} tokens/s")  # type: ignore[index]


if __name__ == "__main__":
    main()
