"""The `eval` and `train` commands: evaluations on ../shared/data and the German training recipe."""

from __future__ import annotations

import importlib
import json
import time
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.table import Table

from ..config import Settings
from ..errors import BadOption, DataError
from .progress import stderr

if TYPE_CHECKING:
    from ..train.accurate_recipe import Recipe

EVALUATIONS = ("ner", "tags", "timex", "quotes", "redewiedergabe", "gepade", "quantities", "events", "claims", "fuse")
TASKS_HELP = f"Which evaluations: {', '.join(EVALUATIONS)} [default: all]"


class Target(str, Enum):
    de = "de"
    accurate = "accurate"


STAGES = ("prepare", "fit", "export", "requantise", "score")


def evaluate(
    tasks: Optional[list[str]] = typer.Argument(None, help=TASKS_HELP),
    limit: Optional[int] = typer.Option(None, min=1, help="Score only the first N gold documents/sentences (quick look)"),
    out: Path = typer.Option(Path("docs/evaluation.md"), "--out", help="Write the table here (and .json beside it)"),
    split: str = typer.Option("test", "--split", help="Split of the Wikinews quotation set that `quotes` scores "
                              "(test, dev or train; the quote rules were written on train and dev)"),
    model: Optional[str] = typer.Option(None, "--model", help="Entity model for every evaluation but `ner`, which "
                                                              "scores both: accurate or fast [default: accurate]"),
) -> None:
    """Run every evaluation whose data is present in ../shared/data and print one table."""
    from ..lang import Pipelines

    chosen = tasks or list(EVALUATIONS)
    unknown = sorted(set(chosen) - set(EVALUATIONS))
    if unknown:
        raise BadOption(f"unknown evaluation {', '.join(unknown)}; choose from {', '.join(EVALUATIONS)}")
    from ..eval.quotes import SPLITS

    if split not in SPLITS:
        raise BadOption(f"unknown split {split}; choose from {', '.join(SPLITS)}")
    settings = Settings.from_env(model=model)
    pipelines = Pipelines(settings)
    rows: list[dict] = []
    for task in chosen:
        module = importlib.import_module(f"lagebild.eval.{task}")
        started = time.perf_counter()
        with stderr.status(f"evaluating {task} …"):
            try:
                extra = {"split": split} if task == "quotes" else {}
                found = module.run(pipelines, settings.data_dir, limit=limit, **extra)
            except (KeyError, IndexError, ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
                raise DataError(f"evaluation {task}: its gold data under {settings.data_dir} is not in the expected "
                                f"format ({type(err).__name__}: {err})") from err
        if not found:
            stderr.print(f"[yellow]skip[/] {task}: its data is not in {settings.data_dir}")
        stderr.print(f"{task}: {len(found)} scores in {time.perf_counter() - started:.1f}s")
        rows.extend(found)
    _print_table(rows)
    _write(rows, out, chosen, limit, split)


def _print_table(rows: list[dict]) -> None:
    table = Table(title="lagebild evaluation", title_justify="left")
    for column in ("dataset", "task", "metric", "score", "anchor", "n"):
        table.add_column(column, justify="right" if column in ("score", "anchor", "n") else "left")
    for row in rows:
        anchor = row.get("anchor")
        table.add_row(row["dataset"], row["task"], row["metric"], f"{row['score']:.3f}",
                      "" if anchor is None else f"{anchor:.3f}", str(row.get("n", "")))
    Console().print(table)


def _write(rows: list[dict], out: Path, tasks: list[str], limit: Optional[int], split: str) -> None:
    command = "lagebild eval " + " ".join(tasks) + (f" --limit {limit}" if limit else "") + \
        (f" --split {split}" if split != "test" else "")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Evaluation results\n\nProduced by `{command}` on {stamp}. "
             "Anchor: the reference system's score on the same data, where known.\n",
             "| dataset | task | metric | score | anchor | n |", "|---|---|---|---:|---:|---:|"]
    for row in rows:
        anchor = row.get("anchor")
        lines.append(f"| {row['dataset']} | {row['task']} | {row['metric']} | {row['score']:.3f} | "
                     f"{'' if anchor is None else f'{anchor:.3f}'} | {row.get('n', '')} |")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({"command": command, "at": stamp, "rows": rows}, indent=1) + "\n")
    stderr.print(f"written to {out}")


def train(
    target: Target = typer.Argument(..., help="de: the German base pipeline (fast mode); accurate: the fine-tuned "
                                              "multilingual entity model"),
    sample: bool = typer.Option(False, "--sample", help="A few sentences, a few steps: checks the recipe"),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to write the model [default: ship it in the package]"),
    distil: int = typer.Option(0, "--distil", min=0, help="de: silver entities from the accurate model on the GSD "
                                                          "train text and this many further sentences [default: none]"),
    morph_upsample: int = typer.Option(3, "--morph-upsample", min=1, help="de: repeats of the gold morphology "
                                                                          "documents (GSD dev, PUD)"),
    max_steps: int = typer.Option(0, "--max-steps", min=0, help="de: stop the fit after this many steps "
                                                                "[default: de.cfg's 8,000]"),
    work: Path = typer.Option(Path("build/accurate"), "--work", help="accurate: work directory (checkpoints; a "
                                                                        "stopped fit resumes from here)"),
    stage: Optional[list[str]] = typer.Option(None, "--stage", help="accurate: run only these stages of "
                                                                     "prepare, fit, export, requantise, score "
                                                                     "[default: all]"),
    device: str = typer.Option("cpu", "--device", help="accurate: torch device for the fit (cpu, cuda)"),
    epochs: int = typer.Option(5, "--epochs", min=1, help="accurate: passes over the training data"),
    start_from: Optional[str] = typer.Option(None, "--start-from", help="accurate: continue from a model directory "
                                                                         "('shipped': the packaged model)"),
    teacher: Optional[str] = typer.Option(None, "--teacher", help="accurate: spaCy package that fills unannotated "
                                                                   "English names (en_core_web_sm; a training extra)"),
    german_limit: int = typer.Option(0, "--german-limit", min=0, help="accurate: at most this many sentences per "
                                                                       "German corpus [default: all]"),
    english_dev: bool = typer.Option(False, "--english-dev", help="accurate: hold out English documents for selection"),
    english_upsample: int = typer.Option(3, "--english-upsample", min=1, help="accurate: repeats of English data"),
    learning_rate: float = typer.Option(8e-5, "--learning-rate", min=0.0, help="accurate: peak learning rate"),
    threads: int = typer.Option(1, "--threads", min=1, help="accurate: torch threads for a CPU fit"),
    checkpoint_every: int = typer.Option(500, "--checkpoint-every", min=1, help="accurate: steps between checkpoints"),
    train_layers: int = typer.Option(0, "--train-layers", min=0, help="accurate: fit only the top layers (kept "
                                                                       "float32 in the export) [default: all]"),
    eval_every: int = typer.Option(0, "--eval-every", min=0, help="accurate: steps between dev scores [default: "
                                                                   "after each epoch]"),
) -> None:
    """Rebuild a shipped model from the open training data in ../shared/data (long; accurate needs the
    training extras: pip install -e '.[train-accurate]')."""
    settings = Settings.from_env()
    if not settings.data_dir.is_dir():
        raise BadOption(f"training data not found at {settings.data_dir}; set LAGEBILD_DATA")
    if target is Target.de:
        from ..train import DEFAULT_OUT_DE, train_de

        path = train_de(settings.data_dir, out or DEFAULT_OUT_DE, sample=sample, distil_n=distil,
                        morph_upsample=morph_upsample, max_steps=max_steps)
    else:
        from ..train.accurate_recipe import Recipe

        recipe = Recipe(data_dir=settings.data_dir, work_dir=work, out_dir=out or Path(), sample=sample, epochs=epochs,
                        device=device, layers=2 if sample and not start_from else 12, start_from=start_from or "",
                        teacher=teacher or "", german_limit=german_limit, english_dev=english_dev,
                        english_upsample=english_upsample, learning_rate=learning_rate, threads=threads,
                        checkpoint_every=checkpoint_every, eval_every=eval_every, train_layers=train_layers)
        path = _train_accurate(recipe, out, stage or list(STAGES))
        if stage and "export" not in stage:
            return
    stderr.print(f"model written to {path}")


def _train_accurate(recipe: Recipe, out: Optional[Path], stages: list[str]) -> Path:
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise BadOption(f"unknown stage {', '.join(unknown)}; choose from {', '.join(STAGES)}")
    if {"fit", "export", "requantise"} & set(stages):
        try:
            import onnx  # noqa: F401
            if {"fit", "export"} & set(stages):
                import torch  # noqa: F401
        except ImportError:
            raise BadOption("the fit, export and requantise stages need the training extras: "
                            "pip install -e '.[train-accurate]'") from None
    if recipe.teacher and "prepare" in stages:
        try:
            __import__(recipe.teacher)
        except ImportError:
            raise BadOption(f"the teacher {recipe.teacher} is not installed: pip install -e '.[train-accurate]'") from None
    from ..accurate.runtime import MODEL_DIR
    from ..train.accurate import run

    recipe.out_dir = out or MODEL_DIR
    if recipe.start_from == "shipped":
        recipe.start_from = str(MODEL_DIR)
    if recipe.start_from and not (Path(recipe.start_from) / "encoder.onnx").is_file():
        raise BadOption(f"no model to start from at {recipe.start_from} (encoder.onnx missing)")
    return run(recipe, [s for s in STAGES if s in stages])
