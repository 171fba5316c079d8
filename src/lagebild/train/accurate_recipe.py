"""The settings of one accurate-model training run (kept free of heavy imports: the fit stage runs elsewhere)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Recipe:
    """Every setting of one training run (recorded in the model's meta.json)."""

    data_dir: Path
    work_dir: Path
    out_dir: Path
    sample: bool = False
    layers: int = 12
    epochs: int = 4
    batch_size: int = 32
    learning_rate: float = 8e-5
    warmup: float = 0.06
    max_pieces: int = 128
    english_upsample: int = 3
    seed: int = 0
    device: str = "cpu"
    threads: int = 1  # torch threads for a CPU fit
    checkpoint_every: int = 500
    eval_every: int = 0  # also score the dev sets every this many steps (0: after each epoch only)
    start_from: str = ""  # a model directory to continue from (its int8 weights dequantised); "": the pretrained image
    teacher: str = ""  # spaCy package that fills unannotated English names (silver labels); "": gold only
    german_limit: int = 0  # at most this many sentences per German corpus, a seeded sample (0: all)
    english_dev: bool = False  # hold out English documents as a second selection set
    train_layers: int = 0  # fit only the top layers and the classifier, and keep them float32 in the export (0: all)
    skip_corpora: list[str] = field(default_factory=list)  # prepared, but left out of this fit
    corpora: list[str] = field(default_factory=list)

    def settings(self) -> dict[str, object]:
        """The recipe as JSON-ready values."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
