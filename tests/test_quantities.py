"""The quantity extractor: German number forms, qualifiers as bounds, counted noun and category."""

from __future__ import annotations

import pytest
import spacy

from lagebild.dates import parse_partial_date
from lagebild.extract import claims
from lagebild.extract import quantities as _quantities  # noqa: F401  (registers the factory)
from lagebild.extract import times as _times  # noqa: F401
from lagebild.model import Article, Quantity


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("de")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("lagebild_times")
    pipeline.add_pipe("lagebild_quantities")
    return pipeline


def quantities(nlp, text: str) -> list[dict]:
    doc = nlp.make_doc(text)
    doc._.article = Article(id="a", lang="de", text=text, published=parse_partial_date("2023-03-17"))
    found = claims(nlp(doc))["quantities"]
    for item in found:
        Quantity.model_validate(item)
        assert text[item["start"]:item["end"]] == item["text"]
    return found


def one(nlp, text: str) -> dict:
    found = quantities(nlp, text)
    assert len(found) == 1, found
    return found[0]


def bounds(q: dict) -> tuple:
    return q["value"], q["low"], q["high"], q["approximate"], q["unit"], q["category"]


def test_more_than_is_an_open_lower_bound(nlp):
    q = one(nlp, "Mehr als 700 Menschen wurden festgenommen.")
    assert bounds(q) == (700, 701, None, False, "Menschen", "arrested")


def test_at_least_police_killed(nlp):
    q = one(nlp, "Mindestens neun Polizisten kamen ums Leben.")
    assert bounds(q) == (9, 9, None, False, "Polizisten", "killed")


def test_up_to(nlp):
    q = one(nlp, "Bis zu 10.000 Extremisten halten sich nach Angaben der Behörden in der Region auf.")
    assert bounds(q) == (10000, None, 10000, False, "Extremisten", "other")


def test_age_is_not_a_count(nlp):
    assert quantities(nlp, "Der 67-Jährige wurde schwer verletzt ins Krankenhaus gebracht.") == []


def test_deployed_police_are_troops(nlp):
    q = one(nlp, "Insgesamt 1.200 Polizisten waren im Einsatz.")
    assert bounds(q) == (1200, 1200, 1200, False, "Polizisten", "troops")


def test_thousands_is_an_interval(nlp):
    q = one(nlp, "Tausende Demonstranten zogen am Samstag durch die Innenstadt.")
    assert q["value"] is None and q["approximate"] and q["low"] == 2000 and q["high"] == 9999
    assert q["category"] == "participants"


def test_about_is_approximate_with_ten_percent(nlp):
    assert bounds(one(nlp, "Rund 300 Menschen wurden verletzt.")) == (300, 270, 330, True, "Menschen", "injured")


def test_verb_cue_per_number(nlp):
    found = quantities(nlp, "Zwei Menschen wurden getötet und 14 weitere verletzt.")
    assert [(q["value"], q["category"]) for q in found] == [(2, "killed"), (14, "injured")]


def test_outcome_nouns(nlp):
    found = quantities(nlp, "Bei dem Anschlag gab es drei Tote und 25 Verletzte.")
    assert [(q["unit"], q["category"]) for q in found] == [("Tote", "killed"), ("Verletzte", "injured")]


def test_scales_and_number_words(nlp):
    found = quantities(nlp, "Zweitausend Flüchtlinge erreichten die Grenze, insgesamt sind 1,5 Millionen Menschen vertrieben.")
    assert [(q["value"], q["category"]) for q in found] == [(2000, "displaced"), (1_500_000, "displaced")]


def test_range_and_dozens(nlp):
    found = quantities(nlp, "Zwischen 300 und 400 Menschen wurden festgenommen, Dutzende Häuser brannten.")
    assert [(q["value"], q["low"], q["high"], q["category"]) for q in found] == [
        (None, 300, 400, "arrested"), (None, 24, 99, "other")]


def test_separable_verb_arrest(nlp):
    assert one(nlp, "Die Polizei nahm 25 Demonstranten fest.")["category"] == "arrested"


def test_not_counts(nlp):
    text = ("Am 17. März 2022 um 14 Uhr ging der Notruf unter 0171/1234567 ein; seit 2019 ist der Mann "
            "34 Jahre alt, er belegte den 3. Platz.")
    assert quantities(nlp, text) == []


def test_money_and_percent_are_other(nlp):
    found = quantities(nlp, "Der Schaden beträgt 5 Millionen Euro, die Wahlbeteiligung lag bei 43,5 Prozent.")
    assert [(q["value"], q["unit"], q["category"]) for q in found] == [(5e6, "Euro", "other"), (43.5, "%", "other")]


def test_rund_rounds_inwards_in_exact_arithmetic(nlp):
    assert bounds(one(nlp, "Rund 7.000 Menschen demonstrierten."))[1:3] == (6300, 7700)
    assert bounds(one(nlp, "Etwa 25 Menschen wurden verletzt."))[1:3] == (23, 27)


def test_the_value_of_a_rising_toll_takes_the_cue_before_it(nlp):
    found = quantities(nlp, "Die Zahl der Toten stieg auf 73, weitere 200 Menschen wurden verletzt.")
    assert [(q["value"], q["category"]) for q in found] == [(73, "killed"), (200, "injured")]
