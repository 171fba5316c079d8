"""Rerun the German NER experiment (an own tok2vec for the NER): data, pretrain, train, eval, graft, bench.

usage (from the repo root):
  .venv/bin/python experiments/de-ner-own-tok2vec/run_all.py --work /tmp/ner_work [--runs exp1c exp2 exp3 exp4]
      [--steps data pretrain train eval graft bench] [--smoke]
Data come from Settings.from_env().data_dir (LAGEBILD_DATA); everything is written under --work; results in
--work/results.json. --smoke shrinks every step (tiny data, 1 pretraining epoch, 20 training steps) to test the code.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import data  # noqa: E402
import measure  # noqa: E402
import models  # noqa: E402

from lagebild.config import Settings  # noqa: E402
from lagebild.lang import LANG_DIR  # noqa: E402
from lagebild.train.corpora import read_gnad_texts  # noqa: E402

HERE = Path(__file__).resolve().parent
SHIPPED = LANG_DIR / "de" / "pipeline"
STEPS = ("data", "pretrain", "train", "eval", "graft", "bench")
PRETRAIN_EPOCHS = 6
# exp1 of the original study (pretraining text that contained GermEval dev) is deliberately not reproducible here.
RUNS = {
    "exp1c": {"config": "ner_w64.cfg", "pretrained": True, "train": "ge_train.spacy", "max_steps": 4400},
    "exp2": {"config": "ner_w64.cfg", "pretrained": False, "train": "ge_train.spacy", "max_steps": None},  # cfg: 6000
    "exp3": {"config": "ner_w64.cfg", "pretrained": False, "train": "ge_plus_sd", "max_steps": 4400},
    "exp4": {"config": "ner_hybrid.cfg", "pretrained": False, "train": "ge_train.spacy", "max_steps": 4400},
}
SMOKE_TRAIN = {"training.max_steps": 20, "training.eval_frequency": 10, "training.patience": 20}


def log(msg: str) -> None:
    """Print a timestamped progress line."""
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def save(results_path: Path, key: str, value: object) -> None:
    """Merge one entry into the results JSON (so steps may be run separately)."""
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results[key] = value
    results_path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def pretrained_weights(work: Path, smoke: bool) -> Path:
    """The tok2vec weights of the last pretraining epoch."""
    return work / "runs" / "pretrain_w64" / f"model{(1 if smoke else PRETRAIN_EPOCHS) - 1}.bin"


def train_overrides(work: Path, run: str, smoke: bool) -> dict[str, object]:
    """Config overrides for one run: data paths, pretrained weights, step budget, shipped pipeline for the hybrid."""
    spec, d = RUNS[run], work / "data"
    ov: dict[str, object] = {"paths.train": str(d / spec["train"]), "paths.dev": str(d / "ge_dev.spacy")}
    if spec["pretrained"]:
        weights = pretrained_weights(work, smoke)
        if not weights.exists():
            raise SystemExit(f"{weights} missing: run the pretrain step first")
        ov["paths.init_tok2vec"] = str(weights)
    if spec["max_steps"]:
        ov["training.max_steps"] = spec["max_steps"]
    if spec["config"] == "ner_hybrid.cfg":
        ov["components.tok2vec.source"] = str(SHIPPED)
    return {**ov, **(SMOKE_TRAIN if smoke else {})}


def main() -> None:
    """Parse arguments and run the selected steps for the selected runs."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="output directory (data, runs, grafted pipelines, results)")
    ap.add_argument("--runs", nargs="+", choices=list(RUNS), default=list(RUNS))
    ap.add_argument("--steps", nargs="+", choices=STEPS, default=list(STEPS))
    ap.add_argument("--smoke", action="store_true", help="tiny data and budgets: checks that the code runs, not the results")
    ap.add_argument("--no-shipped", action="store_true", help="eval: skip scoring the shipped pipeline")
    ap.add_argument("--bench-docs", type=int, default=400)
    ap.add_argument("--bench-repeats", type=int, default=5)
    args = ap.parse_args()
    work, smoke, dd = args.work.resolve(), args.smoke, Settings.from_env().data_dir
    results = work / "results.json"
    runs_dir, grafted_dir = work / "runs", work / "grafted"
    limit = 200 if smoke else None
    if not (dd / "germeval2014_ner").is_dir():
        raise SystemExit(f"GermEval 2014 not found under {dd}: set LAGEBILD_DATA to the shared data directory")
    log(f"data {dd}; shipped pipeline {SHIPPED}; work {work}; runs {args.runs}; steps {args.steps}; smoke {smoke}")

    if "data" in args.steps:
        save(results, "data", data.build(dd, work / "data", smoke=smoke))
        if "exp3" in args.runs:
            save(results, "data_smartdata", data.build_smartdata(dd, SHIPPED, work / "data", smoke=smoke))
        log("data written")
    if "pretrain" in args.steps and "exp1c" in args.runs:
        ov = {"paths.raw_text": str(work / "data" / "pretrain.jsonl"), "paths.train": str(work / "data" / "ge_train.spacy"),
              "paths.dev": str(work / "data" / "ge_dev.spacy"), "pretraining.max_epochs": 1 if smoke else PRETRAIN_EPOCHS}
        start = time.time()
        models.pretrain(HERE / "ner_w64.cfg", runs_dir / "pretrain_w64", ov)
        save(results, "pretrain", {"weights": str(pretrained_weights(work, smoke)), "minutes": round((time.time() - start) / 60, 1)})
    for run in args.runs if "train" in args.steps else []:
        start = time.time()
        log(f"train {run}")
        best = models.train(HERE / RUNS[run]["config"], runs_dir / run, train_overrides(work, run, smoke))
        save(results, f"train_{run}", {"model": str(best), "minutes": round((time.time() - start) / 60, 1)})
    if "eval" in args.steps:
        targets = ([] if args.no_shipped else [("shipped", SHIPPED)]) + [(r, runs_dir / r / "model-best") for r in args.runs]
        for name, path in targets:
            log(f"eval {name}")
            save(results, f"eval_{name}", measure.evaluate(path, dd, limit))
    if "graft" in args.steps:
        texts = measure.verify_texts(dd, 50 if smoke else 500, 10 if smoke else 100)
        for run in args.runs:
            log(f"graft {run}")
            out = grafted_dir / run
            models.graft(SHIPPED, runs_dir / run / "model-best", out, listen=RUNS[run]["config"] == "ner_hybrid.cfg")
            check = models.verify(SHIPPED, out, texts)
            check["germeval2014_test_f1"] = measure.evaluate(out, dd, limit)["germeval2014_test"]["f1"]
            save(results, f"graft_{run}", check)
    if "bench" in args.steps:
        texts = list(read_gnad_texts(dd / "10kgnad_de" / "test.csv"))[: 20 if smoke else args.bench_docs]
        log("bench (pinned to one core)")
        rows = measure.bench_pair([SHIPPED, *(grafted_dir / r for r in args.runs)], texts, 1 if smoke else args.bench_repeats)
        save(results, "bench", rows)
        for row in rows:
            print(json.dumps(row))
    log(f"results in {results}")


if __name__ == "__main__":
    main()
