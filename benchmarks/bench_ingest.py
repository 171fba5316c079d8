"""Reader + store throughput on a large JSONL file (not a test: run `make bench`).

Measures, in one run and on the same file:
  baseline   json.loads of every line (the floor any JSONL reader pays),
  reader     lagebild's reader: validation, partial dates, ids, language detection,
  store      writing reports for those articles into DuckDB in batches (no NLP),
and the peak memory of the reader, which must stay flat however large the file.
Medians of --repeats runs; speed is also given as a ratio against the baseline.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from lagebild.config import Settings
from lagebild.ingest import RecordBuilder, read_inputs
from lagebild.model import Article, Report
from lagebild.store import Store

SENTENCES = [
    "In {city} haben am {day} nach Angaben der Polizei {n} Menschen gegen die Regierung demonstriert.",
    "Das Innenministerium teilte mit, es seien {n} Polizisten in die Hauptstadt verlegt worden.",
    "Nach Angaben des Staatsradios wurden mindestens {n} Menschen festgenommen.",
    "Police in {city} said on {day} that {n} people had been detained overnight.",
    "Augenzeugen berichteten von Schüssen in der Nähe des Regierungsviertels.",
    "The health ministry said {n} people had been treated for injuries.",
]
CITIES = ["Bischkek", "Osch", "Dschalal-Abad", "Karakol", "Bishkek", "Osh"]
DAYS = ["Freitag", "Samstag", "Montag", "Friday", "Saturday"]


def write_corpus(path: Path, count: int, seed: int = 7) -> None:
    """A synthetic JSONL corpus of short agency-style reports written for this benchmark."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            text = " ".join(rng.choice(SENTENCES).format(city=rng.choice(CITIES), day=rng.choice(DAYS),
                                                          n=rng.randint(2, 5000)) for _ in range(rng.randint(3, 8)))
            record = {"id": f"bench-{i}", "text": text, "published": f"2023-03-{rng.randint(1, 31):02d}",
                      "source": "Benchmark Wire"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_baseline(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as lines:
        for line in lines:
            json.loads(line)
    return time.perf_counter() - start


def time_reader(path: Path, settings: Settings) -> tuple[float, int, list[float]]:
    """Seconds to read every record, how many became articles, and RSS samples along the way."""
    builder = RecordBuilder(settings)
    builder.detector.detect("Warmup: das Modell wird einmal geladen.")
    samples: list[float] = []
    start = time.perf_counter()
    articles = 0
    for index, item in enumerate(read_inputs([str(path)], builder)):
        articles += isinstance(item, Article)
        if index % 10_000 == 0:
            samples.append(peak_rss_mb())
    return time.perf_counter() - start, articles, samples


def time_store(path: Path, settings: Settings, db: Path, batch: int) -> float:
    """Seconds to write reports for every article into a fresh store, in transactions of `batch`."""
    articles = [item for item in read_inputs([str(path)], RecordBuilder(settings)) if isinstance(item, Article)]
    reports = [Report(article=article) for article in articles]
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    with Store(db) as store:
        iterator = iter(reports)
        while chunk := list(islice(iterator, batch)):
            store.write(chunk)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "ingest.json")
    args = parser.parse_args()
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus, args.records)
        baseline = statistics.median(time_baseline(corpus) for _ in range(args.repeats))
        reader_runs = [time_reader(corpus, settings) for _ in range(args.repeats)]
        reader = statistics.median(run[0] for run in reader_runs)
        rss = reader_runs[0][2]
        store = statistics.median(time_store(corpus, settings, Path(tmp) / "b.duckdb", settings.store_batch_size)
                                  for _ in range(args.repeats))
        size_mb = corpus.stat().st_size / 1e6
    n = args.records
    result = {
        "command": "make bench  # = .venv/bin/python benchmarks/bench_ingest.py",
        "records": n, "corpus_mb": round(size_mb, 1), "repeats": args.repeats,
        "baseline_json_loads_records_per_s": round(n / baseline),
        "reader_records_per_s": round(n / reader),
        "reader_vs_baseline": round(baseline / reader, 3),
        "store_records_per_s": round(n / store),
        "reader_rss_mb_first_sample": round(rss[0], 1), "reader_rss_mb_last_sample": round(rss[-1], 1),
        "machine": f"{platform.machine()} {platform.python_implementation()} {platform.python_version()}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
