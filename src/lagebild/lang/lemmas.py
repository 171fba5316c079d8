"""The trainable lemmatizer's edit trees applied once per (tree, word) and written with one array per Doc.

spaCy's `EditTreeLemmatizer` (top_k 1) applies the best tree to each token twice, once to check it and once to set
the lemma, and makes a Token object each time. `CachedLemmas` keeps its network and its choice of tree (the same
argmax, the same fallback to the backoff), remembers each tree's result per word, and writes the lemmas of a Doc with
`Doc.from_array`. Other settings (top_k above 1, a backoff other than the word itself) keep spaCy's own methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import numpy
from spacy.attrs import LEMMA, ORTH
from spacy.language import Language
from spacy.pipeline import EditTreeLemmatizer
from spacy.tokens import Doc

CACHE_LIMIT = 500_000  # (tree, word) results kept before the memo starts afresh (a long-running process)


class CachedLemmas:
    """`predict` and `set_annotations` for one `EditTreeLemmatizer`, with its tree results remembered."""

    def __init__(self, lemmatizer: EditTreeLemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.plain_predict = lemmatizer.predict
        self.labels = list(lemmatizer.cfg["labels"])
        self.label_array = numpy.array(self.labels, dtype=numpy.int64)  # the tree id of each output column
        self.strings = lemmatizer.vocab.strings
        self.memo: dict[tuple[int, int], int] = {}  # (tree id, word hash) -> lemma hash; -1: the tree does not apply

    def predict(self, docs: Iterable[Doc]) -> Any:
        """The tree id of each token (-1 where the best tree does not apply), as spaCy's top_k 1 gives it."""
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return self.plain_predict(docs)
        scores = self.lemmatizer.model.predict(docs)
        return [self._guesses(doc, doc_scores.argmax(axis=1)) for doc, doc_scores in zip(docs, scores)]

    def _guesses(self, doc: Doc, best: numpy.ndarray) -> numpy.ndarray:
        trees = self.label_array[best].tolist()
        pairs = list(zip(trees, doc.to_array(ORTH).tolist()))
        lemmas = list(map(self.memo.get, pairs))  # None where the pair is new: looked up one by one
        if None in lemmas:
            lemma_of = self._lemma
            lemmas = [lemma_of(*pair) if lemma is None else lemma for pair, lemma in zip(pairs, lemmas)]
        return numpy.array([tree if lemma != -1 else -1 for tree, lemma in zip(trees, lemmas)], dtype=numpy.int64)

    def _lemma(self, tree: int, orth: int) -> int:
        """The hash of the lemma `tree` makes of the word `orth` (added to the strings), or -1 if it does not apply."""
        key = (tree, orth)
        found = self.memo.get(key)
        if found is None:
            if len(self.memo) >= CACHE_LIMIT:
                self.memo.clear()
            lemma = self.lemmatizer.trees.apply(tree, self.strings[orth])
            found = self.memo[key] = -1 if lemma is None else self.strings.add(lemma)
        return found

    def set_annotations(self, docs: Iterable[Doc], batch_tree_ids: Any) -> None:
        """Each token's lemma from its tree, or its own word where no tree applies; set ones kept unless overwrite."""
        overwrite = self.lemmatizer.overwrite
        for doc, tree_ids in zip(docs, batch_tree_ids):
            if len(doc) == 0:
                continue
            arrays = doc.to_array([ORTH, LEMMA])
            lemmas = [lemma if lemma and not overwrite else orth if tree == -1 else self._lemma(tree, orth)
                      for tree, (orth, lemma) in zip(numpy.asarray(tree_ids).tolist(), arrays.tolist())]
            doc.from_array([LEMMA], cast(Any, numpy.array(lemmas, dtype=numpy.uint64).reshape(-1, 1)))


def use_cached_lemmas(nlp: Language) -> int:
    """Give each edit-tree lemmatizer of the pipeline (top_k 1, backoff "orth") the cached methods; how many."""
    done = 0
    for _, component in nlp.pipeline:
        if isinstance(component, EditTreeLemmatizer) and component.top_k == 1 and component.backoff == "orth":
            cached = CachedLemmas(component)
            component.predict = cached.predict  # type: ignore[method-assign]
            component.set_annotations = cached.set_annotations  # type: ignore[method-assign]
            done += 1
    return done
