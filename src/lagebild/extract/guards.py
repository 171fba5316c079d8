"""Regex guards: a lookahead on the characters a match of a pattern can begin with, read from the parsed pattern;
and word lists as prefix tries.

A long alternation tried at every offset (the time tagger's start scan, the quantity finders) spends most of its
time failing deep inside alternatives; behind a guard on their first character most fail at once. A guard only
ever admits more than its pattern (unknown constructs give no guard), so adding it changes no match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
