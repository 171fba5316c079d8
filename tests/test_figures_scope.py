"""Figures compare like with like: number semantics, the scope a figure counts, and conflicts only within one scope."""

from __future__ import annotations

from datetime import date

import pytest

from lagebild.fuse.figures import summarise
from lagebild.model import Article
from lagebild.pipeline import Extractor


def figures(extractor: Extractor, lang: str, text: str) -> list[dict]:
    return extractor.report(Article(id="f", lang=lang, text=text)).to_json_dict()["quantities"]


@pytest.mark.parametrize("lang, text, low, high", [
    ("en", "No more than 800 people were detained, a spokesman said.", None, 800),  # a ceiling, not "more than"
    ("en", "The number of dead has gone up to 231, the ministry said.", 231, 231),  # the new total
    ("en", "The toll climbed up to 57 on Sunday.", 57, 57),
    ("en", "Up to 300 people were evacuated.", None, 300),  # without a rise word it stays a ceiling
    ("de", "Nicht mehr als 40 Menschen wurden festgenommen.", None, 40),
])
def test_bounds_of_ceilings_and_rises(extractor, lang, text, low, high):
    (q,) = figures(extractor, lang, text)
    assert (q["low"], q["high"]) == (low, high)


@pytest.mark.parametrize("lang, text", [
    ("en", "Violence spread to North 24 Parganas district on Monday."),
    ("de", "Der Staatssender Rossija 24 zeigte die Bilder am Abend."),
])
def test_numbers_inside_names_are_no_figures(extractor, lang, text):
    assert figures(extractor, lang, text) == []


def test_rounds_fired_are_no_casualties(extractor):
    qs = figures(extractor, "en", "Officers fired five or six rounds into the air, killing one man.")
    rounds = next(q for q in qs if q["text"].startswith("five"))
    assert (rounds["low"], rounds["high"], rounds["category"]) == (5, 6, "other")
    assert [q["category"] for q in qs if q["text"].startswith("one")] == ["killed"]


@pytest.mark.parametrize("lang, text, category", [
    ("de", "Bei dem Luftangriff wurden zwei Palästinenser getötet.", "killed"),
    ("de", "Nach der Explosion wurden drei Afghanen verletzt.", "injured"),
    ("en", "Two soldiers died and 32 others were injured in the blast.", "injured"),
])
def test_groups_and_nationalities_take_their_verbs_category(extractor, lang, text, category):
    qs = figures(extractor, lang, text)
    assert qs[-1]["category"] == category


def test_scope_place_nation_and_group(extractor):
    text = "In Bischkek wurden am Freitag 45 Demonstranten festgenommen. Landesweit wurden 700 Menschen festgenommen."
    city, nation = figures(extractor, "de", text)
    assert city["scope"]["level"] == "city" and city["scope"]["place"] and city["scope"]["group"] == "protesters"
    assert nation["scope"] == {"place": None, "level": "nation", "group": None}
    en = figures(extractor, "en", "Twelve civilians and five insurgents were killed, police said.")
    assert [q["scope"]["group"] for q in en] == ["civilians", "insurgents"]


def claim(key: str, low: float, high: float, scope: str | None, day: int = 18, qid: str = "q") -> dict:
    return {"claimant_key": key, "source_name": key, "source_kind": "official", "low": low, "high": high,
            "value": low, "scope": scope, "reported": date(2023, 3, day), "article_id": key, "quantity_id": qid}


def test_conflicts_only_between_figures_of_one_scope():
    city_vs_nation = summarise([claim("official:police", 45, 45, "place:osh"), claim("media:state-radio", 700, 700, "nation")])
    assert city_vs_nation["conflicts"] == []
    groups = summarise([claim("official:army", 12, 12, "group:civilians"), claim("named:x", 5, 5, "group:insurgents")])
    assert groups["conflicts"] == []
    same = summarise([claim("official:police", 45, 45, "nation"), claim("media:state-radio", 700, 700, "nation")])
    assert [c["sources"] for c in same["conflicts"]] == [["media:state-radio [nation]", "official:police [nation]"]]


def test_one_claimant_in_two_languages_is_one_series_not_a_conflict():
    de = claim("media:state-radio", 14, 14, None, day=18, qid="q1")
    en = claim("media:state-radio", 20, 20, None, day=19, qid="q2")
    summary = summarise([de, en])
    assert summary["conflicts"] == [] and list(summary["latest_by_source"]) == ["media:state-radio"]
