"""Quotes and speakers on hand-written German agency-style sentences."""

from __future__ import annotations

import pytest
from spacy.language import Language

from lagebild.config import Settings
from lagebild.extract import claims
from lagebild.extract.quotes import direct_spans
from lagebild.lang import Pipelines


@pytest.fixture(scope="module")
def nlp() -> Language:
    return Pipelines(Settings.from_env()).get("de")


def quotes(nlp: Language, text: str) -> list[dict]:
    return claims(nlp(text))["quotes"]


def test_direct_quote_with_role_speaker_after(nlp: Language) -> None:
    qs = quotes(nlp, "„Wir werden die Grenze nicht schließen“, sagte Außenministerin Lena Hartwig am Montag in Berlin.")
    assert len(qs) == 1
    q = qs[0]
    assert q["kind"] == "direct" and q["text"].startswith("„Wir") and q["text"].endswith("“")
    assert q["speaker_text"] == "Außenministerin Lena Hartwig" and q["cue"] == "sagte"


def test_pronoun_speaker_resolves_to_last_person(nlp: Language) -> None:
    text = ("Innenminister Paul Reiter besuchte am Dienstag die Grenzregion. "
            "Er sagte: »Die Lage ist unter Kontrolle, niemand muss sich Sorgen machen.«")
    q = quotes(nlp, text)[-1]
    assert q["kind"] == "direct" and q["speaker_text"] == "Innenminister Paul Reiter"


def test_quote_across_two_paragraphs(nlp: Language) -> None:
    text = ("Der Polizeisprecher Jonas Berger erklärte am Abend:\n\n"
            "„Wir haben die Lage unter Kontrolle. Die Straßen sind wieder frei.\n\n"
            "„Niemand muss sich Sorgen machen, die Einsatzkräfte bleiben die ganze Nacht vor Ort.“\n\n"
            "Danach verließ er den Saal.")
    qs = [q for q in quotes(nlp, text) if q["kind"] == "direct"]
    assert len(qs) == 1
    assert "Straßen" in qs[0]["text"] and "Einsatzkräfte" in qs[0]["text"]
    assert qs[0]["speaker_text"] == "Der Polizeisprecher Jonas Berger"


def test_name_colon_announced_quote(nlp: Language) -> None:
    text = "Innenminister Paul Reiter:\n„Die Grenze bleibt bis auf Weiteres geschlossen, das gilt für alle Übergänge.“"
    q = quotes(nlp, text)[0]
    assert q["kind"] == "direct" and q["speaker_text"] == "Innenminister Paul Reiter"


def test_indirect_speech_and_konjunktiv_continuation(nlp: Language) -> None:
    text = ("Das Staatsradio meldete, 14 Menschen seien getötet und mehr als 700 festgenommen worden. "
            "Es habe zudem schwere Kämpfe in der Hauptstadt gegeben. Die Regierung kündigte Neuwahlen an.")
    qs = quotes(nlp, text)
    assert [q["kind"] for q in qs] == ["indirect", "indirect"]
    assert qs[0]["text"].startswith("14 Menschen seien") and qs[0]["cue"] == "meldete"
    assert qs[1]["text"].startswith("Es habe zudem") and qs[1]["speaker_text"] == "Das Staatsradio"
    assert all(q["speaker_text"] == "Das Staatsradio" for q in qs)


def test_phrase_cues_name_the_source(nlp: Language) -> None:
    qs = quotes(nlp, "Laut dem Innenministerium wurden mehr als 200 Demonstranten festgenommen.")
    assert qs[0]["speaker_text"] == "dem Innenministerium" and qs[0]["cue"] == "Laut"
    qs = quotes(nlp, "Nach Angaben der Polizei blieb es in der Nacht ruhig.")
    assert qs[0]["speaker_text"] == "Polizei"
    qs = quotes(nlp, "Wie die Nachrichtenagentur berichtete, sollen die Einheiten nicht an der Grenze eingesetzt werden.")
    assert qs[0]["speaker_text"] == "die Nachrichtenagentur" and qs[0]["text"].startswith("sollen die Einheiten")


def test_speaker_links_to_entity_by_offsets(nlp: Language) -> None:
    doc = nlp.make_doc("„Wir bleiben hier und helfen den Menschen“, sagte Lena Hartwig.")
    claims(doc)["entities"] = [{"id": "ent1", "label": "PER", "name": "Lena Hartwig", "aliases": [],
                                "mentions": [{"start": 50, "end": 62, "text": "Lena Hartwig"}], "place": None}]
    for name, proc in nlp.pipeline:
        if name == "sentencizer":
            doc = proc(doc)
    doc = nlp.get_pipe("lagebild_quotes")(doc)
    assert claims(doc)["quotes"][0]["speaker"] == "ent1"


def test_quote_marks_and_titles() -> None:
    pairs = (("„", "“"), ("»", "«"), ('"', '"'), ("'", "'"))
    text = 'Er sagte: "Das ist gut." Sie sagte: \'Wir gehen jetzt nach Hause.\' Das ist\'s.'
    spans = direct_spans(text, pairs)
    assert [text[a:b] for a, b in spans] == ['"Das ist gut."', "'Wir gehen jetzt nach Hause.'"]


def test_short_titles_are_not_quotes(nlp: Language) -> None:
    assert quotes(nlp, "Der Film „Eine stille Nacht“ läuft ab Donnerstag in den Kinos.") == []


def test_subject_before_apposition_and_auxiliary(nlp: Language) -> None:
    text = ("Oberst Kemal Arslan, Kommandeur der Grenztruppen, hat bereits angekündigt, "
            "er werde keine Soldaten gegen die Demonstranten einsetzen.")
    q = quotes(nlp, text)[0]
    assert q["kind"] == "indirect" and q["text"].startswith("er werde") and q["speaker_text"] == "Oberst Kemal Arslan"


def test_fronted_dative_is_not_the_speaker(nlp: Language) -> None:
    q = quotes(nlp, "Der Zeitung sagte Oberst Kemal Arslan: „Wir bleiben hier, solange es nötig ist.“")[0]
    assert q["kind"] == "direct" and q["speaker_text"] == "Oberst Kemal Arslan"


def test_source_after_laut_is_not_the_speaker_of_the_verb(nlp: Language) -> None:
    q = quotes(nlp, "Laut dem Staatsfernsehen sagte der Energieminister, dass die Leitung im Mai fertig sein solle.")[0]
    assert q["speaker_text"] == "der Energieminister"


def test_short_quoted_word_is_a_quote_but_a_quoted_title_is_not(nlp: Language) -> None:
    qs = quotes(nlp, "Der Innenminister nannte die Vorwürfe der Opposition „haltlos“.")
    assert [(q["text"], q["speaker_text"]) for q in qs] == [("„haltlos“", "Der Innenminister")]
    assert quotes(nlp, "Die Wochenzeitung „Neue Stimme“ erscheint seit dem Frühjahr in Osch.") == []


def test_subject_before_a_place_and_nach_eigenen_angaben(nlp: Language) -> None:
    qs = quotes(nlp, "Das Gesundheitsministerium in Bischkek erklärte, in den Krankenhäusern würden 212 Verletzte behandelt. "
                     "Das Rote Kreuz schickte nach eigenen Angaben zwei Lastwagen mit Medikamenten nach Osch.")
    assert [q["speaker_text"] for q in qs] == ["Das Gesundheitsministerium", "Das Rote Kreuz"]


def test_wie_clause_split_by_an_apposition(nlp: Language) -> None:
    qs = quotes(nlp, "Der Tank stand unter Druck, wie Burt Lindner, Chef der Werkfeuerwehr, mitteilte. Die Ursache sei unklar.")
    assert [(q["text"], q["speaker_text"]) for q in qs] == [
        ("Der Tank stand unter Druck", "Burt Lindner"), ("Die Ursache sei unklar.", "Burt Lindner")]


def test_objects_after_the_verb_are_not_speakers(nlp: Language) -> None:
    first, second = quotes(nlp, "Die Botschaft in Bischkek teilte dem Sender mit, dass keine Deutschen verletzt worden seien. "
                                "Innenminister Paul Reiter besuchte die Grenze. Die Bürger forderte er auf, zu Hause zu bleiben.")
    assert first["speaker_text"] == "Die Botschaft" and second["speaker_text"] == "Innenminister Paul Reiter"


def test_a_german_dateline_is_not_the_speaker(nlp: Language) -> None:
    (q,) = quotes(nlp, "Bischkek/Osch (lgb) – Die Opposition bestritt die Zahlen, dass nur 90 Menschen gestorben seien.")
    assert q["speaker_text"] == "Die Opposition"


@pytest.mark.parametrize("text", ["Die Lage ist ruhig, das sagte", "sagte", "Laut", "„Ja“, so", "wie mitteilte"])
def test_text_ending_in_a_cue_is_no_error(nlp: Language, text: str) -> None:
    assert isinstance(quotes(nlp, text), list)


def test_a_quote_inside_a_sentence_goes_to_its_subject_not_its_object(nlp: Language) -> None:
    (q,) = quotes(nlp, "Die frühere Außenministerin Lena Hartwig nannte Paul Reiter einen „wahren Patrioten“.")
    assert q["speaker_text"].endswith("Lena Hartwig")


def speakers(nlp: Language, text: str) -> list[str | None]:
    return [q["speaker_text"] for q in quotes(nlp, text)]


SPEAKERS = {
    "a phrase after a preposition is no speaker": (
        "Der Bürgermeister im Norden der Stadt sagte vor der Presse, die Brücke bleibe gesperrt.", ["Der Bürgermeister"]),
    "a dative name after the verb is no speaker": (
        "Ein Sprecher des Krisenstabs sagte Radio Nord, die Pegel würden weiter sinken.", ["Ein Sprecher des Krisenstabs"]),
    "a fronted dative after a double space": (
        "Er hatte an der Kundgebung teilgenommen.  Der Lokalzeitung sagte Farid Nasser: "
        "„Ich werde weiter für die Freiheit kämpfen.“", ["Farid Nasser"]),
    "so-parenthesis: the source follows the verb": (
        "Hinter der Absage, so vermutet die Zeitung Nordkurier, stehe die Sturmwarnung.",
        ["die Zeitung Nordkurier"]),
    "so-cue followed by where it was said": (
        "Die Brücke sei, so der Ingenieur Malik Osei in einem Gutachten, seit Jahren baufällig.",
        ["der Ingenieur Malik Osei"]),
    "the agent of a passive reporting verb": (
        "Die Pläne wurden von Verkehrsministerin Ida Brandt als überzogen bezeichnet. "
        "Die Stadt habe dafür weder Geld noch Personal.", ["Verkehrsministerin Ida Brandt"]),
    "zitiert: the subject of the passive speaks": (
        "Der Kommandeur wird von Radio Nord mit den Worten zitiert, die Lage sei ruhig.", ["Der Kommandeur"]),
    "a plural present cue": (
        "Die Hilfsorganisationen verweisen darauf, dass die Lager überfüllt seien.", ["Die Hilfsorganisationen"]),
    "a source in a document: hatte es geheißen": (
        "In einer Erklärung des Roten Kreuzes hatte es geheißen: „Die Versorgung der Verletzten ist nicht mehr gesichert.“",
        ["einer Erklärung des Roten Kreuzes"]),
    "a verbless lead-in": (
        "Die Behörden berichten, der Verdächtige sei gefasst. Ein Ermittler nach der Festnahme: "
        "„Er hat keinen Widerstand geleistet.“", ["Die Behörden", "Ein Ermittler"]),
    "a party named inside a fronted object": (
        "Den Zorn der SPD über die Kürzungen fasste die Abgeordnete Clara Vogt in einen Satz: "
        "„So kann man mit den Kommunen nicht umgehen.“", ["die Abgeordnete Clara Vogt"]),
    "a contrastive adverb between subject and verb": (
        "Die Rettungskräfte dagegen erklären, der Damm halte nur noch „wenige Stunden“ stand.",
        ["Die Rettungskräfte", "Die Rettungskräfte"]),
    "so X weiter before a colon quote": (
        "Auch dieses Schweigen habe seine Gründe, so Wendorf weiter: „Das ist in vielen Behörden so üblich.“",
        ["Wendorf", "Wendorf"]),
    "a neuter demonstrative is a fronted object": (
        "Dies teilte der Innenminister am Abend mit. Er wolle die Lage am Montag neu bewerten.", ["der Innenminister"]),
    "a speaker with a participle attribute": (
        "„Wir bleiben, bis alle versorgt sind“, schrieb die in Osch lebende Ärztin Miriam Okafor am Abend.",
        ["die in Osch lebende Ärztin Miriam Okafor"]),
}

LAST_SPEAKER = {
    "a colon quote goes to the subject, not the phrase before the colon": (
        "Die Richterin Anna Lindqvist hatte das Verfahren geleitet. Lindqvist sieht darin einen Erfolg "
        "ihrer Kammer: „Das Gesetz gilt für alle, auch für Minister.“", "Lindqvist"),
    "a pronoun after the verb of a fronted object": (
        "Oberst Farid Nasser wurde am Morgen befragt. Eine Mitschuld an dem Unfall weist er von sich: "
        "„Meine Leute haben jede Vorschrift befolgt.“", "Oberst Farid Nasser"),
    "a quoted phrase in reported speech keeps the running speaker": (
        "Die Datenschützerin Eva Lindner kritisierte die Pläne scharf. "
        "Die Landesregierung habe eine „zentrale Bilddatenbank“ nie angekündigt, nun komme sie doch.",
        "Die Datenschützerin Eva Lindner"),
    "a possessive phrase is no name": (
        "Im Interview zeigte sich Außenministerin Lena Hartwig zuversichtlich: „Eine Einigung ist nah.“ "
        "Ihre Gelassenheit beruht auf den Runden im Frühjahr: „Solche Gespräche enden immer spät.“",
        "Außenministerin Lena Hartwig"),
}


@pytest.mark.parametrize("text, expected", SPEAKERS.values(), ids=SPEAKERS.keys())
def test_speakers(nlp: Language, text: str, expected: list[str]) -> None:
    assert speakers(nlp, text) == expected


@pytest.mark.parametrize("text, expected", LAST_SPEAKER.values(), ids=LAST_SPEAKER.keys())
def test_speaker_of_the_last_quote(nlp: Language, text: str, expected: str) -> None:
    assert speakers(nlp, text)[-1] == expected


CUES = {
    "a particle verb in the perfect": (
        "Der Fahrer Tomas Weber wurde vernommen. Der Polizei gegenüber hat er angegeben, er sei geblendet worden.",
        [("angegeben", "Tomas Weber")]),
    "an adverb between verb and subject": (
        "Um 18.30 Uhr MEZ meldete dann die Nachrichtenagentur Nordpress, die Grenze bleibe geschlossen.",
        [("meldete", "die Nachrichtenagentur Nordpress")]),
    "vorschlagen": ("Die Gewerkschaft schlug vor, die Gespräche am Montag fortzusetzen.", [("schlug vor", "Die Gewerkschaft")]),
    "no cue in a zu-infinitive": (
        "Der Präsident betonte, das Parlament habe das Gesetz noch zu bestätigen.", [("betonte", "Der Präsident")]),
    "a separable particle after a quoted word": (
        "Am Freitag wies der Betreiber sämtliche Anschuldigungen als „aus der Luft gegriffen“ zurück.",
        [("wies zurück", "der Betreiber")]),
    "a quote followed by 'Das sagte X'": (
        "Der Bürgermeister besuchte am Montag das Lager.\n\n„Wir tun, was wir können, aber wir brauchen mehr Zelte.“ "
        "Das sagte der Bürgermeister Milan Horak am Abend.", [("sagte", "der Bürgermeister Milan Horak")]),
}


@pytest.mark.parametrize("text, expected", CUES.values(), ids=CUES.keys())
def test_cues_and_speakers(nlp: Language, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(q["cue"], q["speaker_text"]) for q in quotes(nlp, text)] == expected


def test_a_participle_used_as_an_adjective_is_no_cue(nlp: Language) -> None:
    qs = quotes(nlp, "Mit Verweis auf nicht näher bezeichnete Kreise gab der Sender an, der Minister sei zurückgetreten.")
    assert [q["cue"] for q in qs] == ["gab an"]


def test_a_later_surname_is_a_mention_of_the_person(nlp: Language) -> None:
    doc = nlp("Die Ärztin Miriam Okafor leitet das Lager. Okafor sieht die Versorgung gefährdet.")
    person = next(e for e in claims(doc)["entities"] if e["label"] == "PER")
    assert [m["text"] for m in person["mentions"]][-1] == "Okafor"


def test_a_demonstrative_pronoun_speaks_for_the_last_body_named(nlp: Language) -> None:
    text = "Die Opposition wandte sich an die Wahlkommission. Diese bestätigte, dass drei Beschwerden eingegangen seien."
    assert quotes(nlp, text)[-1]["cue"] == "bestätigte"


def test_demnach_continues_the_source_just_named(nlp: Language) -> None:
    text = ("Das Verteidigungsministerium meldete am Montag, bei den Gefechten seien mehrere Soldaten verletzt worden. "
            "Demnach liegen zwei von ihnen in einem Krankenhaus in Osch.")
    q = quotes(nlp, text)[-1]
    assert (q["cue"], q["speaker_text"]) == ("Demnach", "Das Verteidigungsministerium")
    assert q["text"].startswith("liegen zwei")


def test_nach_eigenen_angaben_rests_on_the_subject_and_the_phrase(nlp: Language) -> None:
    doc = nlp("Das Rote Kreuz hat nach eigenen Angaben bislang drei Lager in der Region versorgt.")
    (q,) = claims(doc)["quotes"]
    assert q["speaker_text"] == "Das Rote Kreuz"
    assert [doc.text[a:b] for a, b in doc._.quote_speaker_spans[q["id"]]] == ["eigenen Angaben", "Das Rote Kreuz"]


# Patterns from the Wikinews error analysis (issue 11), each in our own sentences.

def kinds_texts_speakers(nlp: Language, text: str) -> list[tuple[str, str, str | None]]:
    return [(q["kind"], q["text"], q["speaker_text"]) for q in quotes(nlp, text)]


def test_reported_content_with_a_quoted_phrase_inside_is_one_indirect_quote(nlp: Language) -> None:
    qs = kinds_texts_speakers(nlp, "Die Ministerin sagte, die Polizei habe „mit aller Härte“ durchgegriffen und die Lage beruhigt.")
    assert ("indirect", "die Polizei habe „mit aller Härte“ durchgegriffen und die Lage beruhigt", "Die Ministerin") in qs
    assert ("direct", "„mit aller Härte“", "Die Ministerin") in qs


def test_konjunktiv_sentence_with_a_quoted_phrase_continues_the_speaker(nlp: Language) -> None:
    qs = kinds_texts_speakers(nlp, "Landrat Jonas Berger erklärte, die Straße bleibe gesperrt. "
                                   "Die Arbeiten seien „leider dringend nötig“ und dauerten bis Juni.")
    indirect = [q for q in qs if q[0] == "indirect"]
    assert indirect[-1] == ("indirect", "Die Arbeiten seien „leider dringend nötig“ und dauerten bis Juni.",
                            "Landrat Jonas Berger")


def test_impersonal_cue_names_its_source_or_nobody(nlp: Language) -> None:
    (q,) = quotes(nlp, "Aus dem Rathaus hieß es, dass die Brücke im Mai abgerissen werde.")
    assert q["text"] == "dass die Brücke im Mai abgerissen werde" and q["speaker_text"] == "dem Rathaus"
    # nobody to name: the quote stays, marked as said by its cue, with no speaker
    (q,) = quotes(nlp, "Später hieß es, dass die Brücke im Mai abgerissen werde.")
    assert q["text"] == "dass die Brücke im Mai abgerissen werde" and q["speaker_text"] is None and q["cue"] == "hieß"


@pytest.mark.parametrize("text, speaker, content", [
    ("Wie aus Regierungskreisen verlautete, will die Firma ihr Werk in Kassel schließen.",
     "Regierungskreisen", "will die Firma ihr Werk in Kassel schließen"),
    ("Wie die Stadtverwaltung heute bekannt gab, wird die Brücke im Mai abgerissen.",
     "die Stadtverwaltung", "wird die Brücke im Mai abgerissen"),
    ("Laut „Radio Bremen“ zogen tausende Menschen durch die Innenstadt.",
     "Radio Bremen", "zogen tausende Menschen durch die Innenstadt"),
    ("Die Schäden waren Berichten des Senders zufolge bis in die Nachbarorte zu sehen.",
     "Berichten des Senders", "Die Schäden waren Berichten des Senders zufolge bis in die Nachbarorte zu sehen"),
    ("Die Saison hat nach Polizeiangaben wieder zwei Tote gefordert.",
     "Polizeiangaben", "Die Saison hat nach Polizeiangaben wieder zwei Tote gefordert"),
    ("Laut ndr.de blieben einige Demonstranten noch lange auf dem Platz.",
     "ndr.de", "blieben einige Demonstranten noch lange auf dem Platz"),
    ("Das Fest ist nach einer Stellungnahme der Stadt in diesem Jahr abgesagt.",
     "Stadt", "Das Fest ist nach einer Stellungnahme der Stadt in diesem Jahr abgesagt"),
])
def test_source_phrases_in_wie_laut_nach_and_zufolge(nlp: Language, text: str, speaker: str, content: str) -> None:
    (q,) = quotes(nlp, text)
    assert (q["speaker_text"], q["text"]) == (speaker, content)


def test_heisst_es_names_the_document_after_it(nlp: Language) -> None:
    (q,) = quotes(nlp, "Die Stadt sei auf den Sturm vorbereitet, heißt es in dem Bericht der Feuerwehr.")
    assert q["speaker_text"] == "dem Bericht der Feuerwehr" and q["text"] == "Die Stadt sei auf den Sturm vorbereitet"


def test_demnach_points_back_to_the_source_even_after_a_paragraph_break(nlp: Language) -> None:
    qs = quotes(nlp, "Die Behörde legte am Montag einen Bericht vor.\n\n"
                     "Demnach hat der Fahrer die Ampel übersehen. Die Kosten sollen demnach auf zwei Millionen Euro steigen.")
    assert [(q["text"], q["cue"]) for q in qs] == [
        ("hat der Fahrer die Ampel übersehen.", "Demnach"),
        ("Die Kosten sollen demnach auf zwei Millionen Euro steigen.", "demnach")]
    assert qs[0]["speaker_text"] == "Die Behörde"


@pytest.mark.parametrize("text, speaker, content", [
    ("Die Landesregierung hat entschieden, der Firma die Genehmigung zu entziehen.",
     "Die Landesregierung", "der Firma die Genehmigung zu entziehen"),
    ("Der Bürgermeister appellierte an die Anwohner, sich an der Suche zu beteiligen.",
     "Der Bürgermeister", "sich an der Suche zu beteiligen"),
    ("Kritiker werfen Weber vor, die Steuer zu spät gesenkt zu haben.",
     "Kritiker", "die Steuer zu spät gesenkt zu haben"),
])
def test_zu_infinitive_content_and_its_subject(nlp: Language, text: str, speaker: str, content: str) -> None:
    (q,) = quotes(nlp, text)
    assert (q["speaker_text"], q["text"]) == (speaker, content)


def test_konjunktiv_after_a_sentence_without_a_cue_reports_its_named_subject(nlp: Language) -> None:
    qs = quotes(nlp, "Die Gewerkschaftschefin Anna Roth verteidigte den Streik. Die Löhne seien seit Jahren nicht gestiegen.")
    assert [(q["text"], q["speaker_text"]) for q in qs] == [
        ("Die Löhne seien seit Jahren nicht gestiegen.", "Die Gewerkschaftschefin Anna Roth")]
    assert quotes(nlp, "Der Regen hielt den ganzen Tag an. Das könnte die Ernte gefährden.") == []


def test_reported_sentences_in_a_row_are_one_passage(nlp: Language) -> None:
    qs = quotes(nlp, "Die Pilotin Sara Lind stellte sich den Fragen der Presse. Das Wetter sei gut gewesen. "
                     "Die Maschine habe keine Mängel gehabt.\n\nDie Ermittlungen dauern an.")
    assert [q["text"] for q in qs] == ["Das Wetter sei gut gewesen. Die Maschine habe keine Mängel gehabt."]
    assert qs[0]["speaker_text"] == "Die Pilotin Sara Lind"


@pytest.mark.parametrize("text, speaker", [
    ("Die neue Version bringt viele Änderungen. „Dies ist eine echte Chance für die Firma, im Markt ein Zeichen "
     "zu setzen“, wird Karl Brandt, Leiter der Entwicklung, zitiert.", "Karl Brandt"),
    ("Die neue Version bringt viele Änderungen. „Die Betonung von Video ist ein wichtiger Schritt für alle Nutzer“, "
     "schreibt die „Tageszeitung“.", "die „Tageszeitung“"),
])
def test_the_speaker_after_a_quote_is_never_a_phrase_inside_it(nlp: Language, text: str, speaker: str) -> None:
    assert [(q["kind"], q["speaker_text"]) for q in quotes(nlp, text)] == [("direct", speaker)]


def test_subject_before_an_apposition_with_an_auxiliary(nlp: Language) -> None:
    (q,) = quotes(nlp, "Der Fraktionschef, Paul Weber, hatte Lenz gestern aufgefordert, sein Amt ruhen zu lassen.")
    assert q["speaker_text"] == "Der Fraktionschef" and q["text"] == "sein Amt ruhen zu lassen"


def test_a_verb_right_after_a_quote_is_followed_by_its_speaker(nlp: Language) -> None:
    (q,) = quotes(nlp, "Die Klage wurde abgewiesen. „Eine Mitwirkung an einer Straftat ist selbst strafbar“, "
                       "fasst das Landgericht sein Urteil zusammen.")
    assert q["kind"] == "direct" and q["speaker_text"] == "das Landgericht"


def test_an_impersonal_cue_without_a_source_continues_the_running_speaker(nlp: Language) -> None:
    qs = quotes(nlp, "Der Sprecher Paul Weber sagte, die Straße bleibe gesperrt. "
                     "Weiter hieß es, dass die Arbeiten bis Juni dauern würden.")
    assert [q["speaker_text"] for q in qs] == ["Der Sprecher Paul Weber", "Der Sprecher Paul Weber"]
