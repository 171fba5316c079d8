"""Regex guards: a lookahead on the characters a match of a pattern can begin with, read from the parsed pattern;
and word lists as prefix tries.

A long alternation tried at every offset (the time tagger's start scan, the quantity finders) spends most of its
time failing deep inside alternatives; behind a guard on their first character most fail at once. A guard only
ever admits more than its pattern (unknown constructs give no guard), so adding it changes no match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from re import _casefix  # type: ignore[attr-defined]
from typing import Any

CATEGORY_CLASSES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
                    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}
ZERO_WIDTH = frozenset({"AT", "ASSERT", "ASSERT_NOT"})


def first_guard(pattern: str) -> str:
    """A lookahead on the characters a match of `pattern` can begin with ("" when any, or when unsure).

    Read from the parsed pattern; a guard only ever admits more than the pattern, so adding it changes no match.
    """
    try:
        parts, empty = _firsts(re._parser.parse(pattern, re.IGNORECASE).data)  # type: ignore[attr-defined]
    except (LookupError, TypeError, ValueError, AttributeError, re.error):
        return ""
    return "" if empty or parts is None else "(?=[" + "".join(sorted(parts)) + "])"


def _firsts(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """The class parts a sequence can begin with (None: any character) and whether it can match empty."""
    found: set[str] = set()
    for op, arg in items:
        parts, empty = _first_of(str(op), arg)
        if parts is None:
            return None, False
        found |= parts
        if not empty:
            return found, False
    return found, True


def _first_of(op: str, arg: Any) -> tuple[set[str] | None, bool]:
    """`_firsts` for one parsed item."""
    if op in ZERO_WIDTH:
        return set(), True
    if op == "LITERAL":
        return {re.escape(chr(arg))}, False
    if op == "IN":
        if any(str(kind) not in ("LITERAL", "RANGE", "CATEGORY") for kind, _ in arg):
            return None, False
        return {re.escape(chr(v)) if str(k) == "LITERAL" else CATEGORY_CLASSES[str(v)] if str(k) == "CATEGORY"
                else f"{re.escape(chr(v[0]))}-{re.escape(chr(v[1]))}" for k, v in arg}, False
    if op == "SUBPATTERN":
        return _firsts(arg[3].data)
    if op == "ATOMIC_GROUP":
        return _firsts(arg.data)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        parts, empty = _firsts(arg[2].data)
        return parts, empty or arg[0] == 0
    if op == "BRANCH":
        found: set[str] = set()
        empty = False
        for branch in arg[1]:
            parts, branch_empty = _firsts(branch.data)
            if parts is None:
                return None, False
            found |= parts
            empty = empty or branch_empty
        return found, empty
    return None, False


def word_trie(words: Iterable[str]) -> str:
    """A group for case-insensitive patterns matching any of `words` (a space as `\\s+`), longest first, with
    common prefixes factored out.

    Of the words that match at one place, each is a prefix of the longer ones (a space stands for a whole run of
    spaces, and letters are compared as lower case, as IGNORECASE compares them), and the trie tries a longer
    continuation before it stops, so it matches what `(?:w1|w2|...)` sorted longest first matches, in the same order
    when the rest of the pattern backtracks; the regex engine follows only the branch the next character admits
    instead of trying every word in turn.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            lower = char.lower()
            token = r"\s+" if char == " " else re.escape(lower if len(lower) == 1 else char)
            node = node.setdefault(token, {})
        node[""] = {}  # a word ends here
    return "(?:" + _trie_body(root) + ")"


def _trie_body(node: dict[str, dict]) -> str:
    """The regex of one trie node: its branches, optional where a word ends at the node."""
    branches = [token + _trie_body(child) for token, child in node.items() if token != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return body
    return ("(?:" + body + ")" if len(branches) == 1 else body) + "?"


def first_char_checked(pattern: str) -> str:
    """`pattern` behind a check of its first character that consumes it and steps back (a lookbehind holding the
    pattern as a lookahead): an alternation skips such a branch at once where the character does not fit, while a
    branch that opens with a lookahead guard is entered at every offset. `pattern` itself when it has no guard."""
    guard = first_guard(pattern)
    return f"{guard[3:-1]}(?<=(?={pattern})(?s:.))" if guard else pattern


def matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` yields, trying only the offsets where some pattern can start."""
    resume = 0
    for start in starts:
        if start < resume:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            resume = max(match.end(), start + 1)


class LoweredScan:
    """The offsets where an IGNORECASE pattern matches, found on the lower-cased text without IGNORECASE where that
    finds the same ones or more (faster: with IGNORECASE, re lower-cases each character it compares).

    It needs a pattern whose characters are lower-case outside `(?i:...)` groups (case-sensitive `(?-i:...)` groups
    become case-insensitive, which only admits more) and a text whose `lower()` keeps its length and has none of the
    characters IGNORECASE pairs beyond lower-casing (re's extra case pairs: dotless ı with i, long ſ with s …), nor a
    capital sigma (lower-cased by its context); otherwise it scans the text with the pattern itself.
    """

    def __init__(self, pattern: str) -> None:
        self.source = pattern
        lowered = pattern.replace("(?-i:", "(?i:")
        named = _lowercase_chars(lowered)
        self.lowered = re.compile(lowered) if named is not None else None
        self.unusual = re.compile("[" + re.escape("".join(sorted(_unusual_partners(named or set())))) + "]")

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern with IGNORECASE (compiled on first use: most texts take the lowered scan)."""
        return re.compile(self.source, re.IGNORECASE)

    def starts(self, text: str, lowered: str) -> list[int]:
        """Where the pattern matches `text` (`lowered` is `text.lower()`); with the lowered scan maybe more."""
        if self.lowered is not None and len(lowered) == len(text) and self.unusual.search(text) is None:
            return [match.start() for match in self.lowered.finditer(lowered)]
        return [match.start() for match in self.pattern.finditer(text)]


def _unusual_partners(named: set[str]) -> set[str]:
    """Text characters that IGNORECASE pairs with one of `named` although their lower case differs from it."""
    found = {"\u03a3", "\u0130"}  # capital sigma, capital I with a dot
    for char in named:
        for partner in map(chr, _casefix._EXTRA_CASES.get(ord(char), ())):
            found |= {form for form in (partner, partner.upper(), partner.title()) if form.lower() == partner}
    return found


LARGEST_CHECKED_RANGE = 5000  # a longer class range is not listed character by character: no lowered scan


def _lowercase_chars(pattern: str) -> set[str] | None:
    """The characters `pattern` names outside `(?i:...)` groups, or None when one is not lower-case or the pattern
    has a backreference or another construct the lowered scan does not vouch for."""
    named: set[str] = set()
    try:
        ok = _collect(re._parser.parse(pattern).data, named)  # type: ignore[attr-defined]
    except (LookupError, TypeError, ValueError, AttributeError, re.error):
        return None
    return named if ok and all(char.lower() == char for char in named) else None


def _collect(items: list[tuple[Any, Any]], named: set[str]) -> bool:
    """Add the characters a parsed sequence names to `named`; False on a construct not handled."""
    for op, arg in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL"):
            named.add(chr(arg))
            ok = True
        elif name == "IN":
            ok = all(_collect_member(str(kind), value, named) for kind, value in arg)
        elif name == "SUBPATTERN":  # (group, flags added, flags removed, pattern)
            insensitive, sensitive = arg[1] & re.IGNORECASE, arg[2] & re.IGNORECASE
            ok = not sensitive and (bool(insensitive) or _collect(arg[3].data, named))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            ok = _collect(arg[2].data, named)
        elif name == "BRANCH":
            ok = all(_collect(branch.data, named) for branch in arg[1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            ok = _collect(arg[1].data, named)
        elif name == "ATOMIC_GROUP":
            ok = _collect(arg.data, named)
        else:
            ok = name in ("AT", "ANY")
        if not ok:
            return False
    return True


def _collect_member(kind: str, value: Any, named: set[str]) -> bool:
    """`_collect` for one member of a character class."""
    if kind in ("LITERAL", "NOT_LITERAL"):
        named.add(chr(value))
        return True
    if kind == "RANGE":
        low, high = value
        named.update(map(chr, range(low, high + 1)))
        return high - low <= LARGEST_CHECKED_RANGE
    return kind in ("CATEGORY", "NEGATE")
