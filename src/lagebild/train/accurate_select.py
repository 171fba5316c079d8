"""Model selection for the accurate model: exact-span F1 of exported (int8 ONNX) models on the selection sets.

`prepare` writes the selection sets into the work directory (GermEval 2014 dev; with `english_dev`, the
held-out English documents, labelled as the English training data is). `lagebild train accurate --stage score`
scores the packaged model and the recipe's output next to each other, so an export replaces the shipped model
only when it beats it here, before any test set is looked at.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..accurate.labels import spans
from .corpora import Sent

SELECTION_FILES = {"germeval_dev": "select-de.jsonl", "english_heldout": "select-en.jsonl"}


def write_selection(work_dir: Path, name: str, sents: Sequence[Sent]) -> None:
    """One selection set as JSON lines of words and BIO tags."""
    with (work_dir / SELECTION_FILES[name]).open("w", encoding="utf-8") as fh:
        for s in sents:
            fh.write(json.dumps({"words": s.words, "ner": s.ner or ["O"] * len(s.words)}, ensure_ascii=False) + "\n")


def read_selection(path: Path) -> list[Sent]:
    """A selection set written by :func:`write_selection`."""
    with path.open(encoding="utf-8") as fh:
        return [Sent(row["words"], ner=row["ner"]) for row in map(json.loads, fh)]


@dataclass(frozen=True)
class Score:
    """Exact-span precision, recall and F1, overall and per label."""

    precision: float
    recall: float
    f1: float
    per_label: dict[str, float]

    def line(self) -> str:
        labels = " ".join(f"{k} {v:.3f}" for k, v in sorted(self.per_label.items()))
        return f"F1 {self.f1:.3f} (P {self.precision:.3f}, R {self.recall:.3f}; {labels})"


def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Score:
    """Exact span match over BIO sequences."""
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g_tags, p_tags in zip(gold, predicted):
        g, p = set(spans(list(g_tags))), set(spans(list(p_tags)))
        tp.update(s[2] for s in g & p)
        n_gold.update(s[2] for s in g)
        n_pred.update(s[2] for s in p)
    per_label = {label: _f1(tp[label], n_pred[label], n_gold[label]) for label in n_gold}
    total_tp, total_pred, total_gold = sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())
    return Score(total_tp / total_pred if total_pred else 0.0, total_tp / total_gold if total_gold else 0.0,
                 _f1(total_tp, total_pred, total_gold), per_label)


def _f1(tp: int, n_pred: int, n_gold: int) -> float:
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0


def score_models(work_dir: Path, model_dirs: Sequence[Path]) -> dict[str, dict[str, Score]]:
    """Each model directory's score on each selection set found in the work directory."""
    from ..accurate.runtime import AccurateTagger

    sets = {name: read_selection(work_dir / file) for name, file in SELECTION_FILES.items()
            if (work_dir / file).exists()}
    if not sets:
        raise FileNotFoundError(f"no selection sets in {work_dir} (run the prepare stage)")
    out: dict[str, dict[str, Score]] = {}
    for model_dir in model_dirs:
        tagger = AccurateTagger(model_dir)
        out[str(model_dir)] = {name: score([s.ner or [] for s in sents], tagger.tag([s.words for s in sents]))
                               for name, sents in sets.items()}
    return out
