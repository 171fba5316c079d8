"""Word-aligned sentencepiece encoding with a piece table (tokenizers' Unigram model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

METASPACE = "\u2581"
SPECIALS = ("bos", "pad", "eos", "unk")


@dataclass(frozen=True)
class PieceTable:
    """Sentencepiece pieces with their unigram scores, the special ids and the per-code-point normalisation."""

    pieces: list[str]
    scores: list[float]
    specials: dict[str, int]
    normalisation: dict[int, str] = field(default_factory=dict)

    def subset(self, ids: Sequence[int]) -> PieceTable:
        """The table restricted to `ids` (kept in the given order; specials must be among them)."""
        position = {old: new for new, old in enumerate(ids)}
        specials = {name: position[old] for name, old in self.specials.items()}
        return PieceTable([self.pieces[i] for i in ids], [self.scores[i] for i in ids], specials, self.normalisation)

    def save(self, path: Path) -> None:
        """Write the table as JSON."""
        data = {"pieces": self.pieces, "scores": self.scores, "specials": self.specials,
                "normalisation": {str(cp): out for cp, out in self.normalisation.items()}}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> PieceTable:
        """Read a table written by `save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        normalisation = {int(cp): out for cp, out in data["normalisation"].items()}
        return cls(data["pieces"], data["scores"], data["specials"], normalisation)


@dataclass(frozen=True)
class WordPieces:
    """Piece ids of a word sequence and, per piece, the index of the word it belongs to."""

    ids: list[int]
    word_of_piece: list[int]


class PieceEncoder:
    """Encodes pre-split words (spaCy tokens or gold words) into the encoder's pieces."""

    def __init__(self, table: PieceTable) -> None:
        spec: dict[str, object] = {
            "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
            "pre_tokenizer": {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always", "split": True},
            "post_processor": None, "decoder": None,
            "model": {"type": "Unigram", "unk_id": table.specials["unk"], "byte_fallback": False,
                      "vocab": [[p, s] for p, s in zip(table.pieces, table.scores)]},
        }
        from tokenizers import Tokenizer  # imported here: only the accurate model loads it (90 ms of start-up)

        self._tokenizer = Tokenizer.from_str(json.dumps(spec))
        self._table = str.maketrans(table.normalisation)
        self.bos, self.eos, self.pad, self.unk = (table.specials[k] for k in ("bos", "eos", "pad", "unk"))

    def normalise(self, word: str) -> str:
        """The table's per-code-point normalisation, with whitespace inside a word made one space."""
        return " ".join(word.translate(self._table).split())

    def encode(self, words: Sequence[str]) -> WordPieces:
        """Pieces for each word; every word gets at least one piece (an unknown one if nothing is left of it)."""
        if not words:
            return WordPieces([], [])
        normalised = [self.normalise(w) or "_" for w in words]
        encoding = self._tokenizer.encode(normalised, is_pretokenized=True, add_special_tokens=False)
        ids = list(encoding.ids)
        word_ids = [w if w is not None else 0 for w in encoding.word_ids]
        if len(set(word_ids)) < len(words):
            return self._with_placeholders(ids, word_ids, len(words))
        return WordPieces(ids, word_ids)

    def _with_placeholders(self, ids: list[int], word_ids: list[int], n_words: int) -> WordPieces:
        by_word: dict[int, list[int]] = {}
        for piece, word in zip(ids, word_ids):
            by_word.setdefault(word, []).append(piece)
        out_ids: list[int] = []
        out_words: list[int] = []
        for word in range(n_words):
            pieces = by_word.get(word) or [self.unk]
            out_ids.extend(pieces)
            out_words.extend([word] * len(pieces))
        return WordPieces(out_ids, out_words)
