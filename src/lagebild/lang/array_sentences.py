"""spaCy's rule-based sentencizer read from one array per Doc: the same sentence starts, without a Token per word.

`Sentencizer.predict` makes a Token object for every word of every Doc and asks it for its text and its punctuation
flag. `ArraySentences.predict` reads the word ids and the flag with `Doc.to_array` and finds the same starts with
numpy. spaCy's loop starts a sentence at the first token that is neither punctuation nor one of `punct_chars` after
a token of `punct_chars` (and at token 0); as every token between two such words is punctuation or one of
`punct_chars`, a word starts a sentence exactly when one of `punct_chars` stands between it and the word before it.
A token's text is one of `punct_chars` when its word id (the hash of its text, which spaCy's string store takes as
unique) is the id of one of them. spaCy's own `set_annotations` then writes the guesses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy
from spacy.attrs import IS_PUNCT, ORTH
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc


class ArraySentences:
    """`predict` for one `Sentencizer`, from arrays."""

    def __init__(self, sentencizer: Sentencizer) -> None:
        self.sentencizer = sentencizer
        self._chars: frozenset[str] | None = None
        self._ids = numpy.zeros(0, dtype=numpy.uint64)

    def predict(self, docs: Iterable[Doc]) -> list[list[bool]]:
        """Sentence-start guesses per token, as `Sentencizer.predict` gives them."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [[] for _ in docs]
        return [self._guesses(doc) if len(doc) else [] for doc in docs]

    def mark_ids(self) -> numpy.ndarray:
        """The word ids of the sentencizer's `punct_chars` (read again if they were changed)."""
        chars = frozenset(self.sentencizer.punct_chars)
        if chars != self._chars:
            self._chars = chars
            self._ids = numpy.array(sorted(get_string_id(c) for c in chars), dtype=numpy.uint64)
        return self._ids

    def _guesses(self, doc: Doc) -> list[bool]:
        columns = doc.to_array([ORTH, IS_PUNCT])
        ids = self.mark_ids()
        orths = columns[:, 0]
        marks = ids[numpy.minimum(numpy.searchsorted(ids, orths), len(ids) - 1)] == orths if len(ids) else \
            numpy.zeros(len(orths), dtype=bool)
        words = numpy.flatnonzero(~marks & (columns[:, 1] == 0))
        seen = numpy.cumsum(marks)  # marks up to and including each token
        before = numpy.where(words > 0, seen[words - 1], 0)  # marks before each word
        since = before - numpy.concatenate(([0], seen[words[:-1]]))  # ... and after the word before it
        guesses = numpy.zeros(len(doc), dtype=bool)
        guesses[words[since > 0]] = True
        guesses[0] = True
        return guesses.tolist()


def use_array_sentences(nlp: Language) -> int:
    """Give each rule-based sentencizer of the pipeline the array `predict`; how many."""
    done = 0
    for _, component in nlp.pipeline:
        if type(component) is Sentencizer:
            sentencizer: Any = component
            sentencizer.predict = ArraySentences(sentencizer).predict
            done += 1
    return done
