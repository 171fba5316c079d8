"""Merging quality on the bundled examples against hand-made gold clusters (tests/data/example_clusters.json).

Scores pairwise precision/recall/F1 and B-cubed precision/recall/F1 over the gold mentions the extraction
produced (same article, event id and trigger text); gold mentions the extractors miss are left out and
counted in the `gold_mentions_found` row. `data_dir` is not used: the examples ship with the package.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from importlib.resources import files
from itertools import combinations
from pathlib import Path
from typing import Any

from ..config import Settings
from ..extract.report import build_report
from ..ingest import RecordBuilder, read_inputs
from ..model import Article, Report
from . import EvalRow

DATASET = "lagebild-examples/clusters"
GOLD = Path(__file__).resolve().parents[3] / "tests" / "data" / "example_clusters.json"

Key = tuple[str, str]


def example_reports(pipelines: Any, limit: int | None = None) -> tuple[list[Report], list[str]]:
    """Reports of the bundled examples; articles whose language pipeline fails are skipped and named."""
    settings = Settings.from_env()
    reports: list[Report] = []
    skipped: list[str] = []
    for item in read_inputs([str(files("lagebild") / "examples")], RecordBuilder(settings)):
        if not isinstance(item, Article):
            continue
        if limit is not None and len(reports) >= limit:
            break
        try:
            nlp = pipelines.get(item.lang)
            doc = nlp.make_doc(item.text)
            doc._.article = item
            reports.append(build_report(nlp(doc)))
        except Exception as err:  # noqa: BLE001 - score on what the extractors produce
            skipped.append(f"{item.id} ({item.lang}): {type(err).__name__}")
    return reports, skipped


def predicted_clusters(reports: list[Report]) -> dict[Key, str]:
    """Fuse the reports in a scratch store; each mention's cluster id."""
    from ..fuse import fuse
    from ..store import Store

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.duckdb") as store:
        store.write(reports)
        fuse(store)
        rows = store.con.execute("SELECT article_id, event_id, cluster_id FROM cluster_members").fetchall()
    return {(a, e): c for a, e, c in rows}


def gold_clusters(path: Path, triggers: dict[Key, str]) -> tuple[dict[Key, int], int]:
    """Gold cluster index of each gold mention that the extraction produced; and how many gold mentions exist."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    found, total = {}, 0
    for index, cluster in enumerate(doc["clusters"]):
        for m in cluster["mentions"]:
            total += 1
            key = (m["article_id"], m["event_id"])
            if triggers.get(key) == m["trigger"]:
                found[key] = index
    return found, total


def _pairs(assign: dict[Key, Any], keys: Iterable[Key]) -> set[tuple[Key, Key]]:
    return {(a, b) for a, b in combinations(sorted(keys), 2) if assign[a] == assign[b]}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores(gold: dict[Key, Any], pred: dict[Key, Any]) -> dict[str, float]:
    """Pairwise and B-cubed precision/recall/F1 over the mentions in `gold` (all must be in `pred`)."""
    keys = sorted(gold)
    gp, pp = _pairs(gold, keys), _pairs(pred, keys)
    p = len(gp & pp) / len(pp) if pp else 1.0
    r = len(gp & pp) / len(gp) if gp else 1.0
    bp = br = 0.0
    for k in keys:
        same_gold = {x for x in keys if gold[x] == gold[k]}
        same_pred = {x for x in keys if pred[x] == pred[k]}
        both = len(same_gold & same_pred)
        bp += both / len(same_pred)
        br += both / len(same_gold)
    n = len(keys) or 1
    bp, br = bp / n, br / n
    return {"pairwise_precision": p, "pairwise_recall": r, "pairwise_f1": _f1(p, r), "pairs_gold": len(gp),
            "pairs_pred": len(pp), "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": _f1(bp, br)}


def evaluate(reports: list[Report], gold_path: Path = GOLD) -> tuple[dict[str, float], int, int]:
    """Scores of fusing these reports against the gold; with mentions scored and gold mentions in all."""
    triggers = {(r.article.id, ev.id): ev.trigger.text for r in reports for ev in r.events}
    gold, total = gold_clusters(gold_path, triggers)
    pred = predicted_clusters(reports)
    return scores(gold, {k: pred[k] for k in gold}), len(gold), total


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """Pairwise and B-cubed P/R/F1 of event merging on the bundled examples."""
    if not GOLD.exists():
        return []
    reports, _ = example_reports(pipelines, limit)
    s, n, total = evaluate(reports)
    rows = [EvalRow(dataset=DATASET, task="fuse", metric=m, score=s[m], anchor=None,
                    n=int(s["pairs_gold"]) if m.startswith("pairwise") else n)
            for m in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision", "bcubed_recall",
                      "bcubed_f1")]
    rows.append(EvalRow(dataset=DATASET, task="fuse", metric="gold_mentions_found", score=n / total if total else 0.0,
                        anchor=None, n=total))
    return rows
