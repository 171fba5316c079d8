"""Quantity evaluation on the project's own held-out gold sentences (`tests/data/quantities_gold.jsonl`).

The sentences were written from `docs/annotation-guidelines.md` alone, without looking at the extraction rules.
A predicted quantity matches a gold one when their character spans overlap (one-to-one, in text order).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import OWN_GOLD_DIR, EvalRow, read_own_gold

GOLD_FILE = OWN_GOLD_DIR / "quantities_gold.jsonl"
DATASET = "lagebild_quantities_heldout"


def read_gold(path: Path = GOLD_FILE, limit: int | None = None) -> list[dict]:
    """The annotated sentences, with gold char offsets filled in."""
    return read_own_gold(path, "quantities", "text", limit)


def _same(a: float | None, b: float | None) -> bool:
    return a == b if a is None or b is None else abs(a - b) <= 1e-6 * max(1.0, abs(b))


def score(gold: list[dict], predicted: list[list[dict]]) -> dict[str, int]:
    """Counts: gold, predicted, span matches, and matches with equal bounds / equal category / both."""
    c = {"gold": 0, "pred": 0, "match": 0, "bounds": 0, "category": 0, "exact": 0}
    for row, preds in zip(gold, predicted):
        c["gold"] += len(row["quantities"])
        c["pred"] += len(preds)
        used: set[int] = set()
        for g in row["quantities"]:
            k = next((k for k, p in enumerate(preds) if k not in used and p["start"] < g["end"] and g["start"] < p["end"]), None)
            if k is None:
                continue
            used.add(k)
            p = preds[k]
            bounds = _same(p["low"], g["low"]) and _same(p["high"], g["high"])
            category = p["category"] == g["category"]
            c["match"] += 1
            c["bounds"] += bounds
            c["category"] += category
            c["exact"] += bounds and category
    return c


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Span P/R/F1, and bounds / category accuracy on matched quantities."""
    from ..extract import claims

    gold = read_gold(limit=limit)
    if not gold:
        return []
    nlp = pipelines.get("de")
    c = score(gold, [claims(nlp(row["text"]))["quantities"] for row in gold])
    p = c["match"] / c["pred"] if c["pred"] else 0.0
    r = c["match"] / c["gold"] if c["gold"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    on_matches = lambda k: c[k] / c["match"] if c["match"] else 0.0  # noqa: E731
    return [
        EvalRow(dataset=DATASET, task="quantities", metric="precision", score=p, anchor=None, n=c["pred"]),
        EvalRow(dataset=DATASET, task="quantities", metric="recall", score=r, anchor=None, n=c["gold"]),
        EvalRow(dataset=DATASET, task="quantities", metric="f1", score=f, anchor=None, n=c["gold"]),
        EvalRow(dataset=DATASET, task="quantities", metric="bounds_accuracy", score=on_matches("bounds"), anchor=None, n=c["match"]),
        EvalRow(dataset=DATASET, task="quantities", metric="category_accuracy", score=on_matches("category"), anchor=None, n=c["match"]),
        EvalRow(dataset=DATASET, task="quantities", metric="exact_accuracy", score=on_matches("exact"), anchor=None, n=c["match"]),
    ]
