"""Quantities: counts with bounds and a category, as the `lagebild_quantities` component (lexicon in lang/<code>/quantities.json).

Bounds. "1.200 Polizisten": value=low=high=1200. "mehr als 700": value 700, low 701, high null.
"mindestens 9": low 9. "bis zu 10.000": high 10000, low null. "weniger als 10": high 9.
"rund/etwa/ca. N": approximate, low/high = N -/+ approx_margin (10 %), rounded inwards to whole numbers
(ceil(0.9·N), floor(1.1·N), in exact arithmetic: "rund 7.000" is [6300, 7700], "about 25" [23, 27]).
"fast/knapp N": approximate, low ceil(0.9·N), high N - 1. "gut N": approximate, low N, high floor(1.1·N).
"Tausende", "Dutzende", "mehrere Hundert": value null, approximate, an interval from the lexicon.
"zwischen 300 und 400", "300 bis 400", "five or six": value null, low 300, high 400.
"no more than 800" is at most 800; "has gone up to 231" (a rise word before "up to") is 231, the new total.

Names are no counts: "North 24 Parganas", "Rossija 24" (a number between or after parts of a name,
counting no noun of its own).

Not counts (skipped): years and other expressions the times component found, dates, clock
times, ages ("67-Jährige", "67 Jahre alt"), ordinals, phone and paragraph numbers, numbers glued
to letters. Percentages, money and measures are kept with their unit and category "other".

Category: a participle before the noun ("verletzte Menschen"), then an outcome noun ("Tote",
"Festnahmen"), then the nearest verb cue in the clause ("wurden festgenommen", "kamen ums Leben"),
then a group noun ("Polizisten" troops, "Demonstranten" participants), else other.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from ..lang import language_data
from . import claims
from .guards import LoweredScan, first_guard, matches_at, word_trie
from .sentences import SentenceIndex

# Files in lang/<code>/ this extractor needs; a language without them runs without it.
LANGUAGE_DATA: tuple[str, ...] = ("quantities.json",)

SPACES = "\u00a0\u202f "


def digits_pattern(group: str, decimal: str) -> str:
    """Digit strings with `group` as thousands separator (spaces always allowed) and `decimal` as decimal mark."""
    sep = "[" + re.escape(group + SPACES) + "]"
    dec = re.escape(decimal)
    return rf"\d{{1,3}}(?:{sep}\d{{3}})+(?:{dec}\d+)?(?!\d)|\d+(?:{dec}\d+)?"
WORD = re.compile(r"[^\W\d_][\w\-]*|[%€$]", re.UNICODE)


def _alternation(words: list[str]) -> str:
    """Any of the words, longest first (for the case-insensitive finders), as a prefix trie."""
    return word_trie(words)


@dataclass(frozen=True)
class Category:
    """Words that put a count into one category."""

    name: str
    nouns: tuple[str, ...]
    modifiers: frozenset[str]
    cues: re.Pattern[str] | None
    lemmas: frozenset[str]
    group: bool


class QuantityLexicon:
    """A language's number words, qualifiers and category words, with the compiled finder."""

    def __init__(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.number_words: dict[str, int] = data["number_words"]
        self.teen_suffix: str = data["teen_suffix"]
        self.connector: str = data["connector"]
        self.articles = frozenset(data["article_forms"])
        self.scales: dict[str, float] = data["scales"]
        self.vague: dict[str, list[float]] = data["vague"]
        self.vague_multipliers: dict[str, list[float]] = data["vague_multipliers"]
        self.dozen: dict[str, int] = data["dozen"]
        self.qualifiers: dict[str, str] = {" ".join(k.split()): v for k, v in data["qualifiers"].items()}
        self.margin: float = data["approx_margin"]
        self.categories = [
            Category(name, tuple(c.get("nouns", [])), frozenset(c.get("modifiers", [])),
                     re.compile(r"(?<!\w)(?:" + "|".join(c["cues"]) + r")(?!\w)") if c.get("cues") else None,
                     frozenset(c.get("lemmas", [])), bool(c.get("group")))
            for name, c in data["categories"].items()
        ]
        self.person_nouns = frozenset(data["person_nouns"])
        self.person_suffixes = tuple(data.get("person_noun_suffixes", ()))  # nationalities: "Palästinenser"
        self.rise_words = frozenset(data.get("rise_words", ()))
        self.rise_qualifiers = frozenset(" ".join(q.split()) for q in data.get("rise_qualifiers", ()))
        # "had risen from 58 to 62": after a change verb and this word, "N to M" are two counts, not a range
        self.change_from = frozenset(data.get("change_from", ()))
        self.change_words = self.rise_words | frozenset(data.get("fall_words", ()))
        self.units: dict[str, str] = data["units"]
        self.skip_before = frozenset(data["skip_before"])
        self.skip_after = tuple(sorted(data["skip_after"], key=len, reverse=True))
        self.skip_affix = re.compile(data["skip_affix"], re.IGNORECASE)
        self.clause_break = re.compile(data["clause_break"], re.IGNORECASE)
        self.stop_words = frozenset(data["stop_words"])
        number_format = data.get("number_format", {})  # German "1.200,5" unless the language says otherwise
        self.group_sep: str = number_format.get("group", ".")
        self.decimal_sep: str = number_format.get("decimal", ",")
        digits = digits_pattern(self.group_sep, self.decimal_sep)
        self.vague_units: dict[str, int] = data.get("vague_units", {"hundert": 100, "tausend": 1000})
        self.noun_links = frozenset(data.get("noun_links", []))  # "hundreds of people": skipped before the noun
        self.capitalized_nouns: bool = data.get("capitalized_nouns", True)  # untagged: capital letter = noun
        self.modifier_ending = re.compile(data.get("modifier_ending", r"(?:e|en|er|es|em)$"))
        self.all_modifiers = frozenset(m for c in self.categories for m in c.modifiers)
        word_morphemes = _alternation(list(self.number_words) + [self.teen_suffix])
        number_word = rf"(?:{word_morphemes})(?:(?:{re.escape(self.connector)})?(?:{word_morphemes}))*"
        number = rf"(?P<num>{digits}|{number_word})"
        scale = rf"(?:\s+(?P<scale>{_alternation(list(self.scales))}))?"
        qual = rf"(?:(?P<qual>{_alternation(list(self.qualifiers))})\s+)?"
        vague = (rf"(?:(?P<vmult>{_alternation(list(self.vague_multipliers))})\s+(?P<vunit>"
                 rf"{_alternation(list(self.vague_units) + list(self.dozen))})|(?P<vague>{_alternation(list(self.vague))})"
                 rf"|(?P<darticle>{_alternation(sorted(self.articles))})\s+(?P<dozen>{_alternation(list(self.dozen))}))")
        number2 = rf"(?P<num2>{digits}|{number_word})"
        between = rf"{re.escape(data['range_open'])}\s+{number}\s+{re.escape(data['range_and'])}\s+{number2}{scale}"
        span = rf"{number}\s*(?:{_alternation(data['range_words'])})\s*{number2}{scale}"
        self.finders = [re.compile(rf"(?<![\w.,/-]){first_guard(pattern)}(?:{pattern})(?![\w])", re.IGNORECASE)
                        for pattern in (between, span, qual + vague, qual + number + scale)]
        # where each finder can match: one zero-width scan of the lower-cased text (`LoweredScan`), then the finder
        self.finder_starts = [LoweredScan(f"(?={finder.pattern})") for finder in self.finders]

    def parse_word_number(self, text: str) -> float | None:
        """The value of a (compound) number word such as 'zweihundertfünfzig', or None."""
        word = text.lower()
        morphemes = sorted(list(self.number_words) + [self.teen_suffix, self.connector], key=len, reverse=True)
        parts: list[str] = []
        position = 0
        while position < len(word):
            for m in morphemes:
                if word.startswith(m, position):
                    parts.append(m)
                    position += len(m)
                    break
            else:
                return None
        total, current, previous = 0.0, 0.0, None
        for part in parts:
            if part == self.connector:
                previous = part
                continue
            if part == self.teen_suffix:
                current += 10
                continue
            value = self.number_words[part]
            if value == 1000:
                total += (current or 1) * 1000
                current = 0
            elif value == 100:
                current = (current or 1) * 100
            else:
                current += value
            previous = part
        del previous
        return total + current

    def number(self, text: str) -> float | None:
        """The value of a digit string in German notation or of a number word."""
        if text[0].isdigit():
            compact = re.sub("[" + re.escape(self.group_sep + SPACES) + "]", "", text)
            return float(compact.replace(self.decimal_sep, "."))
        return self.parse_word_number(text)


class QuantityTagger:
    """Finds counts, their bounds, counted noun and category; writes `claims(doc)["quantities"]`."""

    def __init__(self, lexicon: QuantityLexicon) -> None:
        self.lex = lexicon

    def __call__(self, doc: Doc) -> Doc:
        claims(doc)["quantities"] = self.extract(doc)
        return doc

    def extract(self, doc: Doc) -> list[dict]:
        """The quantities of a Doc as schema dicts, in text order."""
        sentences = SentenceIndex.of(doc)
        text = sentences.text
        times = [(t["start"], t["end"], t.get("granularity")) for t in (doc._.claims or {}).get("times", [])]
        taken: list[tuple[int, int]] = []
        found: list[dict] = []
        for finder, scan in zip(self.lex.finders, self.lex.finder_starts):
            for match in matches_at(finder, text, scan.starts(text, sentences.lowered)):
                start, end = match.span()
                if any(start < e and s < end for s, e in taken):
                    continue
                item = self.build(doc, match, times, sentences)
                if item is None:
                    continue
                taken.append((start, end))
                found.append(item)
        found.sort(key=lambda q: q["start"])
        for index, item in enumerate(found, 1):
            item["id"] = f"q{index}"
        return found

    def build(self, doc: Doc, match: re.Match[str], times: list[tuple[int, int, str | None]],
              sentences: SentenceIndex) -> dict | None:
        """One quantity from a match, or None when it is not a count."""
        g = {k: v for k, v in match.groupdict().items() if v is not None}
        text = sentences.text
        start, end = match.span()
        num_start = match.start("num") if "num" in g else start
        if "num" in g and "num2" not in g and "scale" not in g and "qual" not in g:
            word = g["num"].lower()
            if word in self.lex.articles or (not word[0].isdigit() and self.lex.number(word) is None):
                return None
        if self._skip(text, num_start, end) or ("num2" in g and self._change_from(text, start)):
            return None
        noun, noun_end, modifiers = self._counted_noun(doc, sentences, end)
        value, low, high, approximate = self._bounds(g)
        if value is None and low is None and high is None:
            return None
        if noun is None and "num" in g and not ({"qual", "scale", "num2"} & set(g)) and self._in_name(doc, start, end):
            return None
        if " ".join(g.get("qual", "").lower().split()) in self.lex.rise_qualifiers and value is not None:
            before = text[max(0, start - 30):start].lower().split()
            if before and before[-1] in self.lex.rise_words:
                low = high = value  # "has gone up to 231": the new total
        overlaps_time = any(num_start < e and s < end for s, e, _ in times)
        known_noun = noun is not None and (self._category_of_noun(noun) or noun.lower() in self.lex.person_nouns)
        if overlaps_time and not known_noun:
            return None
        if ("num" in g and re.fullmatch(r"1\d{3}|20\d{2}", g["num"]) and "qual" not in g and "scale" not in g
                and "num2" not in g and not known_noun):
            return None  # a bare year
        unit = self._unit(text, start, end, noun)
        category = "other" if unit in set(self.lex.units.values()) else self._category(doc, sentences, start, end, noun,
                                                                                        modifiers)
        span_end = noun_end if noun is not None else end
        return {"id": "", "start": start, "end": span_end, "text": text[start:span_end], "value": value,
                "low": low, "high": high, "approximate": approximate, "unit": unit, "category": category}

    def _after_change(self, lowered: str, start: int) -> bool:
        """The number follows a change verb within three words ("rose to 62", "had risen from 58 to 62")."""
        return any(w in self.lex.change_words for w in lowered[max(0, start - 40):start].split()[-4:])

    def _change_from(self, text: str, start: int) -> bool:
        """A range opened by a change verb and "from" ("has risen from 58 to 62"): an old and a new count."""
        before = text[max(0, start - 40):start].lower().split()
        return len(before) >= 2 and before[-1] in self.lex.change_from and before[-2] in self.lex.change_words

    def _in_name(self, doc: Doc, start: int, end: int) -> bool:
        """A bare number inside a name: after a capitalised name word ("Rossija 24", "North 24 Parganas") or,
        where nouns are not capitalised, before a capitalised word that is no known noun ("24 Parganas")."""
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        prev = doc[span.start - 1] if span.start > 0 else None
        nxt = doc[span.end] if span.end < len(doc) else None
        prev_name = (prev is not None and not prev.is_sent_start and prev.text[:1].isupper() and prev.is_alpha
                     and prev.pos_ in ("PROPN", "NOUN", "ADJ", ""))
        next_cap = nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha
        if prev_name and (nxt is None or not nxt.is_alpha or next_cap or nxt.pos_ in ("VERB", "AUX")):
            return True
        return nxt is not None and next_cap and not self.lex.capitalized_nouns and not self._known_noun(nxt.lower_) \
            and not nxt.lower_.endswith(self.lex.person_suffixes or ("\0",))

    def _skip(self, text: str, start: int, end: int) -> bool:
        """Dates, clock times, ages, ordinals, phone and paragraph numbers."""
        after = text[end:end + 30]
        if self.lex.skip_affix.match(after):
            return True
        if re.match(r"\.\s*\d|:\d|/\d|\.\s*[a-zäöüß]|\.\s*\d{1,2}\.", after):
            return True
        if re.match(r"\.(?!\s*$)(?!\s+[A-ZÄÖÜ])", after):
            return True
        lowered = " ".join(after.lower().split())
        for word in self.lex.skip_after:
            if lowered.startswith(word) and not lowered[len(word):len(word) + 1].isalnum():
                return True
        before = text[max(0, start - 25):start]
        if re.search(r"[/+]\s*$|\d\s*$", before):
            return True
        words = before.lower().split()
        for size in (1, 2, 3):
            if len(words) >= size and " ".join(words[-size:]) in self.lex.skip_before:
                return True
        if re.search(r"(?:der|die|das|dem|den|des|am|zum|vom|im)\s*$", before.lower()) and after.startswith("."):
            return True
        return False

    def _counted_noun(self, doc: Doc, sentences: SentenceIndex, end: int) -> tuple[str | None, int, list[str]]:
        """The noun right after the number (allowing up to two adjectives), its end, and the adjectives."""
        modifiers: list[str] = []
        position = end
        for _ in range(4):
            m = WORD.match(sentences.text, self._skip_space(sentences.text, position))
            if m is None:
                return None, end, modifiers
            word = m.group()
            lowered = word.lower()
            if lowered in self.lex.noun_links and not modifiers and position == end:
                position = m.end()
                continue
            token = self._token_at(doc, m.start())
            pos = token.pos_ if token is not None else ""
            if lowered in self.lex.stop_words or pos in ("VERB", "AUX", "ADP", "DET", "CCONJ", "PRON"):
                return None, end, modifiers
            untagged_noun = not pos and (word[0].isupper() if self.lex.capitalized_nouns
                                         else lowered not in self.lex.all_modifiers and self._known_noun(lowered))
            if pos in ("NOUN", "PROPN") or untagged_noun or word in "%€$":
                return word, m.end(), modifiers
            if len(modifiers) >= 2 or not (pos in ("ADJ", "ADV") or self.lex.modifier_ending.search(word)
                                           or lowered in self.lex.all_modifiers):
                return None, end, modifiers
            modifiers.append(word.lower())
            position = m.end()
        return None, end, modifiers

    def _person_noun(self, lowered: str) -> bool:
        """People counted by their group or nationality ("zwei Palästinenser", "32 others")."""
        return lowered in self.lex.person_nouns or bool(self.lex.person_suffixes) and lowered.endswith(self.lex.person_suffixes)

    def _known_noun(self, lowered: str) -> bool:
        """A counted noun from the lexicon (for languages whose nouns are not capitalised)."""
        return (lowered in self.lex.person_nouns or lowered in self.lex.units
                or any(lowered.endswith(c.nouns) for c in self.lex.categories))

    @staticmethod
    def _skip_space(text: str, position: int) -> int:
        while position < len(text) and text[position] in " \u00a0\u202f\t":
            position += 1
        return position

    @staticmethod
    def _token_at(doc: Doc, char: int) -> Token | None:
        span = doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def _bounds(self, g: dict[str, str]) -> tuple[float | None, float | None, float | None, bool]:
        """(value, low, high, approximate) from the groups of a match."""
        lex = self.lex
        n: float | None
        scale = lex.scales.get(g["scale"].lower(), 1.0) if "scale" in g else 1.0
        if "num2" in g:
            a, b = lex.number(g["num"]), lex.number(g["num2"])
            if a is None or b is None or b <= a:
                return None, None, None, False
            return None, a * scale, b * scale, False
        if "vague" in g:
            low, high = lex.vague[g["vague"].lower()]
            return None, float(low), float(high), True
        if "vmult" in g:
            low, high = lex.vague_multipliers[" ".join(g["vmult"].lower().split())]
            unit = lex.dozen.get(g["vunit"].lower()) or lex.vague_units.get(g["vunit"].lower(), 1000)
            return None, float(low * unit), float((high + 1) * unit - 1), True
        if "dozen" in g:
            n = float(lex.dozen[g["dozen"].lower()])
            return n, n, n, True
        n = lex.number(g["num"])
        if n is None:
            return None, None, None, False
        n *= scale
        kind = lex.qualifiers.get(" ".join(g.get("qual", "").lower().split()))
        integral = float(n).is_integer()
        step = 1.0 if integral else 0.0
        margin = lex.margin
        if kind == "above":
            return n, n + step, None, False
        if kind == "below":
            return n, None, n - step, False
        if kind == "min":
            return n, n, None, False
        if kind == "max":
            return n, None, n, False
        if kind == "approx":
            return n, _inward(n, 1 - margin, math.ceil), _inward(n, 1 + margin, math.floor), True
        if kind == "almost":
            return n, _inward(n, 1 - margin, math.ceil), n - step, True
        if kind == "approx_above":
            return n, n, _inward(n, 1 + margin, math.floor), True
        return n, n, n, False

    def _unit(self, text: str, start: int, end: int, noun: str | None) -> str | None:
        """The counted noun, or a currency/percent/measure unit written before or after the number."""
        if noun is not None:
            return self.lex.units.get(noun.lower(), noun)
        before = text[max(0, start - 12):start].lower().split()
        if before and before[-1] in self.lex.units:
            return self.lex.units[before[-1]]
        return None

    def _category_of_noun(self, noun: str) -> Category | None:
        lowered = noun.lower()
        for category in self.lex.categories:
            if lowered.endswith(category.nouns):
                return category
        return None

    def _category(self, doc: Doc, sentences: SentenceIndex, start: int, end: int, noun: str | None,
                  modifiers: list[str]) -> str:
        """The category: modifier, outcome noun, verb cue in the clause, group noun, else other."""
        for category in self.lex.categories:
            if any(m in category.modifiers for m in modifiers):
                return category.name
        noun_category = self._category_of_noun(noun) if noun else None
        if noun_category is not None and not noun_category.group:
            return noun_category.name
        personal = noun is None or noun_category is not None or self._person_noun(noun.lower())
        if personal:
            cue = self._cue(doc, sentences, start, end)
            if cue is not None:
                return cue
        if noun_category is not None:
            return noun_category.name
        return "other"

    def _clause(self, doc: Doc, sentences: SentenceIndex, start: int, end: int) -> tuple[int, int, int, int]:
        """(sentence start, clause start, clause end, sentence end) around a span, in characters."""
        s_start, s_end = sentences.around(start)
        if len(sentences.bounds) == 1:
            s_start, s_end = max(0, start - 300), min(len(sentences.text), end + 300)
        c_start, c_end = s_start, s_end
        for m in self.lex.clause_break.finditer(sentences.text, s_start, s_end):
            if m.end() <= start:
                c_start = m.end()
            elif m.start() >= end:
                c_end = m.start()
                break
        return s_start, c_start, c_end, s_end

    def _cue(self, doc: Doc, sentences: SentenceIndex, start: int, end: int) -> str | None:
        """The category of the nearest cue: after the number in its clause, then before, then earlier in the sentence."""
        s_start, c_start, c_end, _ = self._clause(doc, sentences, start, end)
        hits: list[tuple[int, int, str]] = []  # (rank, distance, category)
        lowered = sentences.lowered
        # "the death toll had risen from 58 to 62 with … injured": the value of a rising count is counted by the
        # cue before it, so the cue before ranks first
        after, before = (1, 0) if self._after_change(lowered, start) else (0, 1)
        for category in self.lex.categories:
            if category.cues is not None:
                for m in category.cues.finditer(lowered, s_start, c_end):
                    if start <= m.start() < end:
                        continue
                    if m.start() >= end:
                        hits.append((after, m.start() - end, category.name))
                    elif m.start() >= c_start:
                        hits.append((before, start - m.end(), category.name))
                    else:
                        hits.append((2, start - m.end(), category.name))
        span = doc.char_span(s_start, c_end, alignment_mode="contract")
        if span is not None:
            for token in span:
                lemma, idx = token.lemma_, token.idx
                if not lemma or start <= idx < end:
                    continue
                lemma = lemma.lower()
                for category in self.lex.categories:
                    if lemma in category.lemmas:
                        rank = after if idx >= end else (before if idx >= c_start else 2)
                        hits.append((rank, abs(idx - start), category.name))
        if not hits:
            return None
        hits.sort()
        return hits[0][2]


def _inward(n: float, factor: float, rounding: Callable[[Fraction], int]) -> float:
    """n × factor rounded to a whole number by `rounding`, in exact arithmetic (1.1 × 7000 is 7700, not 7700.000…1)."""
    return float(rounding(Fraction(str(n)) * Fraction(str(factor))))


@Language.factory("lagebild_quantities", assigns=["doc._.report_quantities"])
def make_quantities(nlp: Language, name: str) -> QuantityTagger:
    """The quantities component for `nlp.lang`."""
    return QuantityTagger(QuantityLexicon(language_data(str(nlp.lang), "quantities.json")))
