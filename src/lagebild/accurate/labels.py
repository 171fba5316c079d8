"""The accurate model's tag set and BIO decoding (shared by training and run time)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
TAGS = ("O",) + tuple(f"{p}-{label}" for label in ENTITY_LABELS for p in ("B", "I"))
TAG_INDEX = {tag: i for i, tag in enumerate(TAGS)}
IGNORE = -100  # label of pieces that are not the first piece of a word


def allowed_transitions() -> np.ndarray:
    """allowed[a, b]: tag b may follow tag a (an I- only continues its own label)."""
    n = len(TAGS)
    allowed = np.ones((n, n), dtype=bool)
    for b, tag in enumerate(TAGS):
        if tag.startswith("I-"):
            for a, prev in enumerate(TAGS):
                allowed[a, b] = prev[2:] == tag[2:]
    return allowed


_ALLOWED = allowed_transitions()
_START = np.array([not t.startswith("I-") for t in TAGS])


def viterbi(log_probs: np.ndarray) -> list[str]:
    """The best BIO-valid tag sequence for per-word log probabilities [words, tags]."""
    n_words = len(log_probs)
    if n_words == 0:
        return []
    penalty = np.where(_ALLOWED, 0.0, -1e9)
    score = np.where(_START, log_probs[0], -1e9)
    back = np.zeros((n_words, len(TAGS)), dtype=np.int64)
    for i in range(1, n_words):
        total = score[:, None] + penalty
        back[i] = total.argmax(axis=0)
        score = total.max(axis=0) + log_probs[i]
    best = [int(score.argmax())]
    for i in range(n_words - 1, 0, -1):
        best.append(int(back[i, best[-1]]))
    return [TAGS[t] for t in reversed(best)]


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) word spans of a BIO-valid sequence."""
    out: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if start >= 0 and tag != f"I-{label}":
            out.append((start, i, label))
            start = -1
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return out
