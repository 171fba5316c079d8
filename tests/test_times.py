"""The German temporal tagger: values relative to the publication date, partial dates, tense."""

from __future__ import annotations

import pytest
import spacy

from lagebild.dates import parse_partial_date
from lagebild.extract import claims
from lagebild.extract import times as _times  # noqa: F401  (registers the factory)
from lagebild.model import Article, Time


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("de")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("lagebild_times")
    return pipeline


def tag(nlp, text: str, published: str | None = "2023-03-17") -> list[dict]:
    """Times found in `text` for an article published on `published` (a Friday by default)."""
    doc = nlp.make_doc(text)
    doc._.article = Article(id="a", lang="de", text=text,
                            published=parse_partial_date(published) if published else None)
    found = claims(nlp(doc))["times"]
    for item in found:
        Time.model_validate(item)
        assert text[item["start"]:item["end"]] == item["text"]
    return found


def one(nlp, text: str, published: str | None = "2023-03-17") -> dict:
    found = tag(nlp, text, published)
    assert len(found) == 1, found
    return found[0]


def test_weekday_in_past_sentence_is_most_recent(nlp):
    t = one(nlp, "Die Polizei nahm am Mittwoch drei Verdächtige fest.")
    assert (t["text"], t["value"], t["granularity"]) == ("Mittwoch", "2023-03-15", "day")


def test_weekday_in_future_sentence_is_next(nlp):
    assert one(nlp, "Der Prozess wird am Montag fortgesetzt.")["value"] == "2023-03-20"


def test_weekday_with_day_part(nlp):
    t = one(nlp, "Am Mittwochabend kam es in der Innenstadt zu Ausschreitungen.")
    assert t["value"] == "2023-03-15TEV" and t["earliest"] == t["latest"] == "2023-03-15"


def test_night_to_thursday_is_wednesday_night(nlp):
    t = one(nlp, "In der Nacht zum Donnerstag wurden mehrere Autos angezündet.")
    assert t["value"] == "2023-03-15TNI"
    assert (t["earliest"], t["latest"]) == ("2023-03-15", "2023-03-16")


def test_heute_morgen_is_this_morning_not_tomorrow(nlp):
    t = one(nlp, "Heute Morgen teilte das Innenministerium mit, die Lage sei ruhig.")
    assert t["value"] == "2023-03-17TMO"


def test_lowercase_morgen_is_tomorrow(nlp):
    assert one(nlp, "Die Gespräche sollen morgen fortgesetzt werden.")["value"] == "2023-03-18"


def test_ago(nlp):
    assert one(nlp, "Vor zwei Tagen hatte die Regierung den Ausnahmezustand verhängt.")["value"] == "2023-03-15"


def test_start_of_month_narrows_interval(nlp):
    t = one(nlp, "Anfang Januar waren die Proteste erstmals eskaliert.")
    assert (t["value"], t["earliest"], t["latest"], t["granularity"]) == ("2023-01", "2023-01-01", "2023-01-10", "month")


def test_since_year(nlp):
    t = one(nlp, "Der Oppositionelle sitzt seit 2019 in Haft.")
    assert (t["text"], t["value"], t["granularity"]) == ("2019", "2019", "year")


def test_full_date_and_last_year(nlp):
    found = tag(nlp, "Am 17. März 2022 begann der Prozess. Im vergangenen Jahr starben 40 Menschen.")
    assert [t["value"] for t in found] == ["2022-03-17", "2022"]


def test_duration_and_set(nlp):
    found = tag(nlp, "Die Demonstranten blockierten drei Tage lang die Straße. Sie treffen sich jeden Montag.")
    assert [(t["value"], t["earliest"]) for t in found] == [("P3D", None), ("XXXX-WXX-1", None)]


def test_day_month_without_year_in_past_sentence_is_last_occurrence(nlp):
    assert one(nlp, "Die Wahl hatte am 5. Dezember stattgefunden.", "2023-01-10")["value"] == "2022-12-05"


def test_clock_time_takes_the_date_of_its_sentence(nlp):
    found = tag(nlp, "Am Dienstag gegen 14.30 Uhr wurde der Mann festgenommen.")
    assert [t["value"] for t in found] == ["2023-03-14", "2023-03-14T14:30"]


def test_friday_with_month_publication_date_is_an_honest_interval(nlp):
    t = one(nlp, "Die Polizei nahm am Freitag mehrere Personen fest.", "2023-03")
    assert t["granularity"] == "day"
    assert t["value"] == "2023-XX-XX"  # convention: fields the candidates disagree on are X
    assert (t["earliest"], t["latest"]) == ("2023-02-24", "2023-03-31")


def test_relative_day_with_year_publication_date(nlp):
    t = one(nlp, "Gestern wurde der Minister vereidigt.", "2023")
    assert (t["value"], t["earliest"], t["latest"]) == ("XXXX-XX-XX", "2022-12-31", "2023-12-30")


def test_no_publication_date_masks_value(nlp):
    t = one(nlp, "Die Polizei nahm am Freitag mehrere Personen fest.", None)
    assert t["value"] == "XXXX-WXX-5" and t["earliest"] is None


def test_present_ref_and_last_weekend(nlp):
    found = tag(nlp, "Derzeit ist die Lage ruhig, am vergangenen Wochenende gab es Krawalle.", "2023-03-20")
    assert [t["value"] for t in found] == ["PRESENT_REF", "2023-W11-WE"]


def test_first_guard_reads_the_first_characters_of_a_pattern():
    from lagebild.extract.guards import first_guard

    assert first_guard(r"(?<!\w)(?:am|im)\s+\d") == "(?=[ai])"
    assert first_guard(r"(?:(?P<w>mo|di),?\s+)?(?P<d>\d{1,2})\.") == r"(?=[\ddm])"
    assert first_guard(r"(?:x)?") == ""  # can match empty: no guard
    assert first_guard(r"[^a]b") == ""  # a negated class: any character
    assert first_guard(r"\bvor\s+(?-i:Tagen)") == "(?=[v])"


def test_guarded_start_scan_finds_the_offsets_of_the_unguarded_one():
    import json
    import re
    from pathlib import Path

    from lagebild.extract.times import NAMED_GROUP, TimeLexicon
    from lagebild.lang import language_data

    path = language_data("de", "times.json")
    lex = TimeLexicon(Path(path))
    bodies = [r"(?<!\w)(?:" + lex._expand(item["regex"]) + r")(?!\w)"
              for item in json.loads(Path(path).read_text(encoding="utf-8"))["patterns"]]
    plain = re.compile(r"(?<!\w)(?=" + "|".join(f"(?:{NAMED_GROUP.sub('(?:', b)})" for b in bodies) + ")", re.I)
    text = ("Am Montagabend, dem 3. März 2021, kamen gegen 14.30 Uhr Hunderte zusammen; seit Jahren, vor drei "
            "Tagen und im Frühjahr 2019 ebenso. Ab nächster Woche, am Wochenende und in den 1990er Jahren nicht. "
            "ÜBER DAS WOCHENENDE, 12.-14. Mai, in der Nacht zum Sonntag, zwei Monate später, jeden Dienstag.")
    assert [m.start() for m in lex.starts.pattern.finditer(text)] == [m.start() for m in plain.finditer(text)]
    assert len(list(lex.starts.pattern.finditer(text))) > 10


def test_word_trie_matches_what_the_longest_first_alternation_matches():
    import re

    from lagebild.extract.guards import word_trie

    words = ["Mai", "mai", "maien", "montag", "mo", "in der", "in", "in der früh", "2. hälfte", "a.m."]
    trie = word_trie(words)
    assert trie == r"(?:(?:m(?:ai(?:en)?|o(?:ntag)?)|in(?:\s+der(?:\s+früh)?)?|2\.\s+hälfte|a\.m\.))"
    plain = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    texts = ["MAIEN", "Mai.", "montags", "In  der Früh", "in der", "in derselben", "2. Hälfte", "A.M.", "x"]
    for tail in ("", r"(?!\w)", r"\s+\w+"):  # what follows decides where the alternation must give back
        old = re.compile(f"(?:{plain}){tail}", re.IGNORECASE)
        new = re.compile(f"{trie}{tail}", re.IGNORECASE)
        for text in texts:
            found, expected = new.match(text), old.match(text)
            assert (found and found.span()) == (expected and expected.span()), (tail, text)


def test_tense_kinds_are_the_same_with_a_warm_memo_and_a_fresh_one():
    from lagebild.extract.times import TimeTagger

    nlp = spacy.blank("de")
    tagger = nlp.add_pipe("lagebild_times")
    texts = ["Am Montag wird die Regierung entscheiden, was sie gestern angekündigt hatte.",
             "Die Polizei hat am Freitag drei Männer festgenommen und wird sie morgen vernehmen.",
             "Am Montag wird die Regierung entscheiden."]
    warm = [tagger._tense_kinds(nlp.make_doc(text)) for text in texts]
    fresh = [TimeTagger(tagger.lex)._tense_kinds(nlp.make_doc(text)) for text in texts]
    assert warm == fresh
    assert warm[0].kinds[2] == "future" and warm[0].kinds[9] == "past"  # "wird", "gestern"
    assert warm[1].aux.index(True) == 2 and warm[1].aux.count(True) == 1  # "hat"
    assert warm[2].kinds == warm[0].kinds[:len(warm[2].kinds) - 1] + [None]  # the same words, judged once
