"""CPU time of the extractors inside `lagebild extract` (quotes, times, events, claims), per process, against other code.

Usage: .venv/bin/python benchmarks/bench_components.py [--docs 300] [--repeats 3] [--before-src DIR] [--out FILE]
Each round runs one process on this code and, with --before-src (a `git archive` of an older commit's src), one on
that code; each process extracts the first --docs 10kGNAD test articles (benchmark-only data) after one untimed
warm-up article and reports the CPU seconds of the whole loop and of each extractor's `__call__`. Medians of the
rounds. The machine is shared: CPU time, not wall time, is what this compares.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lagebild.config import Settings
from lagebild.train.corpora import read_gnad_texts

CHILD = """
import collections, json, sys, time
from lagebild.extract import claimset, events, quotes, times
from lagebild.model import Article
from lagebild.pipeline import Extractor

cpu = collections.Counter()

def timed(cls, name):
    call = cls.__call__
    def wrapper(self, doc):
        start = time.process_time()
        try:
            return call(self, doc)
        finally:
            cpu[name] += time.process_time() - start
    cls.__call__ = wrapper

for cls, name in ((quotes.QuoteExtractor, "quotes"), (claimset.ClaimBuilder, "claims"),
                  (events.EventExtractor, "events"), (times.TimeTagger, "times")):
    timed(cls, name)
articles = [Article(id=f"gnad{i}", text=json.loads(line), lang="de")
            for i, line in enumerate(open(sys.argv[1], encoding="utf-8"))]
extractor = Extractor()
extractor.report(articles[0])  # loads what is loaded on first use, untimed
cpu.clear()
start = time.process_time()
for article in articles:
    extractor.report(article)
print(json.dumps({"total": time.process_time() - start, **cpu}))
"""


def run(articles: Path, env: dict[str, str]) -> dict[str, float]:
    """One process: CPU seconds of the whole loop and of each extractor."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(articles)], check=True, env=env, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before-src", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    texts = list(read_gnad_texts(Settings.from_env().data_dir / "10kgnad_de" / "test.csv"))[:args.docs]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    envs = {"after": env}
    if args.before_src is not None:
        envs["before"] = {**env, "PYTHONPATH": str(args.before_src)}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in envs}
    with tempfile.TemporaryDirectory() as work:
        articles = Path(work) / "texts.jsonl"
        articles.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts), "utf-8")
        for _ in range(args.repeats):
            for name, e in envs.items():
                runs[name].append(run(articles, e))
    median = {name: {part: round(statistics.median(r[part] for r in rs), 3) for part in rs[0]} for name, rs in runs.items()}
    result = {"docs": len(texts), "load_after": [round(x, 2) for x in os.getloadavg()], "before_src": str(args.before_src),
              "cpu_median_s": median, "cpu_seconds": {name: [{k: round(v, 3) for k, v in r.items()} for r in rs]
                                                        for name, rs in runs.items()}}
    text = json.dumps(result, indent=1)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")
    print(text)


if __name__ == "__main__":
    main()
