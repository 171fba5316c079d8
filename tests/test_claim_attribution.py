"""Attribution of claims on news-like text, DE and EN: each failure pattern of issue 11 in our own words."""

from __future__ import annotations

import pytest

from lagebild.model import Article
from lagebild.pipeline import Extractor


def claims(extractor: Extractor, lang: str, text: str) -> list[dict]:
    """Each claim with its event trigger, figure text, claimant key and modality."""
    r = extractor.report(Article(id="t", lang=lang, text=text)).to_json_dict()
    figures = {q["id"]: q["text"] for q in r["quantities"]}
    triggers = {e["id"]: e["trigger"]["text"] for e in r["events"]}
    return [{"trigger": triggers[c["event"]], "figure": figures.get(c["quantity"] or ""), "key": c["claimant"]["key"],
             "kind": c["claimant"]["kind"], "modality": c["modality"]} for c in r["claims"]]


def by_figure(found: list[dict], start: str) -> dict:
    return next(c for c in found if (c["figure"] or "").startswith(start))


def test_two_claimants_in_one_contrastive_sentence(extractor):
    found = claims(extractor, "en", "Police said 12 people were killed, while the opposition said 27 had died.")
    assert by_figure(found, "12")["key"] == "official:police"
    assert by_figure(found, "27")["key"] == "named:opposition"


@pytest.mark.parametrize("lang, text, key", [
    ("de", "Ein Sprecher des Gesundheitsministeriums sagte: 14 Menschen wurden in der Nacht getötet.",
     "official:health-ministry"),
    ("de", "In einer Mitteilung der Polizei hieß es: Mindestens 20 Menschen wurden festgenommen.", "official:police"),
    ("en", "The health ministry said: at least 14 people were killed overnight.", "official:health-ministry"),
])
def test_colon_introduces_the_claim_without_quote_marks(extractor, lang, text, key):
    (claim,) = [c for c in claims(extractor, lang, text) if c["figure"]]
    assert claim["key"] == key and claim["modality"] == "reported"


def test_he_said_goes_to_the_person_named_before(extractor):
    text = "Interior Minister Ulan Sadykov visited Osh on Monday. At least 14 people were killed, he said."
    assert by_figure(claims(extractor, "en", text), "At least 14")["key"] == "named:ulan sadikov"


def test_they_said_goes_to_the_group_named_before(extractor):
    text = "Protest leaders gathered in Osh on Tuesday. Hundreds were arrested overnight, they said."
    claim = by_figure(claims(extractor, "en", text), "Hundreds")
    assert claim["key"] == "named:protest-leaders" and claim["modality"] == "reported"


def test_no_evidence_that_people_died_is_a_negated_killing(extractor):
    text = "Es gebe keinen Hinweis darauf, dass Zivilisten getötet worden sind, sagte ein Armeesprecher."
    (claim,) = [c for c in claims(extractor, "de", text) if c["trigger"] == "getötet"]
    assert claim["modality"] == "negated"


def test_a_future_protest_note_is_planned(extractor):
    (claim,) = claims(extractor, "de", "Der Außenminister sagte, man werde eine Protestnote an die Botschaft schicken.")
    assert claim["modality"] == "planned"


def test_not_hesitating_to_arrest_is_no_negated_arrest(extractor):
    found = claims(extractor, "en", "We will not hesitate to arrest anyone who breaks the curfew, the governor said.")
    (claim,) = [c for c in found if c["trigger"] == "arrest"]
    assert claim["modality"] == "planned"
    still = claims(extractor, "en", "Police did not arrest anyone on Friday.")
    assert [c["modality"] for c in still if c["trigger"] == "arrest"] == ["negated"]


@pytest.mark.parametrize("lang, text, trigger, key", [
    ("de", "Innenminister Leitl dementiert, dass Demonstranten festgenommen wurden.", "festgenommen", "named:leitl"),
    ("en", "The interior ministry denied that protesters had been arrested.", "arrested", "official:interior-ministry"),
])
def test_a_denial_is_a_negated_claim_by_the_denier(extractor, lang, text, trigger, key):
    (claim,) = [c for c in claims(extractor, lang, text) if c["trigger"] == trigger]
    assert claim["modality"] == "negated" and claim["key"] == key


@pytest.mark.parametrize("lang, text", [
    ("en", "According to unconfirmed reports, 30 people were killed in the clashes."),
    ("de", "Berichten zufolge wurden 30 Menschen bei den Zusammenstößen getötet."),
    ("de", "Der Anführer der Rebellen soll bei dem Angriff getötet worden sein."),
])
def test_hedged_claims_are_rumoured_or_reported(extractor, lang, text):
    found = [c for c in claims(extractor, lang, text) if c["trigger"] in ("killed", "getötet")]
    assert found and all(c["modality"] in ("rumored", "reported") and c["kind"] != "author" for c in found)


def test_a_figure_counts_the_event_it_belongs_to(extractor):
    found = claims(extractor, "de", "Berichten zufolge wurden 30 Menschen bei den Zusammenstößen getötet.")
    assert [c["trigger"] for c in found if c["figure"]] == ["getötet"]


def test_a_speaker_in_the_figures_own_clause_claims_it(extractor):
    found = claims(extractor, "de", "Die Polizei sprach von 12 Toten, die Opposition dagegen von 27 Toten.")
    police = by_figure(found, "12")
    assert police["key"] == "official:police" and police["modality"] == "reported" and police["trigger"] == "Toten"
    assert by_figure(found, "27")["key"] != "official:police"  # the police did not say 27


@pytest.mark.parametrize("text, figure, key", [
    ("so far, 80 people have been detained in the district, sharma said.", "80", "sharma"),
    ("mr verma said 25 people were killed after the meeting.", "25", "verma"),
    ("commissioner r k gupta said police arrested nearly 300 rioters.", "nearly 300", "gupta"),
])
def test_a_lower_cased_name_before_said_is_the_claimant(extractor, text, figure, key):
    claim = by_figure(claims(extractor, "en", text), figure)
    assert claim["key"].startswith("named:") and claim["key"].endswith(key) and claim["modality"] == "reported"


def test_the_content_after_said_belongs_to_the_speaker_not_to_its_subject(extractor):
    claim = by_figure(claims(extractor, "en", "ravi kumar said police arrested 40 men on friday."), "40")
    assert claim["key"] != "official:police" and claim["key"].endswith("kumar")  # kumar says what the police did


def test_a_pronoun_after_said_opens_the_content(extractor):
    claim = by_figure(claims(extractor, "en", "The governor said he had watched police arrest 12 men."), "12")
    assert claim["key"] == "official:governor" and claim["modality"] == "reported"


@pytest.mark.parametrize("text, figure", [
    # a phrase cue is not dropped for a verb that reports nothing of its own
    ("Am Sonntag demonstrierten nach Angaben der Veranstalter rund 4.000 Menschen, die Polizei spricht von 2.500.",
     "rund 4.000"),
    ("Drei Tote und neun Verletzte forderte laut Polizeiangaben ein Anschlag auf einen Markt.", "neun"),
])
def test_a_phrase_cue_beside_a_verb_without_content_still_attributes(extractor, text, figure):
    claim = by_figure(claims(extractor, "de", text), figure)
    assert claim["kind"] != "author" and claim["modality"] == "reported"


def test_nach_angaben_aus_names_the_source_after_aus(extractor):
    claim = by_figure(claims(extractor, "de", "Nach Angaben aus Kiew wurden 15 Soldaten getötet."), "15")
    assert claim["kind"] != "rumor" and "kie" in claim["key"] and claim["modality"] == "reported"


def test_a_sentence_opening_wie_names_the_speaker_not_the_addressee(extractor):
    text = ("Wie Tom Keller, ein Sprecher der Küstenwache (KW) der Presse mitteilte, seien zwölf Menschen "
            "getötet worden.")
    claim = by_figure(claims(extractor, "de", text), "zwölf")
    assert claim["key"] == "named:tom keler" and claim["modality"] == "reported"


def test_es_heisst_without_a_source_is_hearsay(extractor):
    text = "Die Angaben wurden später berichtigt, und es heißt jetzt, dass 17 Menschen getötet wurden."
    claim = by_figure(claims(extractor, "de", text), "17")
    assert claim["kind"] == "rumor" and claim["modality"] == "rumored"


def test_a_figure_is_not_its_own_claimant(extractor):
    claim = by_figure(claims(extractor, "de", "Nach dem Sturm werden im Tal hunderte Tote befürchtet."), "hunderte")
    assert claim["kind"] == "author" and claim["modality"] == "hypothetical"  # feared, not yet known


@pytest.mark.parametrize("text, figure, key", [
    ("Die Armee geht von elf getöteten Zivilisten aus.", "elf", "official:army"),
    ("Wie aus einem Bericht der Polizei hervorgeht, wurden am Abend 23 Menschen festgenommen.", "23", "police"),
])
def test_assuming_and_emerging_from_a_source_attribute(extractor, text, figure, key):
    claim = by_figure(claims(extractor, "de", text), figure)
    assert key in claim["key"] and claim["modality"] == "reported"


@pytest.mark.parametrize("lang, text, figure, kind", [
    ("de", "Ersten Angaben zufolge wurden vier Polizisten getötet.", "vier", "media"),
    ("en", "according to reports, six people were killed in the village.", "six", "media"),
    ("en", "nine people were killed in the clashes, sources said.", "nine", "witness"),
    ("en", "Police sources said nine people were killed in the clashes.", "nine", "official"),
])
def test_unnamed_reports_are_media_and_unnamed_sources_witnesses(extractor, lang, text, figure, kind):
    claim = by_figure(claims(extractor, lang, text), figure)
    assert claim["kind"] == kind and claim["modality"] == "reported"


def test_is_said_to_is_hearsay(extractor):
    text = "Two people were killed and six were injured, of whom four are said to be in a critical condition."
    found = claims(extractor, "en", text)
    assert by_figure(found, "four")["modality"] == "rumored"
    assert by_figure(found, "Two")["modality"] == "asserted"


def test_a_figure_takes_the_modality_of_its_own_clause(extractor):
    text = "Although no new killings were reported on Sunday, the death toll has risen to 212, officials said."
    claim = by_figure(claims(extractor, "en", text), "212")
    assert claim["modality"] == "reported" and claim["kind"] == "official"


@pytest.mark.parametrize("lang, text, trigger, modality", [
    ("en", "The mayor said he was not blaming the protests on the police.", "protests", "reported"),
    ("en", "Nobody was arrested after the attack on the depot.", "attack", "asserted"),
    ("en", "Nobody was arrested after the attack on the depot.", "arrested", "negated"),
    ("de", "Der Brand stand nicht in Zusammenhang mit den Protesten der Bauern.", "Protesten", "asserted"),
    ("de", "Bei der Kundgebung kam es nicht zu Zusammenstößen.", "Zusammenstößen", "negated"),
])
def test_a_negation_reaches_its_trigger_only_across_no_verb_or_later_preposition(extractor, lang, text, trigger,
                                                                                 modality):
    (claim,) = [c for c in claims(extractor, lang, text) if c["trigger"] == trigger]
    assert claim["modality"] == modality


@pytest.mark.parametrize("lang, text, trigger", [
    ("de", "Die Opposition verlangte einen sofortigen Waffenstillstand.", "Waffenstillstand"),
    ("de", "Die Freilassung der Gefangenen ist eine zentrale Forderung der Demonstranten.", "Freilassung"),
    ("en", "The union demanded the release of the detained workers.", "release"),
    ("en", "Police fired into the air to stop a crowd that was about to attack the station.", "attack"),
])
def test_what_is_demanded_or_imminent_is_hypothetical(extractor, lang, text, trigger):
    found = [c for c in claims(extractor, lang, text) if c["trigger"] == trigger]
    assert found and all(c["modality"] == "hypothetical" for c in found)


def test_soll_with_a_source_in_the_sentence_is_reported(extractor):
    claim = by_figure(claims(extractor, "de", "Bei dem Überfall sollen laut Polizei sieben Menschen getötet worden sein."), "sieben")
    assert claim["modality"] == "reported" and claim["kind"] == "official"
    hearsay = by_figure(claims(extractor, "de", "Bei dem Überfall sollen sieben Menschen getötet worden sein."), "sieben")
    assert hearsay["modality"] == "rumored"


@pytest.fixture(scope="module")
def accurate() -> Extractor:
    """The accurate entity model: it finds the English names that the role is linked to."""
    from lagebild.config import Settings

    return Extractor(Settings.from_env(model="accurate"))


def test_the_chief_minister_is_the_person_introduced_with_that_role(accurate):
    text = ("State Chief Minister Ravi Patel visited the town on Saturday. Curfew had been lifted, "
            "the chief minister said, adding that 12 people were killed in the riots.")
    claim = by_figure(claims(accurate, "en", text), "12")
    assert claim["key"] == "named:ravi patel" and claim["modality"] == "reported"


def test_a_passive_report_without_agent_names_no_speaker(extractor):
    text = "Police patrolled the area but no injuries were reported on Monday, and 16 people were killed in the town."
    claim = by_figure(claims(extractor, "en", text), "16")
    assert claim["kind"] == "author" and claim["modality"] == "asserted"


@pytest.mark.parametrize("lang, text, trigger, modality", [
    ("de", "Es ist noch offen, ob die Soldaten auf die Menge geschossen haben.", "geschossen", "hypothetical"),
    ("de", "Es gilt als wahrscheinlich, dass Rebellen das Dorf angriffen.", "angriffen", "hypothetical"),
    ("de", "Die Armee teilte mit, es sei unklar, wer den Angriff verübt habe.", "Angriff", "reported"),
    ("en", "It is unclear whether the soldiers attacked the convoy.", "attacked", "hypothetical"),
    ("de", "Alle Spuren deuten auf einen Anschlag hin.", "Anschlag", "hypothetical"),
])
def test_open_questions_and_likelihoods_are_hypothetical(extractor, lang, text, trigger, modality):
    found = [c for c in claims(extractor, lang, text) if c["trigger"] == trigger]
    assert found and all(c["modality"] == modality for c in found)


def test_a_subject_with_a_place_phrase_is_the_speaker(extractor):
    found = claims(extractor, "de", "Die Ermittler vor Ort gehen von einem Anschlag aus.")
    (claim,) = [c for c in found if c["trigger"] == "Anschlag"]
    assert claim["kind"] != "author" and claim["modality"] == "reported"


def test_the_content_of_verlangen_is_reported_by_who_demands(extractor):
    text = "Zudem verlangen die Bauern, dass sich die Regierung für ihr Vorgehen bei einer Demonstration entschuldigt."
    (claim,) = [c for c in claims(extractor, "de", text) if c["trigger"] == "Demonstration"]
    assert claim["kind"] != "author" and claim["modality"] == "reported"


@pytest.mark.parametrize("text, figure, key", [
    ("Bei dem Angriff sollen laut Berger neun Kinder getötet worden sein.", "neun", "named:berger"),
    ("Am Abend wurden nach Angaben der Polizei rund 40 Menschen festgenommen.", "rund 40", "official:police"),
])
def test_a_speaker_phrase_ends_before_the_figure(extractor, text, figure, key):
    claim = by_figure(claims(extractor, "de", text), figure)
    assert claim["key"] == key and claim["modality"] == "reported"


@pytest.mark.parametrize("text, trigger, authors", [
    ("Der Verband rief für Montag zu einem landesweiten Streik auf.", "Streik", True),  # an appeal, not a report
    ("Die Ermittler sprachen von einem gezielten Anschlag.", "Anschlag", False),  # what is said follows "von"
])
def test_an_event_in_a_speech_acts_own_clause_is_reported_only_as_its_content(extractor, text, trigger, authors):
    (claim,) = [c for c in claims(extractor, "de", text) if c["trigger"] == trigger]
    assert (claim["kind"] == "author") == authors


def test_unconfirmed_reports_stay_hearsay(extractor):
    found = claims(extractor, "de", "Unbestätigten Berichten zufolge wurden zwölf Demonstranten festgenommen.")
    assert by_figure(found, "zwölf")["kind"] == "rumor"


def test_a_negated_verb_keeps_its_negation_across_its_adjuncts(extractor):
    text = "Die Regierung habe keine Soldaten in die Grenzregion verlegt, erklärte ein Sprecher."
    (claim,) = [c for c in claims(extractor, "de", text) if c["trigger"] == "verlegt"]
    assert claim["modality"] == "negated"


def test_hiess_es_bei_names_the_source(extractor):
    claim = by_figure(claims(extractor, "de", "Elf Reporter seien festgenommen worden, hieß es bei Radio Nord."), "Elf")
    assert claim["kind"] == "media" and claim["modality"] == "reported"


def test_es_heisst_after_a_named_source_is_hearsay_not_the_earlier_source(extractor):
    """A quote may carry the running speaker on past "es heißt, dass …"; the figure in it is still hearsay."""
    text = ("Nach ersten Angaben der Behörden starben zehn Menschen bei dem Angriff. Die Zahlen wurden später "
            "korrigiert und es heißt nun, dass 14 Zivilisten bei dem Angriff getötet wurden.")
    found = claims(extractor, "de", text)
    assert by_figure(found, "zehn")["key"] == "official:authorities"
    assert by_figure(found, "14")["kind"] == "rumor" and by_figure(found, "14")["modality"] == "rumored"
