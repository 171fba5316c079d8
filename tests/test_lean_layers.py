"""The lean prediction forwards (`lang/lean_layers.py`) give exactly thinc's numbers, and leave training alone."""

from __future__ import annotations

import numpy
import pytest
from spacy.language import Language
from thinc.api import LayerNorm, Maxout
from thinc.layers import layernorm, maxout

from lagebild.lang import base_pipeline
from lagebild.lang.lean_layers import lean_layernorm, lean_maxout, use_lean_layers

# Our own sentences: short and long, numbers, odd tokens, one empty text.
SENTENCES = [
    "Die Gewerkschaft kündigte am Montag in Hamburg einen Streik an.",
    "Nach Angaben der Polizei wurden 1.200 Menschen evakuiert; drei Häuser brannten nieder.",
    "",
    "Xqzt brrrmpf Ölkännchen, www.beispiel.de und 12,5 Prozent.",
    "Er sagte, man werde die Gespräche fortsetzen, sobald die Regierung ein neues Angebot vorlege.",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return base_pipeline("de")


def thinc_forwards(nlp: Language) -> list:
    """Every layer the lean forwards replace, set back to thinc's own forward; the nodes and their lean forwards."""
    swapped = []
    for _, component in nlp.pipeline:
        for node in getattr(component, "model", None).walk() if hasattr(component, "model") else ():
            if node._func is lean_layernorm:
                swapped.append((node, lean_layernorm))
                node._func = layernorm.forward
            elif node._func is lean_maxout:
                swapped.append((node, lean_maxout))
                node._func = maxout.forward
    return swapped


def test_lean_tok2vec_output_equals_thincs(nlp):
    assert use_lean_layers(nlp) > 0
    tok2vec = nlp.get_pipe("tok2vec")
    docs = [nlp.make_doc(text) for text in SENTENCES]
    lean = tok2vec.predict(docs)
    swapped = thinc_forwards(nlp)
    try:
        plain = tok2vec.predict(docs)
    finally:
        for node, forward in swapped:
            node._func = forward
    assert swapped and len(lean) == len(plain)
    for a, b in zip(lean, plain):
        assert a.dtype == b.dtype and numpy.array_equal(a, b)


def test_lean_layers_equal_thincs_on_random_input():
    rng = numpy.random.default_rng(7)
    X = rng.normal(size=(50, 12)).astype("float32") * 3
    norm = LayerNorm(nI=12).initialize()
    norm.set_param("G", rng.normal(size=12).astype("float32"))
    norm.set_param("b", rng.normal(size=12).astype("float32"))
    pieces = Maxout(nO=7, nI=12, nP=3).initialize()
    for layer, lean, plain in ((norm, lean_layernorm, layernorm.forward), (pieces, lean_maxout, maxout.forward)):
        expected = plain(layer, X, False)[0]
        got = lean(layer, X, False)[0]
        assert got.shape == expected.shape and numpy.array_equal(got, expected)


def test_training_keeps_thincs_forward_and_backprop():
    X = numpy.ones((4, 6), dtype="float32")
    norm = LayerNorm(nI=6).initialize()
    Y, backprop = lean_layernorm(norm, X, True)
    assert numpy.array_equal(backprop(Y), layernorm.forward(norm, X, True)[1](Y))
    with pytest.raises(ValueError):
        lean_layernorm(norm, X, False)[1](Y)
