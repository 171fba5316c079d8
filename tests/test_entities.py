"""Entities within one article: merging, genitive, role phrases, abbreviations, places."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from lagebild.extract import claims
from lagebild.extract.entities import EntityLinker
from lagebild.extract.places import PlaceResolver
from lagebild.model import Entity


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(PlaceResolver())


def make_doc(lang: str, text: str, ents: list[tuple[str, str] | tuple[str, str, int]]) -> Doc:
    """A blank-pipeline Doc whose entities are (surface, label[, occurrence]) set by hand."""
    doc = spacy.blank(lang)(text)
    spans = []
    for surface, label, *nth in ents:
        start = -1
        for _ in range((nth[0] if nth else 0) + 1):
            start = text.index(surface, start + 1)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None, surface
        spans.append(span)
    doc.set_ents(spans)
    return doc


def by_name(entities: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(e for e in entities if e["name"] == name)


def mention_texts(entity: dict[str, Any]) -> list[str]:
    return [m["text"] for m in entity["mentions"]]


KYRGYZ = (
    "Präsident Ruslan Abdyrachmanow hat am Montag in Bischkek das Parlament aufgelöst. "
    "Abdyrachmanows Sprecher erklärte, der Staatschef wolle bis zum Sommer Neuwahlen abhalten. "
    "Die Opposition in Osch kritisierte die Entscheidung. "
    "Abdyrachmanow selbst äußerte sich nicht; auch die Innenministerin schwieg."
)
KYRGYZ_ENTS: list[Any] = [("Ruslan Abdyrachmanow", "PER"), ("Bischkek", "LOC"), ("Abdyrachmanows", "PER"),
                          ("Osch", "LOC"), ("Abdyrachmanow", "PER", 2)]


def test_person_mentions_merge_with_genitive_and_role(linker: EntityLinker) -> None:
    entities = linker.entities(make_doc("de", KYRGYZ, KYRGYZ_ENTS))
    person = by_name(entities, "Ruslan Abdyrachmanow")
    assert person["label"] == "PER"
    assert mention_texts(person) == ["Ruslan Abdyrachmanow", "Abdyrachmanows", "der Staatschef", "Abdyrachmanow"]
    role = person["mentions"][2]
    assert KYRGYZ[role["start"]:role["end"]] == "der Staatschef"
    assert person["aliases"] == []
    assert [e["label"] for e in entities].count("PER") == 1
    # No Innenministerin was introduced, so that phrase links to no one.
    assert all("die Innenministerin" not in mention_texts(e) for e in entities)
    for entity in entities:
        Entity.model_validate(entity)


def test_places_in_the_article_resolve(linker: EntityLinker) -> None:
    entities = linker.entities(make_doc("de", KYRGYZ, KYRGYZ_ENTS))
    bischkek, osch = by_name(entities, "Bischkek"), by_name(entities, "Osch")
    assert bischkek["place"]["name"] == "Bishkek" and bischkek["place"]["kind"] == "capital"
    assert osch["place"]["country"] == "KG" and osch["place"]["geonames_id"] == 1527534


def test_role_inside_the_span_and_apposition(linker: EntityLinker) -> None:
    text = ("Innenministerin Aida Sultanowa ordnete Kontrollen an. Tilek Mamytow, der kirgisische Präsident, "
            "lobte das. Die Innenministerin sagte, des Präsidenten Vertrauen ehre sie.")
    doc = make_doc("de", text, [("Innenministerin Aida Sultanowa", "PER"), ("Tilek Mamytow", "PER")])
    entities = linker.entities(doc)
    minister, president = by_name(entities, "Aida Sultanowa"), by_name(entities, "Tilek Mamytow")
    assert mention_texts(minister) == ["Innenministerin Aida Sultanowa", "Die Innenministerin"]
    assert mention_texts(president) == ["Tilek Mamytow", "der kirgisische Präsident", "des Präsidenten"]


def test_role_with_two_holders_links_to_no_one(linker: EntityLinker) -> None:
    text = ("Präsident Sadyr Dschaparow traf Präsident Kassym-Schomart Tokajew in Astana. "
            "Der Präsident sprach von Freundschaft.")
    doc = make_doc("de", text, [("Sadyr Dschaparow", "PER"), ("Kassym-Schomart Tokajew", "PER"), ("Astana", "LOC")])
    entities = linker.entities(doc)
    assert all(len(e["mentions"]) == 1 for e in entities)


def test_surname_goes_to_the_person_mentioned_last(linker: EntityLinker) -> None:
    text = ("Ruslan Abdyrachmanow und seine Schwester Aida Abdyrachmanowa reisten ab. "
            "Später traf Ruslan Abdyrachmanow Nurlan Abdyrachmanow. Abdyrachmanow schwieg.")
    doc = make_doc("de", text, [("Ruslan Abdyrachmanow", "PER"), ("Aida Abdyrachmanowa", "PER"),
                                ("Ruslan Abdyrachmanow", "PER", 1), ("Nurlan Abdyrachmanow", "PER"),
                                ("Abdyrachmanow", "PER", 4)])
    entities = linker.entities(doc)
    assert [e["name"] for e in entities] == ["Ruslan Abdyrachmanow", "Aida Abdyrachmanowa", "Nurlan Abdyrachmanow"]
    assert mention_texts(by_name(entities, "Nurlan Abdyrachmanow")) == ["Nurlan Abdyrachmanow", "Abdyrachmanow"]
    assert len(by_name(entities, "Ruslan Abdyrachmanow")["mentions"]) == 2


def test_defined_abbreviations_become_aliases_and_join(linker: EntityLinker) -> None:
    text = ("Die Schanghaier Organisation für Zusammenarbeit (SOZ, englisch SCO) tagt in Bischkek. "
            "Die SOZ wurde 2001 gegründet. Beobachter nennen die SOZ ein Gegengewicht zur NATO.")
    doc = make_doc("de", text, [("Schanghaier Organisation für Zusammenarbeit", "ORG"), ("SOZ", "ORG", 1),
                                ("Bischkek", "LOC"), ("NATO", "ORG")])
    entities = linker.entities(doc)
    sco = by_name(entities, "Schanghaier Organisation für Zusammenarbeit")
    assert sco["aliases"] == ["SOZ", "SCO"]
    assert mention_texts(sco) == ["Schanghaier Organisation für Zusammenarbeit", "SOZ", "SCO", "SOZ", "SOZ"]
    assert [e["name"] for e in entities if e["label"] == "ORG"] == [sco["name"], "NATO"]


def test_exonyms_of_one_place_merge_and_adjectives_are_no_places(linker: EntityLinker) -> None:
    text = "In Kiew, ukrainisch Kyjiw, blieb es ruhig. Die kirgisische Delegation verließ Kyjiw am Abend."
    doc = make_doc("de", text, [("Kiew", "LOC"), ("Kyjiw", "LOC"), ("kirgisische", "LOC"), ("Kyjiw", "LOC", 1)])
    entities = linker.entities(doc)
    kyiv = by_name(entities, "Kyjiw")  # the form used most
    assert kyiv["aliases"] == ["Kiew"] and len(kyiv["mentions"]) == 3
    assert kyiv["place"]["geonames_id"] == 703448
    assert by_name(entities, "kirgisische")["place"] is None


def test_genitive_place_name_is_canonical_in_plain_form(linker: EntityLinker) -> None:
    text = "Die Regierung Kirgistans wies die Vorwürfe zurück."
    entities = linker.entities(make_doc("de", text, [("Kirgistans", "LOC")]))
    assert entities[0]["name"] == "Kirgistan" and entities[0]["place"]["country"] == "KG"


def test_english_article(linker: EntityLinker) -> None:
    text = ("President Sadyr Japarov met Russia's foreign minister Sergei Lavrov in Bishkek. "
            "The president said Japarov's government and the Collective Security Treaty Organization (CSTO) "
            "would cooperate. Lavrov praised the CSTO.")
    doc = make_doc("en", text, [("Sadyr Japarov", "PER"), ("Russia", "LOC"), ("Sergei Lavrov", "PER"),
                                ("Bishkek", "LOC"), ("Japarov", "PER", 1),
                                ("Collective Security Treaty Organization", "ORG"), ("Lavrov", "PER", 1)])
    entities = linker.entities(doc)
    japarov = by_name(entities, "Sadyr Japarov")
    assert mention_texts(japarov) == ["Sadyr Japarov", "The president", "Japarov"]
    assert mention_texts(by_name(entities, "Sergei Lavrov")) == ["Sergei Lavrov", "Lavrov"]
    csto = by_name(entities, "Collective Security Treaty Organization")
    assert csto["aliases"] == ["CSTO"] and len(csto["mentions"]) == 3
    assert by_name(entities, "Bishkek")["place"]["country"] == "KG"


def test_component_writes_claims_in_a_pipeline() -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("lagebild_entities")
    assert isinstance(nlp.get_pipe("lagebild_entities"), EntityLinker)
    doc = nlp("Ohne erkannte Namen bleibt die Liste leer.")
    assert claims(doc)["entities"] == []
    assert Language.has_factory("lagebild_entities")
