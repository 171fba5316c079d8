"""Source articles for the claim gold set: the text of one article of an evaluation dataset, by `dataset:id`.

The gold files store only offsets and labels; the text is read here from ../shared/data at evaluation time,
and every offset in a gold file is a character (Unicode code point) offset into `SourceArticle.text`.

- `wikinews_quotes_de:<wikinews id>`: `text` of `wikinews_de_texts_dated.jsonl` (the quotation corpus'
  `originalText`), train and dev splits only; the test split is kept for `lagebild eval quotes`.
- `meantime_en:<doc_id>`: the tokens of `intra-doc_annotation/*/<doc_id>_*.xml`, detokenised by `meantime_text`:
  the title and the date line each followed by a blank line, then the body sentences joined by single spaces.
- `indiapoliceevents_en:<doc_id>`: `full_text` of `metadata.jsonl` (lower-cased by the dataset's authors).
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

WIKINEWS = "wikinews_quotes_de"
MEANTIME = "meantime_en"
IPE = "indiapoliceevents_en"
DATASETS = {WIKINEWS: "de", MEANTIME: "en", IPE: "en"}
WIKINEWS_SPLITS = ("train", "dev")  # never test: that split scores the quote rules

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "...", "'s", "'", "n't", "'re", "'ve", "'ll",
                    "'d", "'m", "’"}
_NO_SPACE_AFTER = {"(", "[", "{", "$", "US$", "CA$", "AU$", "#", "`"}
_QUOTES = {"``", "''", '"', "“", "”"}


class ArticleNotFound(LookupError):
    """An article key that names no article of the evaluation data (or a Wikinews test article)."""


@dataclass(frozen=True)
class SourceArticle:
    """One evaluation article: its key, dataset, language, title, publication date and the text offsets refer to."""

    key: str
    dataset: str
    lang: str
    title: str | None
    published: str | None
    text: str

    @property
    def checksum(self) -> str:
        """The first 12 hex digits of the text's SHA-256: a gold line records it to catch a changed text."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:12]


def split_key(key: str) -> tuple[str, str]:
    """`dataset:id` as its two parts; a clear error for anything else."""
    dataset, sep, ident = key.partition(":")
    if not sep or dataset not in DATASETS or not ident:
        raise ArticleNotFound(f"article key {key!r} is not DATASET:ID with DATASET one of {', '.join(DATASETS)}")
    return dataset, ident


def load_article(key: str, data_dir: Path) -> SourceArticle:
    """The article named by `key` (`dataset:id`), read from `data_dir`."""
    dataset, ident = split_key(key)
    found = _index(dataset, str(data_dir)).get(ident)
    if found is None:
        raise ArticleNotFound(f"no article {ident} in {data_dir / dataset}"
                              + (" (train/dev only)" if dataset == WIKINEWS else ""))
    return found


def all_articles(dataset: str, data_dir: Path) -> list[SourceArticle]:
    """Every usable article of one dataset (for Wikinews: train and dev only)."""
    return list(_index(dataset, str(data_dir)).values())


@lru_cache(maxsize=8)
def _index(dataset: str, data_dir: str) -> dict[str, SourceArticle]:
    root = Path(data_dir) / dataset
    if dataset == WIKINEWS:
        return _wikinews(root)
    if dataset == MEANTIME:
        return _meantime(root)
    return _ipe(root)


def _wikinews(root: Path) -> dict[str, SourceArticle]:
    path = root / "wikinews_de_texts_dated.jsonl"
    out: dict[str, SourceArticle] = {}
    if not path.exists():
        return out
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["split"] in WIKINEWS_SPLITS:
            ident = str(row["wikinews_id"])
            out[ident] = SourceArticle(f"{WIKINEWS}:{ident}", WIKINEWS, "de", row.get("title"), row.get("date"), row["text"])
    return out


def _meantime(root: Path) -> dict[str, SourceArticle]:
    out: dict[str, SourceArticle] = {}
    for path in sorted((root / "intra-doc_annotation").glob("*/*.xml")):
        doc = ET.parse(path).getroot()
        sentences: dict[int, list[str]] = {}
        for tok in doc.iter("token"):
            sentences.setdefault(int(tok.get("sentence", "0")), []).append(tok.text or "")
        ordered = [sentences[k] for k in sorted(sentences)]
        text = meantime_text(ordered)
        ident = doc.get("doc_id") or path.stem.split("_", 1)[0]
        title = _detok(ordered[0]) if ordered else None
        out[ident] = SourceArticle(f"{MEANTIME}:{ident}", MEANTIME, "en", title, None, text)
    return out


def meantime_text(sentences: list[list[str]]) -> str:
    """Title, date line and body of a tokenised MEANTIME article as running text."""
    parts = [_detok(s) for s in sentences]
    head, body = parts[:2], parts[2:]
    return "".join(p + "\n\n" for p in head) + " ".join(body)


def _detok(tokens: list[str]) -> str:
    """Tokens as text: no space before closing punctuation and clitics, none after opening brackets or currency."""
    out: list[str] = []
    quote_open = False
    glue_next = False
    for tok in tokens:
        if tok in _QUOTES:
            tok = '"'
            closing = quote_open
            quote_open = not quote_open
            space = not closing and not glue_next
            out.append((" " if out and space else "") + tok)
            glue_next = not closing
            continue
        space = bool(out) and not glue_next and tok not in _NO_SPACE_BEFORE
        out.append((" " if space else "") + tok)
        glue_next = tok in _NO_SPACE_AFTER
    return "".join(out)


def _ipe(root: Path) -> dict[str, SourceArticle]:
    path = root / "metadata.jsonl"
    out: dict[str, SourceArticle] = {}
    if not path.exists():
        return out
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        ident = str(row["doc_id"])
        out[ident] = SourceArticle(f"{IPE}:{ident}", IPE, "en", None, row.get("date"), row["full_text"])
    return out
