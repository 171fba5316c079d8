"""Where `--jobs` spends CPU: the parent process (reading, writing) against its worker processes.

Usage: LAGEBILD_MODEL=fast LAGEBILD_DATA=../shared/data .venv/bin/python benchmarks/bench_jobs_cpu.py
           [--docs 1028] [--rounds 2] [--jobs 2] [--before-src DIR] [--out benchmarks/results/jobs_cpu.json]
Runs `lagebild extract --format jsonl --jobs N` on 10kGNAD test articles through a script that does what the
`lagebild` console script does and then reports getrusage of itself (the parent) and of its ended children (the
workers). CPU seconds do not count the time other jobs held the cores, so the parent's share of the run's CPU is a
fair figure on a shared machine, unlike the wall clock. With --before-src DIR (the src of an older commit, from
`git archive`), the same command on that code runs in the same rounds, alternating, and the outputs are compared.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from lagebild.config import Settings
from lagebild.train.corpora import read_gnad_texts

RESULTS = Path(__file__).with_name("results") / "jobs_cpu.json"

# What the console script runs, then the CPU of this process and of its children (the workers, once ended).
WRAPPER = """
import json, resource, sys
from lagebild.views.cli import main

if __name__ == "__main__":
    sys.argv = ["lagebild"] + sys.argv[1:]
    try:
        main()
    except SystemExit:
        pass
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"parent": own.ru_utime + own.ru_stime, "workers": children.ru_utime + children.ru_stime}),
          file=sys.stderr)
"""


def run(script: Path, articles: Path, out: Path, jobs: int, src: Path | None) -> dict[str, float]:
    """One extract process: the parent's and the workers' CPU seconds and the parent's share."""
    env = {**os.environ, **({"PYTHONPATH": str(src)} if src else {})}
    done = subprocess.run([sys.executable, str(script), "extract", str(articles), "--format", "jsonl", "-o", str(out),
                           "--jobs", str(jobs)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, check=True)
    used = json.loads(done.stderr.strip().splitlines()[-1])
    return {"parent_cpu_s": round(used["parent"], 2), "workers_cpu_s": round(used["workers"], 2),
            "parent_share": round(used["parent"] / (used["parent"] + used["workers"]), 4),
            "load": round(os.getloadavg()[0], 2)}


def summary(runs: list[dict[str, float]]) -> dict[str, object]:
    """The runs of one code, with the medians."""
    return {"runs": runs, **{f"median_{key}": round(statistics.median(r[key] for r in runs), 4)
                             for key in ("parent_cpu_s", "workers_cpu_s", "parent_share")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1028)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--before-src", type=Path, help="also run the code in this src, alternating")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    source = Settings.from_env().data_dir / "10kgnad_de" / "test.csv"
    if not source.exists():
        raise SystemExit(f"benchmark data not found: {source} (set LAGEBILD_DATA)")
    codes: dict[str, Path | None] = {"this checkout": None}
    if args.before_src:
        codes = {"before": args.before_src.resolve(), **codes}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in codes}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        articles, script = work / "gnad.jsonl", work / "extract_cpu.py"
        script.write_text(WRAPPER, encoding="utf-8")
        with articles.open("w", encoding="utf-8") as out:
            for i, text in enumerate(list(read_gnad_texts(source))[: args.docs]):
                out.write(json.dumps({"id": f"gnad{i}", "text": text, "lang": "de", "published": "2016-05"},
                                     ensure_ascii=False) + "\n")
        for _ in range(args.rounds):
            for i, (name, src) in enumerate(codes.items()):
                runs[name].append(run(script, articles, work / f"out{i}.jsonl", args.jobs, src))
                print(name, runs[name][-1], flush=True)
        same = filecmp.cmp(work / "out0.jsonl", work / "out1.jsonl", shallow=False) if args.before_src else None
    result: dict[str, object] = {
        "command": "LAGEBILD_MODEL=fast LAGEBILD_DATA=../shared/data .venv/bin/python benchmarks/bench_jobs_cpu.py "
                   + " ".join(sys.argv[1:]),
        "model": os.environ.get("LAGEBILD_MODEL", "default"), "docs": args.docs, "jobs": args.jobs,
        "before_src": str(args.before_src) if args.before_src else None,
        "codes": {name: summary(r) for name, r in runs.items()}, "same_output_as_before": same,
        "note": "CPU seconds from getrusage: the parent (reads, writes, orders) and its workers (extract)",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
