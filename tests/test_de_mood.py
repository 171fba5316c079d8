"""The Konjunktiv rule layer `lagebild_de_mood` on hand-tagged German sentences."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import lagebild.lang.de  # noqa: F401  (registers lagebild_de_mood)


def moods(words: list[str], tags: list[str]) -> list[list[str]]:
    nlp = spacy.blank("de")
    mood = nlp.add_pipe("lagebild_de_mood")
    doc = mood(Doc(nlp.vocab, words=words, tags=tags))
    return [t.morph.get("Mood") for t in doc if t.tag_.endswith("FIN")]


def test_reported_speech_subjunctive() -> None:
    words = ["Der", "Minister", "sagte", ",", "er", "habe", "nichts", "gewusst", "und", "es", "wäre", "falsch", "."]
    tags = ["ART", "NN", "VVFIN", "$,", "PPER", "VAFIN", "PIS", "VVPP", "KON", "PPER", "VAFIN", "ADJD", "$."]
    assert moods(words, tags) == [["Ind"], ["Sub"], ["Sub"]]


def test_first_person_e_form_is_indicative() -> None:
    assert moods(["Ich", "habe", "Hunger", "."], ["PPER", "VAFIN", "NN", "$."]) == [["Ind"]]
    assert moods(["Heute", "gebe", "ich", "auf", "."], ["ADV", "VVFIN", "PPER", "PTKVZ", "$."]) == [["Ind"]]


def test_past_forms_in_e_stay_indicative() -> None:
    assert moods(["Er", "wurde", "gewählt", "."], ["PPER", "VAFIN", "VVPP", "$."]) == [["Ind"]]
    assert moods(["Sie", "sagte", "nichts", "."], ["PPER", "VVFIN", "PIS", "$."]) == [["Ind"]]


def finite_moods(words: list[str], tags: list[str]) -> list[tuple[str, list[str], list[str]]]:
    nlp = spacy.blank("de")
    doc = nlp.add_pipe("lagebild_de_mood")(Doc(nlp.vocab, words=words, tags=tags))
    return [(t.text, t.morph.get("VerbForm"), t.morph.get("Mood")) for t in doc if t.morph.get("Mood")]


def test_umlautless_modal_past_is_indicative() -> None:
    assert moods(["Sie", "konnte", "nicht", "kommen", "."], ["PPER", "VMFIN", "PTKNEG", "VMINF", "$."]) == [["Ind"]]


def test_clause_without_finite_verb_gets_one() -> None:
    # a subordinate clause whose verb the tagger read as a participle: no auxiliary, so it is finite
    words = ["Wenn", "die", "Stadt", "den", "Plan", "erfüllt", ",", "wird", "gebaut", "."]
    tags = ["KOUS", "ART", "NN", "ART", "NN", "VVPP", "$,", "VAFIN", "VVPP", "$."]
    assert finite_moods(words, tags) == [("erfüllt", ["Fin"], ["Ind"]), ("wird", ["Fin"], ["Ind"])]
    # verb-first after a comma ("..., betont die Sprecherin")
    words = ["Das", "sei", "falsch", ",", "betont", "die", "Sprecherin", "."]
    tags = ["PDS", "VAFIN", "ADJD", "$,", "VVPP", "ART", "NN", "$."]
    assert [w for w, _, _ in finite_moods(words, tags)] == ["sei", "betont"]


def test_participles_with_an_auxiliary_or_zu_stay_non_finite() -> None:
    words = ["Er", "hat", "gelacht", "und", "getanzt", "."]
    assert finite_moods(words, ["PPER", "VAFIN", "VVPP", "KON", "VVPP", "$."]) == [("hat", ["Fin"], ["Ind"])]
    words = ["Sie", "hofft", ",", "ohne", "Streit", "anzufangen", "."]
    tags = ["PPER", "VVFIN", "$,", "APPR", "NN", "VVIZU", "$."]
    assert [w for w, _, _ in finite_moods(words, tags)] == ["hofft"]
    # a list item after a comma, with no clause opener: the finite verb is elsewhere
    words = ["Zwei", "Männer", "wurden", "getötet", ",", "drei", "Frauen", "verletzt", "."]
    tags = ["CARD", "NN", "VAFIN", "VVPP", "$,", "CARD", "NN", "VVPP", "$."]
    assert [w for w, _, _ in finite_moods(words, tags)] == ["wurden"]
