"""English: times, quantities, quotes/attribution and events from the data files in lang/en/ alone.

Sentences are written for these tests in agency style; publication date Friday 2023-03-17."""

from __future__ import annotations

import pytest

from lagebild.config import Settings
from lagebild.dates import parse_partial_date
from lagebild.extract import claims
from lagebild.lang import Pipelines
from lagebild.model import Article, Quantity

PUBLISHED = "2023-03-17"  # a Friday


@pytest.fixture(scope="module")
def nlp():
    return Pipelines(Settings.from_env()).get("en")


def run(nlp, text: str, published: str = PUBLISHED) -> dict:
    doc = nlp.make_doc(text)
    doc._.article = Article(id="t", lang="en", text=text, published=parse_partial_date(published))
    return claims(nlp(doc))


def times(nlp, text: str, published: str = PUBLISHED) -> dict[str, tuple]:
    return {t["text"]: (t["value"], t["earliest"], t["latest"]) for t in run(nlp, text, published)["times"]}


def quantities(nlp, text: str) -> list[dict]:
    found = run(nlp, text)["quantities"]
    for item in found:
        Quantity.model_validate(item)
        assert text[item["start"]:item["end"]] == item["text"]
    return found


def one(nlp, text: str) -> tuple:
    found = quantities(nlp, text)
    assert len(found) == 1, found
    q = found[0]
    return q["value"], q["low"], q["high"], q["approximate"], q["unit"], q["category"]


def test_english_pipeline_has_the_extractors(nlp):
    for name in ("lagebild_times", "lagebild_quantities", "lagebild_quotes", "lagebild_events"):
        assert name in nlp.pipe_names


# -- times ------------------------------------------------------------------------------------------

def test_weekdays_are_past_oriented_without_the_preposition(nlp):
    found = times(nlp, "Security forces detained dozens of students on Saturday and released them on Friday.")
    assert found["Saturday"] == ("2023-03-11", "2023-03-11", "2023-03-11")
    assert found["Friday"][0] == "2023-03-17"


def test_since_and_early_weekday(nlp):
    found = times(nlp, "Mobile networks have been down since Friday. Troops moved into the city early Saturday.")
    assert found["Friday"][0] == "2023-03-17"
    assert found["early Saturday"][0] == "2023-03-11TMO"


def test_weekday_night(nlp):
    found = times(nlp, "Gunfire was heard across the port on Thursday night.")
    assert found["Thursday night"][0] == "2023-03-16TNI"


def test_last_week_and_ago(nlp):
    found = times(nlp, "The strike began last week. Two days ago the union rejected the offer.")
    assert found["last week"] == ("2023-W10", "2023-03-06", "2023-03-12")
    assert found["Two days ago"][0] == "2023-03-15"


def test_month_day_and_day_month_year(nlp):
    found = times(nlp, "The vote was held on March 5, and the results were confirmed on 17 March 2023.")
    assert found["March 5"][0] == "2023-03-05"
    assert found["17 March 2023"] == ("2023-03-17", "2023-03-17", "2023-03-17")


def test_month_as_verb_is_not_a_date(nlp):
    assert times(nlp, "Supporters plan to march 20 kilometres to the capital.") == {}


def test_relative_days_and_twelve_hour_clock(nlp):
    found = times(nlp, "The blast happened yesterday at 10 p.m. near the market.")
    assert found["yesterday"][0] == "2023-03-16"
    assert found["10 p.m."][0].endswith("T22:00")


def test_partial_publication_date_is_underspecified(nlp):
    found = times(nlp, "The general resigned on Friday.", published="2023-03")
    value, earliest, latest = found["Friday"]
    assert value.startswith("2023-") and "X" in value
    assert earliest < latest


# -- quantities -------------------------------------------------------------------------------------

def test_thousands_separator_is_a_comma(nlp):
    assert one(nlp, "Some 1,200 protesters gathered outside parliament.")[:3] == (1200, 1080, 1320)
    assert one(nlp, "Organisers said 2,000 protesters joined the rally.") == (2000, 2000, 2000, False, "protesters",
                                                                               "participants")


def test_decimal_point_with_scale(nlp):
    assert one(nlp, "The war has displaced 1.5 million people.")[:3] == (1_500_000, 1_500_000, 1_500_000)


def test_more_than_and_detained(nlp):
    assert one(nlp, "More than 700 people were detained.") == (700, 701, None, False, "people", "arrested")


def test_at_least_killed(nlp):
    assert one(nlp, "At least 9 people were killed in the clashes.") == (9, 9, None, False, "people", "killed")


def test_up_to_troops_deployed(nlp):
    assert one(nlp, "Up to 10,000 soldiers have been deployed to the border.") == (
        10000, None, 10000, False, "soldiers", "troops")


def test_about_and_police_officers(nlp):
    value, low, high, approximate, unit, category = one(nlp, "About 2,000 police officers were on duty.")
    assert (value, low, high, approximate, category) == (2000, 1800, 2200, True, "troops")


def test_nearly_wounded(nlp):
    assert one(nlp, "Nearly 100 people were wounded.") == (100, 90, 99, True, "people", "injured")


def test_vague_counts(nlp):
    assert one(nlp, "Dozens of protesters were arrested.") == (None, 24, 99, True, "protesters", "arrested")
    assert one(nlp, "Hundreds of people were injured.")[1:3] == (200, 999)
    assert one(nlp, "Thousands of demonstrators marched through the city.")[1:3] == (2000, 9999)


def test_number_words_and_dead(nlp):
    assert one(nlp, "Fifteen people died when the building collapsed.")[0] == 15
    assert one(nlp, "The attack left twenty-one dead.")[0::5] == (21, "killed")


def test_dates_ages_and_years_are_not_counts(nlp):
    assert quantities(nlp, "On March 17, 2023, a 45-year-old man was arrested.") == []
    assert quantities(nlp, "The 67 years old leader resigned in 2019.") == []


# -- quotes and attribution -------------------------------------------------------------------------

def test_trailing_cue_clause_state_radio(nlp):
    found = run(nlp, "At least 14 people were killed in the unrest, state radio said on Saturday.")
    quote = found["quotes"][0]
    assert quote["kind"] == "indirect" and quote["speaker_text"] == "state radio"
    assert quote["text"] == "At least 14 people were killed in the unrest"
    event = next(e for e in found["events"] if e["trigger"]["text"] == "killed")
    assert event["source"]["kind"] == "media" and event["modality"] == "reported"


def test_said_that_and_told_reporters(nlp):
    found = run(nlp, "The interior ministry said on Sunday that nine police officers had died in the fighting.")
    assert found["quotes"][0]["speaker_text"] == "The interior ministry"
    assert found["quotes"][0]["text"].startswith("nine police officers")
    found = run(nlp, "The opposition leader told reporters that 150 people had been killed.")
    assert found["quotes"][0]["speaker_text"] == "The opposition leader"


def test_according_to(nlp):
    found = run(nlp, "According to police, 40 people were arrested.")
    quote = found["quotes"][0]
    assert quote["cue"] == "According to" and quote["speaker_text"] == "police"
    event = next(e for e in found["events"] if e["type"] == "COERCE")
    assert event["source"]["kind"] == "official"


def test_officials_said_without_that(nlp):
    found = run(nlp, "Officials said 2,000 soldiers were deployed.")
    assert found["quotes"][0]["text"] == "2,000 soldiers were deployed"
    event = found["events"][0]
    assert (event["type"], event["mode"], event["source"]["kind"]) == ("MOBILIZE", "troops", "official")
    assert event["quantities"] == [found["quantities"][0]["id"]]


def test_direct_quote(nlp):
    found = run(nlp, '"We will restore order in every district," the president said in a televised address.')
    quote = found["quotes"][0]
    assert quote["kind"] == "direct" and quote["speaker_text"] == "the president"


def test_witnesses(nlp):
    found = run(nlp, "Security forces opened fire on the crowd, witnesses said.")
    assert found["quotes"][0]["speaker_text"] == "witnesses"


def test_rumours_are_rumored(nlp):
    found = run(nlp, "Rumours spread that the former prime minister had fled the country.")
    event = next(e for e in found["events"] if e["trigger"]["text"] == "fled")
    assert (event["type"], event["mode"]) == ("RETREAT", "flee")
    assert event["source"]["kind"] == "rumor" and event["modality"] == "rumored"


# -- events ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, trigger, expected", [
    ("Thousands of people protested in the capital on Friday.", "protested", ("PROTEST", "demonstrate")),
    ("Police detained 40 students.", "detained", ("COERCE", "arrest")),
    ("Gunmen killed three villagers.", "killed", ("ASSAULT", "kill")),
    ("The government imposed a curfew in two provinces.", "curfew", ("COERCE", "curfew")),
    ("Mobile internet was cut nationwide.", "cut", ("COERCE", "censor")),
    ("Riot police fired tear gas at the crowd.", "tear", ("COERCE", "disperse")),
    ("Troops were deployed to the border region.", "deployed", ("MOBILIZE", "troops")),
    ("Police officers were deployed around the parliament.", "deployed", ("MOBILIZE", "police")),
    ("An air strike hit the market.", "strike", ("FIGHT", "aerial")),
    ("Dock workers went on strike.", "strike", ("PROTEST", "strike")),
    ("Protesters and police clashed outside the palace.", "clashed", ("FIGHT", None)),
    ("The president declared a state of emergency.", "emergency", ("COERCE", "state-of-emergency")),
])
def test_triggers(nlp, sentence, trigger, expected):
    events = run(nlp, sentence)["events"]
    event = next((e for e in events if e["trigger"]["text"] == trigger), None)
    assert event is not None, events
    assert (event["type"], event["mode"]) == expected


def test_riot_police_and_march_are_not_triggers(nlp):
    events = run(nlp, "In March, 300 riot police guarded the square.")["events"]
    assert [e["trigger"]["text"] for e in events] == []


def test_event_links_time_and_count(nlp):
    found = run(nlp, "More than 700 people have been detained since Friday.")
    event = found["events"][0]
    assert event["type"] == "COERCE" and event["modality"] == "asserted" and event["source"]["kind"] == "author"
    assert event["quantities"] == [found["quantities"][0]["id"]]
    time = next(t for t in found["times"] if t["id"] == event["time"])
    assert time["value"] == "2023-03-17"


def test_modality(nlp):
    events = run(nlp, "The government plans to shut down the internet.")["events"]
    assert events[0]["modality"] == "planned"
    events = run(nlp, "Police did not arrest anyone.")["events"]
    assert events[0]["modality"] == "negated"


def test_saying_that(nlp):
    found = run(nlp, "The opposition on Saturday disputed the official toll, saying that more than 150 people had died.")
    quote = found["quotes"][0]
    assert (quote["cue"], quote["speaker_text"]) == ("saying", "The opposition")
    assert quote["text"] == "more than 150 people had died"


def test_held_without_charge_is_arrested(nlp):
    assert one(nlp, "Around 1,000 people are still being held without charge.")[4:] == ("people", "arrested")


def test_in_three_days_of_is_not_a_future_date(nlp):
    found = times(nlp, "Eleven people were killed in three days of unrest.")
    assert found["three days"][0] == "P3D"


def test_articles_are_kept_and_prepositions_dropped(nlp):
    found = times(nlp, "An hour ago, police sealed off the square. In three days the vote will be held.")
    assert found["An hour ago"][0] == "2023-03-17"
    assert found["three days"][0] == "2023-03-20"


def test_today_with_a_clock_time_is_a_date(nlp):
    found = times(nlp, "The talks resume today at 10 a.m. in Geneva.")
    assert found["today"][0] == "2023-03-17" and found["10 a.m."][0] == "2023-03-17T10:00"


def test_an_agency_dateline_is_not_the_speaker(nlp):
    (quote,) = run(nlp, "OSH (CAW) - The opposition on Saturday disputed the toll, saying that more than 150 people "
                        "had been killed.")["quotes"]
    assert quote["speaker_text"] == "The opposition" and quote["text"].startswith("more than 150")


@pytest.mark.parametrize("text, low, high", [
    ("Around 35 people were injured.", 32, 38),  # 31.5 and 38.5, rounded inwards
    ("Nearly 645 people were arrested.", 581, 644),  # ceil(580.5)
    ("About 7,000 people marched.", 6300, 7700),  # 1.1 × 7000 is exactly 7700
])
def test_approximate_bounds_round_inwards(nlp, text, low, high):
    _, got_low, got_high, approximate, _, _ = one(nlp, text)
    assert (got_low, got_high, approximate) == (low, high, True)


def test_a_count_that_rose_from_one_value_to_another_is_two_counts(nlp):
    found = quantities(nlp, "The toll has risen from 41 to 47 since Monday.")
    assert [(q["low"], q["high"]) for q in found] == [(41, 41), (47, 47)]
    (ranged,) = quantities(nlp, "Between 41 and 47 people were hurt.")
    assert (ranged["low"], ranged["high"]) == (41, 47)


def test_the_values_of_a_rising_toll_take_the_cue_before_them(nlp):
    found = quantities(nlp, "The death toll has risen from 41 to 47 after three people who were injured died.")
    assert [(q["value"], q["category"]) for q in found][:2] == [(41, "killed"), (47, "killed")]
