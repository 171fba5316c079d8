"""Whole-extraction speed and peak memory of the two entity models on 10kGNAD test (benchmark data only).

Each mode runs in its own process on one core (one BLAS/ONNX thread), over the same articles:
  tokenizer  spaCy's bare German tokenizer (the baseline: the least any pipeline pays),
  fast       the full extraction with the CNN pipeline,
  accurate   the full extraction with the fine-tuned encoder.
Load time (pipeline and model, plus the first article) is reported per mode. Times are medians of --repeats
passes; speed is also given as a ratio to the tokenizer in the same run.
Run: .venv/bin/python benchmarks/bench_models.py [--articles 1028] [--repeats 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

MODES = ("tokenizer", "fast", "accurate")
RESULTS = Path(__file__).parent / "results" / "models.json"


def gnad_articles(data_dir: Path, count: int) -> list[str]:
    from lagebild.train.corpora import read_gnad_texts

    texts = list(read_gnad_texts(data_dir / "10kgnad_de" / "test.csv"))
    return texts[:count]


def worker(mode: str, count: int, repeats: int, data_dir: Path) -> dict[str, object]:
    """Time one mode in this process and report its medians and peak memory."""
    texts = gnad_articles(data_dir, count)
    loading = time.perf_counter()
    if mode == "tokenizer":
        import spacy

        tokenizer = spacy.blank("de").tokenizer

        def run() -> None:
            for text in texts:
                tokenizer(text)
    else:
        from lagebild.config import Settings
        from lagebild.model import Article
        from lagebild.pipeline import Extractor

        extractor = Extractor(Settings.from_env(model=mode))
        articles = [Article(id=f"gnad-{i}", text=t, lang="de") for i, t in enumerate(texts)]
        extractor.report(articles[0])  # loads the pipeline before timing

        def run() -> None:
            for _ in extractor.reports(articles):
                pass
    load_s = time.perf_counter() - loading
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    return {"mode": mode, "articles": len(texts), "load_s": load_s, "seconds": seconds, "median_s": median,
            "articles_per_s": len(texts) / median, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1028)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results (JSON)")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("LAGEBILD_DATA", "../shared/data")))
    parser.add_argument("--worker", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.articles, args.repeats, args.data)))
        return
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    rows = []
    for mode in MODES:
        out = subprocess.run([sys.executable, __file__, "--worker", mode, "--articles", str(args.articles),
                              "--repeats", str(args.repeats), "--data", str(args.data)],
                             env=env, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"{mode:10s} {rows[-1]['articles_per_s']:8.2f} articles/s  peak {rows[-1]['peak_rss_mb']:.0f} MB", flush=True)
    base = rows[0]["median_s"]
    for row in rows:
        row["ratio_to_tokenizer"] = row["median_s"] / base
    result = {"command": "benchmarks/bench_models.py " + " ".join(sys.argv[1:]),
              "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": platform.platform(),
              "load_average_at_start": os.getloadavg()[0], "rows": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({r["mode"]: round(r["ratio_to_tokenizer"], 1) for r in rows}))


if __name__ == "__main__":
    main()
