"""Tagging evaluation on UD German GSD test (and LIT, out of domain): UPOS, STTS, lemma, Mood on finite verbs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from ..train.corpora import Sent, read_conllu
from . import EvalRow
from .ner import annotate, base_components


def accuracy(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, int]:
    """Share of positions with a gold value where pred equals gold, and how many had one."""
    pairs = [(g, p) for g, p in zip(gold, pred) if g]
    if not pairs:
        return 0.0, 0
    return sum(g == p for g, p in pairs) / len(pairs), len(pairs)


def feats(morph: str) -> dict[str, str]:
    """A UD FEATS string as a dict."""
    return dict(f.split("=", 1) for f in morph.split("|") if "=" in f)


def mood_pairs(sents: Sequence[Sent], docs: Sequence[Doc]) -> tuple[list[str], list[str]]:
    """Gold and predicted Mood for every gold finite verb (VERB/AUX with VerbForm=Fin)."""
    gold: list[str] = []
    pred: list[str] = []
    for sent, doc in zip(sents, docs):
        finite: list[bool] = sent.extra.get("finite") or [False] * len(sent.words)  # type: ignore[assignment]
        for i, is_fin in enumerate(finite):
            if is_fin and sent.morph is not None:
                gold.append(feats(sent.morph[i]).get("Mood", "-"))
                pred.append(",".join(doc[i].morph.get("Mood", [])) or "-")
    return gold, pred


def score_dataset(dataset: str, sents: Sequence[Sent], docs: Sequence[Doc]) -> list[EvalRow]:
    """UPOS, STTS, lemma, full-morphology and finite-verb Mood accuracy rows for one treebank."""
    def col(attr: str) -> tuple[list[str], list[str]]:
        gold = [v for s in sents for v in (getattr(s, attr) or [""] * len(s.words))]
        pred = [getattr(t, f"{attr}_") if attr != "morph" else str(t.morph) for d in docs for t in d]
        return gold, pred

    rows: list[EvalRow] = []
    for metric, attr in (("upos_acc", "pos"), ("stts_acc", "tag"), ("lemma_acc", "lemma")):
        score, n = accuracy(*col(attr))
        if n:
            rows.append(EvalRow(dataset=dataset, task="tags", metric=metric, score=score, anchor=None, n=n))
    gold_m, pred_m = col("morph")
    score, n = accuracy([feats_str(g) or "_" for g in gold_m], [feats_str(p) or "_" for p in pred_m])
    rows.append(EvalRow(dataset=dataset, task="tags", metric="morph_acc", score=score, anchor=None, n=n))
    score, n = accuracy(*mood_pairs(sents, docs))
    rows.append(EvalRow(dataset=dataset, task="tags", metric="mood_fin_acc", score=score, anchor=None, n=n))
    return rows


def feats_str(morph: str) -> str:
    """FEATS in canonical (sorted) order."""
    return "|".join(f"{k}={v}" for k, v in sorted(feats(morph).items()))


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Score the German pipeline on UD German GSD test and LIT (both evaluation only) with gold tokens."""
    sources = [
        ("ud_german_gsd_test", data_dir / "ud_german" / "de_gsd-ud-test.conllu"),
        ("ud_german_lit_test", data_dir / "ud_german" / "de_lit-ud-test.conllu"),
    ]
    present = [s for s in sources if s[1].exists()]
    if not present:
        return []
    nlp = pipelines.get("de")
    components = base_components(nlp, pipelines)
    rows: list[EvalRow] = []
    for dataset, path in present:
        sents = list(read_conllu(path))[:limit]
        docs = annotate(nlp, components, [s.words for s in sents])
        rows.extend(score_dataset(dataset, sents, docs))
    return rows
