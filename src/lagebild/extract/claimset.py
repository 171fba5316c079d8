"""Claims: one assertion by one claimant about one event (and at most one figure), with content-derived ids.

The last extractor. It gives each figure to the one event it counts, builds the `claims` list from
events, figures and quotes, keys every claimant (`claimants.ClaimantKeys`), replaces every positional
id in the report by an id derived from content (`lagebild.ids.content_id`), and records the generator.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from spacy.attrs import IDX, POS
from spacy.language import Language
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc

from ..ids import content_id
from ..lang import LANG_DIR, language_data
from . import claims, doc_sents, doc_text
from .attribution import AttributionLexicon, Cue, clause_window, find_cues, modality, source_kind
from .claimants import ClaimantKeys
from .quotes import char_range
from .scopes import assign_scopes, clause_around

LANGUAGE_DATA: tuple[str, ...] = ()

if not Doc.has_extension("generator"):
    Doc.set_extension("generator", default=None)


def lagebild_version() -> str:
    """The installed lagebild version."""
    try:
        return version("lagebild")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0+unknown"


@functools.cache
def lexicon_hash(lang: str) -> str:
    """A hash of the language's data files (`lang/<code>/*.json`, `*.tsv`): changes when the rules' data does."""
    h = hashlib.blake2b(digest_size=8)
    folder = LANG_DIR / lang
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".json", ".tsv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for schema in ("claimants.schema.json", "scopes.schema.json"):
        h.update((LANG_DIR / schema).read_bytes())
    return h.hexdigest()


def generator_for(nlp: Language) -> dict[str, Any]:
    """What produces this pipeline's reports: lagebild version, base model, lexicon hash."""
    meta = nlp.meta or {}
    model = f"{meta.get('name', 'blank')} {meta.get('version', '')}".strip()
    if "lagebild_accurate_ner" in nlp.pipe_names:
        model += " + accurate NER"
    return {"lagebild": lagebild_version(), "model": f"{nlp.lang}_{model}", "lexicon": lexicon_hash(nlp.lang)}


class ClaimBuilder:
    """Builds the claims of a Doc from its events, figures and quotes; then gives every item a content id."""

    def __init__(self, nlp: Language) -> None:
        self.lang: str = nlp.lang or ""
        self.generator = generator_for(nlp)
        events = language_data(self.lang, "events.json")
        self.categories: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in json.loads(
            events.read_text("utf-8")).get("quantity_categories", {}).items()} if events.exists() else {}
        self.att = AttributionLexicon.load(self.lang) if language_data(self.lang, "attribution.json").exists() else None

    def __call__(self, doc: Doc) -> Doc:
        found = claims(doc)
        article = doc._.article
        aid = article.id if article is not None else ""
        verbs = {idx for idx, pos in doc.to_array([IDX, POS]).tolist() if pos in (VERB, AUX)}  # verb offsets
        one_event_per_figure(found, self.categories, verbs)
        if self.att is not None:
            mark_denials(found, self.att)
        assign_scopes(doc_text(doc), found, self.lang, [(s.start_char, s.end_char) for s in doc_sents(doc)])
        found["claims"] = self.build(doc, found, getattr(article, "source", None))
        first_claim_on_events(found)
        assign_content_ids(found, aid, doc)
        doc._.generator = dict(self.generator)
        return doc

    def build(self, doc: Doc, found: dict, source: str | None) -> list[dict]:
        """Claims in text order: one per (event, figure), or one per event without figures."""
        entities = {e["id"]: e for e in found.get("entities") or []}
        quantities = {q["id"]: q for q in found.get("quantities") or []}
        quotes = sorted(found.get("quotes") or [], key=lambda q: (q["start"], q["end"]))
        spans = doc._.quote_speaker_spans if Doc.has_extension("quote_speaker_spans") else None
        keys = ClaimantKeys(self.lang, source=source)
        text = doc_text(doc)
        out: list[dict] = []
        for ev in sorted(found.get("events") or [], key=lambda e: e["trigger"]["start"]):
            figures = [quantities[q] for q in ev["quantities"] if q in quantities] or [None]
            for qty in figures:
                at = qty["start"] if qty is not None else ev["trigger"]["start"]
                end = qty["end"] if qty is not None else ev["trigger"]["end"]
                quote = _innermost(quotes, at) or _innermost(quotes, ev["trigger"]["start"])
                said = ev
                if qty is not None and quote is not None and _speaks_itself(quote, qty, spans or {}):
                    # "tausende Tote befürchtet": a figure is not its own claimant, nor is the event it counts
                    quote = None
                    said = {**ev, "source": {"kind": "author", "entity": None, "text": None},
                            "modality": "asserted" if ev["modality"] == "reported" else ev["modality"]}
                if (quote is None or _innermost(quotes, at) is None) and said["source"]["kind"] == "author":
                    quote = self._clause_cue(doc, text, at, end, entities, qty is not None) or quote
                elif quote is not None and self._impersonal(quote):
                    # "es heißt nun, dass …": the quote may carry the running speaker on; the claim is hearsay
                    cue = self._clause_cue(doc, text, at, end, entities, qty is not None)
                    if cue is not None and cue.get("hearsay"):
                        quote, said = cue, {**said, "source": {"kind": "author", "entity": None, "text": None}}
                claim = self._claim(text, said, qty, quote, entities, spans or {}, keys)
                if qty is not None:
                    self._figure_modality(doc, ev, qty, quote, claim)
                out.append(claim)
        return out

    def _impersonal(self, quote: dict) -> bool:
        """Whether a quote's cue is impersonal ("es heißt", "hieß es")."""
        return self.att is not None and not self.att.impersonal_cues.isdisjoint((quote.get("cue") or "").lower().split())

    def _figure_modality(self, doc: Doc, ev: dict, qty: dict, quote: dict | None, claim: dict) -> None:
        """A figure in another clause than its event's trigger takes its own clause's modality ("no new killings
        were reported, but the toll has climbed to 430": the 430 is not negated)."""
        if self.att is None or (quote and (quote.get("cue") or "").split()[:1] and
                                quote["cue"].split()[0].lower() in self.att.denial_cues):
            return
        fig = doc.char_span(qty["start"], qty["end"], alignment_mode="expand")
        trig = doc.char_span(ev["trigger"]["start"], ev["trigger"]["end"], alignment_mode="expand")
        if fig is None or trig is None or fig.sent.start != trig.sent.start:
            return
        sent = fig.sent
        if clause_window(doc, fig.start, sent, self.att) == clause_window(doc, trig.start, sent, self.att):
            return
        kind = claim["claimant"]["kind"]
        mod = modality(doc, fig.start, sent, self.att, attributed=kind not in ("author", "rumor"), rumor=kind == "rumor")
        claim["modality"] = mod
        if mod == "rumored" and kind == "author":
            claim["claimant"].update({"kind": "rumor", "entity": None, "text": None, "span": None, "key": "rumor"})

    def _content_object(self, doc: Doc, cue: Cue, at: int) -> bool:
        """The event word follows the cue in a phrase that gives what is said ("sprach von Angriffen", "gehen von
        einer Autobombe aus"), not in the object of an appeal or threat ("rief zu einem Streik auf")."""
        assert self.att is not None
        k = next((t.i for t in doc[cue.start:] if t.idx <= at < t.idx + len(t)), None)
        return k is not None and any(doc[m].lower_ in self.att.content_prepositions for m in range(cue.start + 1, k))

    def _clause_cue(self, doc: Doc, text: str, at: int, end: int, entities: dict, figure: bool = True) -> dict | None:
        """The reporting cue that attributes text[at:end], as a quote-like record (not added to the report's
        quotes): a cue in its own clause whose speaker says it ("Die Polizei sprach von 12 Toten"), else a cue whose
        content covers it ("official figures say that 45 …"; "es heißt, dass …" without a speaker is hearsay)."""
        if self.att is None:
            return None
        span = doc.char_span(at, end, alignment_mode="expand")
        if span is None:
            return None
        sent = span.sent
        a, b = clause_around(text, at, end, sent.start_char, sent.end_char)
        best = None
        for cue in find_cues(doc, sent, self.att):
            cs, _ = char_range(doc, cue.start, cue.end)
            if any(doc[k].idx <= at < doc[k].idx + len(doc[k]) for k in cue.tokens or [cue.start]):
                continue  # "Der Präsident rief die Bürger auf": the speech act itself is the author's to report
            ss, se = char_range(doc, *cue.speaker) if cue.speaker else (cs, cs)
            if cue.speaker is not None and a <= cs < b and a <= ss < b and not (ss < end and at < se) \
                    and (figure or self._content_object(doc, cue, at)):
                rank = (0, abs(cs - at))
            elif cue.content is not None and char_range(doc, *cue.content)[0] <= at < char_range(doc, *cue.content)[1] \
                    and not (ss < end and at < se):
                rank = (1, abs(cs - at))
            else:
                continue
            if best is None or rank < best[0]:
                best = (rank, cue, (ss, se))
        if best is None:
            return None
        _, cue, (ss, se) = best
        if cue.speaker is None:  # an impersonal cue with no source ("es heißt nun, dass …")
            return {"id": None, "start": a, "end": b, "speaker": None, "speaker_text": None, "cue": cue.text,
                    "hearsay": True}
        entity = next((e["id"] for e in entities.values() for m in e["mentions"] if m["start"] < se and ss < m["end"]
                       and e["label"] in ("PER", "ORG")), None)
        return {"id": None, "start": a, "end": b, "speaker": entity, "speaker_text": text[ss:se], "cue": cue.text,
                "speaker_span": (ss, se)}

    def _claim(self, text_of: str, ev: dict, qty: dict | None, quote: dict | None, entities: dict,
               spans: dict, keys: ClaimantKeys) -> dict:
        source, modality = dict(ev["source"]), ev["modality"]
        if quote is not None and quote.get("hearsay") and source["kind"] == "author":
            source = {"kind": "rumor", "entity": None, "text": None}
            modality = "rumored" if modality in ("asserted", "reported") else modality
        elif quote is not None and quote.get("speaker_text") and source["kind"] != "rumor":
            if quote["speaker_text"] != source.get("text") or quote.get("speaker") != source.get("entity"):
                # the figure stands in another claimant's words ("X said 12, while Y said 27")
                ent = entities.get(quote.get("speaker") or "")
                person = ent is not None and ent["label"] == "PER"
                kind = source_kind(quote["speaker_text"], self.att, is_person=person) if self.att else "named"
                source = {"kind": kind, "entity": quote.get("speaker"), "text": quote["speaker_text"]}
                modality = "reported" if modality == "asserted" else modality
        elif source["kind"] == "author":
            quote = None
        entity, text = source.get("entity"), source.get("text")
        ent = entities.get(entity) if entity else None
        span = None
        if quote is not None and quote.get("speaker_span"):
            span = {"start": quote["speaker_span"][0], "end": quote["speaker_span"][1]}
        elif quote is not None and spans.get(quote["id"]):
            a, b = spans[quote["id"]][0]
            span = {"start": a, "end": b}
        is_person = source["kind"] == "named" and (ent["label"] == "PER" if ent else looks_like_person(text or ""))
        key = keys.key(source["kind"], text, entity_name=ent["name"] if ent else None, is_person=is_person)
        return {
            "id": "", "claimant": {"kind": source["kind"], "entity": entity, "text": text, "span": span, "key": key},
            "cue": _cue_span(text_of, quote, ev) if quote is not None else None,
            "modality": modality, "event": ev["id"], "quantity": qty["id"] if qty else None,
            "quote": quote["id"] if quote is not None and quote.get("id") else None,
            "evidence": dict(ev["sentence"]),
        }


def first_claim_on_events(found: dict) -> None:
    """An event's `source` and `modality` are those of its first claim (the schema's promise to v1 readers)."""
    seen: set[str] = set()
    events = {e["id"]: e for e in found.get("events") or []}
    for claim in found.get("claims") or []:
        ev = events.get(claim["event"])
        if ev is None or ev["id"] in seen:
            continue
        seen.add(ev["id"])
        who = claim["claimant"]
        ev["source"] = {"kind": who["kind"], "entity": who.get("entity"), "text": who.get("text")}
        ev["modality"] = claim["modality"]


def looks_like_person(text: str) -> bool:
    """A phrase ending in two capitalised words ("Minister Ulan Sadykov"): a person's name, not an institution."""
    words = text.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words[-2:])


def _speaks_itself(quote: dict, qty: dict, spans: dict) -> bool:
    """The quote's speaker phrase is the figure's own words ("Acht Tote … forderte", "tausende Tote befürchtet")."""
    found = [quote["speaker_span"]] if quote.get("speaker_span") else spans.get(quote.get("id"), [])
    return any(qty["start"] <= a < qty["end"] for a, _ in found)  # the speaker phrase starts inside the figure


def _innermost(quotes: list[dict], at: int) -> dict | None:
    """The shortest quote covering offset `at`."""
    covering = [q for q in quotes if q["start"] <= at < q["end"]]
    return min(covering, key=lambda q: q["end"] - q["start"]) if covering else None


def _cue_span(text: str, quote: dict, ev: dict) -> dict | None:
    """Where the quote's cue word stands: its nearest occurrence around the quote and the event's sentence."""
    cue = (quote.get("cue") or "").split()
    if not cue:
        return None
    word = cue[0]
    lo = max(0, min(quote["start"], ev["sentence"]["start"]) - 400)
    hi = min(len(text), max(quote["end"], ev["sentence"]["end"]) + 400)
    hits = []
    k = text.find(word, lo, hi)
    while k != -1:
        hits.append(k)
        k = text.find(word, k + 1, hi)
    if not hits:
        return None
    best = min(hits, key=lambda k: min(abs(k - quote["start"]), abs(k - quote["end"])))
    return {"start": best, "end": best + len(word), "text": word}


def mark_denials(found: dict, att: AttributionLexicon) -> None:
    """An event reported under a denial cue ("X dementiert, dass …", "Y denied that …") is a negated claim."""
    denials = [q for q in found.get("quotes") or []
               if q.get("cue") and q["cue"].split()[0].lower() in att.denial_cues]
    for ev in found.get("events") or []:
        at = ev["trigger"]["start"]
        if any(q["start"] <= at < q["end"] for q in denials):
            ev["modality"] = "negated"


def one_event_per_figure(found: dict, categories: dict[str, tuple[str, ...]] | None = None,
                         verbs: set[int] | None = None) -> None:
    """A figure counts one event: among the events of its sentence that claim it, the one whose type and mode
    count its category most specifically (events.json `quantity_categories`), then one whose trigger is a verb
    ("30 Menschen bei den Zusammenstößen getötet": the killing, not the clashes), then the nearest."""
    owners: dict[str, list[dict]] = {}
    for ev in found.get("events") or []:
        for q in ev["quantities"]:
            owners.setdefault(q, []).append(ev)
    spans = {q["id"]: q for q in found.get("quantities") or []}
    for qid, evs in owners.items():
        if len(evs) < 2 or qid not in spans:
            continue
        at, category = spans[qid]["start"], spans[qid].get("category")
        keep = min(evs, key=lambda e: (_fit(e, category, categories or {}),
                                       0 if e["trigger"]["start"] in (verbs or ()) else 1,
                                       abs(e["trigger"]["start"] - at), e["trigger"]["start"]))
        for ev in evs:
            if ev is not keep:
                ev["quantities"] = [q for q in ev["quantities"] if q != qid]


def _fit(ev: dict, category: str | None, cats: dict[str, tuple[str, ...]]) -> int:
    """0 if the event's type and mode count this category, 1 if its type does, else 2."""
    if category in cats.get(f"{ev['type']}/{ev.get('mode')}", ()):
        return 0
    return 1 if category in cats.get(ev["type"], ()) else 2


def assign_content_ids(found: dict, aid: str, doc: Doc | None = None) -> None:
    """Replace positional ids by ids from content (article id, kind, offsets, type) and rewrite every reference."""
    entities = _renamed(found.get("entities") or [], "entity",
                        lambda e: (aid, e["label"], e["name"], e["mentions"][0]["start"] if e["mentions"] else ""))
    times = _renamed(found.get("times") or [], "time", lambda t: (aid, t["start"], t["end"]))
    qtys = _renamed(found.get("quantities") or [], "quantity", lambda q: (aid, q["start"], q["end"]))
    quotes = _renamed(found.get("quotes") or [], "quote", lambda q: (aid, q["start"], q["end"], q["kind"]))
    for q in found.get("quotes") or []:
        q["speaker"] = entities.get(q.get("speaker"), q.get("speaker"))
    for q in found.get("quantities") or []:
        if q.get("scope") and q["scope"].get("place"):
            q["scope"]["place"] = entities.get(q["scope"]["place"], q["scope"]["place"])
    for ev in found.get("events") or []:
        ev["actors"] = [entities.get(x, x) for x in ev["actors"]]
        ev["targets"] = [entities.get(x, x) for x in ev["targets"]]
        ev["location"] = entities.get(ev.get("location"), ev.get("location"))
        ev["time"] = times.get(ev.get("time"), ev.get("time"))
        ev["quantities"] = [qtys.get(x, x) for x in ev["quantities"]]
        ev["source"]["entity"] = entities.get(ev["source"].get("entity"), ev["source"].get("entity"))
    events = _renamed(found.get("events") or [], "event",
                      lambda e: (aid, e["trigger"]["start"], e["trigger"]["end"], e["type"]))
    for cl in found.get("claims") or []:
        cl["event"] = events.get(cl["event"], cl["event"])
        cl["quantity"] = qtys.get(cl.get("quantity"), cl.get("quantity"))
        cl["quote"] = quotes.get(cl.get("quote"), cl.get("quote"))
        cl["claimant"]["entity"] = entities.get(cl["claimant"].get("entity"), cl["claimant"].get("entity"))
    _renamed(found.get("claims") or [], "claim",
             lambda c: (aid, c["event"], c.get("quantity") or "", c["claimant"]["key"], c["evidence"]["start"]))
    if doc is not None and Doc.has_extension("quote_speaker_spans") and doc._.quote_speaker_spans:
        doc._.quote_speaker_spans = {quotes.get(k, k): v for k, v in doc._.quote_speaker_spans.items()}


def _renamed(items: list[dict], kind: str, parts: Any) -> dict[str, str]:
    """Give each item its content id (a clash gets a numbered suffix, in content order); old id -> new id."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for item in sorted(items, key=lambda it: tuple(str(p) for p in parts(it))):
        new = base = content_id(kind, *parts(item))
        n = 2
        while new in taken:
            new, n = f"{base}-{n}", n + 1
        taken.add(new)
        if item.get("id"):
            mapping[item["id"]] = new
        item["id"] = new
    return mapping


@Language.factory("lagebild_claims", requires=["doc._.report_events", "doc._.report_quantities",
                                               "doc._.report_quotes", "doc._.report_entities"],
                  assigns=["doc._.report_claims", "doc._.generator"])
def make_claims(nlp: Language, name: str) -> ClaimBuilder:
    """The claims component: the last extractor of every pipeline."""
    return ClaimBuilder(nlp)
