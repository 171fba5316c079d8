"""Times: a rule-based German (data-driven) temporal tagger and TIMEX3 normaliser, as the `lagebild_times` component.

Expressions are found with the regular-expression templates of `lang/<code>/times.json`; the
named groups of a match say what it means, and the code here turns that meaning into a value.

Anchoring. Deictic expressions ("gestern", "am Freitag", "vor zwei Tagen", "im vergangenen Jahr")
are resolved against the publication date; anaphoric ones ("zwei Tage später", "am Abend",
"um 20 Uhr", a month without year in narrative mode) against the last date mentioned.
A weekday is past-oriented (the most recent one, today included) unless its sentence is in the
future or present tense (then the next one).

Partial publication dates. When the publication date is only a month or a year, every
expression is resolved for the first and for the last possible day of publication; if the two
answers differ, `earliest`/`latest` span both and the value keeps only the fields both agree on,
the others written as X (TIMEX3 underspecification): "am Freitag" published 2023-03 gives
value "2023-XX-XX", earliest 2023-02-24, latest 2023-03-31, granularity "day". Without any
publication date, values that need one are fully masked ("XXXX-XX-XX") with no interval.
Modifiers (Anfang/Mitte/Ende) keep the value and narrow earliest/latest to a third.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from spacy.attrs import LOWER, MORPH, TAG
from spacy.language import Language
from spacy.strings import StringStore
from spacy.tokens import Doc

from ..lang import language_data
from . import claims
from .guards import LoweredScan, first_char_checked, matches_at, word_trie
from .sentences import SentenceIndex
from .timex_values import UNIT_GRANULARITY, Resolved, duration_value, mask, resolved, shift_value

# Files in lang/<code>/ this extractor needs; a language without them runs without it.
LANGUAGE_DATA: tuple[str, ...] = ("times.json",)

Interval = tuple[date, date]
NO_MATCH = re.compile(r"(?!)")  # a language without the list or pattern
TENSE_MEMO_SIZE = 200_000  # (word, morph, tag) judgements kept before the memo starts afresh (a long-running process)
WORD_START = r"(?<!\w)"  # what every time pattern begins with
NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # "(?P<name>" in a pattern, made anonymous for the one-pass scan


@dataclass(frozen=True)
class Tense:
    """Per-language tense cues for orienting weekdays and weekends."""

    future: frozenset[str]
    past: frozenset[str]
    perfect_aux: frozenset[str]
    participle: re.Pattern[str]
    morph_past: str
    participle_tags: frozenset[str] = frozenset()  # tags of past participles ("VVPP" in STTS)


class TimeLexicon:
    """A language's word classes and compiled patterns, loaded once per component."""

    def __init__(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.classes: dict[str, dict[str, object]] = {
            name: {self.key(word): value for word, value in words.items()} for name, words in data["classes"].items()
        }
        bodies = [WORD_START + "(?:" + self._expand(item["regex"]) + r")(?!\w)" for item in data["patterns"]]
        self.patterns: list[tuple[str, re.Pattern[str]]] = [
            (item["name"], re.compile(body, re.IGNORECASE)) for item, body in zip(data["patterns"], bodies)
        ]
        # every pattern as one zero-width alternative: one scan finds each offset where any pattern can start
        # (each behind a guard on its first character, so that most alternatives fail at once; the word-start check
        # the bodies begin with is made once, outside)
        starts = r"(?<!\w)(?=" + "|".join(
            f"(?:{first_char_checked(NAMED_GROUP.sub('(?:', b.removeprefix(WORD_START)))})" for b in bodies) + ")"
        self.starts = LoweredScan(starts)  # may admit more offsets: each pattern is then matched there on the text
        # leading prepositions/articles dropped from an expression, and a clock time after "today"
        self.strip = re.compile(data["strip_signals"], re.IGNORECASE) if "strip_signals" in data else NO_MATCH
        self.clock = re.compile(data["clock"], re.IGNORECASE) if "clock" in data else NO_MATCH
        cues = data["tense"]
        self.tense = Tense(frozenset(cues["future"]), frozenset(cues["past"]), frozenset(cues["perfect_aux"]),
                           re.compile(cues["participle"]), cues["morph_past"], frozenset(cues.get("participle_tags", ())))

    @staticmethod
    def key(text: str) -> str:
        """The lookup form of a word or phrase."""
        return " ".join(text.lower().split())

    def _expand(self, template: str) -> str:
        return re.sub(r"\{([A-Z_]+)\}", lambda match: word_trie(self.classes[match[1]]), template)

    def get(self, cls: str, text: str | None) -> Any:
        """The value of a word in a class, or None."""
        return None if text is None else self.classes[cls].get(self.key(text))


@dataclass
class TenseKinds:
    """Per token of a Doc: its tense cue ("future", "past", "aux": past after a perfect auxiliary) and whether it
    is a perfect auxiliary."""

    kinds: list[str | None]
    aux: list[bool]


@dataclass
class Context:
    """What an expression is resolved against: publication interval, last mention, tense, mode."""

    dct: Interval | None
    last: Resolved | None
    tense: str
    narrative: bool
    sentence_initial: bool
    same_sentence: bool = True
    clock_follows: bool = False

    def deictic(self) -> Interval | None:
        """Anchor for expressions relative to the speaker's now."""
        if self.narrative and self.last and self.last.interval:
            return self.last.interval
        return self.dct

    def anaphoric(self) -> Interval | None:
        """Anchor for expressions relative to the last date mentioned."""
        if self.last and self.last.interval:
            return self.last.interval
        return self.dct

    def year_anchor(self) -> Interval | None:
        """Anchor for the missing year of "im März", "am 17. März"."""
        return self.anaphoric() if self.narrative else (self.dct or self.anaphoric())


def over(anchor: Interval | None, fn: Callable[[date], str], fallback: str, mod: str | None = None) -> Resolved:
    """Apply `fn` to the first and last possible anchor day; merge the two answers honestly."""
    if anchor is None:
        return Resolved(fallback, None, None, resolved(fn(date(2000, 1, 3)), mod).granularity)
    low_value, high_value = fn(anchor[0]), fn(anchor[1])
    low, high = resolved(low_value, mod), resolved(high_value, mod)
    if low_value == high_value:
        return low
    return Resolved(mask(low_value, high_value), low.earliest, high.latest, low.granularity)


def weekday_date(day: date, weekday: int, direction: int) -> date:
    """The given ISO weekday relative to `day`: -1 most recent (today included), +1 next (today included),
    -2 strictly before, +2 strictly after."""
    delta = (weekday - day.isoweekday()) % 7
    if direction > 0:
        return day + timedelta(days=delta or (7 if direction == 2 else 0))
    back = (day.isoweekday() - weekday) % 7
    return day - timedelta(days=back or (7 if direction == -2 else 0))


def nearest_year(day: date, month: int, dom: int | None, direction: int | None) -> int:
    """The year of a day-month (or month) near `day`: -1 latest not after it, +1 first not before it,
    0 the same year unless that is more than half a year away, None the same year."""
    if direction is None:
        return day.year
    here = (day.month, day.day if dom is not None else 0)
    there = (month, dom or 0)
    if direction < 0:
        return day.year if there <= here else day.year - 1
    if direction > 0:
        return day.year if there >= here else day.year + 1
    if month - day.month > 6:
        return day.year - 1
    if day.month - month > 6:
        return day.year + 1
    return day.year


class TimeTagger:
    """Finds and normalises temporal expressions; writes `claims(doc)["times"]`."""

    def __init__(self, lexicon: TimeLexicon, mode: str = "news") -> None:
        self.lex = lexicon
        self.narrative = mode == "narrative"
        self._kind_memo: dict[tuple[int, int, int], str | None] = {}  # (lower, morph, tag) -> tense cue
        self._aux_memo: dict[int, bool] = {}  # lower -> a perfect auxiliary

    def __call__(self, doc: Doc) -> Doc:
        claims(doc)["times"] = self.extract(doc)
        return doc

    def candidates(self, text: str, lowered: str = "") -> list[tuple[int, int, int, int, re.Match[str]]]:
        """Non-overlapping matches, longest first: (start, end, t_start, t_end, match); `lowered` is `text.lower()`."""
        found = []
        starts = self.lex.starts.starts(text, lowered or text.lower())
        for order, (_, pattern) in enumerate(self.lex.patterns):
            for match in matches_at(pattern, text, starts):
                span = match.span("t") if "t" in pattern.groupindex and match.group("t") else match.span()
                found.append((match.start(), match.end(), span[0], span[1], order, match))
        found.sort(key=lambda f: (-(f[1] - f[0]), f[4], f[0]))
        taken: list[tuple[int, int]] = []
        chosen = []
        for start, end, t_start, t_end, _, match in found:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            chosen.append((start, end, t_start, t_end, match))
        chosen.sort(key=lambda c: c[0])
        return chosen

    def extract(self, doc: Doc) -> list[dict]:
        """The times of a Doc as schema dicts, in text order."""
        article = doc._.article
        published = getattr(article, "published", None) if article is not None else None
        dct = (published.earliest, published.latest) if published is not None else None
        last: Resolved | None = None
        last_sentence = -1
        sentences = SentenceIndex.of(doc)
        text = sentences.text
        out: list[dict] = []
        kinds: TenseKinds | None = None
        for _, _, t_start, t_end, match in self.candidates(text, sentences.lowered):
            t_start, t_end = self._strip(self.lex.strip, text, t_start, t_end)
            kinds = kinds or self._tense_kinds(doc)
            tense, initial, sentence = self._sentence_info(doc, sentences, t_start, t_end, kinds)
            ctx = Context(dct, last, tense, self.narrative, initial, sentence == last_sentence,
                          bool(self.lex.clock.search(text, t_end, t_end + 40)))
            groups = {k: v for k, v in match.groupdict().items() if v is not None}
            result = self.interpret(groups, ctx, text[t_start:t_end])
            if result is None:
                continue
            if result.interval and result.granularity in ("day", "month", "year", "week") \
                    and re.match(r"^\d{4}", result.value):
                last = result
                last_sentence = sentence
            out.append({"id": f"t{len(out) + 1}", "start": t_start, "end": t_end, "text": text[t_start:t_end],
                        "value": result.value,
                        "earliest": result.earliest.isoformat() if result.earliest else None,
                        "latest": result.latest.isoformat() if result.latest else None,
                        "granularity": result.granularity})
        return out

    @staticmethod
    def _strip(signals: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
        """Drop leading prepositions and articles (signals, not part of the expression)."""
        m = signals.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        return start, end

    def _tense_kinds(self, doc: Doc) -> TenseKinds:
        """Each token's tense cue: "future", "past", "aux" (past after a perfect auxiliary) or None; and whether it
        is a perfect auxiliary. Each distinct (word, morph, tag) is judged once per process (`TENSE_MEMO_SIZE`)."""
        columns = doc.to_array([LOWER, MORPH, TAG]).T.tolist()
        keys = list(zip(*columns))
        memo, aux_memo = self._kind_memo, self._aux_memo
        if len(memo) >= TENSE_MEMO_SIZE or len(aux_memo) >= TENSE_MEMO_SIZE:
            memo.clear()
            aux_memo.clear()
        missing = set(keys).difference(memo)
        if missing:
            self._judge(doc.vocab.strings, missing)
        return TenseKinds(list(map(memo.__getitem__, keys)), list(map(aux_memo.__getitem__, columns[0])))

    def _judge(self, strings: StringStore, missing: set[tuple[int, int, int]]) -> None:
        """The tense cue of each (word, morph, tag) in `missing`, and whether each of their words is a perfect
        auxiliary, into the memos."""
        cues = self.lex.tense
        for key in missing:
            lower, morph, tag = key
            word = strings[lower]
            self._aux_memo[lower] = word in cues.perfect_aux
            if word in cues.future:
                self._kind_memo[key] = "future"
            elif word in cues.past or cues.morph_past in _features(strings, morph):
                self._kind_memo[key] = "past"
            elif cues.participle.match(word) or strings[tag] in cues.participle_tags:
                self._kind_memo[key] = "aux"
            else:
                self._kind_memo[key] = None

    def _sentence_info(self, doc: Doc, sentences: SentenceIndex, start: int, end: int,
                       kinds: TenseKinds) -> tuple[str, bool, int]:
        """The tense nearest to the expression in its sentence, whether it opens it, and the sentence start."""
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return "unknown", False, -1
        s_start, s_end = sentences.around(start)
        sent = doc.char_span(s_start, s_end, alignment_mode="expand")
        if sent is None or len(sentences.bounds) == 1:
            sent = doc[max(0, span.start - 25): min(len(doc), span.end + 25)]
        has_aux = any(kinds.aux[sent.start:sent.end])
        best: tuple[int, str] | None = None
        for i in range(sent.start, sent.end):
            kind = kinds.kinds[i]
            if kind == "aux":
                kind = "past" if has_aux else None
            if kind is None or span.start <= i < span.end:
                continue
            distance = min(abs(i - span.start), abs(i - (span.end - 1)))
            if best is None or distance < best[0]:
                best = (distance, kind)
        initial = span.start == sent.start or all(not t.is_alpha for t in doc[sent.start:span.start])
        return (best[1] if best else "present"), initial, sent.start

    # -- interpretation -------------------------------------------------------------------------

    def interpret(self, g: dict[str, str], ctx: Context, text: str) -> Resolved | None:
        """Turn the named groups of one match into a value, or None to drop the match."""
        lex = self.lex
        if "ref" in g:
            value = str(lex.get("REF", g["ref"]))
            if value == "PRESENT_REF" and ctx.dct:
                return Resolved(value, ctx.dct[0], ctx.dct[1], "unknown")
            return Resolved(value, None, None, "unknown")
        if "setword" in g:
            return self._set(str(lex.get("SETWORD", g["setword"])))
        if "setweekday" in g:
            return self._set(f"XXXX-WXX-{lex.get('WEEKDAY_S', g['setweekday'])}")
        if "each" in g:
            return self._each(g["setunit"])
        if "perunit" in g:
            unit = lex.get("UNIT", g["perunit"])
            return self._set(duration_value(1, str(unit)))
        if "vague" in g:
            return self._duration(str(lex.get("VAGUE_DURATION", g["vague"])))
        if "vunit" in g:
            return self._duration(duration_value("X", str(lex.get("UNIT", g["vunit"]))))
        if "agounit" in g:
            return Resolved("PAST_REF", None, None, "unknown")
        if "durunit" in g:
            return self._duration(duration_value(self._number(g["num"]), str(lex.get("UNIT", g["durunit"]))))
        if "num" in g and ("unit" in g or "fwdunit" in g):
            return self._offset(g, ctx)
        if "compound" in g:
            unit, shift, *rest = lex.get("COMPOUND", g["compound"])
            part = rest[0] if rest else None
            anchor = ctx.anaphoric() if len(rest) > 1 else ctx.deictic()
            if unit == "D":
                suffix = f"T{part}" if part else ""
                return over(anchor, lambda d: shift_value(d, "D", shift) + suffix, "XXXX-XX-XX" + suffix)
            return over(anchor, lambda d: shift_value(d, unit, shift), self._mask_unit(unit), part)
        if "anaphor" in g:
            shift = int(lex.get("ANAPHOR", g["anaphor"]))
            unit = str(lex.get("UNIT", g["shiftunit"]))
            return self._shift_unit(unit, shift, ctx, ctx.anaphoric(), None)
        if "later" in g and "shiftunit" in g:
            unit = str(lex.get("UNIT", g["shiftunit"].rstrip("s")) or "D")
            shift = 1 if lex.get("LATER", g["later"]) == 1 else -1
            return self._shift_unit(unit, shift, ctx, ctx.anaphoric(), None)
        if "shiftunit" in g:
            unit = str(lex.get("UNIT", g["shiftunit"]))
            shift = int(lex.get("SHIFT", g.get("shift")) or 0)
            return self._shift_unit(unit, shift, ctx, ctx.deictic(), lex.get("PART", g.get("part")))
        if "ordinal" in g:
            return self._ordinal(g, ctx)
        if "weekend" in g:
            return self._shift_unit("WE", 0, ctx, ctx.deictic(), None)
        if "nightto" in g:
            weekday = int(lex.get("WEEKDAY", g["nightto"]))
            direction = self._direction(ctx)
            return over(ctx.deictic(),
                        lambda d: (weekday_date(d, weekday, direction) - timedelta(days=1)).isoformat() + "TNI",
                        "XXXX-XX-XXTNI")
        if "day" in g:
            return self._date(g, ctx)
        if "weekday" in g:
            return self._weekday(g, ctx)
        if "relday" in g:
            return self._relday(g, ctx, text)
        if "daypart" in g:
            part = lex.get("DAYPART", g["daypart"])
            return self._on_anchor_day(ctx, f"T{part}")
        if "hour" in g:
            return self._time(g, ctx)
        if "month" in g:
            return self._month(g, ctx)
        if "century" in g:
            century = int(g["century"])
            return resolved(f"{century - 1:02d}", self._part(g)) if 1 <= century <= 21 else None
        if "decade" in g:
            return self._decade(g, ctx)
        if "decadeword" in g:
            tens = int(self.lex.get("DECADE_WORD", g["decadeword"]))
            return self._decade({**g, "decade": f"{tens}0"}, ctx)
        if "season" in g:
            return self._season(g, ctx)
        if "year" in g:
            return resolved(f"{int(g['year']):04d}", self._part(g))
        if "bcyear" in g:
            return Resolved(f"BC{int(g['bcyear']):04d}", None, None, "year")
        return None

    def _part(self, g: dict[str, str]) -> str | None:
        return self.lex.get("PART", g.get("part"))

    def _number(self, text: str) -> float | str:
        value = self.lex.get("NUM", text)
        if value is not None:
            return value if isinstance(value, str) else float(value)
        return float(text.replace(",", "."))

    @staticmethod
    def _set(value: str) -> Resolved:
        return Resolved(value, None, None, "unknown")

    @staticmethod
    def _duration(value: str) -> Resolved:
        unit = re.sub(r"^PT?[\dX.]+", "", value)
        return Resolved(value, None, None, UNIT_GRANULARITY.get(unit, "unknown"))

    def _each(self, unit_text: str) -> Resolved:
        weekday = self.lex.get("WEEKDAY", unit_text)
        if weekday is not None:
            return self._set(f"XXXX-WXX-{weekday}")
        part = self.lex.get("DAYPART", unit_text)
        if part is not None:
            return self._set(f"XXXX-XX-XXT{part}")
        unit = str(self.lex.get("UNIT", unit_text))
        return self._set("XXXX-WXX-WE" if unit == "WE" else duration_value(1, unit))

    @staticmethod
    def _mask_unit(unit: str) -> str:
        return {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "WE": "XXXX-WXX-WE", "M": "XXXX-XX", "Q": "XXXX-QX",
                "HALF": "XXXX-HX", "Y": "XXXX", "DE": "XXX", "CE": "XX"}.get(unit, "XXXX-XX-XX")

    @staticmethod
    def _direction(ctx: Context) -> int:
        return 1 if ctx.tense == "future" else -1

    def _offset(self, g: dict[str, str], ctx: Context) -> Resolved | None:
        amount = self._number(g["num"])
        unit = str(self.lex.get("UNIT", g.get("unit") or g.get("fwdunit")))
        if "later" in g:
            sign = int(self.lex.get("LATER", g["later"]))
            anchor = ctx.anaphoric()
        else:
            sign = 1 if "fwdunit" in g else -1
            anchor = ctx.deictic()
        if isinstance(amount, str) or not float(amount).is_integer() or unit in ("H", "MIN", "S"):
            if isinstance(amount, str):
                return Resolved("PAST_REF" if sign < 0 else "FUTURE_REF", None, None, "unknown")
            if unit in ("H", "MIN", "S"):
                return over(anchor, lambda d: d.isoformat(), "XXXX-XX-XX")
            return None
        n = int(amount) * sign
        if unit == "WE":
            unit = "W"
        return over(anchor, lambda d: shift_value(d, unit, n), self._mask_unit(unit))

    def _shift_unit(self, unit: str, shift: int, ctx: Context, anchor: Interval | None,
                    part: object) -> Resolved:
        mod = part if isinstance(part, str) else None
        if unit == "WE":
            if shift < 0:
                fn = lambda d: shift_value(weekday_date(d - timedelta(days=1), 6, -2), "WE", 0)  # noqa: E731
            elif shift > 0:
                fn = lambda d: shift_value(weekday_date(d, 6, 2), "WE", 0)  # noqa: E731
            else:
                direction = self._direction(ctx)
                fn = lambda d: shift_value(weekday_date(d, 6, direction), "WE", 0)  # noqa: E731
            return over(anchor, fn, "XXXX-WXX-WE")
        if unit in ("H", "MIN", "S"):
            unit = "D"
        return over(anchor, lambda d: shift_value(d, unit, shift), self._mask_unit(unit), mod)

    def _ordinal(self, g: dict[str, str], ctx: Context) -> Resolved:
        n = int(self.lex.get("ORDINAL", g["ordinal"]))
        letter = "Q" if g["ordunit"].lower().startswith("q") else "H"
        if "year" in g:
            return resolved(f"{int(g['year']):04d}-{letter}{n}")
        return over(ctx.year_anchor(), lambda d: f"{d.year:04d}-{letter}{n}", f"XXXX-{letter}{n}")

    def _date(self, g: dict[str, str], ctx: Context) -> Resolved | None:
        day = int(g["day"])
        month = int(g["month_num"]) if "month_num" in g else int(self.lex.get("MONTH", g["month"]))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        if "year" in g:
            year = int(g["year"])
            if year < 100:
                year += 1900 if year > 30 else 2000
            try:
                return resolved(date(year, month, day).isoformat())
            except ValueError:
                return None
        if day > 29 and month == 2 or day > 30 and month in (4, 6, 9, 11):
            return None
        direction = None if self.narrative else {"past": -1, "future": 1}.get(ctx.tense, 0)
        return over(ctx.year_anchor(), lambda d: f"{nearest_year(d, month, day, direction):04d}-{month:02d}-{day:02d}",
                    f"XXXX-{month:02d}-{day:02d}")

    def _weekday(self, g: dict[str, str], ctx: Context) -> Resolved:
        weekday = int(self.lex.get("WEEKDAY", g["weekday"]))
        part = self.lex.get("DAYPART", g.get("daypart") or g.get("daypart2"))
        suffix = f"T{part}" if part else ""
        shift = self.lex.get("SHIFT", g.get("shift"))
        direction = {-1: -2, 1: 2}.get(shift, self._direction(ctx))
        return over(ctx.deictic(), lambda d: weekday_date(d, weekday, direction).isoformat() + suffix,
                    f"XXXX-WXX-{weekday}{suffix}")

    def _relday(self, g: dict[str, str], ctx: Context, text: str) -> Resolved | None:
        offset = int(self.lex.get("RELDAY", g["relday"]))
        part = self.lex.get("DAYPART", g.get("daypart"))
        if offset == 1 and part is None and text[:1].isupper() and not ctx.sentence_initial:
            return None  # "Morgen" inside a sentence is the morning, not tomorrow
        if offset == 0 and part is None and (ctx.narrative or ctx.tense == "present" and not ctx.clock_follows):
            earliest, latest = ctx.dct or (None, None)
            return Resolved("PRESENT_REF", earliest, latest, "unknown")  # "heute" as "nowadays"
        suffix = f"T{part}" if part else ""
        return over(ctx.dct, lambda d: (d + timedelta(days=offset)).isoformat() + suffix, "XXXX-XX-XX" + suffix)

    def _on_anchor_day(self, ctx: Context, suffix: str) -> Resolved:
        anchor = ctx.anaphoric()
        if ctx.last is not None and (ctx.last.granularity != "day" or not (ctx.narrative or ctx.same_sentence)):
            anchor = ctx.dct or anchor
        return over(anchor, lambda d: d.isoformat() + suffix, "XXXX-XX-XX" + suffix)

    def _time(self, g: dict[str, str], ctx: Context) -> Resolved | None:
        hour = int(g["hour"])
        minute = int(g.get("minute") or g.get("minute2") or 0)
        if hour > 24 or ("pm" in g or "am" in g) and not 1 <= hour <= 12:
            return None
        if "pm" in g and hour < 12:
            hour += 12  # group "pm": a 12-hour clock after noon
        elif "am" in g and hour == 12:
            hour = 0
        return self._on_anchor_day(ctx, f"T{hour:02d}:{minute:02d}")

    def _month(self, g: dict[str, str], ctx: Context) -> Resolved:
        month = int(self.lex.get("MONTH", g["month"]))
        mod = self._part(g)
        if "year" in g:
            return resolved(f"{int(g['year']):04d}-{month:02d}", mod)
        direction = None if self.narrative else {"past": -1, "future": 1}.get(ctx.tense, 0)
        return over(ctx.year_anchor(), lambda d: f"{nearest_year(d, month, None, direction):04d}-{month:02d}",
                    f"XXXX-{month:02d}", mod)

    def _decade(self, g: dict[str, str], ctx: Context) -> Resolved:
        digits = g["decade"]
        mod = self._part(g)
        if len(digits) == 4:
            return resolved(digits[:3], mod)
        tens = int(digits) // 10

        def decade(d: date) -> str:
            century = d.year // 100 if tens * 10 <= d.year % 100 else d.year // 100 - 1
            return f"{century:02d}{tens}"

        return over(ctx.dct or ctx.anaphoric(), decade, f"XX{tens}", mod)

    def _season(self, g: dict[str, str], ctx: Context) -> Resolved:
        season = str(self.lex.get("SEASON", g["season"]))
        mod = self._part(g)
        if "year" in g:
            return resolved(f"{int(g['year']):04d}-{season}", mod)
        shift = self.lex.get("SHIFT", g.get("shift"))
        start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]

        def pick(d: date) -> str:
            year = d.year
            if shift == -1:
                year = d.year if d.month > start_month + 2 else d.year - 1
            elif shift == 1:
                year = d.year if d.month < start_month else d.year + 1
            return f"{year:04d}-{season}"

        anchor = ctx.deictic() if shift is not None else ctx.year_anchor()
        return over(anchor, pick, f"XXXX-{season}", mod)


@Language.factory("lagebild_times", default_config={"mode": "news"}, requires=["doc._.article"],
                  assigns=["doc._.report_times"])
def make_times(nlp: Language, name: str, mode: str) -> TimeTagger:
    """The times component for `nlp.lang`; mode "news" (anchor on publication) or "narrative"."""
    return TimeTagger(TimeLexicon(language_data(str(nlp.lang), "times.json")), mode)


EMPTY_FEATURES = "_"  # what the string store holds for a token without features (`str(token.morph)` gives "")


def _features(strings: StringStore, morph: int) -> str:
    """A MORPH hash's features as `str(token.morph)` gives them ("" when the token has none)."""
    features = strings[morph] if morph else ""
    return "" if features == EMPTY_FEATURES else features
