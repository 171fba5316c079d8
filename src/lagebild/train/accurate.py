"""Recipe for the accurate model: prepare (numpy, tokenizers) -> fit (torch) -> export (ONNX, int8).

`lagebild train accurate` runs the three stages; each stage leaves its files in the work directory, so a stage
can run elsewhere (the fit on a GPU machine) and an interrupted fit resumes from its last checkpoint.
Torch, onnx and onnxruntime's quantiser are training extras (`pip install -e .[train-accurate]`).
"""

from __future__ import annotations

import json
import lzma
import random
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..accurate.embed import EmbeddingTable
from ..accurate.image import BLOCK, E5Image
from ..accurate.labels import IGNORE, TAG_INDEX, TAGS
from ..accurate.pieces import PieceEncoder, PieceTable
from .accurate_recipe import Recipe
from .accurate_select import score_models, write_selection
from .corpora import Sent, read_germeval, read_uner

LANGS = ("de", "en")
SAMPLE_SENTENCES = 40  # per corpus in the recipe check (--sample)
LATIN_TOP = 30000  # best-scoring Latin-script pieces kept beyond those the corpora use
SCRIPT_LIMIT = 0x3000  # single-character pieces below this code point are always kept


@dataclass(frozen=True)
class Corpus:
    """One licence-clean training corpus: its name, language and a reader over the data directory."""

    name: str
    lang: str
    path: str

    def read(self, data_dir: Path) -> list[Sent]:
        from . import ner_corpora

        path = data_dir / self.path
        if self.name.startswith("germeval"):
            return list(read_germeval(path))
        if self.name.startswith("europeana"):
            return list(read_europeana(path))
        if self.name.startswith("smartdata"):
            return list(ner_corpora.read_smartdata(path))
        if self.name == "meantime":
            return list(ner_corpora.read_meantime(path))
        if self.name == "re3d":
            return list(ner_corpora.read_re3d(path))
        return list(read_uner(path))


TRAIN_CORPORA = (
    Corpus("germeval_train", "de", "germeval2014_ner/NER-de-train.outer.bio"),
    Corpus("europeana_lft", "de", "europeana_ner_de/enp_DE.lft.bio"),
    Corpus("europeana_onb", "de", "europeana_ner_de/enp_DE.onb.bio"),
    Corpus("europeana_sbb", "de", "europeana_ner_de/enp_DE.sbb.bio"),
    Corpus("smartdata_v1_train", "de", "smartdata_de/v1_20180119/train.json.gz"),
    Corpus("smartdata_v3_dev", "de", "smartdata_de/dev.json.gz"),
    Corpus("uner_ewt_dev", "en", "uner_ewt_en/en_ewt-ud-dev.iob2"),
    Corpus("meantime", "en", "meantime_en/intra-doc_annotation"),
    Corpus("re3d", "en", "re3d_en"),
)
DEV_CORPUS = Corpus("germeval_dev", "de", "germeval2014_ner/NER-de-dev.tsv")
# with english_dev: every 6th document (MEANTIME, re3d), every 5th sentence (UNER EWT)
EN_DEV_EVERY = {"meantime": 6, "uner_ewt_dev": 5, "re3d": 6}
VOCAB_TEXT = "gesetze_de"  # public-domain German text that widens the kept vocabulary


def read_europeana(path: Path, max_words: int = 60) -> Iterator[Sent]:
    """Europeana NER (token and tag per line, no sentence breaks): cut after . ! ? before a capital, or at max_words."""
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2 or line.startswith("#"):
            continue
        if words and (len(words) >= max_words or (words[-1] in (".", "!", "?") and parts[0][:1].isupper())):
            yield Sent(words, ner=_bio(tags))
            words, tags = [], []
        words.append(parts[0])
        tag = parts[-1]
        tags.append(tag if tag[2:] in ("PER", "LOC", "ORG") else "O")
    if words:
        yield Sent(words, ner=_bio(tags))


def _bio(tags: list[str]) -> list[str]:
    """An I- that does not continue its label becomes B-."""
    out: list[str] = []
    for tag in tags:
        if tag.startswith("I-") and (not out or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def load_corpora(recipe: Recipe) -> dict[str, list[Sent]]:
    """The training corpora found in the data directory (a sample of each with `recipe.sample`)."""
    found: dict[str, list[Sent]] = {}
    for corpus in TRAIN_CORPORA:
        if not (recipe.data_dir / corpus.path).exists():
            continue
        sents = [s for s in corpus.read(recipe.data_dir) if s.words]
        if recipe.german_limit and corpus.lang == "de" and len(sents) > recipe.german_limit:
            sents = random.Random(f"{recipe.seed}-{corpus.name}").sample(sents, recipe.german_limit)
        found[corpus.name] = sents[:SAMPLE_SENTENCES] if recipe.sample else sents
    if not found:
        raise FileNotFoundError(f"no training corpus under {recipe.data_dir}")
    return found


def vocabulary_words(recipe: Recipe, limit_chars: int = 5_000_000) -> Iterator[list[str]]:
    """Unlabelled licence-clean text, as word lists, whose pieces the pruned vocabulary keeps."""
    folder = recipe.data_dir / VOCAB_TEXT
    budget = 200_000 if recipe.sample else limit_chars
    for path in sorted(folder.glob("*.xz")) if folder.exists() else []:
        with lzma.open(path, "rt", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                budget -= len(line)
                if budget < 0:
                    return
                if line.strip():
                    yield line.split()


def select_pieces(table: PieceTable, encoder: PieceEncoder, texts: Iterator[list[str]]) -> list[int]:
    """Ids kept in the pruned vocabulary: specials, pieces the texts use, short and high-scoring Latin pieces."""
    keep = set(table.specials.values())
    for words in texts:
        keep.update(encoder.encode(words).ids)
    latin = [i for i, p in enumerate(table.pieces) if _is_latin(p)]
    keep.update(sorted(latin, key=lambda i: -table.scores[i])[:LATIN_TOP])
    keep.update(i for i, p in enumerate(table.pieces) if len(p.lstrip("\u2581")) == 1 and ord(p[-1]) < SCRIPT_LIMIT)
    return sorted(keep)


def _is_latin(piece: str) -> bool:
    return all(ord(c) < 0x250 or c == "\u2581" or 0x2000 <= ord(c) < 0x2070 for c in piece)


@dataclass
class Encoded:
    """Sequences of piece ids with per-piece labels, flat with offsets."""

    ids: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    offsets: list[int] = field(default_factory=lambda: [0])
    lang: list[int] = field(default_factory=list)
    corpus: list[int] = field(default_factory=list)
    current_corpus: int = 0

    def add(self, encoder: PieceEncoder, sent: Sent, lang: str, max_pieces: int) -> None:
        """Append a sentence as one or more sequences of at most `max_pieces` (with <s> and </s>)."""
        pieces = encoder.encode(sent.words)
        tags = sent.ner or ["O"] * len(sent.words)
        seq_ids, seq_labels = [encoder.bos], [IGNORE]
        previous = -1
        for piece, word in zip(pieces.ids, pieces.word_of_piece):
            if word != previous and len(seq_ids) + _word_len(pieces.word_of_piece, word) > max_pieces - 1:
                self._close(seq_ids, seq_labels, encoder, lang)
                seq_ids, seq_labels = [encoder.bos], [IGNORE]
            seq_ids.append(piece)
            seq_labels.append(TAG_INDEX[_tag(tags[word])] if word != previous else IGNORE)
            previous = word
            if len(seq_ids) >= max_pieces - 1:  # one word longer than a whole sequence
                self._close(seq_ids, seq_labels, encoder, lang)
                seq_ids, seq_labels = [encoder.bos], [IGNORE]
        if len(seq_ids) > 1:
            self._close(seq_ids, seq_labels, encoder, lang)

    def _close(self, ids: list[int], labels: list[int], encoder: PieceEncoder, lang: str) -> None:
        self.ids.extend([*ids, encoder.eos])
        self.labels.extend([*labels, IGNORE])
        self.offsets.append(len(self.ids))
        self.lang.append(LANGS.index(lang))
        self.corpus.append(self.current_corpus)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_ids": np.asarray(self.ids, np.int32), f"{prefix}_labels": np.asarray(self.labels, np.int16),
                f"{prefix}_offsets": np.asarray(self.offsets, np.int64), f"{prefix}_lang": np.asarray(self.lang, np.int8),
                f"{prefix}_corpus": np.asarray(self.corpus, np.int8)}


def _word_len(word_of_piece: list[int], word: int) -> int:
    return word_of_piece.count(word)


def _tag(tag: str) -> str:
    return tag if tag in TAG_INDEX else "O"


def layer_weights(image: E5Image, n_layers: int) -> dict[str, np.ndarray]:
    """The encoder layers' tensors: Q4_0 blocks as raw bytes for matrices, float32 for vectors (compact to ship)."""
    out: dict[str, np.ndarray] = {}
    for name, entry in image.tensors.items():
        if not name.startswith("l") or int(name[1:].split(".")[0]) >= n_layers:
            continue
        if entry.is_float32:
            out[name] = np.frombuffer(image._buf, "<f4", entry.count, entry.offset).copy()
        else:
            out[name] = image.q4_blocks(name, entry.count // BLOCK).view(np.uint8).copy()
    return out


def prepare(recipe: Recipe, image: E5Image | None = None) -> Path:
    """Prune the vocabulary (or take a start model's), encode train and dev data, write the base weights."""
    image = image or E5Image.from_package()
    recipe.work_dir.mkdir(parents=True, exist_ok=True)
    corpora = load_corpora(recipe)
    dev = DEV_CORPUS.read(recipe.data_dir)[: SAMPLE_SENTENCES if recipe.sample else None]
    recipe.corpora = sorted(corpora)
    corpora, en_dev = split_english(recipe, corpora)
    base = recipe.work_dir / "base"
    base.mkdir(exist_ok=True)
    if recipe.start_from:
        kept_count = _copy_start(Path(recipe.start_from), base)
        table = PieceTable.load(base / "pieces.json")
    else:
        full_table = image.piece_table()
        texts = (s.words for sents in [*corpora.values(), dev, en_dev] for s in sents)
        kept = select_pieces(full_table, PieceEncoder(full_table), _chain(texts, vocabulary_words(recipe)))
        kept_count = len(kept)
        table = full_table.subset(kept)
        table.save(base / "pieces.json")
        EmbeddingTable.from_image(image, np.asarray(kept)).save(base / "embeddings.npz")
        layers: dict[str, Any] = layer_weights(image, recipe.layers)
        np.savez(base / "layers.npz", **layers)
    encoder = PieceEncoder(table)
    layers_kept = _start_layers(Path(recipe.start_from)) if recipe.start_from else recipe.layers
    shape = {"hidden": image.shape.hidden, "heads": image.shape.heads, "ffn": image.shape.ffn,
             "eps": image.shape.eps, "layers": layers_kept}
    (base / "shape.json").write_text(json.dumps(shape), encoding="utf-8")
    train = Encoded()
    rng = random.Random(recipe.seed)
    for name, sents in corpora.items():
        lang = next(c.lang for c in TRAIN_CORPORA if c.name == name)
        repeat = recipe.english_upsample if lang == "en" else 1
        train.current_corpus = recipe.corpora.index(name)
        for sent in sents * repeat:
            train.add(encoder, sent, lang, recipe.max_pieces)
    dev_encoded, en_encoded = Encoded(), Encoded()
    for sent in dev:
        dev_encoded.add(encoder, sent, "de", recipe.max_pieces)
    for sent in en_dev:
        en_encoded.add(encoder, sent, "en", recipe.max_pieces)
    arrays: dict[str, Any] = {**train.arrays("train"), **dev_encoded.arrays("dev"), **en_encoded.arrays("endev"),
                              "seed": np.int64(rng.randrange(2**31))}
    np.savez_compressed(recipe.work_dir / "prepared.npz", **arrays)
    write_selection(recipe.work_dir, "germeval_dev", dev)
    if en_dev:
        write_selection(recipe.work_dir, "english_heldout", en_dev)
    counts = {name: len(sents) for name, sents in corpora.items()}
    (recipe.work_dir / "prepared.json").write_text(
        json.dumps({"recipe": recipe.settings(), "sentences": counts, "dev_sentences": len(dev),
                    "english_dev_sentences": len(en_dev), "pieces_kept": kept_count, "tags": list(TAGS)}, indent=1),
        encoding="utf-8")
    return recipe.work_dir


def _copy_start(start: Path, base: Path) -> int:
    """Take a model directory's vocabulary, input layer and int8 encoder as the fit's starting point."""
    for name in ("pieces.json", "embeddings.npz"):
        shutil.copyfile(start / name, base / name)
    shutil.copyfile(start / "encoder.onnx", base / "start.onnx")
    (base / "layers.npz").unlink(missing_ok=True)
    return len(PieceTable.load(base / "pieces.json").pieces)


def _start_layers(start: Path) -> int:
    """The number of encoder layers of the model a fit continues from."""
    return int(json.loads((start / "meta.json").read_text(encoding="utf-8"))["layers"])


def split_english(recipe: Recipe, corpora: dict[str, list[Sent]]) -> tuple[dict[str, list[Sent]], list[Sent]]:
    """Hold out English documents for selection (`recipe.english_dev`) and fill English names from the teacher."""
    held: list[Sent] = []
    out = dict(corpora)
    for name, every in EN_DEV_EVERY.items():
        if recipe.english_dev and name in out:
            out[name], dev = _hold_out(out[name], every, by_file=name != "uner_ewt_dev")
            held.extend(dev)
    if not recipe.teacher:
        return out, held
    from .accurate_silver import ALL_LABELS, SpacyTeacher, silver

    teacher = SpacyTeacher.load(recipe.teacher)
    for name in EN_DEV_EVERY:
        if name in out:
            out[name] = silver(out[name], teacher, _fill(name, ALL_LABELS))
    return out, silver(held, teacher, ALL_LABELS) if held else held


def _fill(name: str, every_label: frozenset[str]) -> frozenset[str]:
    """UNER marks every PER, ORG and LOC, so the teacher adds only MISC there; MEANTIME leaves names out."""
    return frozenset({"MISC"}) if name.startswith("uner") else every_label


def _hold_out(sents: list[Sent], every: int, by_file: bool) -> tuple[list[Sent], list[Sent]]:
    """Every `every`-th document (or sentence) goes to the held-out list."""
    if by_file:
        files = sorted({str(s.extra.get("file", "")) for s in sents})
        held = set(files[::every])
        return [s for s in sents if s.extra.get("file") not in held], [s for s in sents if s.extra.get("file") in held]
    return [s for i, s in enumerate(sents) if i % every], sents[::every]


def _chain(*parts: Iterator[list[str]]) -> Iterator[list[str]]:
    for part in parts:
        yield from part


def run(recipe: Recipe, stages: Sequence[str] = ("prepare", "fit", "export")) -> Path:
    """Run the named stages in order; the fit and the export need the training extras, `score` does not."""
    if "prepare" in stages:
        prepare(recipe)
    if "fit" in stages or "export" in stages:
        from . import accurate_fit

        if "fit" in stages:
            accurate_fit.fit(recipe)
        if "export" in stages:
            accurate_fit.export(recipe)
    if "requantise" in stages:  # export does it too; alone, it rewrites an existing model directory in place
        from .accurate_requant import requantise

        print(f"per-row activation quantisation: {requantise(recipe.out_dir)} MatMuls rewritten")
    if "score" in stages:
        print_scores(recipe)
    return recipe.out_dir


def print_scores(recipe: Recipe) -> None:
    """The fit's dev history and the selection scores of the packaged model and the recipe's output."""
    from ..accurate.runtime import MODEL_DIR

    history = recipe.work_dir / "history.json"
    for row in json.loads(history.read_text()) if history.exists() else []:
        print("fit (torch, float32): " + " ".join(f"{k} {v}" for k, v in row.items()))
    models = [MODEL_DIR] + ([recipe.out_dir] if (recipe.out_dir / "encoder.onnx").exists()
                            and recipe.out_dir.resolve() != MODEL_DIR.resolve() else [])
    for model, sets in score_models(recipe.work_dir, models).items():
        for name, result in sets.items():
            print(f"{model} {name}: {result.line()}")
