"""The encoder's input layer in numpy: 4-bit word embeddings looked up per piece, plus positions and LayerNorm."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from zipfile import BadZipFile

from .image import BLOCK, Q4_BLOCK, E5Image, ModelFileError, dequantise


@dataclass(frozen=True)
class EmbeddingTable:
    """Word (Q4_0 blocks, one row per piece), position and token-type embeddings and their LayerNorm."""

    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    ln_weight: np.ndarray
    ln_bias: np.ndarray
    eps: float

    @property
    def hidden(self) -> int:
        return int(self.position.shape[1])

    @classmethod
    def from_image(cls, image: E5Image, piece_ids: np.ndarray) -> EmbeddingTable:
        """The rows of `piece_ids` (a pruned vocabulary, in its order) and the image's other input weights."""
        shape = image.shape
        word = image.q4_blocks("emb.word").reshape(-1, shape.hidden // BLOCK)[piece_ids].copy()
        return cls(
            word=word,
            position=image.tensor("emb.pos", (shape.max_positions, shape.hidden)),
            token_type=image.tensor("emb.type", (shape.token_types, shape.hidden))[0].copy(),
            ln_weight=image.tensor("emb.ln.w", (shape.hidden,)),
            ln_bias=image.tensor("emb.ln.b", (shape.hidden,)),
            eps=shape.eps,
        )

    def save(self, path: Path) -> None:
        """Write the table as one .npz file."""
        np.savez(path, word=self.word, position=self.position, token_type=self.token_type,
                 ln_weight=self.ln_weight, ln_bias=self.ln_bias, eps=np.float32(self.eps))

    @classmethod
    def load(cls, path: Path) -> EmbeddingTable:
        """Read a table written by `save`."""
        try:
            with np.load(path) as data:
                word = data["word"]
                if word.dtype != Q4_BLOCK:
                    raise ModelFileError(f"{path}: word embeddings are not Q4_0 blocks")
                return cls(word, data["position"], data["token_type"], data["ln_weight"], data["ln_bias"],
                           float(data["eps"]))
        except (OSError, KeyError, ValueError, BadZipFile) as exc:
            raise ModelFileError(f"cannot read embeddings {path}: {exc}") from None

    def word_rows(self) -> np.ndarray:
        """All word embeddings as float32 [pieces, hidden] (for training)."""
        return dequantise(self.word.reshape(-1), len(self.word), self.hidden)

    def __call__(self, ids: np.ndarray) -> np.ndarray:
        """Input vectors [batch, length, hidden] for piece ids [batch, length]."""
        batch, length = ids.shape
        x = dequantise(self.word[ids.reshape(-1)].reshape(-1), batch * length, self.hidden).reshape(batch, length, -1)
        x += self.position[:length] + self.token_type
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return ((x - mean) / np.sqrt(var + self.eps)) * self.ln_weight + self.ln_bias
