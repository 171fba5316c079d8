"""The cached edit-tree lemmatizer (`lang/lemmas.py`) gives exactly the lemmas of spaCy's own methods."""

from __future__ import annotations

import numpy
import pytest
from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc

from lagebild.config import Settings
from lagebild.lang import Pipelines, base_pipeline
from lagebild.lang.lemmas import CachedLemmas, use_cached_lemmas

# Our own sentences: inflected verbs and nouns, separable verbs, numbers, odd tokens and repeated words (the memo).
SENTENCES = [
    "Die Demonstranten zogen gestern durch die Straßen und forderten höhere Löhne.",
    "Die Kinder spielten, die Kinder lachten, die Kinder schliefen.",
    "Er hatte angekündigt, dass die Gewerkschaften am 3. Mai streiken würden.",
    "E-Mails, URLs wie www.beispiel.de und 12,5 Prozent: alles Wörter?",
    "Häuser, Bäume und Gärten wurden beschädigt; 1.200 Menschen flohen.",
    "",
    "Xqzt brrrmpf Ölkännchen",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return base_pipeline("de")


def upto_lemmatizer(nlp: Language, texts: list[str]) -> list[Doc]:
    before = nlp.pipe_names[:nlp.pipe_names.index("trainable_lemmatizer")]
    with nlp.select_pipes(enable=before):
        return list(nlp.pipe(texts))


def test_cached_lemmas_equal_spacys(nlp):
    lemmatizer = nlp.get_pipe("trainable_lemmatizer")
    docs = upto_lemmatizer(nlp, SENTENCES)
    theirs = [doc.copy() for doc in docs]
    lemmatizer.set_annotations(theirs, lemmatizer.predict(theirs))
    cached = CachedLemmas(lemmatizer)
    for _ in range(2):  # the second time from the memo
        ours = [doc.copy() for doc in docs]
        cached.set_annotations(ours, cached.predict(ours))
        assert [[t.lemma_ for t in doc] for doc in ours] == [[t.lemma_ for t in doc] for doc in theirs]
        assert all(numpy.array_equal(a.to_array(LEMMA), b.to_array(LEMMA)) for a, b in zip(ours, theirs))
    assert "fordern" in [t.lemma_ for t in theirs[0]] and cached.memo


def test_lemmas_set_before_are_kept_unless_overwrite(nlp):
    lemmatizer = nlp.get_pipe("trainable_lemmatizer")
    doc = upto_lemmatizer(nlp, ["Die Hunde bellten laut."])[0]
    doc[1].lemma_ = "Wauwau"
    theirs, ours = doc.copy(), doc.copy()
    lemmatizer.set_annotations([theirs], lemmatizer.predict([theirs]))
    cached = CachedLemmas(lemmatizer)
    cached.set_annotations([ours], cached.predict([ours]))
    assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
    assert ours[1].lemma_ == "Wauwau"


def test_the_pipelines_use_the_cached_lemmas_in_both_modes():
    for model in ("fast", "accurate"):
        nlp = Pipelines(Settings.from_env(model=model)).build("de")
        lemmatizer = nlp.get_pipe("trainable_lemmatizer")
        assert getattr(lemmatizer.predict, "__self__", None).__class__ is CachedLemmas
        assert [t.lemma_ for t in nlp("Die Kinder spielten.")][:3] == ["der", "Kind", "spielen"]
    assert use_cached_lemmas(base_pipeline("de")) == 1
