"""Evaluations against gold data in ../shared/data; each module exposes `run(pipelines, data_dir, limit=None)`.

`run` returns a list of EvalRow (empty when its data is absent) and never trains on what it reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

OWN_GOLD_DIR = Path(__file__).resolve().parents[3] / "tests" / "data"


class EvalRow(TypedDict):
    dataset: str
    task: str
    metric: str
    score: float
    anchor: float | None  # the reference system's score on the same data, where known
    n: int  # how many gold items the score rests on


def read_own_gold(path: Path, items: str, text_field: str, limit: int | None = None) -> list[dict]:
    """The project's own annotated sentences (JSONL) with each item's char offsets filled in.

    An item's `text_field` is looked up after the previous item's start, or as its `occurrence`-th appearance.
    """
    if not path.exists():
        return []
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        pos = 0
        for item in row[items]:
            needle = item[text_field]
            if "occurrence" in item:
                start = -1
                for _ in range(item["occurrence"]):
                    start = row["text"].index(needle, start + 1)
            else:
                start = row["text"].index(needle, pos if needle in row["text"][pos:] else 0)
            item["start"], item["end"] = start, start + len(needle)
            pos = start + 1
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return rows
