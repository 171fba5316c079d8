"""The accurate model as a spaCy component: sets `doc.ents` (PER/ORG/LOC/MISC) from the fine-tuned encoder."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from .labels import spans
from .runtime import MODEL_DIR, AccurateTagger, shared_tagger


class AccurateNER:
    """Tags each sentence of a batch of Docs in one pass; whitespace tokens stay outside entities."""

    def __init__(self, tagger: AccurateTagger) -> None:
        self.tagger = tagger

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            windows = [(doc, _words_of(sent)) for doc in batch for sent in _sentences(doc)]
            tags = self.tagger.tag([[doc[i].text for i in idx] for doc, idx in windows])
            ents: dict[int, list[Span]] = {id(doc): [] for doc in batch}
            for (doc, idx), sent_tags in zip(windows, tags):
                for start, end, label in spans(sent_tags):
                    ents[id(doc)].append(Span(doc, idx[start], idx[end - 1] + 1, label=label))
            for doc in batch:
                doc.set_ents(ents[id(doc)], default="outside")
            yield from batch


def _sentences(doc: Doc) -> list[Span]:
    return list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]


def _words_of(sent: Span) -> list[int]:
    """Token indices of the sentence's non-space tokens, split where whitespace tokens stand."""
    return [token.i for token in sent if not token.is_space]


@Language.factory(
    "lagebild_accurate_ner",
    requires=["token.is_sent_start"],
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={"model_dir": None},
)
def make_accurate_ner(nlp: Language, name: str, model_dir: str | None) -> AccurateNER:
    """The accurate entity recogniser; the model ships in the package (`lagebild/accurate/model`)."""
    return AccurateNER(shared_tagger(Path(model_dir) if model_dir else MODEL_DIR))
