"""Temporal tagging against KRAUTS (TIMEX3, German news) and WikiWarsDE (TIMEX2, German narratives).

Scorer (one for us and for the anchor): a system expression counts for precision when it overlaps
a gold expression with the same value; a gold expression counts for recall when an overlapping
system expression has its value. Values are compared after `canonical_value` (clock times "20.30"
and "20:30" agree, seconds ":00" dropped). `span_f1` uses overlap alone.
KRAUTS also ships HeidelTime's output for every text; its anchor is scored with the same scorer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dates import parse_partial_date
from ..model import Article
from . import EvalRow

KRAUTS_PARTS = ("Dolomiten-42", "Dolomiten-100", "DieZeit")
WIKIWARS_ANCHOR = 0.825  # HeidelTime, lenient extraction + value F1 (Strötgen & Gertz 2011)
TAG = re.compile(r"<(/?)(TIMEX[23])\b([^>]*)>|<[^>]+>", re.IGNORECASE)
ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class Timex:
    """One annotated expression: character span in the plain text and its normalised value."""

    start: int
    end: int
    value: str


@dataclass(frozen=True)
class AnnotatedText:
    """A document as plain text with its creation time and expressions."""

    name: str
    text: str
    dct: str | None
    timexes: tuple[Timex, ...]


@dataclass(frozen=True)
class Counts:
    """Match counts for one comparison; add them up across documents."""

    sys_ok: int = 0
    sys_all: int = 0
    gold_ok: int = 0
    gold_all: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.sys_ok + other.sys_ok, self.sys_all + other.sys_all,
                      self.gold_ok + other.gold_ok, self.gold_all + other.gold_all)

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (0 when either is undefined)."""
        p = self.sys_ok / self.sys_all if self.sys_all else 0.0
        r = self.gold_ok / self.gold_all if self.gold_all else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def canonical_value(value: str) -> str:
    """A value in one spelling: upper case, clock times with a colon, no zero seconds."""
    value = value.strip().upper()
    value = re.sub(r"T(\d{1,2})[.:](\d{2})", lambda m: f"T{int(m[1]):02d}:{m[2]}", value)
    value = re.sub(r"(T\d{2}:\d{2}):00$", r"\1", value)
    value = re.sub(r"-WXX-0(\d)", r"-WXX-\1", value)
    return value


def parse_inline(markup: str, name: str, value_attr: str = "value") -> AnnotatedText:
    """Plain text, DCT and expressions of an inline-annotated TimeML/TIMEX2 document."""
    dct_match = re.search(r"<(?:DCT|DATETIME)>.*?(?:value|val)=\"([^\"]+)\"", markup, re.S | re.I)
    body = re.search(r"<TEXT>(.*)</TEXT>", markup, re.S)
    source = body.group(1) if body else markup
    pieces: list[str] = []
    length = 0
    stack: list[tuple[int, str]] = []
    found: list[Timex] = []
    position = 0
    for match in TAG.finditer(source):
        chunk = html.unescape(source[position:match.start()])
        pieces.append(chunk)
        length += len(chunk)
        position = match.end()
        if match.group(2) is None:
            continue
        if match.group(1):
            if stack:
                start, value = stack.pop()
                if value:
                    found.append(Timex(start, length, value))
        else:
            attrs = dict(ATTR.findall(match.group(3)))
            stack.append((length, attrs.get(value_attr, "")))
            if match.group(3).rstrip().endswith("/"):
                stack.pop()
    pieces.append(html.unescape(source[position:]))
    return AnnotatedText(name, "".join(pieces), dct_match.group(1) if dct_match else None,
                         tuple(sorted(found, key=lambda t: t.start)))


def compare(gold: Iterable[Timex], system: Iterable[Timex], *, values: bool = True) -> Counts:
    """Overlap matching of two expression lists, optionally requiring equal canonical values."""
    gold, system = list(gold), list(system)

    def agree(a: Timex, b: Timex) -> bool:
        return a.start < b.end and b.start < a.end and (
            not values or canonical_value(a.value) == canonical_value(b.value))

    return Counts(sum(any(agree(s, g) for g in gold) for s in system), len(system),
                  sum(any(agree(g, s) for s in system) for g in gold), len(gold))


def _article(doc: AnnotatedText) -> Article:
    published = None
    if doc.dct:
        try:
            published = parse_partial_date(doc.dct)
        except ValueError:
            published = None
    return Article(id=doc.name, lang="de", text=doc.text, published=published)


def tag_documents(pipelines: Any, docs: list[AnnotatedText], mode: str) -> Iterator[list[Timex]]:
    """Our expressions for each document: the base pipeline, then a times tagger in `mode`."""
    from ..extract.times import TimeLexicon, TimeTagger
    from ..lang import language_data

    nlp = pipelines.get("de")
    tagger = TimeTagger(TimeLexicon(language_data("de", "times.json")), mode)
    skip = [name for name in nlp.pipe_names if name.startswith("lagebild_")]
    with nlp.select_pipes(disable=skip):
        made = []
        for doc in docs:
            spacy_doc = nlp.make_doc(doc.text)
            spacy_doc._.article = _article(doc)
            made.append(spacy_doc)
        for spacy_doc in nlp.pipe(made, batch_size=16):
            yield [Timex(t["start"], t["end"], t["value"]) for t in tagger.extract(spacy_doc)]


def krauts_rows(pipelines: Any, root: Path, limit: int | None) -> list[EvalRow]:
    """Value and span F1 per KRAUTS part, with HeidelTime's outputs scored alike as the anchor."""
    rows: list[EvalRow] = []
    for part in KRAUTS_PARTS:
        gold_dir, heidel_dir = root / f"KRAUTS_{part}", root / f"KRAUTS_{part}_Heideltime"
        if not gold_dir.is_dir():
            continue
        files = sorted(gold_dir.glob("*.tml"))[:limit]
        gold = [parse_inline(f.read_text(encoding="utf-8"), f.name) for f in files]
        ours = list(tag_documents(pipelines, gold, "news"))
        heidel = []
        for f, g in zip(files, gold):
            path = heidel_dir / f.name
            h = parse_inline(path.read_text(encoding="utf-8"), f.name) if path.exists() else None
            heidel.append(list(h.timexes) if h is not None and h.text == g.text else None)
        n = sum(len(g.timexes) for g in gold)
        for metric, values in (("value_f1", True), ("span_f1", False)):
            mine = sum((compare(g.timexes, o, values=values) for g, o in zip(gold, ours)), Counts())
            anchor = sum((compare(g.timexes, h, values=values) for g, h in zip(gold, heidel) if h is not None),
                         Counts())
            rows.append(EvalRow(dataset=f"krauts_de/{part}", task="times", metric=metric, score=round(mine.f1, 4),
                                anchor=round(anchor.f1, 4) if anchor.gold_all else None, n=n))
    return rows


def wikiwars_rows(pipelines: Any, root: Path, limit: int | None) -> list[EvalRow]:
    """Lenient (overlap) extraction+value F1 on WikiWarsDE, narrative anchoring."""
    files = sorted((root / "keyinline").glob("*.xml"))[:limit]
    if not files:
        return []
    gold = [parse_inline(f.read_text(encoding="utf-8"), f.name, value_attr="val") for f in files]
    gold = [AnnotatedText(g.name, g.text, g.dct, tuple(t for t in g.timexes if t.value)) for g in gold]
    ours = list(tag_documents(pipelines, gold, "narrative"))
    n = sum(len(g.timexes) for g in gold)
    rows: list[EvalRow] = []
    for metric, values, anchor in (("value_f1", True, WIKIWARS_ANCHOR), ("span_f1", False, None)):
        mine = sum((compare(g.timexes, o, values=values) for g, o in zip(gold, ours)), Counts())
        rows.append(EvalRow(dataset="wikiwarsde", task="times", metric=metric, score=round(mine.f1, 4),
                            anchor=anchor, n=n))
    return rows


def _find(data_dir: Path, *candidates: str) -> Path | None:
    for candidate in candidates:
        path = data_dir / candidate
        if path.is_dir():
            return path
    return None


def run(pipelines: Any, data_dir: Path, *, limit: int | None = None) -> list[EvalRow]:
    """KRAUTS rows per part and WikiWarsDE rows; [] when the data is absent."""
    data_dir = Path(data_dir)
    rows: list[EvalRow] = []
    krauts = _find(data_dir, "krauts_de/KRAUTS", "KRAUTS", ".")
    if krauts is not None and any((krauts / f"KRAUTS_{p}").is_dir() for p in KRAUTS_PARTS):
        rows += krauts_rows(pipelines, krauts, limit)
    wikiwars = _find(data_dir, "wikiwarsde/WikiWarsDE_20110412", "WikiWarsDE_20110412", ".")
    if wikiwars is not None and (wikiwars / "keyinline").is_dir():
        rows += wikiwars_rows(pipelines, wikiwars, limit)
    return rows
