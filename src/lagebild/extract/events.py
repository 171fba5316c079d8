"""Events: PLOVER-typed triggers from `lang/<code>/events.json`, linked to entities, times, quantities, source and modality."""

from __future__ import annotations

import functools
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from spacy.attrs import IS_ALPHA, LEMMA, LOWER
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..lang import language_data
from . import claims, doc_sents, doc_text
from .attribution import AttributionLexicon, clause_window, modality, source_kind

# Files in lang/<code>/ this extractor needs; a language without them runs without it.
LANGUAGE_DATA: tuple[str, ...] = ("events.json", "attribution.json")


FORMS_MEMO_SIZE = 200_000  # (word, lemma) pairs remembered by `_trigger_forms` (then it starts afresh)


@dataclass(frozen=True)
class TriggerRule:
    """One lexicon entry: a PLOVER type and mode for tokens matching a pattern."""

    type: str
    mode: str | None
    pattern: re.Pattern[str]
    context: tuple[str, ...]
    particles: dict[str, frozenset[str]]


@dataclass(frozen=True)
class EventLexicon:
    """Trigger rules and linking hints for one language, read once from `events.json`."""

    rules: tuple[TriggerRule, ...]
    any_trigger: re.Pattern[str]
    quantity_categories: dict[str, tuple[str, ...]]
    location_prepositions: frozenset[str]
    actor_prepositions: frozenset[str]
    target_prepositions: frozenset[str]
    acled: dict[str, tuple[str, str]]

    @classmethod
    def load(cls, lang: str) -> EventLexicon:
        """Read `lang/<lang>/events.json`."""
        return cls.from_dict(json.loads(Path(language_data(lang, "events.json")).read_text("utf-8")))

    @classmethod
    def from_dict(cls, d: dict) -> EventLexicon:
        """Build the lexicon from the parsed data file."""
        rules = tuple(
            TriggerRule(t["type"], t.get("mode"), re.compile(t["pattern"]), tuple(t.get("context") or ()),
                        {k: frozenset(v) for k, v in (t.get("particle_for") or {}).items()})
            for t in d["triggers"]
        )
        return cls(
            rules=rules,
            any_trigger=re.compile("|".join(f"(?:{t['pattern']})" for t in d["triggers"])),
            quantity_categories={k: tuple(v) for k, v in d.get("quantity_categories", {}).items()},
            location_prepositions=frozenset(d.get("location_prepositions", [])),
            actor_prepositions=frozenset(d.get("actor_prepositions", [])),
            target_prepositions=frozenset(d.get("target_prepositions", [])),
            acled={k: (v[0], v[1]) for k, v in d.get("acled", {}).items()},
        )


@functools.cache
def _acled_table(lang: str) -> dict[str, tuple[str, str]]:
    """The PLOVER→ACLED table of a language's events.json (immutable once read)."""
    return EventLexicon.load(lang).acled


def acled_type(event: dict, lang: str = "de") -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) for a PLOVER event; ("", "") for types ACLED does not code."""
    table = _acled_table(lang)
    key = f"{event.get('type')}/{event.get('mode')}" if event.get("mode") else str(event.get("type"))
    return table.get(key) or table.get(str(event.get("type"))) or ("", "")


class EventExtractor:
    """Finds PLOVER events in a Doc; lexicons loaded once per pipeline."""

    def __init__(self, lang: str) -> None:
        ok = language_data(lang, "events.json").exists() and language_data(lang, "attribution.json").exists()
        self.lex = EventLexicon.load(lang) if ok else None
        self.att = AttributionLexicon.load(lang) if ok else None
        self._forms: dict[tuple[int, int], set[str] | None] = {}  # see `_trigger_forms`

    def __call__(self, doc: Doc) -> Doc:
        found = claims(doc)
        found["events"] = self.extract(doc, found) if self.lex is not None else []
        return doc

    def _trigger_forms(self, tok: Token) -> set[str] | None:
        """A token's word and lemma, lower-cased, when one of them may trigger; remembered per (word, lemma)."""
        assert self.lex is not None
        key = (tok.lower, tok.lemma)  # string ids: no strings are read for words seen before
        if key in self._forms:
            return self._forms[key]
        forms = {tok.lower_} | ({tok.lemma_.lower()} if tok.lemma_ else set())
        found = forms if any(self.lex.any_trigger.fullmatch(f) for f in forms) else None  # mostly None
        if len(self._forms) >= FORMS_MEMO_SIZE:
            self._forms.clear()
        self._forms[key] = found
        return found

    def _rule_for(self, doc: Doc, i: int, sent: Span) -> TriggerRule | None:
        """The first rule whose pattern, context and particle conditions hold for token i."""
        assert self.lex is not None and self.att is not None
        forms = self._trigger_forms(doc[i])
        if forms is None:
            return None
        sent_words: list[str] | None = None
        for rule in self.lex.rules:
            form = next((f for f in forms if rule.pattern.fullmatch(f)), None)
            if form is None:
                continue
            if rule.context:
                sent_words = sent_words or [t.lower_ for t in sent]
                if not any(w.startswith(rule.context) for w in sent_words):
                    continue
            need = rule.particles.get(form)
            if need is not None:
                s, e = clause_window(doc, i, sent, self.att)
                if not any(doc[k].lower_ in need for k in range(i + 1, max(e, i + 1))):
                    continue
            return rule
        return None

    def extract(self, doc: Doc, found: dict) -> list[dict]:
        """Events as schema dicts."""
        lex, att = self.lex, self.att
        assert lex is not None and att is not None
        mentions = sorted((m["start"], m["end"], e["id"], e["label"]) for e in found.get("entities") or []
                          for m in e.get("mentions", []))
        times = sorted(found.get("times") or [], key=lambda t: t["start"])
        quantities = sorted(found.get("quantities") or [], key=lambda q: q["start"])
        quotes = found.get("quotes") or []
        sents = doc_sents(doc)
        events: list[dict] = []
        # each token's word and lemma ids and whether it is alphabetic, without making Token objects
        words = doc.to_array([LOWER, LEMMA, IS_ALPHA]).tolist()
        # the rumour markers' word ids: a token's lower-case text is one of them exactly when its LOWER id is
        rumored = frozenset(get_string_id(w) for w in att.modality_words.get("rumored", ()))
        rumors = [i for i, (lower, _, _) in enumerate(words) if lower in rumored]
        for si, sent in enumerate(sents):
            seen: dict[str, dict] = {}
            rumor_at = rumors[bisect_left(rumors, sent.start):bisect_left(rumors, sent.end)] if rumors else []
            for i in range(sent.start, sent.end):
                lower, lemma, alpha = words[i]
                if not alpha or self._forms.get((lower, lemma), True) is None:  # a known non-trigger
                    continue
                rule = self._rule_for(doc, i, sent)
                if rule is None:
                    continue
                # a rumour marker covers its own clause and what follows it ("Gerüchten zufolge …, dass …")
                rumor = any(k < clause_window(doc, i, sent, att)[1] for k in rumor_at)
                ev = self._event(doc, i, sent, si, sents, rule, mentions, times, quantities, quotes, rumor)
                prior = seen.get(rule.type)
                if prior is not None:
                    # one event per type and sentence; a trigger with a mode refines one without
                    if prior["mode"] is None and rule.mode is not None:
                        ev["id"] = prior["id"]
                        events[events.index(prior)] = ev
                        seen[rule.type] = ev
                    continue
                ev["id"] = f"ev{len(events) + 1}"
                seen[rule.type] = ev
                events.append(ev)
        return events

    def _event(self, doc: Doc, i: int, sent: Span, si: int, sents: list[Span], rule: TriggerRule,
               mentions: list, times: list[dict], quantities: list[dict], quotes: list[dict], rumor: bool) -> dict:
        lex, att = self.lex, self.att
        assert lex is not None and att is not None
        tok = doc[i]
        tc = tok.idx
        # source: the quote the trigger sits in, else the sentence's rumour marker, else the author
        quote = next((q for q in quotes if q["start"] <= tc < q["end"]), None)
        if quote is not None and quote.get("speaker_text"):
            kind = source_kind(quote["speaker_text"], att, is_person=_is_person(quote, mentions, att.determiners))
            source = {"kind": kind, "entity": quote.get("speaker"), "text": quote["speaker_text"]}
        elif rumor:
            source = {"kind": "rumor", "entity": None, "text": None}
        else:
            source = {"kind": "author", "entity": None, "text": None}
        attributed = source["kind"] not in ("author", "rumor")
        mod = modality(doc, i, sent, att, attributed=attributed, rumor=source["kind"] == "rumor",
                       sourced=attributed and quote is not None and quote["start"] >= sent.start_char)
        if source["kind"] == "author" and mod == "rumored":
            source = {"kind": "rumor", "entity": None, "text": None}
        # participants: entity mentions in the sentence, outside the source phrase
        src_spans = [(q["start"], q["end"]) for q in quotes if q is quote]
        in_sent = [m for m in mentions if sent.start_char <= m[0] < sent.end_char]
        actors: list[str] = []
        targets: list[str] = []
        location = None
        for m in in_sent:
            prev = _prev_word(doc, m[0])
            if m[3] == "LOC" and (prev in lex.location_prepositions or location is None):
                if location is None or prev in lex.location_prepositions:
                    location = location if (location and prev not in lex.location_prepositions) else m[2]
                continue
            if m[3] not in ("PER", "ORG"):
                continue
            if quote is not None and quote.get("speaker") == m[2] and not any(a <= m[0] < b for a, b in src_spans):
                continue
            inverted = (tok.text[:1].islower() and m[0] > tc and not actors
                        and len(doc_text(doc)[tc + len(tok.text):m[0]].split()) <= 1)  # V2: "nahm die Polizei … fest"
            if prev in lex.target_prepositions or (m[0] > tc and prev not in lex.actor_prepositions and not inverted):
                bucket = targets
            else:
                bucket = actors
            if m[2] not in actors and m[2] not in targets:
                bucket.append(m[2])
        if location is None:
            for k in (si - 1, si + 1):
                if 0 <= k < len(sents):
                    loc = next((m[2] for m in mentions if m[3] == "LOC" and sents[k].start_char <= m[0] < sents[k].end_char), None)
                    if loc:
                        location = loc
                        break
        time = _nearest(times, sent, sents, si)
        qty = self._quantities(doc, i, sent, rule, quantities)
        return {
            "id": "", "type": rule.type, "mode": rule.mode,
            "trigger": {"start": tc, "end": tc + len(tok.text), "text": tok.text},
            "sentence": {"start": sent.start_char, "end": sent.end_char},
            "actors": actors, "targets": targets, "location": location, "time": time, "quantities": qty,
            "source": source, "modality": mod,
        }

    def _quantities(self, doc: Doc, i: int, sent: Span, rule: TriggerRule, quantities: list[dict]) -> list[str]:
        """Quantities of the sentence in the event's categories, else the nearest one in the trigger's clause."""
        lex, att = self.lex, self.att
        assert lex is not None and att is not None
        cats = lex.quantity_categories.get(f"{rule.type}/{rule.mode}") or lex.quantity_categories.get(rule.type) or ()
        in_sent = [q for q in quantities if sent.start_char <= q["start"] < sent.end_char]
        typed = [q["id"] for q in in_sent if q.get("category") in cats]
        if typed:
            return typed
        s, e = clause_window(doc, i, sent, att)
        a, b = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
        near = [q for q in in_sent if a <= q["start"] < b and q.get("category", "other") == "other"]
        if not near:
            return []
        tc = doc[i].idx
        return [min(near, key=lambda q: abs(q["start"] - tc))["id"]]


def _is_person(quote: dict, mentions: list, determiners: frozenset[str]) -> bool:
    ent = quote.get("speaker")
    if ent is not None:
        return any(m[2] == ent and m[3] == "PER" for m in mentions)
    words = (quote.get("speaker_text") or "").split()
    return len(words) >= 2 and all(w[:1].isupper() and w.lower() not in determiners for w in words[-2:])


def _prev_word(doc: Doc, char: int) -> str:
    tok = doc.char_span(char, char + 1, alignment_mode="expand")
    if tok is None or tok.start == 0:
        return ""
    return doc[tok.start - 1].lower_


def _nearest(times: list[dict], sent: Span, sents: list[Span], si: int) -> str | None:
    """A time expression in the sentence, else in the previous one."""
    for k in (si, si - 1):
        if 0 <= k < len(sents):
            t = next((t for t in times if sents[k].start_char <= t["start"] < sents[k].end_char), None)
            if t:
                return t["id"]
    return None


@Language.factory("lagebild_events", requires=["doc._.report_entities", "doc._.report_times",
                                               "doc._.report_quantities", "doc._.report_quotes"],
                  assigns=["doc._.report_events"])
def make_events(nlp: Language, name: str) -> EventExtractor:
    """The event extractor for the pipeline's language."""
    return EventExtractor(str(nlp.lang))
