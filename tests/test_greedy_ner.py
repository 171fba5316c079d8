"""The numpy decoder of the CNN's entities (`lang/greedy_ner.py`) gives exactly what spaCy's transition loop gives."""

from __future__ import annotations

import json

import numpy
import pytest
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span

from lagebild.config import Settings
from lagebild.lang import Pipelines, base_pipeline
from lagebild.lang.greedy_ner import NumpyNER, use_numpy_ner
from lagebild.model import Article

# Our own sentences: names of every kind, names at the very start and end, long names, names across a line break,
# spaces, quotes, and sentences without any name.
SENTENCES = [
    "Angela Merkel traf am Montag in Paris den französischen Präsidenten Emmanuel Macron.",
    "Die Vereinten Nationen warnen vor einer Hungersnot im Südsudan, teilte das Welternährungsprogramm mit.",
    "Der FC Bayern München gewann gegen Borussia Dortmund mit 3:1.",
    "Nach Angaben der Polizei in Graz wurden drei Menschen verletzt.",
    "Es regnete den ganzen Tag.",
    "Wien",
    "",
    "Laut dem Bundesamt für Verfassungsschutz stieg die Zahl der Angriffe.\n\nDie Deutsche Bahn AG und die Lufthansa "
    "streiken.",
    "„Wir werden nicht nachgeben“, sagte Olaf Scholz in Berlin vor Journalisten der Süddeutschen Zeitung.",
    "Am Sitz der Europäischen Zentralbank in Frankfurt am Main   demonstrierten Hunderte gegen die Politik von "
    "Christine Lagarde.",
    "Die Volkswagen AG, Siemens und BASF melden Gewinne; Renault-Nissan nicht.",
    "Der Vertrag von Lissabon trat 2009 in Kraft. Donald Tusk",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return base_pipeline("de")


def tagged(nlp: Language, texts: list[str]) -> list[Doc]:
    """Docs through every component before `ner` (the decoder reads the tok2vec tensor)."""
    before = nlp.pipe_names[:nlp.pipe_names.index("ner")]
    with nlp.select_pipes(enable=before):
        return list(nlp.pipe(texts))


def copies(docs: list[Doc]) -> list[Doc]:
    out = []
    for doc in docs:
        copy = doc.copy()
        copy.tensor = doc.tensor
        out.append(copy)
    return out


def entity_arrays(docs: list[Doc]) -> list[tuple[list[tuple[int, int, str]], numpy.ndarray]]:
    return [([(e.start, e.end, e.label_) for e in doc.ents], doc.to_array([ENT_IOB, ENT_TYPE, ENT_KB_ID]))
            for doc in docs]


def same(a: list[Doc], b: list[Doc]) -> bool:
    return all(x[0] == y[0] and numpy.array_equal(x[1], y[1]) for x, y in zip(entity_arrays(a), entity_arrays(b)))


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_the_decoder_finds_the_entities_of_spacys_loop(nlp, batch_size):
    docs = tagged(nlp, SENTENCES)
    ner = nlp.get_pipe("ner")
    theirs = list(ner.pipe(copies(docs), batch_size=batch_size))
    ours = list(NumpyNER(ner).pipe(copies(docs), batch_size=batch_size))
    assert sum(len(doc.ents) for doc in theirs) >= 15  # the sentences do name things
    assert same(theirs, ours)
    assert [doc.text for doc in ours] == SENTENCES


def test_one_doc_through_call_and_sentence_starts_that_bar_entities(nlp):
    ner = nlp.get_pipe("ner")
    doc = tagged(nlp, ["Gestern besuchte Frank-Walter Steinmeier die Stadt Leipzig."])[0]
    barred = copies([doc])[0]
    for token in barred[1:]:
        token.is_sent_start = True  # no entity may cross a sentence start: every name is cut to one token
    for docs in ([doc], [barred]):
        theirs, ours = copies(docs), copies(docs)
        ner(theirs[0])
        NumpyNER(ner)(ours[0])
        assert same(theirs, ours)
    assert all(len(e) == 1 for e in ours[0].ents) and ours[0].ents


def test_docs_with_entities_set_before_go_through_spacys_loop(nlp):
    ner = nlp.get_pipe("ner")
    doc = tagged(nlp, ["Der Papst reiste nach Rom und traf Giorgia Meloni."])[0]
    doc.set_ents([Span(doc, 1, 2, label="PER")], default="unmodified")
    theirs, ours = copies([doc]), copies([doc])
    ner(theirs[0])
    NumpyNER(ner)(ours[0])
    assert same(theirs, ours)
    assert ours[0].ents[0].text == "Papst"


def test_the_fast_model_decodes_with_numpy_and_the_reports_stay_the_same():
    from lagebild.pipeline import Extractor

    extractor = Extractor(Settings.from_env(model="fast"))
    nlp = extractor.pipelines.get("de")
    assert isinstance(nlp.get_pipe("ner"), NumpyNER)
    assert nlp.pipe_names.index("ner") < nlp.pipe_names.index("sentencizer")
    articles = [Article(id=f"s{i}", text=text, lang="de") for i, text in enumerate(SENTENCES) if text]
    ours = [json.loads(line) for line in extractor.lines(articles)]
    plain = Extractor(Settings.from_env(model="fast"))
    plain_nlp = plain.pipelines.get("de")
    plain_nlp._components[plain_nlp.component_names.index("ner")] = ("ner", plain_nlp.get_pipe("ner").ner)
    theirs = [json.loads(line) for line in plain.lines(articles)]
    assert ours == theirs
    assert any(report["entities"] for report in ours)


def test_a_pipeline_without_ner_is_left_alone():
    nlp = Pipelines(Settings.from_env(model="accurate")).build("de")
    assert "ner" not in nlp.pipe_names
    assert use_numpy_ner(nlp) is False
