"""Sentence character bounds and the text of a Doc, computed once per Doc for the rule-based extractors."""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from . import doc_sents, doc_text

INDEX_KEY = "lagebild.sentence_index"  # doc.user_data key of the cached index


class SentenceIndex:
    """Find the sentence (as a character range) that contains an offset."""

    def __init__(self, doc: Doc) -> None:
        self.text = doc_text(doc)  # Doc.text is rebuilt from the tokens on every access
        self.lowered = self.text.lower()
        if len(doc) and doc.has_annotation("SENT_START"):
            self.bounds = [(s.start_char, s.end_char) for s in doc_sents(doc)]
        else:
            self.bounds = [(0, len(self.text))]
        self.starts = [b[0] for b in self.bounds]

    @classmethod
    def of(cls, doc: Doc) -> SentenceIndex:
        """The index of a Doc, made once for all the extractors."""
        index = doc.user_data.get(INDEX_KEY)
        if index is None:
            index = doc.user_data[INDEX_KEY] = cls(doc)
        return index

    def around(self, char: int) -> tuple[int, int]:
        """(start, end) of the sentence holding character `char`."""
        index = max(0, bisect_right(self.starts, char) - 1)
        return self.bounds[index]
