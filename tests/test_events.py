"""PLOVER events: types, modes, linking and the ACLED mapping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from lagebild.config import Settings
from lagebild.extract import claims
from lagebild.extract.events import acled_type
from lagebild.lang import Pipelines
from lagebild.model import Event


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Pipelines(Settings.from_env()).get("de")


def events(nlp: Language, text: str) -> list[dict]:
    return claims(nlp(text))["events"]


def test_state_radio_kills_and_arrests(nlp: Language) -> None:
    evs = events(nlp, "Das Staatsradio meldete, 14 Menschen seien getötet und mehr als 700 festgenommen worden.")
    assert [(e["type"], e["mode"]) for e in evs] == [("ASSAULT", "kill"), ("COERCE", "arrest")]
    assert all(e["source"]["text"] == "Das Staatsradio" for e in evs)
    for e in evs:
        Event.model_validate(e)


def test_curfew_is_ordered(nlp: Language) -> None:
    (ev,) = events(nlp, "Der Präsident ordnete eine nächtliche Ausgangssperre an.")
    assert (ev["type"], ev["mode"], ev["modality"], ev["trigger"]["text"]) == ("COERCE", "curfew", "ordered", "Ausgangssperre")
    assert acled_type(ev) == ("Strategic developments", "Other")


def test_events_without_perpetrator_are_kept(nlp: Language) -> None:
    (ev,) = events(nlp, "In der Nacht gab es mehr als 700 Festnahmen.")
    assert (ev["type"], ev["mode"], ev["actors"]) == ("COERCE", "arrest", [])


@pytest.mark.parametrize("text,type_,mode", [
    ("Seit Montag ist das Internet in der Provinz abgeschaltet.", "COERCE", "censor"),
    ("Die Armee hat zusätzliche Truppen an die Grenze verlegt.", "MOBILIZE", "troops"),
    ("Sicherheitskräfte eröffneten mit scharfer Munition das Feuer.", "ASSAULT", "firearms"),
    ("Tausende Menschen demonstrierten in der Hauptstadt.", "PROTEST", "demonstrate"),
    ("Die Gewerkschaft kündigte einen landesweiten Streik an.", "PROTEST", "strike"),
    ("Beide Seiten vereinbarten eine Waffenruhe.", "AGREE", "ceasefire"),
])
def test_types_and_modes(nlp: Language, text: str, type_: str, mode: str) -> None:
    assert (type_, mode) in [(e["type"], e["mode"]) for e in events(nlp, text)]


def test_no_trigger_in_protest_word_for_people(nlp: Language) -> None:
    assert events(nlp, "Die Demonstranten trugen Fahnen.") == []


def test_linking_by_offsets(nlp: Language) -> None:
    text = "Am Samstag nahm die Polizei in Minsk mehr als 300 Demonstranten fest."
    doc = nlp.make_doc(text)
    def ent(i: str, label: str, word: str) -> dict:
        s = text.index(word)
        return {"id": i, "label": label, "name": word, "aliases": [], "mentions": [{"start": s, "end": s + len(word), "text": word}], "place": None}
    found = claims(doc)
    found["entities"] = [ent("ent1", "ORG", "Polizei"), ent("ent2", "LOC", "Minsk")]
    s = text.index("Samstag")
    found["times"] = [{"id": "t1", "start": s, "end": s + 7, "text": "Samstag", "value": "XXXX-WXX-6", "granularity": "day"}]
    s = text.index("mehr als 300")
    found["quantities"] = [{"id": "q1", "start": s, "end": s + 12, "text": "mehr als 300", "value": None, "low": 301,
                            "high": None, "approximate": False, "unit": None, "category": "arrested"}]
    doc = _run_sentencizer(nlp, doc)
    doc = nlp.get_pipe("lagebild_quotes")(doc)
    doc = nlp.get_pipe("lagebild_events")(doc)
    (ev,) = claims(doc)["events"]
    assert (ev["type"], ev["mode"]) == ("COERCE", "arrest")
    assert ev["actors"] == ["ent1"] and ev["location"] == "ent2" and ev["time"] == "t1" and ev["quantities"] == ["q1"]


def _run_sentencizer(nlp: Language, doc: Doc) -> Doc:
    for name, proc in nlp.pipeline:
        if name == "sentencizer":
            doc = proc(doc)
    return doc


def test_acled_mapping() -> None:
    assert acled_type({"type": "PROTEST", "mode": "demonstrate"}) == ("Protests", "Peaceful protest")
    assert acled_type({"type": "FIGHT", "mode": "aerial"}) == ("Explosions/Remote violence", "Air/drone strike")
    assert acled_type({"type": "COERCE", "mode": "arrest"}) == ("Strategic developments", "Arrests")
    assert acled_type({"type": "DEMAND", "mode": None}) == ("", "")


def test_speed(nlp: Language) -> None:
    import time
    text = " ".join(["Das Staatsradio meldete, 14 Menschen seien bei Protesten getötet und 700 festgenommen worden."] * 30)
    nlp(text)
    t = time.perf_counter()
    nlp(text)
    assert time.perf_counter() - t < 1.0


def test_a_rumour_word_in_a_later_clause_does_not_make_the_event_a_rumour(nlp: Language) -> None:
    (demand,) = [e for e in events(nlp, "Der Präsident rief die Bürger auf, zu Hause zu bleiben und keinen Gerüchten zu glauben.")
                 if e["type"] == "DEMAND"]
    assert demand["source"]["kind"] == "author" and demand["modality"] != "rumored"
    (flee,) = events(nlp, "Gerüchten zufolge soll der frühere Regierungschef ins Ausland geflohen sein.")
    assert flee["source"]["kind"] == "rumor" and flee["modality"] == "rumored"


def test_the_guidelines_list_exactly_the_modes_the_rules_can_give() -> None:
    root = Path(__file__).resolve().parents[1]
    guidelines = (root / "docs" / "annotation-guidelines.md").read_text("utf-8")
    listed = guidelines.split("Modes (a closed list")[1].split("The held-out set")[0]
    triggers = json.loads((root / "src" / "lagebild" / "lang" / "de" / "events.json").read_text("utf-8"))["triggers"]
    assert set(re.findall(r"\b[A-Z]+/[a-z-]+", listed)) == {f"{t['type']}/{t['mode']}" for t in triggers if t.get("mode")}
