"""Quotes: direct quotes (quotation marks, "Name:" announcements, across paragraphs) and indirect speech, with speakers."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..lang import language_data
from . import claims, doc_sents, doc_text
from .attribution import (
    AttributionLexicon,
    Cue,
    backward_np,
    clause_bounds,
    doc_facts,
    find_cues,
    first_np,
    first_word,
    forward_np,
    has_konjunktiv,
    infinitive_clause,
    konjunktiv_one,
    no_verb,
    nominal_adjective,
    source_kind,
)
from .entities import LanguageRules

# Files in lang/<code>/ this extractor needs; a language without them runs without it.
LANGUAGE_DATA: tuple[str, ...] = ()

if not Doc.has_extension("quote_speaker_spans"):
    Doc.set_extension("quote_speaker_spans", default=None)

SYMMETRIC = frozenset({'"', "'"})
MAX_QUOTE_CHARS = 4000
CONTINUATION_GAP = 2  # sentences after the last attributed one in which Konjunktiv I still continues it


@dataclass
class Speaker:
    """A resolved speaker: what the report shows, plus the char spans it rests on (local mention, antecedent)."""

    text: str | None
    entity: str | None
    spans: list[tuple[int, int]]
    is_person: bool = False
    root: Speaker | None = None  # the speaker this one names again at a local mention (one run of speech)

    def mentioned_at(self, span: tuple[int, int]) -> Speaker:
        """The same speaker, resting also on a local mention ("er", "Demnach", "eigenen Angaben")."""
        return Speaker(self.text, self.entity, [span] + self.spans, self.is_person)

    def named_again_at(self, span: tuple[int, int]) -> Speaker:
        """The same speaker in the same run of speech, named again in it ("Er sei …")."""
        return Speaker(self.text, self.entity, [span] + self.spans, self.is_person, self.root or self)

    def same_run(self, other: Speaker) -> bool:
        """Both stand for one speaker object of a run of speech."""
        return (self.root or self) is (other.root or other)


Mention = tuple[int, int, str, str, str]  # start, end, entity id, label, text
Item = tuple[int, int, str, Speaker, "str | None"]  # start, end, kind, speaker, cue text


class Mentions:
    """The article's entity mentions sorted by (start, end, ...), with windowed look-ups that keep that order."""

    def __init__(self, items: list[Mention]) -> None:
        self.items = items
        self.starts = [m[0] for m in items]
        self.longest = max((m[1] - m[0] for m in items), default=0)
        self._by_labels: dict[tuple[str, ...], tuple[list[Mention], list[int]]] = {}
        self.quoted: list[tuple[int, int]] = []  # char spans of direct quotes, in text order, none inside another

    def in_quote(self, at: int) -> bool:
        """Character `at` stands inside a direct quote."""
        k = bisect_right(self.quoted, (at, at + 1)) - 1
        return k >= 0 and self.quoted[k][0] < at < self.quoted[k][1]

    def starting_in(self, lo: int, hi: int) -> list[Mention]:
        """Mentions that start in [lo, hi)."""
        return self.items[bisect_left(self.starts, lo):bisect_left(self.starts, hi)]

    def overlapping(self, lo: int, hi: int) -> list[Mention]:
        """Mentions that share a character with [lo, hi)."""
        return [m for m in self.starting_in(lo - self.longest, hi) if m[0] < hi and lo < m[1]]

    def last_ending_by(self, end: int, labels: tuple[str, ...]) -> Mention | None:
        """The last mention in sort order with one of `labels` that ends at or before `end`; from outside a direct
        quote, not one inside a quote ("…“, betonte sie" does not mean a person the quote names)."""
        if labels not in self._by_labels:
            chosen = [m for m in self.items if m[3] in labels]
            self._by_labels[labels] = (chosen, [m[0] for m in chosen])
        chosen, starts = self._by_labels[labels]
        outside = not self.in_quote(end)
        for k in range(bisect_right(starts, end) - 1, -1, -1):  # one that ends by `end` starts before it
            if chosen[k][1] <= end and not (outside and self.in_quote(chosen[k][0])):
                return chosen[k]
        return None


def _same_paragraph_gap(gap: str) -> bool:
    return not gap.strip() and "\n" not in gap


def char_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character offsets of the token range [start, end)."""
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1])


def direct_spans(text: str, pairs: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
    """Char spans (marks included) of quotations, continuing a quote whose next paragraph reopens it."""
    closers: dict[str, list[str]] = {}
    for a, b in pairs:
        closers.setdefault(a, []).append(b)
    out: list[tuple[int, int]] = []
    if not closers:
        return out
    opener = re.compile("[" + re.escape("".join(closers)) + "]")
    i = 0
    while (found := opener.search(text, i)) is not None:
        i = found.start()
        if _can_open(text, i):
            end = _find_close(text, i, closers[text[i]])
            if end is not None:
                out.append((i, end))
                i = end
                continue
        i += 1
    return out


def _can_open(text: str, i: int) -> bool:
    ch = text[i]
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() or nxt == ch:
        return False
    if ch in SYMMETRIC:
        prev = text[i - 1] if i > 0 else " "
        return prev.isspace() or prev in "([/–-:"
    return True


def _find_close(text: str, i: int, closers: list[str]) -> int | None:
    opener = text[i]
    j, n = i + 1, min(len(text), i + MAX_QUOTE_CHARS)
    while j < n:
        ch = text[j]
        if ch == "\n":
            k = j
            while k < n and text[k].isspace():
                k += 1
            if k < n and text[k] == opener and opener not in closers:
                j = k + 1  # the quote goes on in the next paragraph
                continue
            return None
        if ch in closers and not (opener in SYMMETRIC and ch == opener and _symmetric_inside(text, j)):
            if ch == opener and opener not in SYMMETRIC and ch not in closers:
                return None
            return j + 1
        if ch == opener and opener not in closers:
            return None  # reopened without closing: unbalanced
        j += 1
    return None


def _symmetric_inside(text: str, j: int) -> bool:
    """A symmetric mark at j that cannot close (glued to a following letter, as in an apostrophe)."""
    nxt = text[j + 1] if j + 1 < len(text) else " "
    prev = text[j - 1] if j > 0 else " "
    return nxt.isalnum() or prev.isspace()


class QuoteExtractor:
    """Finds quotes and their speakers; one instance per pipeline, lexicon loaded once."""

    def __init__(self, lang: str) -> None:
        self.lex = AttributionLexicon.load(lang) if language_data(lang, "attribution.json").exists() else None
        self.roles = LanguageRules.load(lang)

    def __call__(self, doc: Doc) -> Doc:
        found = claims(doc)
        if self.lex is None:
            found["quotes"] = []
            return doc
        quotes, spans = self.extract(doc, found.get("entities") or [])
        found["quotes"] = quotes
        doc._.quote_speaker_spans = spans
        return doc

    def extract(self, doc: Doc, entities: list[dict]) -> tuple[list[dict], dict[str, list[tuple[int, int]]]]:
        """Quotes as schema dicts, plus the speaker char spans of each (for evaluation)."""
        lex = self.lex
        assert lex is not None
        mentions = Mentions(sorted(
            (m["start"], m["end"], e["id"], e["label"], m["text"]) for e in entities for m in e.get("mentions", [])
        ))
        directs: list[tuple[int, int, int, int]] = []
        for cs, ce in direct_spans(doc_text(doc), lex.quote_pairs):
            span = doc.char_span(cs, ce, alignment_mode="expand")
            words = sum(1 for t in span if t.is_alpha) if span is not None else 0
            if span is None or (words < lex.min_direct_words and not self._lowercase_inside(doc_text(doc)[cs:ce])):
                continue
            directs.append((cs, ce, span.start, span.end))
        mentions.quoted = [(d[0], d[1]) for d in directs]
        items: list[Item] = []
        state: dict[str, Speaker | None] = {"last": None, "active": None, "person": None, "recent": None}
        done_direct: set[int] = set()
        sents = doc_sents(doc)
        recent_speaker: Speaker | None = None
        recent_si, recent_end = -1, None
        direct_starts, direct_ends = [d[2] for d in directs], [d[3] for d in directs]  # both ascending
        for si, sent in enumerate(sents):
            state["recent"] = recent_speaker if recent_end is not None and si - recent_si <= CONTINUATION_GAP \
                and "\n" not in doc_text(doc)[recent_end:sent.start_char] else None
            in_sent = directs[bisect_right(direct_ends, sent.start):bisect_left(direct_starts, sent.end)]
            inside = lambda t: any(d[2] <= t < d[3] for d in in_sent)  # noqa: E731, B023 (used in this iteration only)
            cues = [c for c in find_cues(doc, sent, lex) if not inside(c.start)]
            resolved: list[tuple[Cue, Speaker | None]] = []
            for cue in cues:
                sp = self._speaker(doc, cue.speaker, mentions, state) if cue.speaker else None
                if sp is not None and cue.local is not None:
                    sp = sp.mentioned_at(char_range(doc, *cue.local))
                cue_speaker = sp  # who goes on speaking after this sentence
                if sp is not None and (claim := self._claim_phrase(doc, cue)) is not None:
                    # "X wies die Darstellung der Zeitung zurück, Y sei …": what follows is the rejected claim
                    sp = self._speaker(doc, claim, mentions, dict(state))
                resolved.append((cue, sp))
                # "Es hieß, dass …": reported by nobody named
                said_by = (state["active"] or state["recent"] or Speaker(None, None, [])) if sp is None and cue.kind == "impersonal" else sp
                if cue.content and said_by is not None and self._beyond_directs(doc, cue.content, in_sent) \
                        and self._content_ok(doc, cue):
                    a, b = char_range(doc, *cue.content)
                    items.append((a, b, "indirect", said_by, cue.text))
                elif sp is not None and not in_sent and self._points_back(doc, sent, cue):
                    # "[passage]. Das teilte der Sprecher mit.": the passage before is what was said
                    passage = self._passage_before(doc, sent.start_char, items)
                    if passage is not None:
                        items.append((*passage, "indirect", sp, cue.text))
                if cue_speaker is not None:
                    state["active"] = cue_speaker
            for d in in_sent:
                if d[2] in done_direct:
                    continue
                done_direct.add(d[2])
                sp, cue_text = self._direct_speaker(doc, d, sents, si, resolved, mentions, state)
                if self._title_like(doc_text(doc)[d[0]:d[1]], cued=cue_text is not None):
                    continue
                items.append((d[0], d[1], "direct", sp or Speaker(None, None, []), cue_text))
                if sp is not None:
                    state["active"] = sp
            if not cues and (not in_sent or self._beyond_directs(doc, (sent.start, sent.end), in_sent)):
                active = state["active"]
                recent = state["recent"]
                trial = dict(state)
                own = self._dass_clause(doc, sent, mentions, trial)
                named = own is not None and own[3].spans and \
                    doc_text(doc)[own[3].spans[0][0]:own[3].spans[0][1]].lower() not in lex.person_pronouns
                opener = doc[first_word(sent)]
                pointer = self._pointer(doc, sent, inside)
                if own is not None and named:
                    state.update(trial, active=own[3])  # its own subject: "X ist der Meinung, dass …"
                    items.append(own)
                elif pointer is not None and sent.end - sent.start > 3:
                    # "Demnach wurden drei Zivilisten getötet": the word points back to the source just named
                    # ("Das geht aus dem Urteil hervor. Demnach …"): a document named in a sentence without a subject
                    # that can speak
                    prev = sents[si - 1] if si > 0 else None
                    document = self._document_in(doc, prev, mentions, trial) if prev is not None and \
                        self._sentence_source(doc, prev.start, prev.end, mentions, dict(trial)) is None else None
                    source = document or active or recent or \
                        (self._sentence_source(doc, prev.start, prev.end, mentions, trial) if prev is not None else None)
                    sp = (source or Speaker(None, None, [])).mentioned_at(char_range(doc, *pointer))
                    start = doc[pointer[1]].idx if pointer[0] == opener.i else sent.start_char
                    items.append((start, sent.end_char, "indirect", sp, doc[pointer[0]:pointer[1]].text))
                    state["active"] = source
                elif active is not None and has_konjunktiv(doc, sent.start, sent.end, lex) and self._can_speak(active):
                    # "Beobachter werten den Sieg als Erfolg, da … sei": an indicative sentence speaks for its subject
                    sp = self._indicative_subject(doc, sent, mentions, state) or active
                    items.append((sent.start_char, sent.end_char, "indirect", self._named_in(doc, sent, sp, mentions, state), None))
                    state["active"] = sp
                elif recent is not None and has_konjunktiv(doc, sent.start, sent.end, lex, strong=True):
                    # Konjunktiv I after an indicative aside still reports the same speaker
                    sp = self._indicative_subject(doc, sent, mentions, state) or recent
                    items.append((sent.start_char, sent.end_char, "indirect", self._named_in(doc, sent, sp, mentions, state), None))
                    state["active"] = sp
                elif si > 0 and self._konjunktiv_one(doc, sent) and \
                        (sp := self._framing_subject(doc, sents[si - 1], mentions, state)):
                    # Konjunktiv I after a sentence without a cue ("X verteidigte den Plan. Er sei …"): its subject
                    items.append((sent.start_char, sent.end_char, "indirect", self._named_in(doc, sent, sp, mentions, state), None))
                    state["active"] = sp
                elif self._reportative_perfect(doc, sent):
                    # "soll … geflohen sein": reported by someone, the running speaker if there is one
                    items.append((sent.start_char, sent.end_char, "indirect", recent or Speaker(None, None, []), None))
                else:
                    if not in_sent:  # a sentence with a quote in it keeps the speaker that quote has
                        state["active"] = None
                    if own is not None:
                        state.update(trial, active=state["active"])
                        items.append(own)
            if state["active"] is not None:
                recent_speaker, recent_si, recent_end = state["active"], si, sent.end_char
        items.sort(key=lambda x: (x[0], x[1]))
        # a quote with no one to name as its speaker (no cue, no running speaker, no mention) is left out, unless a
        # cue marks it as said ("Es hieß, …", "Ihm wird vorgeworfen, …")
        items = [item for item in self._merge_runs(doc, items) if item[3].spans or (item[2] == "indirect" and item[4])]
        quotes: list[dict] = []
        spans: dict[str, list[tuple[int, int]]] = {}
        for n, (a, b, kind, sp, cue_text) in enumerate(items, 1):
            qid = f"qt{n}"
            quotes.append({"id": qid, "start": a, "end": b, "text": doc_text(doc)[a:b], "kind": kind,
                           "speaker": sp.entity, "speaker_text": sp.text, "cue": cue_text})
            spans[qid] = sp.spans
        return quotes, spans

    @staticmethod
    def _merge_runs(doc: Doc, items: list[Item]) -> list[Item]:
        """Uncued reported sentences in a row by one speaker, within a paragraph, are one passage of reported speech."""
        out: list[Item] = []
        text = doc_text(doc)
        for item in items:
            if out and item[2] == out[-1][2] == "indirect" and item[4] is None and out[-1][4] is None \
                    and item[3].same_run(out[-1][3]) and item[0] >= out[-1][1] and _same_paragraph_gap(text[out[-1][1]:item[0]]):
                first = out.pop()
                sp = first[3]
                if item[3] is not sp:  # a mention of the speaker in the later sentence counts for the whole run
                    sp = Speaker(sp.text, sp.entity, sp.spans + [m for m in item[3].spans if m not in sp.spans],
                                 sp.is_person, sp.root or sp)
                item = (first[0], item[1], "indirect", sp, None)
            out.append(item)
        return out

    def _direct_speaker(self, doc: Doc, d: tuple[int, int, int, int], sents: list[Span], si: int,
                        resolved: list[tuple[Cue, Speaker | None]], mentions: Mentions, state: dict) -> tuple[Speaker | None, str | None]:
        """Speaker of a direct quote: a cue in its sentences, a "Name:" lead-in, or the running speaker."""
        lex = self.lex
        assert lex is not None
        sp: Speaker | None
        _, _, ts, te = d
        cands: list[tuple[int, Cue, Speaker | None]] = [
            (min(abs(c.start - ts), abs(c.start - te)), c, sp) for c, sp in resolved if sp is not None
        ]
        # cues in the following sentences the quote runs into
        k = si + 1
        while k < len(sents) and sents[k].start < te:
            for c in find_cues(doc, sents[k], lex):
                if not (ts <= c.start < te) and c.speaker:
                    sp = self._speaker(doc, c.speaker, mentions, state)
                    cands.append((abs(c.start - te), c, sp))
            k += 1
        if cands:
            _, cue, sp = min(cands, key=lambda x: x[0])
            return sp, cue.text
        # "„…“, begründet das Gericht seinen Spruch": a verb right after the quote, then its subject
        after = self._verb_then_subject(doc, te, mentions, state)
        if after is not None:
            return after
        # "„…“ Das sagte der Bürgermeister am Abend.": the next sentence points back at the quote
        nxt = next((x for x in islice(sents, si + 1, None) if x.start >= te), None)
        if nxt is not None and doc[first_word(nxt)].lower_ in lex.thing_pronouns | {lex.so_cue}:
            back = [c for c in find_cues(doc, nxt, lex) if c.kind == "verb" and c.speaker and c.content is None]
            if back and back[0].speaker:
                return self._speaker(doc, back[0].speaker, mentions, state), back[0].text
        # "Name:" right before the quote (same line or the line before)
        j = ts - 1
        while j >= 0 and doc[j].is_space:
            j -= 1
        if j >= 0 and doc[j].text == ":":
            line_start = j
            while line_start > 0 and "\n" not in doc[line_start - 1].text_with_ws and not doc[line_start - 1].is_space:
                line_start -= 1
            start = max(line_start, doc[j].sent.start)
            np = backward_np(doc, j, line_start, lex, line_start)
            if np and np[0] <= start:
                return self._speaker(doc, np, mentions, state), None  # "Hartwig: „…“"
            lead = first_np(doc, start, j, lex, doc[j].sent.start) if no_verb(doc, start, j) else None
            if lead is not None:
                return self._speaker(doc, lead, mentions, state), None  # "Ein Ermittler nach der Festnahme: „…“"
            # "Zypries sieht darin eine Bestätigung: „…“": the sentence's subject, not the phrase before the colon
            sp = self._sentence_source(doc, start, j, mentions, state) or (
                self._plausible_source(doc, np, mentions, state) if np else None)
            if sp is not None:
                return sp, None
        sent = doc[ts].sent
        inside = ts > first_word(sent) + 1  # a quote inside a sentence without a cue ("sprach X von der „Katastrophe“")
        if inside and (sp := self._sentence_source(doc, sent.start, ts, mentions, state)):
            running = state.get("active") or state.get("recent")
            reported = has_konjunktiv(doc, sent.start, ts, lex, strong=True) or has_konjunktiv(doc, te, sent.end, lex, strong=True)
            if not sp.is_person and running is not None and reported:
                return running, None  # "Die Behörde habe das Schreiben „irritiert“ gelesen": reported speech goes on
            if not sp.is_person and reported and si > 0 and self._konjunktiv_one(doc, sent) and \
                    (framing := self._framing_subject(doc, sents[si - 1], mentions, dict(state))) is not None:
                return framing, None  # "X hatte Gutes zu melden. Erstmals sei die Stadt „…“": X speaks on
            return sp, None
        context = state.get("active") if si > 0 else None
        # with no cue and no running speaker, the sentence's subject or the paragraph's last person is a guess that
        # is wrong about as often as right (train and dev splits): the quote is left out instead
        return context, None

    def _beyond_directs(self, doc: Doc, content: tuple[int, int], directs: list[tuple[int, int, int, int]]) -> bool:
        """Reported content that says more than the direct quotes inside it ("er habe sich „…“ gezeigt")."""
        lex = self.lex
        assert lex is not None
        inner = [d for d in directs if d[2] < content[1] and content[0] < d[3]]
        if not inner:
            return True
        outside = sum(1 for t in doc[content[0]:content[1]] if t.is_alpha and not any(d[2] <= t.i < d[3] for d in inner))
        return outside >= lex.min_direct_words

    def _verb_then_subject(self, doc: Doc, te: int, mentions: Mentions, state: dict) -> tuple[Speaker, None] | None:
        """The subject after "„…“, VERB": a quote followed by a verb without a listed cue is still said by its subject."""
        lex = self.lex
        assert lex is not None
        k = te
        while k < len(doc) and doc[k].is_space:
            k += 1
        if k + 1 < len(doc) and doc[k].text != "," and doc[k].pos_ == "VERB" and doc[k].text.islower() \
                and doc[k].lower_ in lex.cue_verbs:
            k -= 1  # "„…“ erklärte X": a reporting verb in lower case right after the quote, its comma left out
        elif k + 2 >= len(doc) or doc[k].text != "," or not (doc[k + 1].pos_ in ("VERB", "AUX") or doc[k + 1].lower_ == lex.so_cue):
            return None  # "„…“, so X" where the sentence splitter cut after the comma: the so-cue's own sentence
        np = forward_np(doc, k + 2, doc[k + 1].sent.end, lex, doc[k + 1].sent.start)
        if np is None or (np[1] - np[0] == 1 and not lex.is_pronoun(doc[np[0]]) and doc[np[0]].pos_ not in ("NOUN", "PROPN")):
            return None
        return self._speaker(doc, np, mentions, state), None

    def _last_name_run(self, doc: Doc, before: int) -> tuple[int, int] | None:
        """Char span of the last run of two or more capitalised words (a name without NER) before token `before`."""
        lex = self.lex
        assert lex is not None
        name = lambda t: t.is_alpha and t.text[:1].isupper() and t.lower_ not in lex.determiners and not (t.is_sent_start and t.lower_ in lex.sentence_adverbs)  # noqa: E731
        k = before - 1
        while k > 0 and not (name(doc[k]) and name(doc[k - 1])):
            k -= 1
        if k <= 0:
            return None
        j = k - 1
        while j > 0 and name(doc[j - 1]):
            j -= 1
        return doc[j].idx, doc[k].idx + len(doc[k])

    def _dass_clause(self, doc: Doc, sent: Span, mentions: Mentions, state: dict) -> tuple | None:
        """Uncued reported content: "X schließen daraus, dass …" or a Konjunktiv I clause after a comma; speaker = first NP."""
        lex = self.lex
        assert lex is not None
        governor, scanned = False, sent.start  # a word before the comma that frames an infinitive clause as said
        commas = doc_facts(doc, lex).commas
        lo, hi = first_word(sent) + 2, sent.end - 3
        for c in range(bisect_left(commas, lo - 1), bisect_left(commas, hi - 1)):
            k = commas[c] + 1  # each k in [lo, hi) after a comma
            if doc[k].lower_ in lex.complementizers or has_konjunktiv(doc, k, min(sent.end, k + 4), lex, strong=True):
                framed = True
            elif self._infinitive_clause(doc, k, sent.end):  # "forderte X auf, …": scanned once, up to the comma
                governor = governor or any(doc[m].lemma_.lower() in lex.infinitive_governors for m in range(scanned, k - 1))
                scanned, framed = k - 1, governor
            else:
                framed = False
            if framed:
                # "Der Vorsitzende, Paul Reiter, ist überzeugt, dass …": an apposition between two commas may stand
                # in the frame; any other comma before, or a Konjunktiv I there, means the whole sentence is reported
                before = commas[bisect_left(commas, sent.start):c]  # the commas in [sent.start, k - 1)
                apposition = len(before) == 2 and no_verb(doc, before[0] + 1, before[1])
                if (before and not apposition) or has_konjunktiv(doc, sent.start, k - 1, lex, strong=True):
                    return None
                np = first_np(doc, sent.start, k - 1, lex, sent.start)
                sp = self._plausible_source(doc, np, mentions, state) if np is not None else None
                cue = self._agentless_passive(doc, sent.start, k - 1) if sp is None else None
                if sp is None and cue is None:
                    return None
                end = sent.end
                while end > k and (doc[end - 1].is_punct):
                    end -= 1
                return (doc[k].idx, doc[end - 1].idx + len(doc[end - 1]), "indirect", sp or Speaker(None, None, []), cue)
        return None

    def _infinitive_clause(self, doc: Doc, k: int, end: int) -> bool:
        """The clause from token k is an infinitive with "zu" and no "um" ("…, die Grenze zu schließen")."""
        lex = self.lex
        assert lex is not None
        return doc[k].lower_ not in lex.purpose_conjunctions and infinitive_clause(doc, k, end, lex)

    def _agentless_passive(self, doc: Doc, a: int, b: int) -> str | None:
        """The reporting participle of a passive without agent ("Ihm wird vorgeworfen, …"): said, by no one named."""
        lex = self.lex
        assert lex is not None
        if not any(doc[m].lower_ in lex.passive_auxiliaries for m in range(a, b)):
            return None
        return next((doc[m].text for m in range(a, b) if doc[m].lower_ in lex.cue_verbs
                     or doc[m].lemma_.lower() in lex.infinitive_governors), None)

    def _sentence_source(self, doc: Doc, a: int, b: int, mentions: Mentions, state: dict) -> Speaker | None:
        """Who speaks in tokens [a, b) of a sentence without a cue: its subject if that can speak, else its last named
        person."""
        lex = self.lex
        assert lex is not None
        np = first_np(doc, a, b, lex, doc[a].sent.start)
        if np is not None and doc[np[0]].lower_ in lex.object_determiners:
            # "Den Ärger der Partei brachte X zum Ausdruck": a fronted object, the subject follows the verb
            verb = next((k for k in range(np[1], b) if doc[k].pos_ in ("VERB", "AUX")), None)
            np = first_np(doc, verb + 1, b, lex, doc[a].sent.start) if verb is not None else None
        subject = self._plausible_source(doc, np, mentions, state) if np else None
        if subject is not None:
            return subject
        # "Das Angebot lehnt er ab: „…“": a pronoun right after the verb is the subject of a fronted object
        pronoun = next((k for k in range(a + 1, b) if lex.is_pronoun(doc[k])
                        and doc[k - 1].pos_ in ("VERB", "AUX")), None)
        if pronoun is not None:
            return self._speaker(doc, (pronoun, pronoun + 1), mentions, state)
        return self._sentence_person(doc, a, b, mentions, state, first=True)

    def _document_in(self, doc: Doc, sent: Span, mentions: Mentions, state: dict) -> Speaker | None:
        """The last document named in a sentence ("stimmte einer Gesetzesvorlage zu. Demnach …"): what a pointer
        word right after it refers to."""
        lex = self.lex
        assert lex is not None
        if not lex.document_suffixes:
            return None
        for k in range(sent.end - 1, sent.start - 1, -1):
            if doc[k].pos_ == "NOUN" and doc[k].lower_.endswith(lex.document_suffixes):
                start = k
                while start > sent.start and doc[start - 1].pos_ in ("DET", "ADJ"):
                    start -= 1
                np = forward_np(doc, start, sent.end, lex, sent.start)  # with its genitive: "einer Vorlage des Rats"
                return self._speaker(doc, np if np is not None and np[1] > k else (start, k + 1), mentions, state)
        return None

    def _sentence_person(self, doc: Doc, a: int, b: int, mentions: Mentions, state: dict, first: bool = False) -> Speaker | None:
        """The last (or first) person named in tokens [a, b), if any."""
        lo, hi = char_range(doc, a, b)
        people = [m for m in mentions.starting_in(lo, hi + 1) if m[1] <= hi and m[3] == "PER"]
        chosen = (people[0] if first else people[-1]) if people else None
        span = doc.char_span(chosen[0], chosen[1], alignment_mode="expand") if chosen else None
        return self._speaker(doc, (span.start, span.end), mentions, state) if span is not None else None

    def _plausible_source(self, doc: Doc, np: tuple[int, int], mentions: Mentions, state: dict) -> Speaker | None:
        """The speaker of a phrase found without a cue, if it can speak: a person, an organisation or a known source kind
        ("Das Video zeigt, dass …" has none)."""
        lex = self.lex
        assert lex is not None
        trial = dict(state)
        sp = self._speaker(doc, np, mentions, trial)
        # the entity must head the phrase: "Den Unmut der CDU" is no source, though the CDU is named in it
        head_end = next((k for k in range(np[0] + 1, np[1]) if doc[k].lower_ in lex.genitive_links
                         or doc[k].lower_ in lex.prepositions_before_np), np[1])
        lo, hi = char_range(doc, np[0], head_end)
        speaking = {m[2] for m in mentions.overlapping(lo, hi) if m[3] in ("PER", "ORG")}
        role = self.roles.role_at([doc[head_end - 1].text], 0) is not None
        if not (sp.is_person or sp.entity in speaking or role or source_kind(sp.text or "", lex) != "named"):
            return None  # a person by role ("Der Hauptgeschäftsführer des Verbands") can speak too
        state.update(trial)
        return sp

    def _with_role(self, doc: Doc, start_char: int) -> int:
        """Start char of a name mention extended over the role word right before it ("Innenminister Paul Reiter")."""
        span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
        if span is None:
            return start_char
        length = self.roles.role_length_before(doc, span.start)
        return doc[span.start - length].idx if length else start_char

    def _framing_subject(self, doc: Doc, prev: Span, mentions: Mentions, state: dict) -> Speaker | None:
        """The named subject of an indicative sentence, the likely speaker of reported speech right after it."""
        if self._konjunktiv_one(doc, prev):
            return None
        trial = dict(state)
        sp = self._sentence_source(doc, prev.start, prev.end, mentions, trial)
        if sp is None or not (sp.is_person or sp.entity):
            return None
        state.update(trial)
        return sp

    def _claim_phrase(self, doc: Doc, cue: Cue) -> tuple[int, int] | None:
        """The phrase of a claim noun whose complement the cue's content is: right before the comma that opens the
        content ("reagierte auf die Forderung des Ministers, … zu …"), or anywhere in the clause after a denial
        ("hat Berichte der Zeitung zurückgewiesen, er sei …"). Its source, not the cue's, said the content."""
        lex = self.lex
        assert lex is not None
        if not lex.claim_noun_suffixes or cue.kind != "verb" or cue.content is None or cue.speaker is None \
                or cue.content[0] <= cue.end or doc[cue.content[0] - 1].text != ",":
            return None
        ce, first = cue.content[0] - 1, doc[cue.content[0]]
        if first.tag_ in lex.subordinator_tags and first.lower_ not in lex.complementizers:
            return None  # "hat den Vorwurf zurückgewiesen, da …": the denier's own reason
        sent = doc[cue.start].sent
        cs, _ = clause_bounds(doc, cue.start, sent, lex)
        denial = doc[cue.start].lower_ in lex.denial_cues
        if not denial and not self._infinitive_clause(doc, cue.content[0], cue.content[1]):
            return None  # "bestätigte die Meldung, dass …": a confirmation makes the content its own
        for k in range(max(cs, cue.speaker[1]), ce):
            if doc[k].pos_ != "NOUN" or not doc[k].lower_.endswith(lex.claim_noun_suffixes):
                continue
            start = k
            while start - 1 >= max(cs, cue.speaker[1]) and doc[start - 1].pos_ in ("DET", "ADJ"):
                start -= 1
            np = forward_np(doc, start, ce, lex, sent.start)
            if np is not None and (denial or np[1] == ce):
                return np
        return None

    def _indicative_subject(self, doc: Doc, sent: Span, mentions: Mentions, state: dict) -> Speaker | None:
        """The subject of a sentence whose first finite verb is indicative, next to that verb, if it can speak."""
        lex = self.lex
        assert lex is not None
        fin = next((t for t in sent if t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm", [])), None)
        if fin is None or "Sub" in fin.morph.get("Mood", []) or has_konjunktiv(doc, fin.i, fin.i + 1, lex):
            return None
        np = first_np(doc, sent.start, sent.end, lex, sent.start)
        if np is None or not (np[1] == fin.i or np[0] == fin.i + 1) or lex.is_pronoun(doc[np[0]]):
            return None  # a pronoun subject ("Er war …") is as often the one reported on as the one who reports
        sp = self._plausible_source(doc, np, mentions, state)
        head = next((t for t in doc[np[0]:np[1]] if t.pos_ in ("NOUN", "PROPN")), doc[np[1] - 1])  # "Die Wähler der Partei"
        if sp is None and np[1] == fin.i and fin.pos_ == "VERB" and head.pos_ == "NOUN" and "Plur" in head.morph.get("Number", []):
            sp = self._speaker(doc, np, mentions, state)  # "Die Bundesländer erwarten …, diese seien …": a group
        return sp

    def _konjunktiv_one(self, doc: Doc, sent: Span) -> bool:
        """A Konjunktiv I verb (present subjunctive: "sei", "gebe"), the mark of reported speech; Konjunktiv II
        ("hätte", "könnte") is as often the author's own conditional."""
        lex = self.lex
        assert lex is not None
        return konjunktiv_one(doc, sent.start, sent.end, lex)

    def _reportative_perfect(self, doc: Doc, sent: Span) -> bool:
        """A reportative modal with a perfect infinitive ("soll … geflohen sein"): hearsay, not the author's claim."""
        lex = self.lex
        assert lex is not None
        last = next((t for t in reversed(sent) if not (t.is_punct or t.is_space)), None)
        if last is None or last.lower_ not in lex.perfect_aux:
            return False  # the last word first: it rules out most sentences
        words = islice((t.lower_ for t in sent if not (t.is_punct or t.is_space)), 4)
        return any(w in lex.reportative for w in words)

    def _content_ok(self, doc: Doc, cue: Cue) -> bool:
        """A cue's content that is a reported clause, not an apposition, a relative or fronted clause, or the speaker's
        own phrase."""
        lex = self.lex
        assert lex is not None and cue.content is not None
        a, b = cue.content
        first = next((t for t in doc[a:b] if not (t.is_punct or t.is_space)), doc[a])
        if first.tag_ in lex.relative_tags:
            return False  # "sprach von 500 Menschen, die …": a relative clause
        if b <= cue.start and first.tag_ in lex.subordinator_tags and first.lower_ not in lex.complementizers:
            return False  # "Da … war, entschied X": a fronted clause of reason or time
        if b <= cue.start and self._phrase_with_relative(doc, a, b):
            return False  # "X, der … ist, wies zurück": the subject with its relative clause
        if cue.kind == "verb" and b <= cue.start and cue.speaker is not None and a <= cue.speaker[0] < b:
            return False  # "X, der … ist, wies zurück": the speaker's own phrase
        # "sagte X, Parteichef der Y": an apposition has no verb
        return not doc.has_annotation("POS") or any(t.pos_ in ("VERB", "AUX") for t in doc[a:b])

    def _phrase_with_relative(self, doc: Doc, a: int, b: int) -> bool:
        """Tokens [a, b) are a phrase without a verb, then a comma and a relative clause ("Paul Reiter, der …")."""
        lex = self.lex
        assert lex is not None
        comma = next((k for k in range(a, b - 1) if doc[k].text == ","), None)
        return comma is not None and comma > a and doc[comma + 1].tag_ in lex.relative_tags and no_verb(doc, a, comma)

    def _points_back(self, doc: Doc, sent: Span, cue: Cue) -> bool:
        """A verb cue without content right after a sentence-initial "Das" or "Dies" ("Das teilte X mit.")."""
        lex = self.lex
        assert lex is not None
        s0 = first_word(sent)
        return cue.kind == "verb" and cue.content is None and cue.start == s0 + 1 and doc[s0].lower_ in lex.thing_pronouns

    @staticmethod
    def _passage_before(doc: Doc, end: int, items: list[Item]) -> tuple[int, int] | None:
        """Char span of the paragraph before `end` (or of the previous one when `end` opens a paragraph), if no quote
        is found in it yet."""
        text = doc_text(doc)
        start = text.rfind("\n", 0, end) + 1
        if not text[start:end].strip():
            end = len(text[:start].rstrip())
            start = text.rfind("\n", 0, end) + 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start < 20:
            return None
        for item in reversed(items):  # items are in text order: only the last few can reach into the paragraph
            if item[1] <= start:
                break
            if item[0] < end:
                return None
        return start, end

    def _pointer(self, doc: Doc, sent: Span, inside: Callable[[int], bool]) -> tuple[int, int] | None:
        """Tokens that point back to a source: "Demnach", "Danach" with Konjunktiv I, "Seiner Meinung nach"."""
        lex = self.lex
        assert lex is not None
        found: tuple[int, int] | None
        pointers = doc_facts(doc, lex).pointers  # no other token can be one
        for p in range(bisect_left(pointers, sent.start), bisect_left(pointers, sent.end)):
            t = doc[pointers[p]]
            low = t.lower_
            if low in lex.anaphoric_cues:
                found = (t.i, t.i + 1)
            elif low in lex.konjunktiv_anaphoric_cues:
                found = (t.i, t.i + 1) if self._konjunktiv_one(doc, sent) else None
            elif low in lex.possessive_determiners and t.i + 2 < sent.end and doc[t.i + 2].lower_ == lex.nach_word:
                noun = doc[t.i + 1].lower_
                found = (t.i, t.i + 3) if noun in lex.nach_cues or noun.endswith(lex.nach_cue_suffixes or ("\0",)) else None
            else:
                continue
            if found is not None and not inside(t.i):
                return found
        return None

    def _can_speak(self, sp: Speaker) -> bool:
        """A speaker that can go on talking: a person, a named body, a known kind of source or a pronoun."""
        lex = self.lex
        assert lex is not None
        words = (sp.text or "").split()
        return sp.is_person or sp.entity is not None or source_kind(sp.text or "", lex) != "named" or \
            not words or words[-1].lower() in lex.person_pronouns

    @staticmethod
    def _lowercase_inside(text: str) -> bool:
        """A quote that opens in lower case ("„haltlos“"): a quoted word from speech, never a title or a name."""
        inner = text[1:-1].lstrip()
        return inner[:1].islower()

    @staticmethod
    def _title_like(text: str, cued: bool = False) -> bool:
        """A short quoted name or title rather than speech: no sentence punctuation, few words or mostly capitalised
        (near a reporting cue, only mostly capitalised: "„Wir bleiben hier“, sagte X" is speech)."""
        inner = text[1:-1].strip()
        if any(c in inner for c in ".!?:;") or QuoteExtractor._lowercase_inside(text):
            return False
        words = inner.split()
        caps = sum(1 for w in words if w[:1].isupper())
        return caps >= 0.6 * len(words) or (not cued and len(words) < 6)

    def _speaker(self, doc: Doc, span: tuple[int, int], mentions: Mentions, state: dict) -> Speaker:
        """Resolve a speaker token range: pronouns to the last person, names to the covering entity."""
        lex = self.lex
        assert lex is not None
        a, b = span
        cs, ce = char_range(doc, a, b)
        if b - a == 1 and doc[a].lower_ in lex.plural_pronouns and doc[a].lower_ not in lex.person_pronouns:
            return self._group(doc, a, cs, ce, mentions, state)
        if b - a == 1 and lex.is_pronoun(doc[a]):
            # a personal pronoun stands for the last person, a demonstrative ("Dieser") for the last person or body
            labels = ("PER",) if doc[a].lower_ in lex.person_pronouns else ("PER", "ORG")
            previous = mentions.last_ending_by(cs, labels)
            run = None if previous is not None else self._last_name_run(doc, a)
            person = state.get("person")
            if run is not None and (person is None or person.spans[0][0] < run[0]):
                sp = Speaker(doc_text(doc)[run[0]:run[1]], None, [(cs, ce), run], True)
            elif previous is not None:
                m = previous
                start = self._with_role(doc, m[0])
                sp = Speaker(doc_text(doc)[start:m[1]], m[2], [(cs, ce), (start, m[1])], m[3] == "PER")
            elif state.get("last") is not None:
                last = state.get("person") or state["last"]
                sp = Speaker(last.text, last.entity, [(cs, ce)] + last.spans[:1], last.is_person)
            else:
                sp = self._subject_before(doc, a, cs, ce) or Speaker(doc_text(doc)[cs:ce], None, [(cs, ce)])
            return sp
        best = None
        for m in mentions.overlapping(cs, ce):
            ov = min(ce, m[1]) - max(cs, m[0])
            if ov > 0:
                score = (m[3] == "PER", m[3] == "ORG", ov)
                if best is None or score > best[0]:
                    best = (score, m)
        is_person = bool(best and best[1][3] == "PER") or (b - a >= 2 and all(
            doc[k].text[:1].isupper() and doc[k].lower_ not in lex.determiners and doc[k].pos_ not in ("DET", "PRON")
            for k in range(b - 2, b))) or nominal_adjective(doc[b - 1], lex)  # two capitalised words: a name the
        # recogniser missed, not "Seine Zuversicht"; or a person named by an adjective ("der 58-Jährige")
        sp = Speaker(doc_text(doc)[cs:ce], best[1][2] if best else None, [(cs, ce)], is_person)
        state["last"] = sp
        if is_person:
            state["person"] = sp
        return sp


    def _named_in(self, doc: Doc, sent: Span, sp: Speaker, mentions: Mentions, state: dict) -> Speaker:
        """A person's uncued reported sentence that names the person again by a pronoun ("In Zukunft wolle er …")
        rests on that pronoun too, when the pronoun resolves to the same person."""
        lex = self.lex
        assert lex is not None
        if not sp.is_person or not sp.spans:
            return sp
        pronoun = next((t for t in sent if t.lower_ in lex.person_pronouns
                        and "Plur" not in t.morph.get("Number", []) and "Nom" in t.morph.get("Case", ["Nom"])), None)
        if pronoun is None:
            return sp
        cs, ce = char_range(doc, pronoun.i, pronoun.i + 1)
        if any(a <= cs < b for a, b in sp.spans):
            return sp
        meant = self._speaker(doc, (pronoun.i, pronoun.i + 1), mentions, dict(state))
        if not ((sp.entity is not None and meant.entity == sp.entity) or (meant.text and meant.text == sp.text)):
            return sp
        return sp.named_again_at((cs, ce))

    def _subject_before(self, doc: Doc, a: int, cs: int, ce: int) -> Speaker | None:
        """With no person named before it, a pronoun stands for the first noun phrase of its sentence, or of the sentence
        before ("Der Student schlief ein, dann hatte er gefragt: …")."""
        lex = self.lex
        assert lex is not None
        sent = doc[a].sent
        np = first_np(doc, sent.start, a, lex, sent.start)
        if (np is None or np[1] > a) and sent.start > 0:
            prev = doc[sent.start - 1].sent
            np = first_np(doc, prev.start, prev.end, lex, prev.start)
        if np is None or np[1] > a or lex.is_pronoun(doc[np[0]]) or doc[np[1] - 1].pos_ not in ("NOUN", "PROPN"):
            return None
        ps, pe = char_range(doc, *np)
        return Speaker(doc_text(doc)[ps:pe], None, [(cs, ce), (ps, pe)])

    def _group(self, doc: Doc, a: int, cs: int, ce: int, mentions: Mentions, state: dict) -> Speaker:
        """A plural pronoun ("they said"): the last organisation named, else the last speaker that is no
        person, else the first noun phrase of the sentence before."""
        lex = self.lex
        assert lex is not None
        orgs = [m for m in mentions.starting_in(0, cs) if m[1] <= cs and m[3] == "ORG"]
        last = state.get("last")
        if orgs:
            m = orgs[-1]
            return Speaker(doc.text[m[0]:m[1]], m[2], [(cs, ce), (m[0], m[1])], False)
        if last is not None and not last.is_person:
            return Speaker(last.text, last.entity, [(cs, ce)] + last.spans[:1], False)
        sent = doc[a].sent
        if sent.start > 0:
            prev = doc[sent.start - 1].sent
            np = first_np(doc, prev.start, prev.end, lex, prev.start)
            if np is not None:
                ps, pe = char_range(doc, *np)
                return Speaker(doc.text[ps:pe], None, [(cs, ce), (ps, pe)], False)
        return Speaker(doc.text[cs:ce], None, [(cs, ce)])


@Language.factory("lagebild_quotes", requires=["doc._.report_entities"],
                  assigns=["doc._.report_quotes", "doc._.quote_speaker_spans"])
def make_quotes(nlp: Language, name: str) -> QuoteExtractor:
    """The quote extractor for the pipeline's language."""
    return QuoteExtractor(str(nlp.lang))
