"""Extraction speed: whole processes against a bare spaCy tokenizer, `--jobs`, and time per 1,000 characters.

Usage: .venv/bin/python benchmarks/bench_speed.py [--docs 1028] [--repeats 3] [--parts corpus,startup,scaling]
                                                   [--lengths 2000,5000,...]
Parts, each timed in the same run as its baseline, medians of `--repeats`:
- corpus: on 10kGNAD test (benchmark-only data), the wall time of a bare tokenizer process (Python start, spaCy
  import, `spacy.blank("de")`, tokenise every text), then of `lagebild extract --format jsonl` with `--jobs 1` and
  `--jobs 2` on the same articles. Ratios are against the tokenizer process; the speed-up is jobs 1 over jobs 2.
- startup: one short 10kGNAD test article (the shortest of the first 50), so that the process is nearly all start-up
  (Python start, imports, pipeline loading, what is loaded on first use): the tokenizer process and `lagebild
  extract` on it (and on `--before-src`), interleaved, `--repeats` rounds; medians of wall and CPU seconds.
- scaling: articles of growing length (10kGNAD articles joined as paragraphs), each extracted in one process; the
  CPU milliseconds per 1,000 characters should stay flat.
The machine is shared: the load average before and after each part is recorded beside the figures. Each extract
process logs its own CPU seconds and its workers' (LAGEBILD_LOG=info): recorded as parent_cpu_seconds and
workers_cpu_seconds, and the parent's share of the CPU with --jobs 2 (parent_cpu_share_jobs2).
--before-src DIR adds `lagebild extract` on the code in DIR (a `git archive` of an older commit's src) to the same
rounds, for a before/after ratio measured in one run. The --jobs 2 speed-up: `--parts corpus --repeats 3` on idle
cores (its figure is `speedup_jobs2_vs_jobs1`).
Writes benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lagebild.config import Settings
from lagebild.train.corpora import read_gnad_texts

RESULTS = Path(__file__).with_name("results") / "speed.json"
BIN = Path(sys.executable).parent
DEFAULT_LENGTHS = "2000,5000,10000,20000,50000,100000,200000"

TOKENIZER_SCRIPT = """
import json, sys
import spacy
nlp = spacy.blank("de")
tokens = 0
with open(sys.argv[1], encoding="utf-8") as lines:
    for line in lines:
        tokens += len(nlp.make_doc(json.loads(line)["text"]))
print(tokens)
"""

SCALING_SCRIPT = """
import json, sys, time
from lagebild.model import Article
from lagebild.pipeline import Extractor
extractor = Extractor()
out = []
for line in open(sys.argv[1], encoding="utf-8"):
    article = Article.model_validate_json(line)
    if article.id == "warm-up":  # loads what is loaded on first use (gazetteer, lexicons), untimed
        extractor.report(article)
        continue
    cpu, wall = time.process_time(), time.perf_counter()
    report = extractor.report(article)
    out.append({"chars": len(article.text), "cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                "quotes": len(report.quotes), "entities": len(report.entities)})
print(json.dumps(out))
"""


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages (the machine is shared)."""
    return [round(x, 2) for x in os.getloadavg()]


CPU_LINE = re.compile(r"CPU ([\d.]+) s in this process, ([\d.]+) s in worker processes")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, tuple[float, float] | None]:
    """Wall seconds of one process, which must succeed, its CPU seconds (user + system, its workers included), and
    the CPU seconds of the process itself and of its workers as it logs them (LAGEBILD_LOG=info; None if it did not)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, check=True, env={**env, "LAGEBILD_LOG": "info"}, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    split = CPU_LINE.search(done.stderr)
    return (wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            (float(split[1]), float(split[2])) if split else None)


def one_thread_env() -> dict[str, str]:
    """The environment with one BLAS/OpenMP thread, as `--jobs` gives each worker."""
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        env[name] = "1"
    return env


def corpus(texts: list[str], repeats: int, work: Path, jobs: bool = True, before: Path | None = None) -> dict[str, object]:
    """Tokenizer process vs `lagebild extract` with one and two jobs (and other code: `before`), interleaved."""
    articles = work / "gnad.jsonl"
    with articles.open("w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": f"gnad{i}", "text": text, "lang": "de", "published": "2016-05"},
                                 ensure_ascii=False) + "\n")
    env = one_thread_env()
    extract = [str(BIN / "lagebild"), "extract", str(articles), "--format", "jsonl", "-o", os.devnull]
    commands = {"tokenizer_process": [sys.executable, "-c", TOKENIZER_SCRIPT, str(articles)]}
    if jobs:
        commands.update(extract_jobs1=extract + ["--jobs", "1"], extract_jobs2=extract + ["--jobs", "2"],
                        extract_jobs2_spawn=extract + ["--jobs", "2"])
    else:  # code from before --jobs existed (run with PYTHONPATH=its src)
        commands.update(extract_jobs1=extract)
    envs = {name: env for name in commands}
    if jobs:  # the workers spawned, each loading its own pipelines (as before they were forked from a loaded parent)
        envs["extract_jobs2_spawn"] = {**env, "LAGEBILD_WORKER_START": "spawn"}
    if before is not None:  # the same command on other code (its src first on the path), in the same rounds
        commands["extract_before"] = extract
        envs["extract_before"] = {**env, "PYTHONPATH": str(before)}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    parent: dict[str, list[float]] = {name: [] for name in commands if name.startswith("extract")}
    workers: dict[str, list[float]] = {name: [] for name in parent}
    load_before = load()
    ceiling: list[float] = []
    for _ in range(repeats):
        if jobs:
            ceiling.append(cpu_ceiling())
        for name, command in commands.items():
            wall, used, split = timed(command, envs[name])
            seconds[name].append(round(wall, 2))
            cpu[name].append(round(used, 2))
            if split and name in parent:
                parent[name].append(split[0])
                workers[name].append(split[1])
    median = {name: statistics.median(values) for name, values in seconds.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    base = median["tokenizer_process"]
    return {
        "docs": len(texts), "chars": sum(len(t) for t in texts), "load_before": load_before, "load_after": load(),
        "seconds": seconds, "median_s": median,
        "ratio_vs_tokenizer_process": {name: round(m / base, 2) for name, m in median.items()},
        # CPU time is the fairer figure on a shared machine: it does not count the time others held the cores
        "cpu_seconds": cpu, "cpu_median_s": cpu_median,
        "cpu_ratio_vs_tokenizer_process": {name: round(m / cpu_median["tokenizer_process"], 2)
                                           for name, m in cpu_median.items()},
        # the extract process's own CPU and its workers' (from its log): what the parent takes from the cores
        "parent_cpu_seconds": {name: values for name, values in parent.items() if values},
        "workers_cpu_seconds": {name: values for name, values in workers.items() if values},
        "parent_cpu_share_jobs2": _share(parent.get("extract_jobs2"), workers.get("extract_jobs2")),
        "before_over_jobs1_cpu": round(cpu_median["extract_before"] / cpu_median["extract_jobs1"], 2) if before else None,
        "articles_per_s": {name: round(len(texts) / m, 1) for name, m in median.items() if name != "tokenizer_process"},
        "speedup_jobs2_vs_jobs1": round(median["extract_jobs1"] / median["extract_jobs2"], 2) if jobs else None,
        "speedup_jobs2_spawn_vs_jobs1": round(median["extract_jobs1"] / median["extract_jobs2_spawn"], 2)
        if jobs else None,
        "speedup_jobs2_per_round": [round(a / b, 2) for a, b in zip(seconds["extract_jobs1"], seconds["extract_jobs2"])]
        if jobs else None,
        # what the machine allowed in each round: a pure-Python loop, twice in a row against two processes at once
        "ceiling_python_loop_2_processes": ceiling or None,
        "ceiling_median": round(statistics.median(ceiling), 2) if ceiling else None,
        "before_src": str(before) if before else None,
        "before_over_jobs1": round(median["extract_before"] / median["extract_jobs1"], 2) if before else None,
        # the largest resident set of any process so far: an extract process or a worker (pipelines loaded)
        "peak_rss_mb_largest_process": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def startup(texts: list[str], repeats: int, work: Path, before: Path | None = None) -> dict[str, object]:
    """Whole processes on one short article: what start-up costs, against the tokenizer process's start-up."""
    text = min(texts[:50], key=len)
    article = work / "one.jsonl"
    article.write_text(json.dumps({"id": "gnad-short", "text": text, "lang": "de", "published": "2016-05"},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    env = one_thread_env()
    extract = [str(BIN / "lagebild"), "extract", str(article), "--format", "jsonl", "-o", os.devnull]
    commands = {"tokenizer_process": [sys.executable, "-c", TOKENIZER_SCRIPT, str(article)], "extract": extract}
    envs = {name: env for name in commands}
    if before is not None:
        commands["extract_before"] = extract
        envs["extract_before"] = {**env, "PYTHONPATH": str(before)}
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    load_before = load()
    for _ in range(repeats):
        for name, command in commands.items():
            wall, used, _split = timed(command, envs[name])
            seconds[name].append(round(wall, 2))
            cpu[name].append(round(used, 2))
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    return {
        "chars": len(text), "load_before": load_before, "load_after": load(), "seconds": seconds,
        "median_s": {name: statistics.median(values) for name, values in seconds.items()},
        "cpu_seconds": cpu, "cpu_median_s": cpu_median,
        "before_over_now_cpu": round(cpu_median["extract_before"] / cpu_median["extract"], 2) if before else None,
        "before_minus_now_cpu_s": round(cpu_median["extract_before"] - cpu_median["extract"], 2) if before else None,
        "before_src": str(before) if before else None,
    }


LOOP = "n = 0\nfor i in range(30_000_000):\n    n += i & 7\n"


def cpu_ceiling() -> float:
    """Speed-up of two processes of a pure-Python loop run at once over the same two run one after the other."""
    command = [sys.executable, "-c", LOOP]
    start = time.perf_counter()
    for _ in range(2):
        subprocess.run(command, check=True)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    running = [subprocess.Popen(command) for _ in range(2)]
    for process in running:
        if process.wait():
            raise SystemExit("the ceiling loop failed")
    return round(serial / (time.perf_counter() - start), 2)


def _share(parent: list[float] | None, workers: list[float] | None) -> float | None:
    """The parent's median share of the CPU that a run took (parent and workers together)."""
    if not parent or not workers:
        return None
    return round(statistics.median(p / (p + w) for p, w in zip(parent, workers)), 3)


def long_text(texts: list[str], chars: int) -> str:
    """Articles joined as paragraphs, cut at a word boundary to `chars` characters."""
    parts, size = [], 0
    for text in texts:
        parts.append(text)
        size += len(text) + 2
        if size >= chars:
            break
    joined = "\n\n".join(parts)[:chars]
    return joined[: joined.rfind(" ")] if " " in joined else joined


def scaling(texts: list[str], lengths: list[int], repeats: int, work: Path) -> dict[str, object]:
    """CPU time per 1,000 characters for articles of growing length, medians over processes."""
    articles = work / "long.jsonl"
    with articles.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "warm-up", "lang": "de", "text": long_text(texts[::-1], 3000)}) + "\n")
        for n in lengths:
            out.write(json.dumps({"id": f"long{n}", "lang": "de", "text": long_text(texts, n)}, ensure_ascii=False)
                      + "\n")
    before = load()
    runs: list[list[dict]] = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", SCALING_SCRIPT, str(articles)], check=True, env=one_thread_env(),
                              capture_output=True, text=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = []
    for i, n in enumerate(lengths):
        cpu = statistics.median(run[i]["cpu_s"] for run in runs)
        chars = runs[0][i]["chars"]
        rows.append({"target_chars": n, "chars": chars, "cpu_s_median": round(cpu, 3),
                     "wall_s_median": round(statistics.median(run[i]["wall_s"] for run in runs), 3),
                     "cpu_ms_per_1000_chars": round(1000 * cpu / (chars / 1000), 2),
                     "quotes": runs[0][i]["quotes"], "entities": runs[0][i]["entities"]})
    per_k = [row["cpu_ms_per_1000_chars"] for row in rows]
    return {"load_before": before, "load_after": load(), "repeats": repeats, "rows": rows,
            "max_over_min_ms_per_1000_chars": round(max(per_k) / min(per_k), 2)}


def main() -> None:
    """Run the parts asked for and write the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1028, help="10kGNAD test articles for the corpus part")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="corpus,scaling")
    parser.add_argument("--lengths", default=DEFAULT_LENGTHS, help="article lengths in characters, for scaling")
    parser.add_argument("--no-jobs", action="store_true", help="corpus part without --jobs 2 (and without the flag)")
    parser.add_argument("--before-src", type=Path, help="corpus and startup parts: also time extract on this src (PYTHONPATH)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    source = Settings.from_env().data_dir / "10kgnad_de" / "test.csv"
    if not source.exists():
        raise SystemExit(f"benchmark data not found: {source} (set LAGEBILD_DATA)")
    texts = list(read_gnad_texts(source))
    parts = args.parts.split(",")
    result: dict[str, object] = {
        "command": "LAGEBILD_DATA=../shared/data .venv/bin/python benchmarks/bench_speed.py " + " ".join(sys.argv[1:]),
        "code": os.environ.get("PYTHONPATH") or "this checkout",
        "model": Settings.from_env().model if hasattr(Settings, "model") else "cnn (the only one)",
        "machine": f"{platform.machine()} CPython {platform.python_version()}, {os.cpu_count()} CPUs, shared",
    }
    with tempfile.TemporaryDirectory() as tmp:
        if "corpus" in parts:
            result["corpus"] = corpus(texts[: args.docs], args.repeats, Path(tmp), jobs=not args.no_jobs,
                                      before=args.before_src)
            print(json.dumps(result["corpus"], indent=1), flush=True)
        if "startup" in parts:
            result["startup"] = startup(texts, args.repeats, Path(tmp), before=args.before_src)
            print(json.dumps(result["startup"], indent=1), flush=True)
        if "scaling" in parts:
            lengths = [int(n) for n in args.lengths.split(",")]
            result["scaling"] = scaling(texts, lengths, args.repeats, Path(tmp))
            print(json.dumps(result["scaling"], indent=1), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
