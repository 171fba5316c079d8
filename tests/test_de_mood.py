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
