"""`lagebild_upos`: a spaCy Tagger that learns and writes universal POS (`token.pos_`) instead of `token.tag_`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

import numpy
import spacy
from spacy.attrs import POS
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.pipeline.tagger import Tagger
from spacy.scorer import Scorer
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Model, SequenceCategoricalCrossentropy

DEFAULT_MODEL = """
[model]
@architectures = "spacy.Tagger.v2"

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 96
depth = 4
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
"""


def upos_score(examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
    """Accuracy of `token.pos`."""
    return Scorer.score_token_attr(examples, "pos", **kwargs)


@spacy.registry.scorers("lagebild.upos_scorer.v1")
def make_upos_scorer() -> Callable[..., dict[str, Any]]:
    """Registered scorer for `lagebild_upos`."""
    return upos_score


class UposTagger(Tagger):
    """Tagger over UPOS: gold from `token.pos_`, predictions written to `token.pos`."""

    def set_annotations(self, docs: Iterable[Doc], batch_tag_ids: Any) -> None:
        """Write the predicted UPOS ids (vectorised)."""
        if isinstance(docs, Doc):
            docs = [docs]
        pos_ids = numpy.asarray([POS_IDS[label] for label in self.labels], dtype="uint64")
        for doc, tag_ids in zip(docs, batch_tag_ids):
            ids = tag_ids.get() if hasattr(tag_ids, "get") else tag_ids
            if len(doc) == 0:
                continue
            values = pos_ids[numpy.asarray(ids, dtype="int64")].reshape(-1, 1)
            doc.from_array([POS], values)

    def get_loss(self, examples: Iterable[Example], scores: Any) -> tuple[float, Any]:
        """Cross-entropy against gold UPOS; tokens without UPOS are missing."""
        loss_func = SequenceCategoricalCrossentropy(names=self.labels, normalize=False)
        truths = [[p if p else None for p in eg.get_aligned("POS", as_string=True)] for eg in examples]
        d_scores, loss = loss_func(scores, truths)  # type: ignore[arg-type]  # None marks a missing label
        return float(loss), d_scores

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None, labels: Any = None) -> None:
        """Labels from the gold UPOS in the examples, then model shapes."""
        found = set(labels or [])
        if not found:
            for example in get_examples():
                found.update(token.pos_ for token in example.y if token.pos_)
        for label in sorted(found):
            self.add_label(label)
        docs, golds = [], []
        for example in islice(get_examples(), 10):
            docs.append(example.x)
            gold = example.get_aligned("POS", as_string=True)
            golds.append(self.model.ops.asarray([[1.0 if lab == g else 0.0 for lab in self.labels] for g in gold], dtype="float32"))
        self.model.initialize(X=docs, Y=golds)


@Language.factory(
    "lagebild_upos",
    assigns=["token.pos"],
    default_config={"model": DEFAULT_MODEL, "overwrite": True, "scorer": {"@scorers": "lagebild.upos_scorer.v1"}},
    default_score_weights={"pos_acc": 1.0},
)
def make_upos(nlp: Language, name: str, model: Model, overwrite: bool, scorer: Callable[..., dict[str, Any]] | None) -> UposTagger:
    """Factory for the UPOS tagger."""
    return UposTagger(nlp.vocab, model, name, overwrite=overwrite, scorer=scorer)


