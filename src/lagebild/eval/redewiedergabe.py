"""Quote evaluation on Corpus REDEWIEDERGABE (evaluation only, CC BY-NC-SA): the newspaper and magazine samples.

Gold: direct, indirect and free indirect speech or writing (not thought, not "reported" summaries), with their
speakers. The samples are 1840-1919 German, so they test how far the rules carry beyond today's news. Tokens are
joined into text with ordinary spacing, and the same scorer as the Wikinews evaluation is used (`eval.quotes`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import EvalRow
from .quotes import prf, score

FOLDER = Path("redewiedergabe_de") / "tsv"
DATASET = "redewiedergabe_de/news"
SAMPLES = ("rwk_mkhz_*.tsv", "rwk_grenz_*.tsv")  # newspapers and magazines; the fiction samples are left out
TYPES = ("direct", "indirect", "freeIndirect")
MEDIA = ("speech", "writing")
NO_SPACE_BEFORE = frozenset(".,;:!?)]“«'")
NO_SPACE_AFTER = frozenset("„»([")


def detokenize(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text with ordinary spacing, and each token's char span in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, tok in enumerate(tokens):
        if i and not (tok[:1] in NO_SPACE_BEFORE or tokens[i - 1][-1:] in NO_SPACE_AFTER):
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(tok)))
        parts.append(tok)
        pos += len(tok)
    return "".join(parts), spans


def read_sample(path: Path) -> tuple[str, list[dict]]:
    """The text of one sample and its gold quotes in the Wikinews scorer's shape."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    text, spans = detokenize([r["tok"] for r in rows])
    quotes: dict[str, set[int]] = {}
    speakers: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for annotation in (row.get("stwr") or "-").split("|"):
            fields = annotation.split(".")
            if len(fields) >= 3 and any(t in TYPES for t in fields[0].split("_")) \
                    and any(m in MEDIA for m in fields[1].split("_")):
                quotes.setdefault(fields[2], set()).update(range(*spans[i]))
        speaker = row.get("speaker") or "-"
        if speaker.startswith("speaker."):
            for sid in speaker.split(".", 1)[1].split("_"):
                speakers.setdefault(sid, []).append(i)
    gold = []
    for qid, chars in quotes.items():
        tokens = speakers.get(qid, [])
        gold.append({"chars": chars, "type": "stwr", "speaker_spans": [spans[t] for t in tokens],
                     "speaker_texts": [" ".join(rows[t]["tok"] for t in tokens)] if tokens else []})
    return text, gold


def samples(data_dir: Path, limit: int | None = None) -> Iterator[Path]:
    """The news and magazine sample files, in name order."""
    files = sorted(p for pattern in SAMPLES for p in (data_dir / FOLDER).glob(pattern))
    yield from files[:limit]


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Quote detection P/R/F1 and speaker accuracy on found quotes."""
    from ..extract import claims

    if not (data_dir / FOLDER).is_dir():
        return []
    nlp = pipelines.get("de")
    total = {"gold": 0, "pred": 0, "match": 0, "judged": 0, "correct": 0}
    for path in samples(data_dir, limit):
        text, gold = read_sample(path)
        doc = nlp(text)
        for key, value in score(gold, claims(doc)["quotes"], doc._.quote_speaker_spans or {}).items():
            total[key] += value
    p, r, f = prf(total)
    return [
        EvalRow(dataset=DATASET, task="quotes", metric="precision", score=p, anchor=None, n=total["pred"]),
        EvalRow(dataset=DATASET, task="quotes", metric="recall", score=r, anchor=None, n=total["gold"]),
        EvalRow(dataset=DATASET, task="quotes", metric="f1", score=f, anchor=None, n=total["gold"]),
        EvalRow(dataset=DATASET, task="quotes", metric="speaker_accuracy",
                score=total["correct"] / total["judged"] if total["judged"] else 0.0, anchor=None, n=total["judged"]),
    ]
