"""Claims (report schema v2): one claimant per assertion, canonical claimant keys, content ids, generator."""

from __future__ import annotations

import json

import jsonschema
import pytest

from lagebild.config import Settings
from lagebild.errors import ConfigError, DataError
from lagebild.extract.claimants import ClaimantKeys, ClaimantLexicon, claimant_schema
from lagebild.ids import content_id
from lagebild.lang import LANG_DIR, Pipelines
from lagebild.model import Article

RADIO = ("Das Staatsradio meldete, in Bischkek seien am Freitag 14 Menschen getötet und mehr als 700 "
         "festgenommen worden.")



def test_each_figure_is_one_claim_of_the_event_it_counts(extractor):
    report = extractor.report(Article(id="radio", lang="de", text=RADIO)).to_json_dict()
    figures = {q["id"]: q for q in report["quantities"]}
    events = {e["id"]: e for e in report["events"]}
    by_figure = {c["quantity"]: c for c in report["claims"]}
    assert {figures[q]["text"] for q in by_figure} == {"14 Menschen", "mehr als 700"}
    for qid, claim in by_figure.items():
        assert [e for e in events.values() if qid in e["quantities"]] == [events[claim["event"]]]
        assert claim["claimant"]["key"] == "media:state-radio"
        assert RADIO[claim["claimant"]["span"]["start"]:claim["claimant"]["span"]["end"]] == "Das Staatsradio"
        assert claim["cue"]["text"] == "meldete" and claim["modality"] == "reported"
    kill = by_figure[next(q for q in figures if figures[q]["text"] == "14 Menschen")]
    assert events[kill["event"]]["mode"] == "kill"


def test_ids_come_from_content_not_position(extractor):
    one = extractor.report(Article(id="radio", lang="de", text=RADIO)).to_json_dict()
    again = list(extractor.reports([Article(id="other", lang="de", text="Nichts geschah."),
                                    Article(id="radio", lang="de", text=RADIO)]))[1].to_json_dict()
    assert one == again
    for ev in one["events"]:
        assert ev["id"] == content_id("event", "radio", ev["trigger"]["start"], ev["trigger"]["end"], ev["type"])
    for q in one["quantities"]:
        assert q["id"] == content_id("quantity", "radio", q["start"], q["end"])
    ids = [x["id"] for name in ("entities", "times", "quantities", "quotes", "events", "claims") for x in one[name]]
    assert len(ids) == len(set(ids)) and not any(i in ("ev1", "q1", "t1", "ent1", "qt1") for i in ids)


def test_report_records_its_generator(extractor):
    generator = extractor.report(Article(id="g", lang="de", text=RADIO)).to_json_dict()["generator"]
    assert generator["model"].startswith("de_") and len(generator["lexicon"]) == 16 and generator["lagebild"]
    assert extractor.generator("en")["lexicon"] != generator["lexicon"]


@pytest.mark.parametrize("lang, phrases, key", [
    ("de", ["Staatsradios", "das Staatsradio", "des staatlichen Staatsradios"], "media:state-radio"),
    ("en", ["state radio", "the state broadcaster"], "media:state-radio"),
    ("de", ["Gesundheitsministerium", "des kirgisischen Gesundheitsministeriums"], "official:health-ministry"),
    ("en", ["health ministry", "the Ministry of Health"], "official:health-ministry"),
])
def test_claimant_key_ignores_case_inflection_and_language(lang, phrases, key):
    keys = ClaimantKeys(lang)
    assert {keys.key("official", p) for p in phrases} == {key}


def test_a_following_anaphor_is_the_claimant_named_before():
    de = ClaimantKeys("de")
    assert de.key("media", "Staatsradios") == "media:state-radio"
    assert de.key("official", "Innenministerium") == "official:interior-ministry"
    assert de.key("media", "der Sender") == "media:state-radio"
    assert de.key("official", "das Ministerium") == "official:interior-ministry"
    en = ClaimantKeys("en")
    assert en.key("named", "Roza Otunbayeva", is_person=True) == en.key("named", "she")
    assert en.key("official", "police") == "official:police" == en.key("official", "they")


def test_people_and_authors_key_by_name_and_outlet():
    assert ClaimantKeys("de").key("named", "Sadyr Dschaparow", is_person=True) == \
        ClaimantKeys("en").key("named", "Sadyr Japarov", is_person=True)
    assert ClaimantKeys("de", source="Steppenkurier").key("author", None) == \
        ClaimantKeys("en", source="steppenkurier").key("author", None)
    assert ClaimantKeys("de").key("rumor", None) == "rumor"


def test_claimant_files_follow_their_schema():
    for lang in ("de", "en"):
        jsonschema.validate(json.loads((LANG_DIR / lang / "claimants.json").read_text("utf-8")), claimant_schema())
    de = json.loads((LANG_DIR / "de" / "claimants.json").read_text("utf-8"))
    en = json.loads((LANG_DIR / "en" / "claimants.json").read_text("utf-8"))
    assert set(de["institutions"]) == set(en["institutions"]), "every institution has both languages' forms"
    broken = dict(de, institutions={"Bad Key": {"kind": "media", "forms": []}})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, claimant_schema())


def test_an_invalid_claimant_file_is_a_coded_error(tmp_path, monkeypatch):
    import lagebild.extract.claimants as claimants

    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "claimants.json").write_text('{"determiners": []}', encoding="utf-8")
    monkeypatch.setattr(claimants, "language_data", lambda lang, name: tmp_path / lang / name)
    with pytest.raises(DataError, match="E004"):
        ClaimantLexicon.load("xx")


def test_pipeline_order_is_checked_with_coded_errors():
    backwards = Settings.from_env(extractors=("lagebild_entities", "lagebild_claims", "lagebild_events"))
    with pytest.raises(ConfigError) as err:
        Pipelines(backwards).build("de")
    assert err.value.code == "E007" and "lagebild_claims" in str(err.value) and "lagebild_events" in str(err.value)
    unknown = Settings.from_env(extractors=("lagebild_entities", "lagebild_nonsense"))
    with pytest.raises(ConfigError) as err:
        Pipelines(unknown).build("de")
    assert err.value.code == "E006"


def test_every_extractor_declares_what_it_requires_and_assigns(extractor):
    from spacy.language import Language

    extractor.pipelines.get("en")
    for name in Settings().extractors:
        meta = Language.get_factory_meta(name)
        assert meta.assigns, name
        assert all(a.startswith(("doc.", "token.")) for a in (*meta.assigns, *meta.requires)), name


def test_an_events_source_is_its_first_claims_claimant(extractor):
    text = "Police said 12 people were killed, while the opposition said 27 had died."
    report = extractor.report(Article(id="c", lang="en", text=text)).to_json_dict()
    for ev in report["events"]:
        first = next(c for c in report["claims"] if c["event"] == ev["id"])
        assert ev["source"]["text"] == first["claimant"]["text"] and ev["modality"] == first["modality"]
