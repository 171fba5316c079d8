"""Event evaluation: our own gold sentences (type/mode/source/modality) and SmartData v3 test (Strike ↔ PROTEST/strike).

Two own sets: `events_gold.jsonl` was written together with the rules (a regression check);
`events_heldout.jsonl` was written from `docs/annotation-guidelines.md` alone, without looking at the rules.

PLOVER ↔ SmartData map: of SmartData's 15 relation types only `Strike` is a PLOVER event (PROTEST, mode strike);
Accident, Disaster, TrafficJam, Obstruction, Layoffs, Insolvency, Merger, Acquisition, OrganizationLeadership,
Delay, CanceledRoute, CanceledStop, RailReplacementService, SpinOff and CompanyFacility have no PLOVER counterpart.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from spacy.language import Language

from . import OWN_GOLD_DIR, EvalRow, read_own_gold

GOLD_FILE = OWN_GOLD_DIR / "events_gold.jsonl"
# written alongside the rules (a regression check) and, later, from the guidelines alone (an unbiased estimate)
GOLD_SETS = {"lagebild_events_gold": GOLD_FILE, "lagebild_events_heldout": OWN_GOLD_DIR / "events_heldout.jsonl"}
SMARTDATA = "smartdata_de"
SMARTDATA_TO_PLOVER = {"Strike": ("PROTEST", "strike")}


def read_gold(path: Path = GOLD_FILE, limit: int | None = None) -> list[dict]:
    """The hand-annotated sentences, with gold trigger char offsets filled in."""
    return read_own_gold(path, "events", "trigger", limit)


def _bare_mode(mode: str | None) -> str | None:
    """A gold mode without its type prefix: the guidelines write `COERCE/arrest`, reports carry `arrest`."""
    return mode.split("/", 1)[1] if mode and "/" in mode else mode


def score_gold(gold: list[dict], predicted: list[list[dict]]) -> dict[str, int]:
    """Counts: gold, predicted, trigger matches, type matches, and mode/source/modality agreement on matches."""
    c = {"gold": 0, "pred": 0, "trigger": 0, "type": 0, "mode": 0, "source": 0, "modality": 0}
    for row, preds in zip(gold, predicted):
        c["gold"] += len(row["events"])
        c["pred"] += len(preds)
        used: set[int] = set()
        for g in row["events"]:
            k = next((k for k, p in enumerate(preds) if k not in used
                      and p["trigger"]["start"] < g["end"] and g["start"] < p["trigger"]["end"]), None)
            if k is None:
                continue
            used.add(k)
            p = preds[k]
            c["trigger"] += 1
            c["type"] += p["type"] == g["type"]
            c["mode"] += p["type"] == g["type"] and p.get("mode") == _bare_mode(g.get("mode"))
            c["source"] += p["source"]["kind"] == g["source"]
            c["modality"] += p["modality"] == g["modality"]
    return c


def read_json_stream(path: Path) -> Iterator[dict]:
    """The concatenated (pretty-printed) JSON objects of a gzipped file, as SmartData ships them."""
    decoder, text, i = json.JSONDecoder(), gzip.open(path, "rt", encoding="utf-8").read(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return
        obj, i = decoder.raw_decode(text, i)
        yield obj


def read_smartdata(data_dir: Path, split: str = "test", limit: int | None = None) -> Iterator[dict]:
    """SmartData v3 documents (concatenated Avro-JSON objects)."""
    path = data_dir / SMARTDATA / f"{split}.json.gz"
    if path.exists():
        yield from islice(read_json_stream(path), limit)


def _relations(doc: dict) -> list[dict]:
    rel = doc.get("relationMentions") or {}
    return rel.get("array", []) if isinstance(rel, dict) else list(rel)


def score_smartdata(nlp: Language, docs: Iterator[dict]) -> dict[str, int]:
    """Sentence-level counts: a gold relation is found if a mapped event's sentence overlaps it, and vice versa."""
    from ..extract import claims

    c = {"gold": 0, "found": 0, "pred": 0, "correct": 0}
    for d in docs:
        text = (d.get("text") or {}).get("string") or ""
        gold = [(r["span"]["start"], r["span"]["end"], SMARTDATA_TO_PLOVER[r["name"]])
                for r in _relations(d) if r.get("name") in SMARTDATA_TO_PLOVER]
        doc = nlp(text)
        preds = [(e["sentence"]["start"], e["sentence"]["end"], (e["type"], e.get("mode")))
                 for e in claims(doc)["events"] if (e["type"], e.get("mode")) in SMARTDATA_TO_PLOVER.values()]
        overlap = lambda a, b: a[0] < b[1] and b[0] < a[1] and a[2] == b[2]  # noqa: E731
        c["gold"] += len(gold)
        c["found"] += sum(any(overlap(g, p) for p in preds) for g in gold)
        c["pred"] += len(preds)
        c["correct"] += sum(any(overlap(p, g) for g in gold) for p in preds)
    return c


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Own gold sets: trigger/type F1, mode/source/modality accuracy; SmartData test: Strike ↔ PROTEST/strike P/R/F1."""
    from ..extract import claims

    rows: list[EvalRow] = []
    nlp = pipelines.get("de")
    for ds, path in GOLD_SETS.items():
        gold = read_gold(path, limit=limit)
        if not gold:
            continue
        preds = [claims(nlp(row["text"]))["events"] for row in gold]
        c = score_gold(gold, preds)
        p = c["type"] / c["pred"] if c["pred"] else 0.0
        r = c["type"] / c["gold"] if c["gold"] else 0.0
        rows += [
            EvalRow(dataset=ds, task="events", metric="type_f1", score=_f1(p, r), anchor=None, n=c["gold"]),
            EvalRow(dataset=ds, task="events", metric="trigger_recall", score=c["trigger"] / c["gold"] if c["gold"] else 0.0,
                    anchor=None, n=c["gold"]),
        ]
        for m in ("mode", "source", "modality"):
            rows.append(EvalRow(dataset=ds, task="events", metric=f"{m}_accuracy",
                                score=c[m] / c["trigger"] if c["trigger"] else 0.0, anchor=None, n=c["trigger"]))
    if (data_dir / SMARTDATA / "test.json.gz").exists():
        c = score_smartdata(nlp, read_smartdata(data_dir, "test", limit))
        p = c["correct"] / c["pred"] if c["pred"] else 0.0
        r = c["found"] / c["gold"] if c["gold"] else 0.0
        ds = f"{SMARTDATA}/test"
        rows += [
            EvalRow(dataset=ds, task="events:PROTEST/strike", metric="precision", score=p, anchor=None, n=c["pred"]),
            EvalRow(dataset=ds, task="events:PROTEST/strike", metric="recall", score=r, anchor=None, n=c["gold"]),
            EvalRow(dataset=ds, task="events:PROTEST/strike", metric="f1", score=_f1(p, r), anchor=None, n=c["gold"]),
        ]
    return rows
