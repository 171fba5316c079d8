"""Edge cases of lagebild's news-tuned German tokenizer."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import lagebild.lang.de  # noqa: F401  (registers lagebild.de_tokenizer.v1)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("de", config={"nlp": {"tokenizer": {"@tokenizers": "lagebild.de_tokenizer.v1"}}})


def words(nlp: Language, text: str) -> list[str]:
    return [t.text for t in nlp.make_doc(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Gemeinde zählt 3.400 Einwohner.", ["Die", "Gemeinde", "zählt", "3.400", "Einwohner", "."]),
        ("Die Inflation lag bei 1,5 Prozent.", ["Die", "Inflation", "lag", "bei", "1,5", "Prozent", "."]),
        ("Es geht um 12,5 Mio. Euro.", ["Es", "geht", "um", "12,5", "Mio.", "Euro", "."]),
        ("Die Stadt hat 1.000.000 Einwohner.", ["Die", "Stadt", "hat", "1.000.000", "Einwohner", "."]),
    ],
)
def test_german_numbers_stay_whole(nlp: Language, text: str, expected: list[str]) -> None:
    assert words(nlp, text) == expected


def test_low_and_guillemet_quotes_split_off(nlp: Language) -> None:
    assert words(nlp, "„Wir bleiben“, sagte die Ministerin.") == ["„", "Wir", "bleiben", "“", ",", "sagte", "die", "Ministerin", "."]
    assert words(nlp, "«Nein», antwortete er.")[:3] == ["«", "Nein", "»"]
    assert words(nlp, "Er nannte es »unverantwortlich«.") == ["Er", "nannte", "es", "»", "unverantwortlich", "«", "."]


def test_hyphenated_compounds_stay_whole(nlp: Language) -> None:
    toks = words(nlp, "Beim SOZ-Gipfel sprach die EU-Außenbeauftragte mit dem US-Präsidenten.")
    assert "SOZ-Gipfel" in toks and "EU-Außenbeauftragte" in toks and "US-Präsidenten" in toks


def test_abbreviations_keep_their_period(nlp: Language) -> None:
    toks = words(nlp, "Dr. Schmidt nannte z.B. Paragraf Nr. 5 bzw. Abs. 2 u.a. im Bericht.")
    for abbr in ("Dr.", "z.B.", "Nr.", "bzw.", "Abs.", "u.a."):
        assert abbr in toks
    assert toks[-1] == "."


def test_ordinal_day_in_date_is_one_token(nlp: Language) -> None:
    assert words(nlp, "Am 17. Mai 2024 trat er zurück.") == ["Am", "17.", "Mai", "2024", "trat", "er", "zurück", "."]


def test_year_at_sentence_end_loses_the_period(nlp: Language) -> None:
    assert words(nlp, "Das Abkommen stammt aus dem Jahr 2017.")[-2:] == ["2017", "."]
    assert words(nlp, "Die Mauer fiel am 9.11.1989.")[-2:] == ["9.11.1989", "."]
