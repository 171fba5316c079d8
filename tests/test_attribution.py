"""Attribution: source kinds and modality, on hand-written German sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from lagebild.config import Settings
from lagebild.extract import claims
from lagebild.extract.attribution import AttributionLexicon, find_cues, source_kind
from lagebild.lang import Pipelines


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Pipelines(Settings.from_env()).get("de")


@pytest.fixture(scope="module")
def lex() -> AttributionLexicon:
    return AttributionLexicon.load("de")


@pytest.mark.parametrize("text,kind", [
    ("Das Staatsradio", "media"), ("die Nachrichtenagentur", "media"), ("Augenzeugen", "witness"),
    ("Anwohnern", "witness"), ("Gerüchten", "rumor"), ("ein Sprecher des Innenministeriums", "official"),
    ("Polizeiangaben", "official"), ("die Behörden", "official"), ("Amnesty International", "named"),
])
def test_source_kinds(lex: AttributionLexicon, text: str, kind: str) -> None:
    assert source_kind(text, lex) == kind


def test_named_person_with_role_is_named(lex: AttributionLexicon) -> None:
    assert source_kind("Außenministerin Lena Hartwig", lex, is_person=True) == "named"


def first_event(nlp: Language, text: str) -> dict:
    return claims(nlp(text))["events"][0]


@pytest.mark.parametrize("text,modality,source", [
    ("Das Staatsradio meldete, 14 Menschen seien getötet und mehr als 700 festgenommen worden.", "reported", "media"),
    ("Gerüchten zufolge soll der frühere Ministerpräsident geflohen sein.", "rumored", "rumor"),
    ("Der Präsident ordnete eine nächtliche Ausgangssperre an.", "ordered", "author"),
    ("Nach Angaben des Verteidigungsministeriums sollen die Einheiten nicht an der Grenze eingesetzt werden.", "negated", "official"),
    ("Die Regierung plant, das mobile Internet landesweit abzuschalten.", "planned", "author"),
    ("Die Armee könnte weitere Truppen an die Grenze verlegen.", "hypothetical", "author"),
    ("Augenzeugen berichteten, Sicherheitskräfte hätten auf Demonstranten geschossen.", "reported", "witness"),
    ("Tausende Menschen demonstrierten am Samstag in der Hauptstadt.", "asserted", "author"),
    ("Es habe keine Festnahmen gegeben, sagte ein Polizeisprecher.", "negated", "official"),
])
def test_event_modality_and_source(nlp: Language, text: str, modality: str, source: str) -> None:
    ev = first_event(nlp, text)
    assert (ev["modality"], ev["source"]["kind"]) == (modality, source)


def test_a_name_the_tagger_took_for_an_adverb_can_speak(nlp: Language, lex: AttributionLexicon) -> None:
    words = ["Das", "sei", "falsch", ",", "so", "Wendorf", "weiter", "."]
    pos = ["PRON", "AUX", "ADJ", "PUNCT", "ADV", "ADV", "ADV", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, pos=pos, sent_starts=[True] + [False] * 7)
    (cue,) = find_cues(doc, next(doc.sents), lex)
    assert cue.kind == "so" and doc[cue.speaker[0]:cue.speaker[1]].text == "Wendorf"
