"""All configuration in one place: defaults, overridable by environment variables and CLI options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

SCHEMA_ID: Final = "lagebild.report/2"
SCHEMA_V1: Final = "lagebild.report/1"
SUPPORTED_LANGUAGES = ("de", "en")
# Entity models: "accurate" is the fine-tuned multilingual encoder (ONNX, CPU); "fast" is the shipped CNN pipeline.
MODELS = ("accurate", "fast")

# Extractor components appended, in this order, after each language's base pipeline.
DEFAULT_EXTRACTORS = (
    "lagebild_entities",
    "lagebild_times",
    "lagebild_quantities",
    "lagebild_quotes",
    "lagebild_events",
    "lagebild_claims",
)
# Where an extractor's factory lives when its module is not `lagebild.extract.<name without "lagebild_">`.
EXTRACTOR_MODULES = {"lagebild_claims": "lagebild.extract.claimset"}


@dataclass(frozen=True)
class Settings:
    """Run-time settings; build one with `Settings.from_env()` and pass it down."""

    db_path: Path = Path("lagebild.duckdb")
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    default_language: str = "de"
    extractors: tuple[str, ...] = DEFAULT_EXTRACTORS
    model: str = "accurate"  # meets the speed floor of 3 articles/s on one core (benchmarks/results/models_1028_round7.json)
    batch_size: int = 64
    store_batch_size: int = 500
    max_text_chars: int = 1_000_000
    data_dir: Path = field(default_factory=lambda: Path(__file__).resolve().parents[3] / "shared" / "data")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then LAGEBILD_* environment variables, then explicit overrides."""
        env: dict[str, object] = {}
        if "LAGEBILD_DB" in os.environ:
            env["db_path"] = Path(os.environ["LAGEBILD_DB"])
        if "LAGEBILD_MODEL" in os.environ:
            env["model"] = os.environ["LAGEBILD_MODEL"]
        if "LAGEBILD_DATA" in os.environ:
            env["data_dir"] = Path(os.environ["LAGEBILD_DATA"])
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
