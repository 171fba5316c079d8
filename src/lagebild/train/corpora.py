"""Readers for the open German training corpora, and their conversion to spaCy Docs."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

NER_LABELS = ("PER", "ORG", "LOC", "MISC")
GERMEVAL_MAP = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC"}


@dataclass
class Sent:
    """One gold sentence; any annotation layer may be absent (None)."""

    words: list[str]
    ner: list[str] | None = None  # BIO with PER/ORG/LOC/MISC
    pos: list[str] | None = None
    tag: list[str] | None = None
    lemma: list[str] | None = None
    morph: list[str] | None = None
    extra: dict[str, object] = field(default_factory=dict)


def germeval_tag(tag: str) -> str:
    """GermEval outer tag -> BIO over PER/ORG/LOC/MISC (OTH->MISC; *deriv and *part dropped)."""
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    return f"{prefix}-{GERMEVAL_MAP[label]}" if label in GERMEVAL_MAP else "O"


def _tab_blocks(path: Path, is_comment: Callable[[str], bool]) -> Iterator[list[list[str]]]:
    """Blank-line separated blocks of tab-separated rows, comment lines skipped."""
    rows: list[list[str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if is_comment(line):
                continue
            if line.strip():
                rows.append(line.split("\t"))
            elif rows:
                yield rows
                rows = []
    if rows:
        yield rows


def read_germeval(path: Path) -> Iterator[Sent]:
    """GermEval 2014: the official .tsv (idx, token, outer, inner) or the derived train .bio (token, tag)."""
    for rows in _tab_blocks(path, lambda line: line.startswith(("#\t", "# "))):
        pairs = [(cols[1], cols[2]) if len(cols) >= 4 else (cols[0], cols[1]) for cols in rows]
        yield Sent([word for word, _ in pairs], ner=_repair_bio([germeval_tag(tag) for _, tag in pairs]))


def _repair_bio(tags: list[str]) -> list[str]:
    """Turn an I- that follows a different label (after dropping deriv/part) into B-."""
    out: list[str] = []
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and (i == 0 or out[-1][2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
    return out


def read_uner(path: Path) -> Iterator[Sent]:
    """Universal NER .iob2 (idx, token, tag, ...); OTH-less PER/ORG/LOC."""
    for rows in _tab_blocks(path, lambda line: line.startswith("#")):
        tags = [cols[2] if cols[2] == "O" or cols[2][2:] in NER_LABELS else "O" for cols in rows]
        yield Sent([cols[1] for cols in rows], ner=_repair_bio(tags))


def read_conllu(path: Path, *, stts: bool = True) -> Iterator[Sent]:
    """CoNLL-U as surface tokens: a multiword token (im = in dem) takes its first word's annotation."""
    rows: list[list[str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if rows:
                    yield _conllu_sent(rows, stts)
                rows = []
                continue
            rows.append(line.split("\t"))
    if rows:
        yield _conllu_sent(rows, stts)


def _conllu_sent(rows: list[list[str]], stts: bool) -> Sent:
    sent = Sent(words=[], pos=[], tag=[], lemma=[], morph=[])
    skip_until = 0
    finite: list[bool] = []
    for cols in rows:
        idx = cols[0]
        if "." in idx:
            continue
        if "-" in idx:
            start, end = (int(x) for x in idx.split("-"))
            first = next(r for r in rows if r[0] == str(start))
            _add_row(sent, cols[1], first)
            if sent.tag and sent.tag[-1] == "APPR":
                sent.tag[-1] = "APPRART"
            finite.append(False)
            skip_until = end
            continue
        if int(idx) <= skip_until:
            continue
        _add_row(sent, cols[1], cols)
        finite.append(cols[3] in ("VERB", "AUX") and "VerbForm=Fin" in cols[5])
    if not stts:
        sent.tag = None
    sent.extra["finite"] = finite
    return sent


def _add_row(sent: Sent, form: str, cols: list[str]) -> None:
    assert sent.pos is not None and sent.tag is not None and sent.lemma is not None and sent.morph is not None
    sent.words.append(form)
    sent.pos.append(cols[3])
    sent.tag.append(cols[4] if cols[4] != "_" else "")
    sent.lemma.append(cols[2] if cols[2] != "_" or cols[1] == "_" else "")
    sent.morph.append("" if cols[5] == "_" else cols[5])


def pud_morph(morph: str, pos: str) -> str:
    """Bring PUD features closer to GSD's: finite verbs carry VerbForm=Fin."""
    feats = dict(f.split("=", 1) for f in morph.split("|") if "=" in f)
    if pos in ("VERB", "AUX") and "Mood" in feats and "VerbForm" not in feats:
        feats["VerbForm"] = "Fin"
    return "|".join(f"{k}={v}" for k, v in sorted(feats.items()))


def read_upos_lines(path: Path) -> Iterator[Sent]:
    """LinSpector UPOS lines ("form##UPOS ..."); a multiword item "im##_" takes its first word's UPOS."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            items = line.split()
            words: list[str] = []
            pos: list[str] = []
            i = 0
            while i < len(items):
                form, _, upos = items[i].rpartition("##")
                if upos == "_":
                    words.append(form)
                    pos.append(items[i + 1].rpartition("##")[2])
                    i += 3
                    continue
                words.append(form)
                pos.append(upos)
                i += 1
            if words:
                yield Sent(words, pos=pos)


def read_gnad_texts(path: Path) -> Iterator[str]:
    """Article texts of 10kGNAD (evaluation/benchmark only: CC BY-NC-SA)."""
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";", quotechar="'"):
            if len(row) >= 2 and row[1].strip():
                yield row[1]


def sents_to_doc(vocab: Vocab, sents: Sequence[Sent], *, with_ner: bool) -> Doc:
    """One Doc from consecutive sentences (unknown spaces, so training keeps the gold tokens)."""
    words = [w for s in sents for w in s.words]
    doc = Doc(vocab, words=words)
    offset = 0
    ents: list[Span] = []
    for sent in sents:
        for i in range(len(sent.words)):
            token = doc[offset + i]
            token.is_sent_start = i == 0
            if sent.pos is not None and sent.pos[i]:
                token.pos_ = sent.pos[i]
            if sent.tag is not None and sent.tag[i]:
                token.tag_ = sent.tag[i]
            if sent.lemma is not None and sent.lemma[i]:
                token.lemma_ = sent.lemma[i]
            if sent.morph is not None and sent.morph[i]:
                token.set_morph(sent.morph[i])  # type: ignore[attr-defined]  # missing from spaCy's stub
        if with_ner and sent.ner is not None:
            ents.extend(bio_spans(doc, sent.ner, offset))
        offset += len(sent.words)
    if with_ner:
        doc.set_ents(ents, default="outside")
    return doc


def bio_spans(doc: Doc, tags: Sequence[str], offset: int = 0) -> list[Span]:
    """Spans from a BIO sequence starting at token `offset` of `doc`."""
    spans: list[Span] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        if start >= 0 and not (tag.startswith("I-") and tag[2:] == label):
            spans.append(Span(doc, offset + start, offset + i, label=label))
            start = -1
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, label = i, tag[2:]
    return spans


def chunked(sents: Sequence[Sent], size: int) -> Iterator[Sequence[Sent]]:
    """Consecutive groups of `size` sentences."""
    for i in range(0, len(sents), size):
        yield sents[i : i + size]
