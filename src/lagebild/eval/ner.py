"""NER evaluation of both entity models: GermEval 2014 test (outer spans, PER/ORG/LOC/MISC), UNER German-PUD and
English-PUD (PER/ORG/LOC); exact span match. Task `ner-accurate` or `ner-fast` names the model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..train.corpora import NER_LABELS, Sent, read_germeval, read_uner
from . import EvalRow

Spans = set[tuple[int, int, str]]


def bio_to_spans(tags: Sequence[str]) -> Spans:
    """Exact (start, end, label) spans of a BIO sequence (a stray I- opens a span)."""
    spans: Spans = set()
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if start >= 0 and not (tag.startswith("I-") and tag[2:] == label):
            spans.add((start, i, label))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, label = i, tag[2:]
    return spans


def prf(gold: Iterable[Spans], pred: Iterable[Spans], label: str | None = None) -> tuple[float, float, float, int]:
    """Micro precision, recall, F1 over sentences (optionally one label), and the gold span count."""
    tp = n_gold = n_pred = 0
    for g, p in zip(gold, pred):
        if label is not None:
            g = {s for s in g if s[2] == label}
            p = {s for s in p if s[2] == label}
        tp += len(g & p)
        n_gold += len(g)
        n_pred += len(p)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, n_gold


def base_components(nlp: Language, pipelines: Any) -> list[tuple[str, Any]]:
    """The pipeline's components minus lagebild's extractors (they read, not make, the base annotation)."""
    skip = set(getattr(getattr(pipelines, "settings", None), "extractors", ()) or ())
    return [(name, proc) for name, proc in nlp.pipeline if name not in skip]


def annotate(nlp: Language, components: list[tuple[str, Any]], words_list: Sequence[list[str]], batch_size: int = 64) -> list[Doc]:
    """Run the given components over Docs built from gold words (gold tokenisation)."""
    docs: Iterable[Doc] = (Doc(nlp.vocab, words=words) for words in words_list)
    for _, proc in components:
        docs = proc.pipe(docs, batch_size=batch_size) if hasattr(proc, "pipe") else map(proc, docs)
    return list(docs)


def predicted_spans(doc: Doc, labels: Sequence[str]) -> Spans:
    """The doc's entities as exact spans, restricted to `labels`."""
    return {(e.start, e.end, e.label_) for e in doc.ents if e.label_ in labels}


def score_dataset(dataset: str, sents: Sequence[Sent], docs: Sequence[Doc], labels: Sequence[str],
                  task: str = "ner") -> list[EvalRow]:
    """Micro P/R/F1 plus per-label F1 rows for one dataset."""
    gold = [bio_to_spans(s.ner or []) for s in sents]
    pred = [predicted_spans(d, labels) for d in docs]
    p, r, f, n = prf(gold, pred)
    rows: list[EvalRow] = [
        EvalRow(dataset=dataset, task=task, metric=m, score=v, anchor=None, n=n)
        for m, v in (("precision", p), ("recall", r), ("f1", f))
    ]
    for label in labels:
        _, _, lf, ln = prf(gold, pred, label)
        rows.append(EvalRow(dataset=dataset, task=task, metric=f"f1_{label}", score=lf, anchor=None, n=ln))
    return rows


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Score both models on GermEval 2014 test and UNER German- and English-PUD (evaluation only).

    The fast model has no English entities, so it is scored on the German sets only.
    """
    from ..config import MODELS
    from ..lang import Pipelines

    sources = [
        ("germeval2014_test", "de", data_dir / "germeval2014_ner" / "NER-de-test.tsv", read_germeval, NER_LABELS),
        ("uner_de_pud", "de", data_dir / "uner_pud_de_en" / "de_pud-ud-test.iob2", read_uner, ("PER", "ORG", "LOC")),
        ("uner_en_pud", "en", data_dir / "uner_pud_de_en" / "en_pud-ud-test.iob2", read_uner, ("PER", "ORG", "LOC")),
    ]
    present = [s for s in sources if s[2].exists()]
    rows: list[EvalRow] = []
    for model in MODELS:
        models = Pipelines(replace(pipelines.settings, model=model))
        for dataset, lang, path, reader, labels in present:
            if model == "fast" and lang == "en":
                continue
            nlp = models.get(lang)
            sents = list(reader(path))[:limit]
            docs = annotate(nlp, base_components(nlp, models), [s.words for s in sents])
            rows.extend(score_dataset(dataset, sents, docs, labels, task=f"ner-{model}"))
    return rows
