"""Attribution: reporting cues, speaker phrases, source kinds and modality, driven by `lang/<code>/attribution.json`."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
from spacy.attrs import LEMMA, LOWER, MORPH, POS
from spacy.strings import StringStore
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token

from ..lang import language_data

PUNCT_BREAKS = frozenset({",", ";", ":", "(", ")", "–", "—"})
QUOTE_CHARS = frozenset("„“”»«\"‚‘›‹'")
QUOTE_STRING = "".join(sorted(QUOTE_CHARS))  # for str.strip: a text of quote marks only strips to nothing
SENT_END = frozenset({".", "!", "?"})
MODALITY_LISTS = ("reportative", "future_markers", "perfect_aux", "clause_breaks", "konjunktiv_substitutes")
TAG_LISTS = ("pronoun_tags", "relative_tags", "infinitive_tags", "subordinator_tags")  # the tagger's tags, not words
FACTS_KEY = "lagebild.attribution"  # doc.user_data key: per lexicon, the token facts and cues found in the doc


@dataclass(frozen=True)
class AttributionLexicon:
    """Everything language-specific that attribution needs, read once from the data file."""

    quote_pairs: tuple[tuple[str, str], ...]
    min_direct_words: int
    cue_verbs: frozenset[str]
    cue_particles: dict[str, frozenset[str]]
    particle_optional: frozenset[str]  # particle verbs that are cues without their particle too ("forderte")
    impersonal_cues: frozenset[str]
    postposition_cues: frozenset[str]
    preposition_cues: frozenset[str]
    nach_cues: frozenset[str]
    nach_cue_suffixes: tuple[str, ...]
    auxiliaries: frozenset[str]
    nach_word: str
    so_cue: str
    wie_cue: str
    complementizers: frozenset[str]
    determiners: frozenset[str]
    genitive_links: frozenset[str]
    np_stop_words: frozenset[str]
    skip_after_cue: frozenset[str]
    prepositions_before_np: frozenset[str]
    sentence_adverbs: frozenset[str]
    person_pronouns: frozenset[str]
    source_kinds: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...]
    konjunktiv_forms: frozenset[str]
    konjunktiv_strong: frozenset[str]
    weak_konjunktiv: frozenset[str]  # Konjunktiv II forms that mark no reported speech on their own ("würde")
    before_skipped_name: frozenset[str]  # after such a word a capitalised one is no speaker ("am Montag")
    modality_words: dict[str, frozenset[str]]
    reportative: frozenset[str]
    future_markers: frozenset[str]
    perfect_aux: frozenset[str]
    clause_breaks: frozenset[str]
    konjunktiv_substitutes: frozenset[str]
    np_nouns: frozenset[str] = frozenset()  # lowercase words that can head a speaker phrase ("officials", "radio")
    relative_pronouns: frozenset[str] = frozenset()  # ", die der Sender berichtete": a relative clause, not an apposition
    relative_tags: frozenset[str] = frozenset()  # the tagger's relative-pronoun tags, preferred over the word list
    infinitive_tags: frozenset[str] = frozenset()  # tags of "zu" and "einzuschränken": an infinitive clause as content
    self_reference: frozenset[str] = frozenset()  # "nach eigenen Angaben": the sentence's subject is the source
    object_determiners: frozenset[str] = frozenset()  # "teilte dem Sender mit": a phrase they open is no subject
    passive_auxiliaries: frozenset[str] = frozenset()  # "wurde … bezeichnet": a passive reporting verb
    agent_prepositions: frozenset[str] = frozenset()  # "von", "vom": they open the agent of a passive, its speaker
    passive_subject_cues: frozenset[str] = frozenset()  # "X wird zitiert": the subject of these passives is the speaker
    anaphoric_cues: frozenset[str] = frozenset()  # "Demnach …" opening a sentence: according to the source just named
    pronoun_tags: frozenset[str] = frozenset()  # the tagger's tags for pronouns that stand for a speaker ("Dieser sagte")
    thing_pronouns: frozenset[str] = frozenset()  # pronouns of those tags that stand for a thing ("Dies teilte X mit")
    latter_pronouns: frozenset[str] = frozenset()  # "so letztere": the one named last, like a demonstrative
    subject_determiners: frozenset[str] = frozenset()  # "Ein Sprecher sagte Reuters": a phrase they open is no dative
    coordinators: frozenset[str] = frozenset()  # "und": a second verb shares the first one's subject
    source_prepositions: frozenset[str] = frozenset()  # "In einer Erklärung … heißt es": where an impersonal cue's source stands
    impersonal_origins: frozenset[str] = frozenset()  # "hieß es aus Kreisen": the word before an impersonal cue's source
    non_speaker_nouns: frozenset[str] = frozenset()  # capitalised words that never head a speaker ("Woche", "Offiziell")
    denial_cues: frozenset[str] = frozenset()  # "dementiert", "denied": what the cue reports is a negated claim
    unnamed_sources: frozenset[str] = frozenset()  # "unbestätigten Berichten zufolge": a hearsay source, no claimant
    content_prepositions: frozenset[str] = frozenset()  # "sprach von …", "spoke of …": what follows is what is said
    demand_words: frozenset[str] = frozenset()  # "verlangte den Rückzug", "demanded the release": what follows is hypothetical
    demand_nouns: frozenset[str] = frozenset()  # "ist eine Forderung der Mönche": the clause's event is hypothetical
    uncertain_governors: frozenset[str] = frozenset()  # "unklar, ob …", "likely that …": the complement is hypothetical
    hypothetical_phrases: frozenset[str] = frozenset()  # "about to attack": word sequences in the clause
    untagged_verb_suffixes: tuple[str, ...] = ()  # without a tagger, the endings of a verb ("comparing", "acted")
    hearsay_passives: frozenset[str] = frozenset()  # "is said to be", "are believed to have": hearsay, rumored
    infinitive_markers: frozenset[str] = frozenset()  # "to" after a hearsay participle
    report_nouns: frozenset[str] = frozenset()  # "Berichten zufolge", "according to reports": unnamed media
    source_nouns: frozenset[str] = frozenset()  # "sources said": unnamed private sources (witness), unless official
    negated_evidence: frozenset[str] = frozenset()  # "keinen Hinweis darauf, dass …": the clause after is negated
    negation_neutral: frozenset[str] = frozenset()  # "will not hesitate to arrest": the negation is the verb's own
    future_auxiliaries: frozenset[str] = frozenset()  # "werde … schicken": with a clause-final infinitive, planned
    plural_pronouns: frozenset[str] = frozenset()  # "they said": the last group named before
    contrast_words: frozenset[str] = frozenset()  # "…, while Y said 27": a second claim, not the first one's content
    np_adjective_endings: tuple[str, ...] = ()  # endings of lowercase adjectives inside a phrase
    trailing_cue_clause: bool = False  # "…, the ministry said": content before the comma even when not verb-first
    bare_complementizer: bool = False  # "said on Sunday that …": a complementizer opens the content without a comma
    bare_speakers: bool = False  # lower-cased archives: the plain words between a clause start and the cue speak
    report_source_links: frozenset[str] = frozenset()  # "nach Angaben aus Khartum": the source follows this word
    finite_verb_suffixes: tuple[str, ...] = ()  # with bare_complementizer: endings that show a clause after the cue
    negation_prefixes: tuple[str, ...] = ()  # a trigger word that starts with one is negated ("nichtöffentlich")
    np_chain_endings: tuple[str, ...] = ()  # a lowercase word before such an adjective that continues the phrase
    infinitive_governors: frozenset[str] = frozenset()  # lemmas that frame an infinitive clause as said ("forderte X auf, … zu …")
    purpose_conjunctions: frozenset[str] = frozenset()  # "um … zu": an infinitive clause of purpose, not of speech
    konjunktiv_anaphoric_cues: frozenset[str] = frozenset()  # "Danach habe …": points back to a source with Konjunktiv I only
    possessive_determiners: frozenset[str] = frozenset()  # "Seiner Meinung nach …": the owner is the source
    subordinator_tags: frozenset[str] = frozenset()  # the tagger's tags of "da", "weil", "nachdem" (and "dass")
    document_suffixes: tuple[str, ...] = ()  # "In einem Bericht … wurde vermutet": a passive's source is the document
    claim_noun_suffixes: tuple[str, ...] = ()  # "wies die Darstellung zurück, …": the content is the claim noun's
    predicative_particles: frozenset[str] = frozenset()  # "als": "X hat Y als „…“ bezeichnet", the quote is in the clause

    def is_pronoun(self, tok: Token) -> bool:
        """A pronoun that can stand for a speaker: listed ("er") or tagged so ("Dieser bestätigte")."""
        return tok.lower_ in self.person_pronouns or tok.lower_ in self.plural_pronouns or tok.lower_ in self.latter_pronouns \
            or (bool(tok.tag_) and tok.tag_ in self.pronoun_tags and tok.lower_ not in self.thing_pronouns)

    @classmethod
    def load(cls, lang: str) -> AttributionLexicon:
        """Read `lang/<lang>/attribution.json` (once per file version: the extractors share one lexicon, and with it
        the token facts and cues found per document)."""
        path = Path(language_data(lang, "attribution.json"))
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        lex = _LOADED.get(key)
        if lex is None:
            lex = _LOADED[key] = cls.from_dict(json.loads(path.read_text("utf-8")))
        return lex

    @classmethod
    def from_dict(cls, d: dict) -> AttributionLexicon:
        """Build the lexicon from the parsed data file: every word list by its field name, lower-cased."""
        mod = d["modality"]
        order = ("rumor", "witness", "media", "official")
        kinds = tuple(
            (k, frozenset(d["source_kinds"][k].get("words", [])), tuple(d["source_kinds"][k].get("suffixes", [])))
            for k in order if k in d["source_kinds"]
        )
        special = MODALITY_LISTS + TAG_LISTS
        words = {f.name: frozenset(w.lower() for w in d.get(f.name, []))
                 for f in fields(cls) if f.type == "frozenset[str]" and f.name not in special}
        return cls(
            **words,
            **{name: frozenset(mod.get(name, [])) for name in MODALITY_LISTS},
            **{name: frozenset(d.get(name, [])) for name in TAG_LISTS},  # tags keep their case
            quote_pairs=tuple((a, b) for a, b in d["quote_pairs"]),
            min_direct_words=int(d.get("min_direct_words", 3)),
            cue_particles={k: frozenset(v) for k, v in d.get("cue_particles", {}).items()},
            nach_cue_suffixes=tuple(d.get("nach_cue_suffixes", [])),
            nach_word=d.get("nach_word", ""),
            so_cue=d.get("so_cue", ""),
            wie_cue=d.get("wie_cue", ""),
            source_kinds=kinds,
            modality_words={k: frozenset(v["words"]) for k, v in mod.items() if isinstance(v, dict)},
            np_adjective_endings=tuple(d.get("np_adjective_endings", ())),
            trailing_cue_clause=bool(d.get("trailing_cue_clause", False)),
            bare_complementizer=bool(d.get("bare_complementizer", False)),
            bare_speakers=bool(d.get("bare_speakers", False)),
            finite_verb_suffixes=tuple(d.get("finite_verb_suffixes", ())),
            negation_prefixes=tuple(d.get("negation_prefixes", ())),
            np_chain_endings=tuple(d.get("np_chain_endings", ())),
            untagged_verb_suffixes=tuple(d.get("untagged_verb_suffixes", ())),
            document_suffixes=tuple(d.get("document_suffixes", ())),
            claim_noun_suffixes=tuple(d.get("claim_noun_suffixes", ())),
        )


_LOADED: dict[tuple[str, int, int], AttributionLexicon] = {}  # by data file (path, mtime, size)


@dataclass
class Cue:
    """A reporting cue in a sentence: its tokens, the speaker phrase and the reported content (token ranges)."""

    start: int
    end: int
    text: str
    kind: str  # verb | prep | post | nach | so | impersonal
    speaker: tuple[int, int] | None = None
    content: tuple[int, int] | None = None
    tokens: list[int] = field(default_factory=list)
    local: tuple[int, int] | None = None  # a phrase in the cue that refers to the speaker ("eigenen Angaben")


def quote_marks_only(text: str) -> bool:
    """Whether a token's text is quotation marks only."""
    return not text.strip(QUOTE_STRING)


def is_break(tok: Token) -> bool:
    """True for punctuation that ends a clause or a noun phrase."""
    text = tok.text
    return text in PUNCT_BREAKS or text in SENT_END or quote_marks_only(text)


def _is_quote_mark(tok: Token) -> bool:
    return quote_marks_only(tok.text)


def _is_cap(tok: Token) -> bool:
    return tok.text[:1].isupper() or tok.text[:1].isdigit()


def _is_head(tok: Token, lex: AttributionLexicon) -> bool:
    """A word that can head a speaker phrase: a noun or name (by tag when tagged, else capitalised or listed)."""
    if tok.lower_ in lex.non_speaker_nouns:
        return False
    if tok.pos_ and tok.pos_ in ("ADJ", "ADV", "VERB", "AUX", "ADP", "CCONJ", "SCONJ", "PART", "NUM") \
            and not _mistagged_name(tok) and not nominal_adjective(tok, lex):
        return False
    return _is_cap(tok) or tok.lower_ in lex.np_nouns


def nominal_adjective(tok: Token, lex: AttributionLexicon) -> bool:
    """A capitalised adjective after a determiner with no noun after it: a person ("der 58-Jährige", "die Angeklagte")."""
    doc = tok.doc
    if tok.pos_ != "ADJ" or not tok.text.rsplit("-", 1)[-1][:1].isupper() or tok.i == 0 \
            or doc[tok.i - 1].lower_ not in lex.determiners:
        return False
    return tok.i + 1 >= len(doc) or doc[tok.i + 1].pos_ not in ("NOUN", "PROPN", "ADJ")


def _mistagged_name(tok: Token) -> bool:
    """A capitalised word inside a sentence tagged as adverb or verb: a name the tagger did not know ("so Elshorst")."""
    return tok.pos_ in ("ADV", "VERB") and tok.text[:1].isupper() and not tok.is_sent_start and tok.i > 0 \
        and not (tok.doc[tok.i - 1].is_space or tok.doc[tok.i - 1].text in SENT_END
                 or quote_marks_only(tok.doc[tok.i - 1].text))


def _np_word(tok: Token, lex: AttributionLexicon, sent_start: int) -> bool:
    """Could this token be inside a speaker noun phrase?"""
    low = tok.lower_
    if is_break(tok) or low in lex.np_stop_words or low in lex.auxiliaries:
        return False
    if low in lex.determiners or low in lex.genitive_links:
        return True
    if tok.pos_ and tok.pos_ not in ("X", "SPACE", ""):
        return tok.pos_ in ("NOUN", "PROPN", "ADJ", "DET", "NUM") or _mistagged_name(tok)
    if _is_cap(tok):
        return not (tok.i == sent_start and low in lex.sentence_adverbs)
    if low in lex.np_nouns:
        return True
    # lowercase adjective inside an NP: "der frühere Ministerpräsident"
    if not lex.np_adjective_endings or not low.endswith(lex.np_adjective_endings) or low in lex.cue_verbs \
            or low in lex.konjunktiv_forms:
        return False
    doc = tok.doc
    prev_ok = tok.i > 0 and (doc[tok.i - 1].lower_ in lex.determiners or doc[tok.i - 1].lower_ in lex.genitive_links
                             or (not _is_cap(doc[tok.i - 1]) and doc[tok.i - 1].lower_.endswith(lex.np_chain_endings)))
    next_ok = tok.i + 1 < len(doc) and _is_cap(doc[tok.i + 1]) and not is_break(doc[tok.i + 1])
    return prev_ok or next_ok


def _trim_np(doc: Doc, start: int, end: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """Strip dangling determiners/links from both ends; None if no capitalised head remains."""
    while start < end and (doc[end - 1].lower_ in (lex.determiners | lex.genitive_links) or not _is_head(doc[end - 1], lex)):
        end -= 1
    while start < end and not (_is_head(doc[start], lex) or doc[start].lower_ in lex.determiners
                               or lex.is_pronoun(doc[start])):
        start += 1
    if start >= end:
        return None
    if not any(_is_head(doc[i], lex) or lex.is_pronoun(doc[i]) for i in range(start, end)):
        return None
    return start, end


def forward_np(doc: Doc, i: int, limit: int, lex: AttributionLexicon, sent_start: int) -> tuple[int, int] | None:
    """The noun phrase (or pronoun) starting at token i, ending before `limit`."""
    if i >= limit:
        return None
    if lex.is_pronoun(doc[i]):
        return i, i + 1
    j = i
    while j < limit:
        if j > i and doc[j - 1].lower_ in lex.determiners and doc[j].lower_ in lex.prepositions_before_np:
            # "die in New York geborene Lopez": a phrase inside a participle attribute
            adj = next((m for m in range(j + 2, min(limit, j + 8)) if doc[m].pos_ == "ADJ"
                        and doc[m - 1].pos_ in ("NOUN", "PROPN")), None)
            if adj is None or any(is_break(doc[m]) for m in range(j, adj)):
                break
            j = adj
        elif j > i and j + 1 < limit and doc[j - 1].lower_ in lex.determiners and doc[j].pos_ == "ADV" \
                and doc[j + 1].pos_ == "ADJ" and not is_break(doc[j]):
            j += 1  # "einer gestern verbreiteten Erklärung": an adverb inside the adjective's phrase
        elif _np_word(doc[j], lex, sent_start) and not (j > i and _starts_next_np(doc, j, lex)):
            j += 1
        else:
            break
    return _trim_np(doc, i, j, lex)


def _starts_next_np(doc: Doc, j: int, lex: AttributionLexicon) -> bool:
    """A determiner right after a noun that is no genitive link opens a second phrase ("der Chef alle Vorwürfe")."""
    tok = doc[j]
    return tok.pos_ == "DET" and tok.lower_ not in lex.genitive_links and doc[j - 1].pos_ in ("NOUN", "PROPN")


def backward_np(doc: Doc, i: int, floor: int, lex: AttributionLexicon, sent_start: int) -> tuple[int, int] | None:
    """The noun phrase (or pronoun) ending just before token i, not reaching below `floor`."""
    if i - 1 < floor:
        return None
    if lex.is_pronoun(doc[i - 1]):
        return i - 1, i
    j = i
    while j - 1 >= floor and _np_word(doc[j - 1], lex, sent_start):
        j -= 1
    if j - 1 >= floor and doc[j - 1].lower_ in lex.prepositions_before_np:
        return None
    span = _trim_np(doc, j, i, lex)
    if span and span[1] - span[0] == 1 and doc[span[0]].i == sent_start and doc[span[0]].lower_ in lex.sentence_adverbs:
        return None
    return span


def _reported_after(doc: Doc, ce: int, sent: Span, lex: AttributionLexicon) -> bool:
    """A comma at ce and a reported clause after it ("dass …", Konjunktiv I, "… zu tun"), not the main clause going on."""
    end = _content_end(sent)
    if ce + 1 >= end or doc[ce].text != "," or doc[ce + 1].pos_ in ("VERB", "AUX"):
        return False
    return doc[ce + 1].lower_ in lex.complementizers or konjunktiv_one(doc, ce + 1, end, lex) \
        or infinitive_clause(doc, ce + 1, end, lex)


def _governed(doc: Doc, np: tuple[int, int], floor: int, lex: AttributionLexicon) -> bool:
    """The phrase stands in a prepositional phrase: a preposition right before it, past its modifiers."""
    k = np[0] - 1
    while k > floor and doc[k].lower_ not in lex.prepositions_before_np and (doc[k].pos_ in ("ADJ", "ADV", "DET", "PART") or (
            doc[k].lower_ in lex.coordinators and k - 1 > floor and doc[k - 1].pos_ in ("NOUN", "PROPN"))):
        k -= 2 if doc[k].lower_ in lex.coordinators else 1  # "auf Spekulationen und den schwachen Dollar"
    return k >= floor and doc[k].lower_ in lex.prepositions_before_np


def _agrees(verb: Token, np: tuple[int, int], doc: Doc) -> bool:
    """The phrase's head noun does not clash in number with the finite verb (unknown number agrees)."""
    head = next((doc[k] for k in range(np[1] - 1, np[0] - 1, -1) if doc[k].pos_ in ("NOUN", "PROPN")), None)
    if head is None or np[1] - np[0] > 3 and head.i > np[0] + 2:
        head = doc[np[0] + 1] if np[1] - np[0] > 1 and doc[np[0] + 1].pos_ in ("NOUN", "PROPN") else head
    have = set(verb.morph.get("Number", [])) & set(head.morph.get("Number", [])) if head is not None else {"?"}
    return head is None or not verb.morph.get("Number", []) or not head.morph.get("Number", []) or bool(have)


def _phrase_after_clause(doc: Doc, s0: int, cs: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """A phrase without a verb between the comma after a finished clause and the comma at cs - 1 ("X wies das zurück,
    die Sprecherin der Fraktion, Anna Berg, erklärte: …"): the subject of the verb after cs - 1."""
    last = next((k for k in range(cs - 2, s0 - 1, -1) if doc[k].pos_ in ("VERB", "AUX")), None)
    if last is None or doc[cs - 1].text != ",":
        return None
    comma = next((k for k in range(last + 1, cs - 1) if doc[k].text == ","), None)
    if comma is None or not no_verb(doc, comma + 1, cs - 1, quoted_names=True):
        return None
    np = first_np(doc, comma + 1, cs - 1, lex, s0)
    if np is None or np[0] != comma + 1 or doc[np[0]].lower_ in lex.object_determiners:
        return None
    return np


def _subject_with_relative(doc: Doc, s0: int, cs: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """The phrase that opens the sentence when a relative clause after it fills the rest up to the comma at cs - 1
    ("Der Verband, der die Liste führt, begründete …"): the subject of the verb right after that comma (a fronted
    object would show its case: "Den Plan, den …")."""
    np = first_np(doc, s0, cs, lex, s0)
    if np is None or np[1] + 2 >= cs - 1 or doc[np[1]].text != "," or doc[np[1] + 1].tag_ not in lex.relative_tags:
        return None
    if doc[np[0]].lower_ in lex.object_determiners or lex.is_pronoun(doc[np[0]]) or doc[cs - 1].text != ",":
        return None
    if any(doc[k].pos_ in ("VERB", "AUX") for k in range(s0, np[0])) or doc[cs - 2].pos_ not in ("VERB", "AUX"):
        return None  # the phrase must open the main clause, and the relative clause end in its verb
    return np


def _antecedent(doc: Doc, comma: int, floor: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """The noun phrase right before the comma that opens a relative clause, even inside a prepositional phrase."""
    j = comma
    while j - 1 >= floor and _np_word(doc[j - 1], lex, floor):
        j -= 1
    return _trim_np(doc, j, comma, lex) if j < comma else None


def clause_bounds(doc: Doc, i: int, sent: Span, lex: AttributionLexicon | None = None) -> tuple[int, int]:
    """Token range of the clause around token i, delimited by clause punctuation or quote marks (not those of a
    quoted name or, with `lex`, of a quoted predicate: "X hat Y als „…“ bezeichnet")."""
    s, first = i, first_word(sent)
    while s > first:
        if not is_break(doc[s - 1]):
            s -= 1
            continue
        o = None
        if _is_quote_mark(doc[s - 1]):
            o = _quoted_name_start(doc, s - 1, first)
            if o is None and lex is not None:
                o = _quoted_predicate_start(doc, s - 1, first, lex)
        elif doc[s - 1].text == ")":
            o = _aside_start(doc, s - 1, first)  # "hat Staatssekretär Paul Berg (Grüne) gefordert"
        if o is None:
            break
        s = o  # "Die Zeitung „Der Bote“ berichtete": a quoted name inside a phrase does not end the clause
    e = i + 1
    while e < sent.end and not is_break(doc[e]):
        e += 1
    return s, e


def _quoted_name_start(doc: Doc, close: int, first: int) -> int | None:
    """The opening mark of a short quoted name that closes at token `close` and stands inside a phrase ("die Zeitung
    „Der Bote“", "im „Boten“"), else None: a name has no verb and follows a word of its phrase."""
    o = next((k for k in range(close - 1, max(first, close - 7) - 1, -1) if _is_quote_mark(doc[k])), None)
    if o is None or o == close - 1 or o <= first:
        return None
    inner = doc[o + 1:close]
    if any(t.pos_ in ("VERB", "AUX", "ADV", "PRON") or is_break(t) for t in inner):
        return None
    if not (inner[0].text[:1].isupper() or any(t.pos_ == "PROPN" for t in inner)):
        return None  # "eine „zentrale Bilddatenbank“" is a quoted phrase, not a name
    return o if doc[o - 1].pos_ in ("DET", "NOUN", "PROPN", "ADJ", "ADP") and not is_break(doc[o - 1]) else None


def _aside_start(doc: Doc, close: int, first: int) -> int | None:
    """The "(" of a short aside without a verb that closes at token `close` and follows a word ("Paul Berg (Grüne)")."""
    o = next((k for k in range(close - 1, max(first, close - 6) - 1, -1) if doc[k].text == "("), None)
    if o is None or o <= first or o == close - 1 or is_break(doc[o - 1]):
        return None
    return o if not any(t.pos_ in ("VERB", "AUX") or is_break(t) for t in doc[o + 1:close]) else None


def _quoted_predicate_start(doc: Doc, close: int, first: int, lex: AttributionLexicon) -> int | None:
    """The "als" before a quotation that closes at token `close` ("als „Verrat“ bezeichnet"), else None."""
    o = next((k for k in range(close - 1, max(first, close - 40) - 1, -1) if _is_quote_mark(doc[k])), None)
    if o is None or o - 1 <= first or doc[o - 1].lower_ not in lex.predicative_particles:
        return None
    return o - 1


def _content_end(sent: Span) -> int:
    e = sent.end
    while e > sent.start and (doc_text := sent.doc[e - 1].text) and (doc_text in SENT_END or quote_marks_only(doc_text)):
        e -= 1
    return e


def has_konjunktiv(doc: Doc, start: int, end: int, lex: AttributionLexicon, strong: bool = False) -> bool:
    """Does the token range contain a Konjunktiv form (morphology when present, else the word-form list)?"""
    start, end, _ = slice(start, end).indices(len(doc))  # what doc[start:end] covers
    facts = doc_facts(doc, lex)
    found = facts.konjunktiv_strong if strong else facts.konjunktiv
    k = bisect_left(found, start)
    return k < len(found) and found[k] < end


def konjunktiv_one(doc: Doc, start: int, end: int, lex: AttributionLexicon) -> bool:
    """A verb in Konjunktiv I (a listed strong form, or Mood=Sub without Tense=Past) in tokens [start, end)."""
    found = doc_facts(doc, lex).konjunktiv_one
    k = bisect_left(found, start)
    return k < len(found) and found[k] < end


@dataclass
class DocFacts:
    """What attribution asks of every token, found in one pass over a document: cue candidates, Konjunktiv forms."""

    lex: AttributionLexicon
    cue_tokens: list[int]  # tokens that can open a cue: a listed cue word, or a verb whose lemma is a cue
    konjunktiv: list[int]  # Mood=Sub or a listed Konjunktiv form
    konjunktiv_strong: list[int]  # the same without "würde", "wäre" (or a listed strong form)
    konjunktiv_one: list[int]  # verbs in Konjunktiv I
    commas: list[int]  # ","
    pointers: list[int]  # words that can point back to a source ("Demnach", "Danach", "Seiner")
    cues: dict[tuple[int, int], list[Cue]] = field(default_factory=dict)  # by sentence (start, end)


_MORPH_FLAGS: dict[int, int] = {}  # morph key: SUB | PAST
_WORD_FLAGS: dict[int, tuple[AttributionLexicon, dict[int, int], dict[int, int]]] = {}  # id(lex): memos by hash
CUE_WORD, KONJ_FORM, KONJ_STRONG, WEAK_FORM, SUB, PAST, COMMA, POINTER = 1, 2, 4, 8, 16, 32, 64, 128


def _morph_flags(strings: StringStore, key: int) -> int:
    flags = _MORPH_FLAGS.get(key)
    if flags is None:
        feats = dict(f.split("=", 1) for f in strings[key].split("|") if "=" in f) if key else {}
        flags = _MORPH_FLAGS[key] = ("Sub" in feats.get("Mood", "").split(",") and SUB) \
            | ("Past" in feats.get("Tense", "").split(",") and PAST)
    return flags


def _word_flags(lex: AttributionLexicon, low: str) -> int:
    cue = low in lex.preposition_cues or low in lex.postposition_cues or low == lex.nach_word or low == lex.so_cue \
        or low in lex.cue_verbs
    return (cue and CUE_WORD) | (low in lex.konjunktiv_forms and KONJ_FORM) \
        | (low in lex.konjunktiv_strong and KONJ_STRONG) | (low in lex.weak_konjunktiv and WEAK_FORM) | (low == "," and COMMA) \
        | ((low in lex.anaphoric_cues or low in lex.konjunktiv_anaphoric_cues or low in lex.possessive_determiners)
           and POINTER)


def _per_token(column: np.ndarray, flags_of: Callable[[int], int]) -> np.ndarray:
    """Flags for every token, each distinct hash in the column looked up once."""
    distinct, where = np.unique(column, return_inverse=True)
    return np.array([flags_of(int(h)) for h in distinct], dtype=np.int64)[where.reshape(-1)]


def doc_facts(doc: Doc, lex: AttributionLexicon) -> DocFacts:
    """The token facts of `doc` for `lex`, found on first use and kept in `doc.user_data`."""
    store = doc.user_data.setdefault(FACTS_KEY, {})
    facts = store.get(id(lex))
    if facts is None or facts.lex is not lex:
        facts = store[id(lex)] = _scan(doc, lex)
    return facts


def _scan(doc: Doc, lex: AttributionLexicon) -> DocFacts:
    memo = _WORD_FLAGS.get(id(lex))
    if memo is None or memo[0] is not lex:
        memo = _WORD_FLAGS[id(lex)] = (lex, {}, {})
    _, words, lemmas = memo
    strings = doc.vocab.strings

    def word(h: int) -> int:
        flags = words.get(h)
        if flags is None:
            flags = words[h] = _word_flags(lex, strings[h])
        return flags

    def lemma_cue(h: int) -> int:
        flags = lemmas.get(h)
        if flags is None:
            flags = lemmas[h] = CUE_WORD if h and strings[h].lower() in lex.cue_verbs else 0
        return flags

    if len(doc) == 0:
        return DocFacts(lex, [], [], [], [], [], [])
    rows = doc.to_array([LOWER, POS, LEMMA, MORPH])
    w = _per_token(rows[:, 0], word)
    verb = (rows[:, 1] == VERB) | (rows[:, 1] == AUX)
    m = _per_token(rows[:, 3], lambda h: _morph_flags(strings, h))
    cue = (w & CUE_WORD != 0) | (verb & (_per_token(rows[:, 2], lemma_cue) != 0))
    sub = m & SUB != 0
    strong = w & KONJ_STRONG != 0
    return DocFacts(
        lex,
        np.flatnonzero(cue).tolist(),
        np.flatnonzero(sub | (w & KONJ_FORM != 0)).tolist(),
        np.flatnonzero((sub & (w & WEAK_FORM == 0)) | strong).tolist(),
        np.flatnonzero(verb & (strong | (sub & (m & PAST == 0)))).tolist(),
        np.flatnonzero(w & COMMA != 0).tolist(),
        np.flatnonzero(w & POINTER != 0).tolist(),
    )


def first_word(sent: Span) -> int:
    """The sentence's first token that is not whitespace (a double space after a full stop opens the next one)."""
    k = sent.start
    while k < sent.end - 1 and sent.doc[k].is_space:
        k += 1
    return k


def find_cues(doc: Doc, sent: Span, lex: AttributionLexicon) -> list[Cue]:
    """All reporting cues in a sentence, with speaker and content token ranges (found once, then kept with the doc)."""
    facts = doc_facts(doc, lex)
    cues = facts.cues.get((sent.start, sent.end))
    if cues is None:
        cues = facts.cues[sent.start, sent.end] = _find_cues(doc, sent, lex, facts.cue_tokens)
    return list(cues)


def _find_cues(doc: Doc, sent: Span, lex: AttributionLexicon, candidates: list[int]) -> list[Cue]:
    """The cues of `find_cues`, looked for only at the candidate tokens (no other token can open one)."""
    cues: list[Cue] = []
    k: int | None  # a token index, or None when a search finds nothing
    s0, s1 = first_word(sent), sent.end
    for c in range(bisect_left(candidates, sent.start), bisect_left(candidates, s1)):
        tok = doc[candidates[c]]
        low = tok.lower_
        lemma = tok.lemma_.lower() if tok.lemma_ else ""
        i = tok.i
        if low in lex.preposition_cues and i + 1 < s1:
            k = i + 1  # "according to": particles that complete the preposition
            while k < s1 - 1 and doc[k].lower_ in lex.cue_particles.get(low, ()):
                k += 1
            quoted = k < s1 - 1 and _is_quote_mark(doc[k])  # "laut „Radio Bremen“": a quoted name
            sp = forward_np(doc, k + quoted, s1, lex, s0)
            if sp is None and k < s1 - 1 and (doc[k].like_url or doc[k].pos_ in ("NOUN", "PROPN")):
                sp = (k, k + 1)  # "laut ndr.de", "laut ai-Bericht": a source written in lower case
            sp = _before_number(doc, _with_hedge(doc, sp, lex))  # "laut Atmar neun …": Atmar
            if sp:
                after = sp[1] + (quoted and sp[1] < s1 and _is_quote_mark(doc[sp[1]]))
                cues.append(Cue(i, k, doc[i:k].text, "prep", sp, _rest(doc, sent, i, after, lex)))
        elif low in lex.postposition_cues:
            sp = _with_hedge(doc, backward_np(doc, i, s0, lex, s0), lex)
            if sp:
                cues.append(Cue(i, i + 1, tok.text, "post", sp, _rest(doc, sent, sp[0], i + 1, lex)))
        elif low == lex.nach_word and i + 1 < s1:
            k = next((k for k in range(i + 1, min(i + 4, s1))
                      if doc[k].lower_ in lex.nach_cues or (lex.nach_cue_suffixes and doc[k].lower_.endswith(lex.nach_cue_suffixes))), None)
            if k is not None:
                sp = forward_np(doc, i + 1, s1, lex, s0) or (i + 1, k + 1)
                # "nach Behördenangaben 62 Personen": the source ends before a number
                end = max(_before_number(doc, (k, sp[1]))[1], k + 1)  # type: ignore[index]
                speaker = (k + 2, end) if end > k + 2 and doc[k + 1].lower_ in lex.genitive_links else (i + 1, end)
                if k + 1 < s1 and doc[k + 1].lower_ in lex.report_source_links:
                    src = forward_np(doc, k + 2, s1, lex, s0)  # "Nach Angaben aus Khartum wurden …"
                    speaker, end = (src, src[1]) if src else (speaker, end)
                local = None
                if any(doc[m].lower_ in lex.self_reference for m in range(i + 1, k)):
                    local = (i + 1, k + 1)  # "X schickte nach eigenen Angaben …": the phrase points to the subject
                    speaker = first_np(doc, s0, i, lex, s0) or speaker
                cues.append(Cue(i, i + 1, tok.text, "nach", speaker, _rest(doc, sent, i, end, lex), local=local))
        elif low == lex.so_cue and i > s0 and doc[i - 1].text == "," and i + 1 < s1:
            sp = forward_np(doc, i + 1, s1, lex, s0)
            after = _phrase_end(doc, sp[1], s1, lex) if sp else s1
            if sp and (after >= s1 or is_break(doc[after])):
                cues.append(Cue(i, i + 1, tok.text, "so", sp, _before(doc, sent, i - 1)))
        elif (tok.pos_ == "ADJ" and i + 1 < s1 and doc[i + 1].pos_ in ("NOUN", "PROPN")) or tok.pos_ in ("DET", "PRON") \
                or (tok.pos_ in ("NOUN", "PROPN") and tok.text[:1].isupper() and i > s0):
            continue  # "nicht näher bezeichnete Quellen", "meinen Geist", "Berichten zufolge": a cue word used otherwise
        elif "Inf" in tok.morph.get("VerbForm", []) and i > s0 and doc[i - 1].pos_ == "PART":
            continue  # "hätte das Dekret zu bestätigen": an infinitive with its particle reports nothing
        elif low in lex.cue_verbs or (lemma and tok.pos_ in ("VERB", "AUX") and lemma in lex.cue_verbs
                                         and lemma not in lex.cue_particles and low not in lex.konjunktiv_forms):
            cue = _verb_cue(doc, sent, tok, lex)
            if cue:
                cues.append(cue)
    verbs = [c.start for c in cues if c.kind == "verb" and (c.content is not None or _quote_follows(doc, c.end, s1))]
    # "Laut X sagte Y, dass …": the verb's speaker said it; a phrase cue around a reporting verb only relays
    # (a verb without content, "forderte … ein Anschlag", "die Polizei spricht von …", relays nothing)
    return [c for c in cues if c.kind == "verb" or not (c.content and any(c.content[0] <= v < c.content[1] for v in verbs))]


def _with_hedge(doc: Doc, sp: tuple[int, int] | None, lex: AttributionLexicon) -> tuple[int, int] | None:
    """A speaker phrase with the rumour words right before it ("Unbestätigten Berichten zufolge"): they decide its kind."""
    if sp is None:
        return None
    rumor = next((words for kind, words, _ in lex.source_kinds if kind == "rumor"), frozenset())
    a = sp[0]
    while a > 0 and doc[a - 1].lower_ in rumor:
        a -= 1
    return (a, sp[1])


def _before_number(doc: Doc, sp: tuple[int, int] | None) -> tuple[int, int] | None:
    """A speaker phrase cut before the first number in it: what follows the number is the counted noun."""
    if sp is None:
        return None
    cut = next((m for m in range(sp[0] + 1, sp[1]) if doc[m].like_num or doc[m].pos_ == "NUM"), sp[1])
    if sp[0] + 1 < cut < sp[1] and doc[cut - 1].pos_ in ("ADV", "ADJ") and not doc[cut - 1].text[:1].isupper():
        cut -= 1  # "der Veranstalter rund 7.000": the qualifier belongs to the number
    return (sp[0], cut)


def _agrees_with_plural(verb: Token, name: Token) -> bool:
    """A plural verb with a singular name after it: the name is its object ("Kritiker werfen Weber vor")."""
    return "Plur" in verb.morph.get("Number", []) and "Sing" in name.morph.get("Number", [])


def _quote_follows(doc: Doc, k: int, end: int) -> bool:
    """A colon or an opening quotation mark after token k in the sentence: the verb announces a quote (a mark
    followed by punctuation or the sentence end closes the quotation the verb stands in: "… vermutet“, so X")."""
    return any(doc[m].text == ":" or (_is_quote_mark(doc[m]) and not _closing_mark(doc, m, end)) for m in range(k, end))


def _closing_mark(doc: Doc, m: int, end: int) -> bool:
    """The quotation mark at m closes a quotation: punctuation or the sentence end follows it."""
    return m + 1 >= end or (doc[m + 1].is_punct and not _is_quote_mark(doc[m + 1]))


def _phrase_end(doc: Doc, k: int, limit: int, lex: AttributionLexicon) -> int:
    """The first token from k on that is not an adverb or a prepositional phrase ("sagte vor der Presse am Montag",
    "so Elshorst weiter", "… in einem Blog"): a prepositional phrase is never the speaker."""
    while k < limit:
        if doc[k].lower_ in lex.prepositions_before_np and (pp := forward_np(doc, k + 1, limit, lex, doc[k].sent.start)):
            k = pp[1]
        elif doc[k].lower_ in lex.skip_after_cue or (doc[k - 1].lower_ in lex.before_skipped_name and _is_cap(doc[k])):
            k += 1
        else:
            break
    return k


def _rest(doc: Doc, sent: Span, a: int, b: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """Content of a phrase cue: the sentence without the cue phrase [a, b) when it opens or closes the sentence."""
    end = _content_end(sent)
    s = sent.start
    while s < end and quote_marks_only(doc[s].text):
        s += 1
    if a <= s:
        rng = (b + 1 if b < end and doc[b].text == "," else b, end)
    elif b >= end:
        rng = (s, a - 1 if a > s and doc[a - 1].text == "," else a)
    else:
        rng = (s, end)
    return rng if rng[1] - rng[0] >= 3 else None


def _before(doc: Doc, sent: Span, comma: int) -> tuple[int, int] | None:
    s = sent.start
    return (s, comma) if comma - s >= 3 else None


def _verb_cue(doc: Doc, sent: Span, tok: Token, lex: AttributionLexicon) -> Cue | None:
    """A reporting verb, with its particle if separable, its subject and its complement clause."""
    i, s0, s1 = tok.i, first_word(sent), sent.end
    low = tok.lower_
    cs, ce = clause_bounds(doc, i, sent, lex)
    k: int | None  # a token index, or None when a search finds nothing
    toks = [i]
    if low in lex.cue_particles:
        pe = ce  # the particle may stand after a quoted word: "wies die Vorwürfe als „haltlos“ zurück"
        while pe < s1 and not (doc[pe].text in PUNCT_BREAKS or doc[pe].text in SENT_END):
            pe += 1
        part = next((k for k in range(i + 1, pe) if doc[k].lower_ in lex.cue_particles[low]), None)
        if part is None and i > cs and doc[i - 1].lower_ in lex.cue_particles[low]:
            part = i - 1  # a verb-final clause: "wie die Stadt bekannt gab"
        if part is None and low not in lex.particle_optional:
            return None
        if part is not None:
            toks.append(part)
    text = " ".join(doc[k].text for k in toks)
    impersonal = low in lex.impersonal_cues
    # subject: after the verb when the verb opens its clause or follows a fronted element, else before it
    j = _phrase_end(doc, i + 1, ce, lex)
    fwd = forward_np(doc, j, ce, lex, s0) if j < ce and doc[j].lower_ not in lex.object_determiners else None
    if fwd is None and j < ce:  # "schreibt die „Tageszeitung“": a quoted name after the verb
        k = j + (doc[j].lower_ in lex.determiners)
        name = forward_np(doc, k + 1, s1, lex, s0) if k + 1 < s1 and _is_quote_mark(doc[k]) else None
        fwd = (j, name[1] + (name[1] < s1 and _is_quote_mark(doc[name[1]]))) if name else None
    b = min(toks)  # a particle before the verb ("bekannt gab") belongs to it
    while b - 1 > cs and (doc[b - 1].lower_ in lex.skip_after_cue or doc[b - 1].lower_ in lex.auxiliaries):
        b -= 1
    bwd = backward_np(doc, b, cs, lex, s0)
    if bwd is None and b - 1 > cs and _is_quote_mark(doc[b - 1]) and (o := _quoted_name_start(doc, b - 1, cs)) is not None:
        bwd = backward_np(doc, o, cs, lex, s0)  # "Ein Sprecher der Firma „Nordwind“ bezeichnete …"
    if bwd is None and b - 1 > cs and doc[b - 1].text == ")" and (o := _aside_start(doc, b - 1, cs)) is not None:
        bwd = backward_np(doc, o, cs, lex, s0)  # "Die Ministerin Anna Berg (SPD) äußerte …"
    if bwd is None and b - 1 > cs and _is_quote_mark(doc[b - 1]) and (o := _quoted_predicate_start(doc, b - 1, cs, lex)) is not None:
        bwd = first_np(doc, cs, o, lex, s0)  # "…, weil die Regierung das Land als „…“ bezeichnet": the clause's subject
    opens = cs == s0 or doc[cs - 1].text in PUNCT_BREAKS or quote_marks_only(doc[cs - 1].text)
    if bwd is None and lex.bare_speakers and opens and i > cs and doc[i - 1].lower_ not in lex.auxiliaries:
        bwd = _bare_phrase(doc, cs, i, lex)  # "jaitley said police arrested …", "…, tuteja said."
    if bwd is None and b < i:
        bwd = first_np(doc, cs, b, lex, s0)
    elif bwd is None:
        k = b
        while k - 1 > cs and _np_word(doc[k - 1], lex, s0):
            k -= 1
        opens_np = doc[cs].lower_ in lex.determiners and doc[cs].lower_ not in lex.object_determiners
        if (fwd is None or opens_np) and k - 1 > cs and doc[k - 1].lower_ in lex.prepositions_before_np:
            # "Das Ministerium in Bischkek erklärte", "Die Behörden vor Ort gehen von … aus": the phrase before the place
            np = first_np(doc, cs, k - 1, lex, s0)
            bwd = np if np and np[1] == k - 1 else None
    lead = cs
    while lead < i and (doc[lead].lower_ in lex.auxiliaries or doc[lead].lower_ in lex.skip_after_cue or doc[lead].lower_ == lex.so_cue):
        lead += 1
    aux = next((k for k in range(cs, i) if doc[k].lower_ in lex.auxiliaries), None)
    verb_first = lead == i and (i == cs or doc[cs - 1].text in PUNCT_BREAKS | QUOTE_CHARS)
    wie = _wie_before(doc, s0, cs, lex) if verb_first or (cs > s0 and doc[cs - 1].text in PUNCT_BREAKS) else None
    agent = (_passive_agent(doc, tok, cs, ce, lex) or _passive_document(doc, tok, cs, ce, lex)) if not impersonal else None
    if agent is None and not impersonal and i > cs and doc[i - 1].lower_ in lex.passive_auxiliaries \
            and low not in lex.passive_subject_cues:
        return None  # "no casualties were reported": a passive without its agent names no speaker
    speaker: tuple[int, int] | None
    local: tuple[int, int] | None = None
    spliced: tuple[int, int] | None = None  # a subject phrase after a finished clause: that clause is no content
    if agent is not None:
        speaker = agent  # "wurde von Minister Stolpe als unrealistisch bezeichnet"
    elif impersonal:
        speaker = fwd if fwd and j > i + 1 else None
        # "hieß es aus Regierungskreisen", "wie aus Regierungskreisen verlautete"
        if speaker is None:
            k = next((k for k in [*range(i + 1, ce), *range(cs, i)] if doc[k].lower_ in lex.impersonal_origins), None)
            speaker = forward_np(doc, k + 1, ce, lex, s0) if k is not None else None
        if speaker is None:  # "…, heißt es in dem Bericht"
            k = next((k for k in range(i + 1, ce) if doc[k].lower_ in lex.source_prepositions), None)
            speaker = forward_np(doc, k + 1, ce, lex, s0) if k is not None else None
        for start in (cs, s0):  # "In einer Erklärung des Ministeriums(, die …,) heißt es, …"
            if speaker is None and doc[start].lower_ in lex.source_prepositions:
                speaker = forward_np(doc, start + 1, i, lex, s0)
    elif wie is not None:
        w = wie + 2 if wie + 1 < cs and doc[wie + 1].lower_ in lex.source_prepositions else wie + 1
        speaker = forward_np(doc, w, cs, lex, s0)  # "…, wie Burt Rutan, Chef der Firma, mitteilte"; "Wie aus X hervorgeht"
    elif bwd is None and fwd is None and cs > s0 + 1 and doc[cs - 1].text == "," and doc[cs].tag_ in lex.relative_tags \
            and _reported_after(doc, ce, sent, lex) and (antecedent := _antecedent(doc, cs - 1, s0, lex)) is not None:
        speaker, local = antecedent, (cs, cs + 1)  # "…, ein General, der betonte, …": the relative's antecedent
    elif verb_first:
        speaker = fwd
        if speaker is None and lex.bare_speakers and j < ce and (ce >= _content_end(sent) or doc[ce].text == "("):
            speaker = _bare_phrase(doc, j, ce, lex)  # "…, said superintendent of police k l n rao."
        if cs > s0 and doc[cs].lower_ != lex.so_cue and (speaker is None or no_verb(doc, s0, cs - 1, quoted_names=True)):
            # "Oberst Arslan, Kommandeur der Truppen, hat angekündigt, …": the subject stands before the apposition
            spliced = _phrase_after_clause(doc, s0, cs, lex) if speaker is None else None
            before = spliced or first_np(doc, s0, cs, lex, s0)
            if before is not None and _quoted(doc, before, cs):
                before = None  # "…, eine echte Chance“, wird X zitiert": a phrase of the quotation is not its speaker
            after = _after_quote(doc, s0, cs)
            speaker = (first_np(doc, after, cs, lex, s0) if after > s0 else None) or before or speaker
        elif cs > s0 and (subject := _subject_with_relative(doc, s0, cs, lex)) is not None and _agrees(tok, subject, doc) \
                and (fwd is None or not _agrees(tok, fwd, doc)):
            speaker = subject  # "Der Verband, der die Liste führt, begründete die Schritte damit, …"
    elif aux is not None and i - aux > 1 and (np := first_np(doc, aux + 1, i, lex, s0)
                                               if aux == cs or lex.is_pronoun(doc[aux + 1]) else first_np(doc, cs, aux, lex, s0)):
        speaker = np  # "hatte Konzernchef Brandt in einem Interview gesagt", "X hat anlässlich … erklärt"
        if aux == cs and cs > s0 and doc[cs - 1].text == "," and no_verb(doc, s0, cs - 1, quoted_names=True):
            # "Der Fraktionschef, Paul Weber, hatte Lenz aufgefordert, …": the subject stands before the apposition
            speaker = first_np(doc, s0, cs, lex, s0) or speaker
    elif doc[cs].lower_ == lex.wie_cue and cs + 1 < i and doc[cs + 1].lower_ in lex.source_prepositions:
        speaker = forward_np(doc, cs + 2, i, lex, s0)  # "Wie aus einem Bericht der Polizei hervorgeht, …"
    elif i > cs and doc[i - 1].lower_ in lex.coordinators:
        speaker = first_np(doc, s0, i - 1, lex, s0)  # "X sprach von … und forderte, …"
    else:
        speaker = fwd if fwd and bwd and _governed(doc, bwd, cs, lex) else bwd or fwd  # "Unter Berufung auf Quellen gab X an"
        if fwd and j == i + 1 and fwd[1] - fwd[0] == 1 and doc[fwd[0]].lower_ in lex.person_pronouns \
                and not (bwd and lex.bare_complementizer):  # "the minister said he was …": he opens the content
            speaker = fwd  # "Die Bürger forderte er auf, …": a pronoun right after the verb is its subject
        elif fwd and bwd and doc[bwd[0]].lower_ in lex.object_determiners:
            speaker = fwd  # "Ihren Widersacher forderte May auf, …": a fronted object
        elif bwd and fwd and j == i + 1 and bwd[0] == s0 and _has_name(doc, *fwd) and not _has_name(doc, *bwd) \
                and not lex.is_pronoun(doc[bwd[0]]) and doc[bwd[0]].lower_ not in lex.subject_determiners \
                and doc[fwd[0]].lower_ not in lex.determiners and not _agrees_with_plural(tok, doc[fwd[1] - 1]):
            speaker = fwd  # "Der Zeitung sagte Oberst Arslan: …": a fronted dative, the bare name after the verb
        relative = doc[cs].tag_ in lex.relative_tags if doc[cs].tag_ and lex.relative_tags else doc[cs].lower_ in lex.relative_pronouns
        if bwd and cs > s0 and doc[cs - 1].text == "," and relative:
            speaker = fwd  # relative clause "..., die der Sender berichtete"
        elif bwd and fwd is None and doc[cs].tag_ in lex.subordinator_tags and \
                (pronoun := next((k for k in range(cs + 1, bwd[0]) if doc[k].lower_ in lex.person_pronouns), None)):
            speaker = (pronoun, pronoun + 1)  # "…, indem er seinem Arbeitgeber vorwarf, …": the pronoun, not the object
    # content: the other side of the cue clause
    end = _content_end(sent)
    content: tuple[int, int] | None = None
    if ce < end and doc[ce].text in (",", ":"):
        a = ce + 1
        if a < end and not quote_marks_only(doc[a].text):
            has_conj = doc[a].lower_ in lex.complementizers or has_konjunktiv(doc, a, end, lex) \
                or infinitive_clause(doc, a, end, lex)
            clause_final = max(toks) == ce - 1 or (speaker is not None and speaker[1] == ce)
            if has_conj or clause_final or (impersonal and doc[ce].text == ":"):  # "hieß es: …"
                content = (a, end)
    if content is None and lex.bare_complementizer:
        k = next((k for k in range(i + 1, min(ce, i + 8)) if doc[k].lower_ in lex.complementizers), None)
        if k is not None and end - (k + 1) >= 3 and not any(is_break(doc[m]) for m in range(i + 1, k)):
            content = (k + 1, end)
        elif k is None and speaker is not None and speaker == bwd and (ce == end or _contrast_after(doc, ce, end, lex)):
            # "Officials said 2,000 soldiers were deployed": a finite clause right after the cue
            # ("Police said 12 were killed, while …": up to the contrast, where the next claim begins)
            stop = ce
            a = max(toks) + 1
            while a < stop and doc[a].lower_ in lex.skip_after_cue:
                a += 1
            if stop - a >= 3 and any(doc[m].lower_ in lex.auxiliaries or (lex.finite_verb_suffixes and doc[m].lower_.endswith(lex.finite_verb_suffixes))
                                     for m in range(a, stop)):
                content = (a, stop)
    trailing = lex.trailing_cue_clause and speaker is not None and speaker == bwd and speaker[0] == cs
    if content is None and spliced is None and cs > s0 and doc[cs - 1].text == "," \
            and not no_verb(doc, s0, cs - 1, quoted_names=True) and (verb_first or trailing
                                                                    or (cs > s0 + 1 and doc[cs].lower_ == lex.wie_cue)):
        a, b = s0, (wie - 1 if wie is not None else cs - 1)
        if speaker is not None and a < speaker[0] < b:
            b = speaker[0]  # "„…“, wird X, Leiter der Y, zitiert": the content ends before the speaker
            while b > a and (is_break(doc[b - 1]) and not _is_quote_mark(doc[b - 1]) or doc[b - 1].lower_ in lex.auxiliaries):
                b -= 1
        while a < b and quote_marks_only(doc[a].text):
            a += 1
        while b > a and quote_marks_only(doc[b - 1].text):
            b -= 1
        if b - a >= 3:
            content = (a, b)
    if content is None and cs == s0 and doc[cs].lower_ == lex.wie_cue and ce < end and doc[ce].text == ",":
        content = (ce + 1, end)
    if speaker is None and not impersonal:
        return None
    return Cue(min(toks), max(toks) + 1, text, "impersonal" if impersonal else "verb", speaker, content, toks, local)


def infinitive_clause(doc: Doc, a: int, end: int, lex: AttributionLexicon) -> bool:
    """The clause from token a is an infinitive with "zu" ("…, die Grenze zu schließen"): what the cue asks or decides."""
    for tok in doc[a:end]:
        if is_break(tok):
            return False
        if tok.tag_ in lex.infinitive_tags:
            return True
    return False


def _quoted(doc: Doc, np: tuple[int, int], cs: int) -> bool:
    """A phrase followed by an odd number of quotation marks before cs: it stands inside a quotation."""
    return sum(1 for k in range(np[1], cs) if _is_quote_mark(doc[k])) % 2 == 1


def _after_quote(doc: Doc, s0: int, cs: int) -> int:
    """Where a speaker is first looked for in [s0, cs): after the last quotation mark ("„…“, wird X zitiert")."""
    return max((k for k in range(s0, cs) if _is_quote_mark(doc[k])), default=s0 - 1) + 1


def _contrast_after(doc: Doc, ce: int, end: int, lex: AttributionLexicon) -> bool:
    """The clause ends at a comma followed by a contrast word ("…, while the opposition said 27")."""
    return ce + 1 < end and doc[ce].text == "," and doc[ce + 1].lower_ in lex.contrast_words


def _passive_agent(doc: Doc, tok: Token, cs: int, ce: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """The agent phrase of a passive reporting participle ("von Beobachtern … kritisiert"), if the clause has one."""
    participle = "Part" in tok.morph.get("VerbForm", []) or tok.i == ce - 1  # clause-final after the auxiliary
    if not participle or tok.lower_ in lex.passive_subject_cues:
        return None
    if not any(doc[k].lower_ in lex.passive_auxiliaries for k in range(cs, tok.i)):
        return None
    for k in range(cs, ce - 1):
        # "die Seite von Amnesty" is a genitive, not an agent: the preposition must not follow a noun
        if doc[k].lower_ in lex.agent_prepositions and not (k > cs and doc[k - 1].pos_ in ("NOUN", "PROPN")):
            np = forward_np(doc, k + 1, ce, lex, doc[cs].sent.start)
            if np is not None:
                return np
    return None


def _passive_document(doc: Doc, tok: Token, cs: int, ce: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """The document or event a passive reporting participle is said in ("In einem Bericht … wurde vermutet", "auf
    einer Konferenz vorgeschlagen worden"): it stands for the speaker the passive leaves out."""
    participle = "Part" in tok.morph.get("VerbForm", []) or tok.i == ce - 1 or doc[tok.i - 1].lower_ in lex.passive_auxiliaries
    if not lex.document_suffixes or not participle or tok.lower_ in lex.passive_subject_cues:
        return None
    if not any(doc[k].lower_ in lex.passive_auxiliaries for k in range(cs, ce) if k != tok.i):
        return None
    s0 = first_word(doc[cs].sent)
    for k in [*range(cs, tok.i), *([s0] if s0 < cs else [])]:
        if doc[k].lower_ not in lex.source_prepositions:
            continue
        limit = ce if k >= cs else cs
        if k + 2 < limit and _is_quote_mark(doc[k + 1]) and (close := next(
                (m for m in range(k + 2, min(limit, k + 8)) if _is_quote_mark(doc[m])), None)) is not None \
                and _quoted_name_start(doc, close, cs) == k + 1:
            return k + 1, close + 1  # "im „Kurier“ als … bezeichnet": a quoted title
        np = forward_np(doc, k + 1, limit, lex, s0)
        if np is None:
            continue
        head = next((doc[m].lower_ for m in range(np[0], np[1]) if doc[m].pos_ == "NOUN"), "")
        if head.endswith(lex.document_suffixes):
            return np
    return None


def no_verb(doc: Doc, a: int, b: int, *, quoted_names: bool = False) -> bool:
    """No verb in [a, b) and a tagger ran: the range is a noun phrase with appositions, not a clause (with
    `quoted_names`, a quoted name in it is allowed: "Ada Roth, Sprecherin des Vereins „Nordwind“")."""
    if b <= a or not all(t.pos_ for t in doc[a:b]) or any(t.pos_ in ("VERB", "AUX") for t in doc[a:b]):
        return False
    marks = [k for k in range(a, b) if quote_marks_only(doc[k].text)]
    if not marks:
        return True
    return quoted_names and len(marks) % 2 == 0 and marks[0] > a and all(
        _quoted_name_start(doc, marks[m + 1], a) == marks[m] for m in range(0, len(marks), 2))


def _wie_before(doc: Doc, s0: int, cs: int, lex: AttributionLexicon) -> int | None:
    """The 'wie' that opens an apposition-split clause ending right before a verb: "…, wie X, Chef der Y, mitteilte"."""
    k = cs - 1
    while k > s0 and doc[k].lower_ != lex.wie_cue:
        k -= 1
    if doc[k].lower_ != lex.wie_cue or not (k == s0 or doc[k - 1].text == ","):
        return None  # "…, wie X mitteilte" or a sentence opening with "Wie X, Sprecher der Y, der Presse mitteilte"
    return k if no_verb(doc, k + 1, cs - 1) else None


def _bare_phrase(doc: Doc, a: int, b: int, lex: AttributionLexicon) -> tuple[int, int] | None:
    """[a, b) as a speaker phrase when it is a few plain words, none of them a function word ("mr bhujbal",
    "bharuch collector anju sharma"): a lower-cased text has no capital letters to find names by."""
    words = doc[a:b]
    if not 1 <= len(words) <= 7 or words[0].lower_ in lex.determiners and len(words) == 1:
        return None
    for t in words:
        low = t.lower_
        if not (t.is_alpha or low in lex.genitive_links) or low in lex.np_stop_words or low in lex.auxiliaries \
                or low in lex.cue_verbs or low in lex.complementizers or low in lex.sentence_adverbs:
            return None
    return a, b


def _has_name(doc: Doc, a: int, b: int) -> bool:
    return any(t.pos_ == "PROPN" for t in doc[a:b])


DASHES = frozenset({"-", "–", "—"})


def dateline_end(doc: Doc, start: int, limit: int) -> int:
    """The token after an agency dateline opening a sentence ("BISHKEK (CAW) -", "Bischkek/Osch (lgb) –"), else start."""
    k = start
    while k < limit and (doc[k].text[:1].isupper() or doc[k].text == "/") and k - start < 4:
        k += 1
    if k == start:
        return start
    if k < limit and doc[k].text == "(":
        close = next((m for m in range(k + 1, min(limit, k + 5)) if doc[m].text == ")"), None)
        k = close + 1 if close is not None else start
    return k + 1 if start < k < limit and doc[k].text in DASHES else start


def _opens_name(tok: Token) -> bool:
    """A word that the entity recogniser put at the start of a person's name ("Zu Guttenberg", "Von der Leyen")."""
    return tok.ent_iob_ == "B" and tok.ent_type_ == "PER" and not tok.text.islower()


def first_np(doc: Doc, a: int, b: int, lex: AttributionLexicon, s0: int) -> tuple[int, int] | None:
    """The first noun phrase in [a, b) that is not governed by a preposition (an opening dateline is skipped)."""
    p = dateline_end(doc, a, b) if a == s0 else a
    while p < b:
        tok = doc[p]
        if _opens_name(tok) and (name := forward_np(doc, p + 1, b, lex, s0)) is not None and name[0] == p + 1:
            return p, name[1]  # "Zu Guttenberg hatte eingeräumt": a name particle, not a preposition
        if tok.lower_ in lex.prepositions_before_np:
            governed = forward_np(doc, p + 1, b, lex, s0)  # skip the whole prepositional phrase
            p = governed[1] if governed else p + 2
            while governed and p + 1 < b and doc[p].lower_ in lex.coordinators:
                governed = forward_np(doc, p + 1, b, lex, s0)  # "Zur Lage und seiner Aufgabe wird X zitiert"
                p = governed[1] if governed else p
            continue
        if lex.is_pronoun(tok) or tok.lower_ in lex.determiners or (_is_head(tok, lex) and not (p == s0 and tok.lower_ in lex.sentence_adverbs)):
            np = forward_np(doc, p, b, lex, s0)
            if np:
                return np
        p += 1
    return None


def source_kind(text: str, lex: AttributionLexicon, *, is_person: bool = False) -> str:
    """Classify a speaker phrase as rumor, witness, media, official or named."""
    words = [w.strip(".,;:„“\"»«()").lower() for w in text.split()]
    words = [w for w in words if w]
    if " ".join(words) in lex.unnamed_sources:
        return "rumor"  # "Berichten zufolge", "according to reports": hearsay without a claimant
    found: dict[str, bool] = {}
    for kind, exact, suffixes in lex.source_kinds:
        found[kind] = any(w in exact or (suffixes and w.endswith(suffixes)) for w in words)
    if found.get("rumor"):
        return "rumor"
    if found.get("witness"):
        return "witness"
    if found.get("media"):
        return "media"
    if is_person:
        return "named"
    if found.get("official"):
        return "official"
    if words and words[-1] in lex.source_nouns:
        return "witness"
    if words and words[-1] in lex.report_nouns:
        return "media"
    return "named"


def clause_window(doc: Doc, i: int, sent: Span, lex: AttributionLexicon) -> tuple[int, int]:
    """The clause around token i for modality: bounded by commas, colons, 'dass' and the like."""
    s = i
    while s > sent.start and not _clause_edge(doc[s - 1], lex):
        s -= 1
    e = i + 1
    while e < sent.end and not _clause_edge(doc[e], lex):
        e += 1
    return s, e


def _clause_edge(tok: Token, lex: AttributionLexicon) -> bool:
    return tok.lower_ in lex.clause_breaks or quote_marks_only(tok.text)


def modality(doc: Doc, i: int, sent: Span, lex: AttributionLexicon, *, attributed: bool, rumor: bool,
             sourced: bool | None = None) -> str:
    """Modality of the event whose trigger is token i: negated > ordered > planned > hypothetical > rumored > reported > asserted.
    `sourced`: the claimant is named in this sentence (default: when attributed), which makes "soll" reported."""
    sourced = attributed if sourced is None else sourced
    s, e = clause_window(doc, i, sent, lex)
    words = [t.lower_ for t in doc[s:e] if not (t.is_punct or t.is_space) and t.i != i]
    trig = doc[i].lower_
    mw = lex.modality_words
    neutral = _neutral_negation(doc, s, i, lex)
    if not neutral and (_negates(doc, s, i, lex) or lex.negation_prefixes and trig.startswith(lex.negation_prefixes)):
        return "negated"
    if _denied_evidence(doc, s, sent, lex):
        return "negated"  # "es gebe keinen Hinweis darauf, dass … getötet worden sind"
    if _future_infinitive(doc, s, e, lex) or (neutral and any(w in lex.future_auxiliaries for w in words)):
        return "planned"  # "man werde eine Protestnote schicken", "we will not hesitate to arrest"
    ps = s
    if s > sent.start and (any(t.lower_ == "zu" and t.pos_ != "ADP" for t in doc[s:e]) or "zu" in trig[2:-2]):
        # "plant, das Internet abzuschalten": the governing clause before carries the modality ("zu" as a
        # preposition, "was zu seiner Festnahme führte", opens no infinitive)
        ps, _ = clause_window(doc, s - 1, sent, lex) if s - 1 > sent.start else (sent.start, s)
        words = words + [t.lower_ for t in doc[ps:s] if not (t.is_punct or t.is_space)]
    phrases = " " + " ".join(words) + " "
    if any(w in mw.get("ordered", ()) for w in words):
        return "ordered"
    reportative = any(w in lex.reportative for w in words)
    future = any(w in lex.future_markers for w in words)
    if any(w in mw.get("planned", ()) for w in words) or (reportative and future):
        return "planned"
    hypo = [w for w in words if w in mw.get("hypothetical", ())]
    if hypo and not (attributed and all(w in lex.konjunktiv_substitutes for w in hypo)):
        return "hypothetical"
    if any(doc[k].lower_ in lex.demand_words for k in range(ps, i)) or any(w in lex.demand_nouns for w in words) \
            or any(f" {p} " in phrases for p in lex.hypothetical_phrases) or _uncertain_governor(doc, s, sent, lex):
        return "hypothetical"  # "verlangte den Rückzug", "die Freilassung ist eine Forderung", "about to attack"
    # "soll … getötet haben" is hearsay; with a source in the sentence ("laut X soll …") it is reported
    if rumor or any(w in mw.get("rumored", ()) for w in words) or (reportative and not sourced) \
            or _hearsay_passive(doc, s, e, lex):
        return "rumored"
    if attributed or reportative:
        return "reported"
    return "asserted"


def _uncertain_governor(doc: Doc, s: int, sent: Span, lex: AttributionLexicon) -> bool:
    """The clause is an open question or the complement of an uncertainty ("ob …", "it is likely that …")."""
    if not lex.uncertain_governors or s <= sent.start:
        return False
    if doc[s].lower_ in lex.uncertain_governors or doc[s - 1].lower_ in lex.uncertain_governors:
        return True  # "ob …", "whether …": an open question
    if doc[s].lower_ not in lex.complementizers and doc[s - 1].lower_ not in lex.complementizers:
        return False  # "unklar, wer den Angriff ausgeführt habe": the attack is not in doubt
    k = s if doc[s].lower_ in lex.complementizers else s - 1
    while k > sent.start and (doc[k].is_punct or doc[k].is_space or doc[k].lower_ in lex.complementizers):
        k -= 1
    ps, _ = clause_window(doc, k, sent, lex)
    return any(t.lower_ in lex.uncertain_governors for t in doc[ps:k + 1])


def _negates(doc: Doc, s: int, i: int, lex: AttributionLexicon) -> bool:
    """A negation word before the trigger in its clause whose scope reaches it: no verb and no later preposition
    stands between ("did not arrest", "keine Toten", "nicht zu Ausschreitungen"; but not "was not comparing the
    two riots", "stand nicht in Zusammenhang mit der Offensive", "no one was injured in the attack")."""
    negated = lex.modality_words.get("negated", frozenset())
    verb = _is_verb(doc[i], lex)  # a verb's adjuncts ("keine Einheiten in die Hauptstadt verlegt") do not stop it
    for k in range(i - 1, s - 1, -1):
        if doc[k].lower_ in negated:
            return True
        if _scope_stop(doc[k], verb or k == i - 1 or doc[k - 1].lower_ in negated, lex):
            return False
    return False


def _is_verb(tok: Token, lex: AttributionLexicon) -> bool:
    """A verb by its tag, or, untagged, by a verb ending ("comparing", "acted")."""
    if tok.pos_:
        return tok.pos_ in ("VERB", "AUX")
    low = tok.lower_
    return bool(lex.untagged_verb_suffixes) and low.endswith(lex.untagged_verb_suffixes) and len(low) > 4


def _scope_stop(tok: Token, preposition_ok: bool, lex: AttributionLexicon) -> bool:
    """A content verb, or a preposition (unless allowed: right after the negation, or before a verb trigger), ends a
    negation's reach towards the trigger."""
    low = tok.lower_
    if low in lex.auxiliaries or low in lex.modality_words.get("negated", frozenset()):
        return False
    if tok.pos_:
        return tok.pos_ == "VERB" or (tok.pos_ == "ADP" and not preposition_ok)
    return _is_verb(tok, lex) or (low in lex.prepositions_before_np and not preposition_ok)


def _hearsay_passive(doc: Doc, s: int, e: int, lex: AttributionLexicon) -> bool:
    """An auxiliary, a hearsay participle and an infinitive ("three are said to be in a serious condition")."""
    return any(doc[k].lower_ in lex.hearsay_passives and doc[k - 1].lower_ in lex.auxiliaries
               and doc[k + 1].lower_ in lex.infinitive_markers for k in range(max(s, 1), min(e, len(doc) - 1)))


def _neutral_negation(doc: Doc, s: int, i: int, lex: AttributionLexicon) -> bool:
    """A negation that belongs to a verb like "hesitate" before the trigger ("will not hesitate to arrest")."""
    return any(doc[k].lower_ in lex.negation_neutral for k in range(s, i))


def _denied_evidence(doc: Doc, s: int, sent: Span, lex: AttributionLexicon) -> bool:
    """The clause opens with a complementizer after a clause that denies evidence ("keinen Hinweis darauf, dass")."""
    if not lex.negated_evidence or s <= sent.start:
        return False
    k = s - 1
    while k > sent.start and (doc[k].is_punct or doc[k].lower_ in lex.complementizers or doc[k].is_space):
        k -= 1
    ps, _ = clause_window(doc, k, sent, lex) if doc[s - 1].lower_ in lex.complementizers or doc[s].lower_ in lex.complementizers else (k + 1, k + 1)
    before = [t.lower_ for t in doc[ps:k + 1]]
    negated = lex.modality_words.get("negated", frozenset())
    return any(w in negated for w in before) and any(w in lex.negated_evidence for w in before)


def _future_infinitive(doc: Doc, s: int, e: int, lex: AttributionLexicon) -> bool:
    """A future auxiliary with a clause-final infinitive ("werde … schicken"); not a passive ("wird … festgenommen")."""
    if not any(doc[k].lower_ in lex.future_auxiliaries for k in range(s, e)):
        return False
    last = next((doc[k] for k in range(e - 1, s - 1, -1) if not (doc[k].is_punct or doc[k].is_space)), None)
    return last is not None and last.i > s and "Inf" in last.morph.get("VerbForm", [])
