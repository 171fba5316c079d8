"""Attribution evaluation on GePaDe-SpkAtt dev (German Bundestag speeches, CC0): speech cues, their sources and messages.

The gold marks every speech event (cue) with its Source and Message tokens. lagebild's cue finder
(`extract.attribution.find_cues`) runs on the gold tokens and sentences after the base pipeline has tagged them.
A predicted cue matches a gold cue when they share a token (one-to-one, in order); on matched cues, the source is
right when the predicted speaker shares a token with the gold Source, and the message is found when the predicted
content covers at least half of the gold Message. Parliamentary speech is another domain than news: GePaDe counts
every speech act ("kritisiere", "fordern Sie auf", "Thema"), so cue recall is expected to be low.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import EvalRow
from .ner import base_components

FOLDER = Path("gepade_spkatt_de") / "spkatt2023_dev_task1"
DATASET = "gepade_spkatt_de/dev"
TokenSet = set[tuple[int, int]]  # (sentence id, token index)


def _positions(refs: list[str]) -> TokenSet:
    return {(int(s), int(t)) for s, t in (ref.split(":") for ref in refs)}


def read_speech(path: Path) -> tuple[list[list[str]], list[dict[str, TokenSet]]]:
    """The sentences (as token lists) and the gold annotations of one speech file."""
    data = json.loads(path.read_text("utf-8"))
    sentences = [s["Tokens"] for s in sorted(data["Sentences"], key=lambda s: s["SentenceId"])]
    gold = [{role: _positions(a.get(role, [])) for role in ("Cue", "Source", "Message")} for a in data["Annotations"]]
    return sentences, gold


def predict(nlp: Language, components: list[tuple[str, Any]], sentences: list[list[str]]) -> list[dict[str, TokenSet]]:
    """Cues found by lagebild in one speech, as token sets like the gold's."""
    from ..extract.attribution import AttributionLexicon, find_cues

    lex = AttributionLexicon.load("de")
    words = [w for sent in sentences for w in sent]
    starts: list[bool | int | None] = [i == 0 for sent in sentences for i in range(len(sent))]
    doc = Doc(nlp.vocab, words=words, sent_starts=starts)
    for name, proc in components:
        if name not in ("sentencizer", "senter"):
            doc = proc(doc)
    where = [(s, t) for s, sent in enumerate(sentences) for t in range(len(sent))]
    found = []
    for sent in doc.sents:
        for cue in find_cues(doc, sent, lex):
            span = lambda r: {where[k] for k in range(*r)} if r else set()  # noqa: E731
            found.append({"Cue": {where[k] for k in (cue.tokens or range(cue.start, cue.end))},
                          "Source": span(cue.speaker), "Message": span(cue.content)})
    return found


def score(gold: list[dict[str, TokenSet]], pred: list[dict[str, TokenSet]]) -> dict[str, int]:
    """Counts: gold and predicted cues, matched cues, and source / message agreement on the matched ones."""
    c = {"gold": len(gold), "pred": len(pred), "match": 0, "source_judged": 0, "source": 0, "message_judged": 0, "message": 0}
    used: set[int] = set()
    for g in gold:
        k = next((k for k, p in enumerate(pred) if k not in used and p["Cue"] & g["Cue"]), None)
        if k is None:
            continue
        used.add(k)
        p = pred[k]
        c["match"] += 1
        if g["Source"]:
            c["source_judged"] += 1
            c["source"] += bool(p["Source"] & g["Source"])
        if g["Message"]:
            c["message_judged"] += 1
            c["message"] += len(p["Message"] & g["Message"]) * 2 >= len(g["Message"])
    return c


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Cue P/R/F1, and source and message accuracy on matched cues."""
    folder = data_dir / FOLDER
    if not folder.is_dir():
        return []
    nlp = pipelines.get("de")
    components = base_components(nlp, pipelines)
    total: dict[str, int] = {}
    for path in sorted(folder.glob("*.json"))[:limit]:
        sentences, gold = read_speech(path)
        for key, value in score(gold, predict(nlp, components, sentences)).items():
            total[key] = total.get(key, 0) + value
    p = total["match"] / total["pred"] if total["pred"] else 0.0
    r = total["match"] / total["gold"] if total["gold"] else 0.0
    ratio = lambda a, b: total[a] / total[b] if total[b] else 0.0  # noqa: E731
    return [
        EvalRow(dataset=DATASET, task="attribution", metric="cue_precision", score=p, anchor=None, n=total["pred"]),
        EvalRow(dataset=DATASET, task="attribution", metric="cue_recall", score=r, anchor=None, n=total["gold"]),
        EvalRow(dataset=DATASET, task="attribution", metric="cue_f1", score=2 * p * r / (p + r) if p + r else 0.0,
                anchor=None, n=total["gold"]),
        EvalRow(dataset=DATASET, task="attribution", metric="source_accuracy", score=ratio("source", "source_judged"),
                anchor=None, n=total["source_judged"]),
        EvalRow(dataset=DATASET, task="attribution", metric="message_found", score=ratio("message", "message_judged"),
                anchor=None, n=total["message_judged"]),
    ]
