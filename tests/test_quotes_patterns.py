"""Quote patterns added for issue 11 (round 2): each on German sentences written for this test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from lagebild.config import Settings
from lagebild.extract import claims
from lagebild.lang import Pipelines


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Pipelines(Settings.from_env()).get("de")


def quotes(nlp: Language, text: str) -> list[tuple[str, str, str | None, str | None]]:
    """(kind, text, speaker, cue) of each quote found."""
    return [(q["kind"], q["text"], q["speaker_text"], q["cue"]) for q in claims(nlp(text))["quotes"]]


@pytest.mark.parametrize("text, content, speaker", [
    ("Ärztin Anna Keller empfahl den Bewohnern, vorerst nicht ins Freie zu gehen.",
     "vorerst nicht ins Freie zu gehen", "Ärztin Anna Keller"),
    ("Die IG Metall drängte den Vorstand, die Löhne im Herbst zu erhöhen.",
     "die Löhne im Herbst zu erhöhen", "Die IG Metall"),
])
def test_infinitive_clause_after_a_word_of_asking_is_reported(nlp: Language, text: str, content: str,
                                                              speaker: str) -> None:
    assert quotes(nlp, text) == [("indirect", content, speaker, None)]


def test_infinitive_clause_of_purpose_is_not_reported(nlp: Language) -> None:
    assert quotes(nlp, "Bürgermeisterin Anna Keller kaufte neue Busse, um den Verkehr in der Innenstadt zu entlasten.") == []


def test_agentless_passive_of_saying_keeps_the_quote_without_speaker(nlp: Language) -> None:
    assert quotes(nlp, "Dem Kassenwart wird vorgeworfen, Gelder des Vereins veruntreut zu haben.") == [
        ("indirect", "Gelder des Vereins veruntreut zu haben", None, "vorgeworfen")]


def test_das_teilte_x_mit_points_back_at_the_passage_before(nlp: Language) -> None:
    text = ("Die Brücke bleibt bis Freitag gesperrt, der Verkehr wird über die Nordstraße umgeleitet. "
            "Das teilte die Stadtverwaltung am Montag mit.")
    assert quotes(nlp, text) == [
        ("indirect", "Die Brücke bleibt bis Freitag gesperrt, der Verkehr wird über die Nordstraße umgeleitet.",
         "die Stadtverwaltung", "teilte mit")]


def test_seiner_meinung_nach_points_to_the_person_named_before(nlp: Language) -> None:
    text = "Verkehrsminister Paul Reiter besuchte am Dienstag die Baustelle. Seiner Meinung nach sei der Zeitplan nicht mehr zu halten."
    assert quotes(nlp, text) == [
        ("indirect", "sei der Zeitplan nicht mehr zu halten.", "Verkehrsminister Paul Reiter", "Seiner Meinung nach")]


def test_danach_points_back_only_with_konjunktiv(nlp: Language) -> None:
    reported = "Die Polizei veröffentlichte am Abend einen Bericht. Danach seien drei Autos beschädigt worden."
    assert quotes(nlp, reported) == [("indirect", "seien drei Autos beschädigt worden.", "Die Polizei", "Danach")]
    temporal = "Die Polizei veröffentlichte am Abend einen Bericht. Danach fuhren die Beamten zurück zur Wache."
    assert quotes(nlp, temporal) == []


@pytest.mark.parametrize("text", [
    "Paul Reiter, der seit Jahren im Stadtrat sitzt, wies die Vorwürfe zurück.",  # the subject and its relative clause
    "Stadtrat Paul Reiter sprach von 300 Menschen, die an der Kundgebung teilnahmen.",  # a relative clause
    "Da die Straße gesperrt war, entschied sich der Fahrer für einen Umweg.",  # a fronted clause of reason
])
def test_clauses_around_a_cue_that_report_nothing(nlp: Language, text: str) -> None:
    assert quotes(nlp, text) == []


def test_apposition_after_the_speaker_is_not_content(nlp: Language) -> None:
    text = "„Die Lage ist ernst“, sagte Polizeisprecher Jonas Berger, Leiter der Pressestelle."
    assert quotes(nlp, text) == [("direct", "„Die Lage ist ernst“", "Polizeisprecher Jonas Berger", "sagte")]


def test_short_speech_near_a_cue_is_a_quote_but_a_capitalised_title_is_not(nlp: Language) -> None:
    assert quotes(nlp, "„Wir werden nicht nachgeben“, sagte Vereinschef Paul Reiter.") == [
        ("direct", "„Wir werden nicht nachgeben“", "Vereinschef Paul Reiter", "sagte")]
    titled = quotes(nlp, "Wie der Verlag mitteilte, erscheint im Mai ein Roman mit dem Titel „Der Lange Winter“.")
    assert [q for q in titled if q[0] == "direct"] == []


def test_uncued_direct_quote_without_a_running_speaker_is_left_out(nlp: Language) -> None:
    assert quotes(nlp, "Im Stadtrat wurde am Montag lange über „den dringend nötigen Neubau der Schule“ gestritten.") == []


def test_a_subject_with_an_apposition_frames_a_dass_clause(nlp: Language) -> None:
    text = "Paul Reiter, Vorsitzender des Vereins, ist überzeugt, dass die Brücke noch zehn Jahre hält."
    assert quotes(nlp, text) == [("indirect", "dass die Brücke noch zehn Jahre hält", "Paul Reiter", None)]
    # a relative clause there is no apposition: its verb makes the sentence more than a frame
    assert quotes(nlp, "Paul Reiter, der den Verein seit Jahren führt, ist überzeugt, dass die Brücke noch zehn Jahre hält.") == []
