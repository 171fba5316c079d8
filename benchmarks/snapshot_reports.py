"""Save, or check byte for byte, the reports of a fixed sample of articles: the guard for speed work.

Usage:
  .venv/bin/python benchmarks/snapshot_reports.py save DIR [--gnad 50] [--long 20000,60000]
  .venv/bin/python benchmarks/snapshot_reports.py check DIR [--jobs N]

The sample is the bundled example articles, the first `--gnad` articles of 10kGNAD test (benchmark-only data, so
DIR must stay outside the repository), and long articles of the given lengths built by joining 10kGNAD articles
as paragraphs. `check` re-extracts the same articles and reports every article whose JSON differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from importlib.resources import files
from pathlib import Path

from lagebild.config import Settings
from lagebild.ingest.base import RecordBuilder
from lagebild.ingest.readers import read_inputs
from lagebild.model import Article
from lagebild.train.corpora import read_gnad_texts


def long_text(texts: list[str], chars: int) -> str:
    """Articles joined as paragraphs until the text has at least `chars` characters, cut at a paragraph."""
    parts: list[str] = []
    size = 0
    for text in texts:
        if size >= chars:
            break
        parts.append(text)
        size += len(text) + 2
    return "\n\n".join(parts)


def sample(settings: Settings, gnad: int, lengths: list[int]) -> list[Article]:
    """The bundled examples, `gnad` 10kGNAD articles and long articles of the given lengths."""
    builder = RecordBuilder(settings)
    articles = [a for a in read_inputs([str(files("lagebild") / "examples")], builder) if isinstance(a, Article)]
    source = settings.data_dir / "10kgnad_de" / "test.csv"
    texts = list(read_gnad_texts(source)) if source.exists() else []
    records = [{"id": f"gnad{i}", "text": t, "published": "2016-05", "lang": "de"} for i, t in enumerate(texts[:gnad])]
    records += [{"id": f"long{n}", "text": long_text(texts, n), "published": "2016-05-12", "lang": "de"}
                for n in lengths if texts]
    for record in records:
        article = builder.build(record, record["id"])
        assert isinstance(article, Article), article
        articles.append(article)
    return articles


def extract(articles: list[Article], settings: Settings, jobs: int) -> list[str]:
    """The report of each article as one JSON line."""
    from lagebild.pipeline import Extractor

    if jobs > 1:
        from lagebild.workers import parallel_reports

        reports = list(parallel_reports(articles, settings, jobs))
    else:
        reports = list(Extractor(settings).reports(articles))
    return [json.dumps(r.to_json_dict(), ensure_ascii=False, sort_keys=True)  # type: ignore[union-attr]
            for r in reports]


def main() -> None:
    """Save or check the snapshot."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("--gnad", type=int, default=50)
    parser.add_argument("--long", default="20000,60000", help="comma-separated lengths of long articles")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    settings = Settings.from_env()
    path = args.dir / "reports.jsonl"
    if args.action == "save":
        lengths = [int(n) for n in args.long.split(",") if n]
        articles = sample(settings, args.gnad, lengths)
        args.dir.mkdir(parents=True, exist_ok=True)
        (args.dir / "articles.jsonl").write_text(
            "".join(a.model_dump_json() + "\n" for a in articles), encoding="utf-8")
    else:
        articles = [Article.model_validate_json(line)
                    for line in (args.dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    start = time.perf_counter()
    lines = extract(articles, settings, args.jobs)
    seconds = time.perf_counter() - start
    if args.action == "save":
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"saved {len(lines)} reports in {seconds:.1f} s → {path}")
        return
    saved = path.read_text(encoding="utf-8").splitlines()
    differ = [a.id for a, old, new in zip(articles, saved, lines) if old != new]
    print(f"{len(lines) - len(differ)} of {len(lines)} reports identical in {seconds:.1f} s"
          + (f"; differ: {', '.join(differ)}" if differ else ""))
    sys.exit(1 if differ or len(saved) != len(lines) else 0)


if __name__ == "__main__":
    main()
