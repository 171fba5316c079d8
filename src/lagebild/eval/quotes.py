"""Quote evaluation on German Wikinews quotation attribution (test split): detection F1 and speaker accuracy."""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language

from . import EvalRow

DATASET = "wikinews_quotes_de"
SPLITS = ("test", "dev", "train")  # the quote rules were written on train and dev; test is only scored
GOLD_TYPES = frozenset({"Direct", "Indirect", "IndirectFreeIndirect", "FreeIndirect"})
STRIP = ".,;:„“”»«\"'()"


def read_split(data_dir: Path, split: str = "test", limit: int | None = None) -> Iterator[dict]:
    """Documents of one split, straight from the tarball (never extracted)."""
    path = data_dir / DATASET / f"{split}.tar.gz"
    if not path.exists():
        return
    n = 0
    with tarfile.open(path) as tar:
        for member in sorted((m for m in tar.getmembers() if m.name.endswith(".json")), key=lambda m: m.name):
            f = tar.extractfile(member)
            if f is None:
                continue
            yield json.load(f)
            n += 1
            if limit is not None and n >= limit:
                return


def gold_quotes(doc: dict) -> list[dict]:
    """Gold direct/indirect quotes: char set, kind, speaker spans and texts.

    A span annotated twice (one quote relayed by two sources) is one quote; either speaker counts as right.
    """
    by_chars: dict[frozenset[int], dict] = {}
    for a in doc["annotations"]:
        if a["type"] not in GOLD_TYPES or not a["quote"]["spans"]:
            continue
        chars = frozenset(c for s in a["quote"]["spans"] for c in range(s["charBegin"], s["charEnd"]))
        quote = by_chars.setdefault(chars, {"chars": set(chars), "type": a["type"], "speaker_spans": [], "speaker_texts": []})
        quote["speaker_spans"] += [(s["charBegin"], s["charEnd"]) for s in a["speaker"]["spans"]]
        quote["speaker_texts"].append(a["speaker"]["text"])
    return list(by_chars.values())


def match(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """One-to-one greedy matching: a prediction matches a gold quote if it covers at least half of it."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            cov = sum(1 for c in g["chars"] if p["start"] <= c < p["end"])
            if g["chars"] and cov >= 0.5 * len(g["chars"]):
                pairs.append((cov / len(g["chars"]), gi, pi))
    pairs.sort(reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def _words(text: str | None) -> set[str]:
    return {w.strip(STRIP).lower() for w in (text or "").split()} - {""}


def _without_tag(text: str) -> str:
    """A speaker text without a trailing bracketed tag, whose last word is the head: "Ministerin Ada Roth (SPD)"."""
    stripped = text.rstrip()
    if stripped.endswith(")") and "(" in stripped:
        head = stripped[:stripped.rfind("(")].rstrip()
        return head or text
    return text


def speaker_correct(g: dict, p: dict, pred_spans: list[tuple[int, int]]) -> bool:
    """Speaker overlaps the gold speaker span, or shares its last (head) word (a trailing tag such as a party in
    brackets is no head)."""
    for a, b in g["speaker_spans"]:
        if any(min(b, d) - max(a, c) > 0 for c, d in pred_spans):
            return True
    predicted = _words(p.get("speaker_text"))
    for text in g["speaker_texts"]:
        gw = [w.strip(STRIP).lower() for w in _without_tag(text).split() if w.strip(STRIP)]
        if gw and gw[-1] in predicted:
            return True
    return False


def score(gold: list[dict], pred: list[dict], spans: dict[str, list[tuple[int, int]]]) -> dict[str, int]:
    """Counts for one document: gold, predicted, matched, speaker-judged, speaker-correct."""
    pairs = match(gold, pred)
    judged = correct = 0
    for gi, pi in pairs:
        if gold[gi]["speaker_spans"]:
            judged += 1
            correct += speaker_correct(gold[gi], pred[pi], spans.get(pred[pi]["id"], []))
    return {"gold": len(gold), "pred": len(pred), "match": len(pairs), "judged": judged, "correct": correct}


def prf(c: dict[str, int]) -> tuple[float, float, float]:
    """Precision, recall, F1 from counts."""
    p = c["match"] / c["pred"] if c["pred"] else 0.0
    r = c["match"] / c["gold"] if c["gold"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(nlp: Language, docs: Iterator[dict]) -> dict[str, int]:
    """Run the pipeline over the documents and sum the counts."""
    from ..extract import claims

    total = {"gold": 0, "pred": 0, "match": 0, "judged": 0, "correct": 0}
    for d in docs:
        doc = nlp(d["originalText"])
        c = score(gold_quotes(d), claims(doc)["quotes"], doc._.quote_speaker_spans or {})
        for k, v in c.items():
            total[k] += v
    return total


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None, split: str = "test") -> list[EvalRow]:
    """Quote detection P/R/F1 (half-coverage match) and speaker accuracy on found quotes."""
    if not (data_dir / DATASET / f"{split}.tar.gz").exists():
        return []
    c = evaluate(pipelines.get("de"), read_split(data_dir, split, limit))
    p, r, f = prf(c)
    acc = c["correct"] / c["judged"] if c["judged"] else 0.0
    ds = f"{DATASET}/{split}"
    return [
        EvalRow(dataset=ds, task="quotes", metric="precision", score=p, anchor=None, n=c["pred"]),
        EvalRow(dataset=ds, task="quotes", metric="recall", score=r, anchor=None, n=c["gold"]),
        EvalRow(dataset=ds, task="quotes", metric="f1", score=f, anchor=None, n=c["gold"]),
        EvalRow(dataset=ds, task="quotes", metric="speaker_accuracy", score=acc, anchor=None, n=c["judged"]),
    ]
