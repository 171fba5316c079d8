"""Run-time tagging with the accurate model: pieces -> embeddings (numpy) -> encoder (ONNX Runtime) -> BIO tags."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .embed import EmbeddingTable
from .image import ModelFileError
from .labels import TAGS, viterbi
from .pieces import PieceEncoder, PieceTable

MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILES = ("encoder.onnx", "pieces.json", "embeddings.npz", "meta.json")


@dataclass(frozen=True)
class Chunk:
    """A window of at most `max_pieces` pieces over one sentence: its piece ids and the first piece of each word."""

    sentence: int
    first_word: int
    ids: list[int]
    word_starts: list[int]


class AccurateTagger:
    """Tags word sequences (sentences) with PER/ORG/LOC/MISC in BIO, on the CPU."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int = 1, batch_pieces: int = 4096) -> None:
        missing = [name for name in MODEL_FILES if not (model_dir / name).exists()]
        if missing:
            raise ModelFileError(f"accurate model in {model_dir} lacks {', '.join(missing)} (run `make setup`)")
        self.meta = _read_meta(model_dir / "meta.json")
        if tuple(self.meta.get("tags", ())) != TAGS:
            raise ModelFileError(f"{model_dir}/meta.json: tag set differs from this lagebild version's")
        self.max_pieces = int(self.meta["max_pieces"])
        self.batch_pieces = batch_pieces
        self.encoder = PieceEncoder(PieceTable.load(model_dir / "pieces.json"))
        self.embeddings = EmbeddingTable.load(model_dir / "embeddings.npz")
        self.session = _session(model_dir / "encoder.onnx", threads)

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for each sentence's words."""
        chunks = [c for i, words in enumerate(sentences) for c in self.chunks(i, words)]
        log_probs: list[dict[int, np.ndarray]] = [{} for _ in sentences]
        for batch in self.batches(chunks):  # batched by length, so a sentence's chunks come back in any order
            for chunk, word_scores in zip(batch, self.run(batch)):
                log_probs[chunk.sentence][chunk.first_word] = word_scores
        return [viterbi(np.concatenate([parts[k] for k in sorted(parts)])) if parts else [] for parts in log_probs]

    def chunks(self, sentence: int, words: Sequence[str]) -> list[Chunk]:
        """Windows of whole words that fit the model's length (with <s> and </s>)."""
        pieces = self.encoder.encode(words)
        out: list[Chunk] = []
        ids: list[int] = [self.encoder.bos]
        starts: list[int] = []
        first_word, previous = 0, -1
        for piece, word in zip(pieces.ids, pieces.word_of_piece):
            if word != previous:
                if len(ids) + pieces.word_of_piece.count(word) > self.max_pieces - 1 and starts:
                    out.append(Chunk(sentence, first_word, [*ids, self.encoder.eos], starts))
                    ids, starts, first_word = [self.encoder.bos], [], word
                starts.append(len(ids))
                previous = word
            if len(ids) < self.max_pieces - 1:  # pieces past the window of an overlong word are dropped
                ids.append(piece)
        if starts:
            out.append(Chunk(sentence, first_word, [*ids, self.encoder.eos], starts))
        return out

    def batches(self, chunks: list[Chunk]) -> list[list[Chunk]]:
        """Chunks grouped by length so that a batch holds about `batch_pieces` pieces."""
        order = sorted(chunks, key=lambda c: len(c.ids))
        batches: list[list[Chunk]] = []
        for chunk in order:
            if batches and len(chunk.ids) * (len(batches[-1]) + 1) <= self.batch_pieces:
                batches[-1].append(chunk)
            else:
                batches.append([chunk])
        return batches

    def run(self, batch: list[Chunk]) -> list[np.ndarray]:
        """Per-word tag log probabilities for each chunk of the batch."""
        length = max(len(c.ids) for c in batch)
        ids = np.full((len(batch), length), self.encoder.pad, np.int64)
        mask = np.zeros((len(batch), length), np.float32)
        for row, chunk in enumerate(batch):
            ids[row, : len(chunk.ids)] = chunk.ids
            mask[row, : len(chunk.ids)] = 1.0
        hidden = self.embeddings(ids).astype(np.float32)
        (logits,) = self.session.run(["logits"], {"hidden": hidden, "mask": mask})
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return [log_probs[row, chunk.word_starts] for row, chunk in enumerate(batch)]


def _read_meta(path: Path) -> dict[str, object]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read {path}: {exc}") from None
    if not isinstance(meta, dict) or "max_pieces" not in meta:
        raise ModelFileError(f"{path} is not an accurate-model description")
    return meta


def _session(path: Path, threads: int) -> object:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for bad files
        raise ModelFileError(f"cannot load {path}: {str(exc).splitlines()[0][:200]}") from None


@lru_cache(maxsize=2)
def shared_tagger(model_dir: Path = MODEL_DIR) -> AccurateTagger:
    """One tagger per process and model directory (pipelines of several languages share it)."""
    return AccurateTagger(model_dir)
