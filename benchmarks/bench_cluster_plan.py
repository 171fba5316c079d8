"""Cluster size on paper: the extractor's measured rate on one core, and the cores 250,000 articles a day need.

Usage: .venv/bin/python benchmarks/bench_cluster_plan.py [--docs 200] [--repeats 3] [--articles-per-day 250000]
[--hours 1]. Runs the whole extractor (`Extractor.reports`, what each Spark worker runs per partition) on 10kGNAD
test articles (evaluation-only data; a speed benchmark) in one process pinned to one core, and records the median
articles per CPU-second (the wall clock, also recorded, counts other jobs on a shared machine), the worker's
peak memory, and from them the executor cores and memory for the daily volume in the
given hours, with a 30 % allowance for Spark's own work, skew between partitions and retried tasks.
Writes benchmarks/results/cluster_plan.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from lagebild.config import Settings  # noqa: E402
from lagebild.model import Article  # noqa: E402
from lagebild.pipeline import Extractor  # noqa: E402
from lagebild.train.corpora import read_gnad_texts  # noqa: E402

RESULTS = Path(__file__).with_name("results") / "cluster_plan.json"
OVERHEAD = 1.3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--articles-per-day", type=int, default=250_000)
    parser.add_argument("--hours", type=float, default=1.0)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    settings = Settings.from_env()
    texts = list(read_gnad_texts(settings.data_dir / "10kgnad_de" / "test.csv"))[: args.docs]
    articles = [Article(id=f"g{i}", lang="de", text=t) for i, t in enumerate(texts)]
    extractor = Extractor(settings)
    list(extractor.reports(articles[:10]))  # build the pipeline, warm up
    seconds, cpu = [], []
    for _ in range(args.repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        done = sum(1 for _ in extractor.reports(articles))
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
    rate = done / statistics.median(cpu)  # per CPU-second: on a shared machine the wall clock counts others' work
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    needed = args.articles_per_day / (args.hours * 3600)
    cores = math.ceil(needed / rate * OVERHEAD)
    result = {
        "benchmark": "articles/s of the whole extractor on one core (10kGNAD test), and the cluster it implies",
        "command": f"python benchmarks/bench_cluster_plan.py --docs {args.docs} --repeats {args.repeats} "
                   f"--articles-per-day {args.articles_per_day} --hours {args.hours:g}",
        "articles": done, "wall_seconds": [round(s, 2) for s in seconds], "cpu_seconds": [round(s, 2) for s in cpu],
        "articles_per_second_per_core": round(rate, 1),
        "articles_per_wall_second": round(done / statistics.median(seconds), 1),
        "mean_chars": round(sum(len(t) for t in texts) / len(texts)),
        "worker_peak_rss_mb": round(peak_mb),
        "plan": {"articles_per_day": args.articles_per_day, "hours": args.hours,
                 "articles_per_second_needed": round(needed, 1), "allowance_for_spark": OVERHEAD,
                 "executor_cores": cores, "executors_of_8_cores": math.ceil(cores / 8),
                 "python_worker_memory_gb": round(peak_mb * 1.25 / 1024, 1),
                 "executor_memory_gb_for_8_cores": math.ceil(8 * peak_mb * 1.25 / 1024 + 2)},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "note": "2 shared cores, other jobs alongside: a median of repeats; a quiet core is faster"},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
