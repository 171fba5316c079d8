"""Evaluations against gold data in ../shared/data; each module exposes `run(pipelines, data_dir, limit=None)`.

`run` returns a list of EvalRow (empty when its data is absent) and never trains on what it reads.
"""

from __future__ import annotations

from typing import TypedDict


class EvalRow(TypedDict):
    dataset: str
    task: str
    metric: str
    score: float
    anchor: float | None  # the reference system's score on the same data, where known
    n: int  # how many gold items the score rests on
