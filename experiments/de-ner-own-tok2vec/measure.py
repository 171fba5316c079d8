"""NER scores via lagebild.eval.ner (GermEval 2014 test/dev, UNER German-PUD) and the paired one-core speed benchmark."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language

import lagebild.lang.de  # noqa: F401  (registers lagebild.de_tokenizer.v1)
from lagebild.eval import ner
from lagebild.train.corpora import NER_LABELS, read_germeval, read_gnad_texts

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_de_pipeline import dir_size_mb, pin_one_core  # noqa: E402


class OnePipeline:
    """Stand-in for lagebild.lang.Pipelines that serves one loaded pipeline (no extractors)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def get(self, lang: str) -> Language:
        return self.nlp


def evaluate(path: Path, data: Path, limit: int | None = None) -> dict[str, dict[str, float]]:
    """Micro P/R/F1 and per-label F1 on GermEval test + UNER German-PUD (ner.run) and GermEval dev, gold tokens."""
    nlp = spacy.load(path)
    rows = ner.run(OnePipeline(nlp), data, limit=limit)
    dev = list(read_germeval(data / "germeval2014_ner" / "NER-de-dev.tsv"))[:limit]
    docs = ner.annotate(nlp, list(nlp.pipeline), [s.words for s in dev])
    rows += ner.score_dataset("germeval2014_dev", dev, docs, NER_LABELS)
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r["dataset"], {"n_gold": r["n"]})[r["metric"]] = round(r["score"], 4)
    return out


def verify_texts(data: Path, n_dev: int, n_gnad: int) -> list[str]:
    """Texts for the graft check: GermEval dev sentences and 10kGNAD test articles (evaluation data, never trained on)."""
    dev = [" ".join(s.words) for s in list(read_germeval(data / "germeval2014_ner" / "NER-de-dev.tsv"))[:n_dev]]
    return dev + list(read_gnad_texts(data / "10kgnad_de" / "test.csv"))[:n_gnad]


def bench_pair(dirs: list[Path], texts: list[str], repeats: int) -> list[dict[str, object]]:
    """Tokens/s of each pipeline dir on one core, same process, repeats interleaved; median (as bench_de_pipeline.py)."""
    cpu = pin_one_core()
    nlps = [spacy.load(d) for d in dirs]

    def run(nlp: Language) -> int:
        return sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))

    tokens = [run(nlp) for nlp in nlps][0]  # warm-up
    seconds: list[list[float]] = [[] for _ in dirs]
    for _ in range(repeats):
        for nlp, ts in zip(nlps, seconds):
            start = time.perf_counter()
            run(nlp)
            ts.append(time.perf_counter() - start)
    base = tokens / statistics.median(seconds[0])
    return [{"pipeline": str(d), "cpu": cpu, "docs": len(texts), "tokens": tokens, "repeats": repeats,
             "tokens_per_s_median": round(tokens / statistics.median(ts)),
             "ratio_vs_first": round(tokens / statistics.median(ts) / base, 4), "size_mb": round(dir_size_mb(d), 1)}
            for d, ts in zip(dirs, seconds)]
