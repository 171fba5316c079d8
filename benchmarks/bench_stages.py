"""CPU time of each stage of the fast extraction in one process: tokenizer, each pipeline component, report, JSON.

Usage: LAGEBILD_MODEL=fast .venv/bin/python benchmarks/bench_stages.py [--docs 300] [--repeats 3] [--out FILE]
Each repeat is one process that reads the first --docs 10kGNAD test articles (benchmark-only data) as `lagebild
extract` does, builds the pipeline, runs one untimed warm-up article, then runs the articles in batches of the
configured size, one stage at a time over the batch, timing each stage's CPU seconds. The stages run in the same
order on the same Docs as `Extractor`; the median of the repeats is written with each stage's share of the articles'
CPU (`start_up`: the pipeline built, the articles read and the warm-up article, imports not counted).
Where the time of the fast path goes, not a speed figure: compare ratios, not seconds, on this shared machine.
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

RESULTS = Path(__file__).with_name("results") / "stages.json"

CHILD = """
import collections, json, sys, time
from lagebild.config import Settings
from lagebild.extract.report import build_report
from lagebild.ingest import read_inputs
from lagebild.pipeline import Extractor
from lagebild.views.cli import _builder

settings = Settings.from_env()
start = time.process_time()
extractor = Extractor(settings)
articles = list(read_inputs([sys.argv[1]], _builder(settings, None)))
nlp = extractor.pipelines.get("de")
extractor.report(articles[0])  # loads what is loaded on first use, untimed
cpu = collections.Counter({"start_up": time.process_time() - start})

def timed(name, work):
    began = time.process_time()
    result = work()
    cpu[name] += time.process_time() - began
    return result

size = settings.batch_size
for first in range(0, len(articles), size):
    batch = articles[first:first + size]
    docs = timed("tokenizer", lambda: [extractor._make_doc(nlp, article) for article in batch])
    for name, component in nlp.pipeline:
        if hasattr(component, "pipe"):
            docs = timed(name, lambda: list(component.pipe(docs, batch_size=size)))
        else:
            docs = timed(name, lambda: [component(doc) for doc in docs])
    reports = timed("build_report", lambda: [build_report(doc) for doc in docs])
    timed("json_lines", lambda: [report.to_json_line() for report in reports])
print(json.dumps(cpu))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    texts = list(read_gnad_texts(Settings.from_env().data_dir / "10kgnad_de" / "test.csv"))[:args.docs]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as work:
        articles = Path(work) / "gnad.jsonl"
        articles.write_text("".join(json.dumps({"id": f"gnad{i}", "text": t, "lang": "de"}, ensure_ascii=False) + "\n"
                                    for i, t in enumerate(texts)), "utf-8")
        for _ in range(args.repeats):
            done = subprocess.run([sys.executable, "-c", CHILD, str(articles)], check=True, env=env,
                                  capture_output=True, text=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    median = {name: round(statistics.median(run.get(name, 0.0) for run in runs), 3) for name in runs[0]}
    work_s = sum(value for name, value in median.items() if name != "start_up")
    result = {"docs": len(texts), "repeats": args.repeats, "load_after": [round(x, 2) for x in os.getloadavg()],
              "cpu_median_s": median, "share_of_articles_cpu": {name: round(value / work_s, 3)
                                                                  for name, value in median.items() if name != "start_up"},
              "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1))


if __name__ == "__main__":
    main()
