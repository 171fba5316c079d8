"""Figure scopes: the place a figure counts (or the whole nation) and the group of people it counts.

Read from `lang/<code>/scopes.json` (validated by `lang/scopes.schema.json`). A figure's place is a
place named in its own clause ("in Osch allein 45"); "landesweit"/"nationwide" in the clause makes it
national; the group comes from the counted noun ("12 Zivilisten", "five insurgents").
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from ..lang import LANG_DIR, language_data
from .datacheck import load_validated

CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]")
LEVELS = {"country": "nation", "capital": "city", "city": "city", "town": "city", "village": "city",
          "region": "region", "province": "region", "state": "region", "district": "region", "admin1": "region",
          "admin2": "region"}


@dataclass(frozen=True)
class ScopeLexicon:
    """One language's scope words."""

    nation: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]  # (stem, group), longest stems first

    @classmethod
    def load(cls, lang: str) -> ScopeLexicon | None:
        """The language's scopes.json, validated; None if the language has none."""
        return _load(lang)

    def group_of(self, words: list[str]) -> str | None:
        """The group a counted phrase names, by the stems of its words (the noun wins over an adjective)."""
        for word in reversed(words):
            for stem, group in self.groups:
                if word.startswith(stem):
                    return group
        return None


@functools.cache
def _load(lang: str) -> ScopeLexicon | None:
    path = language_data(lang, "scopes.json")
    if not path.exists():
        return None
    data = load_validated(path, LANG_DIR / "scopes.schema.json")  # DataError if invalid
    groups = sorted(((s.lower(), g) for g, stems in data["groups"].items() for s in stems), key=lambda x: -len(x[0]))
    return ScopeLexicon(tuple(w.lower() for w in data["nation_words"]), tuple(groups))


@functools.cache
def scope_schema() -> dict:
    """The JSON Schema every `lang/<code>/scopes.json` must satisfy."""
    return json.loads((LANG_DIR / "scopes.schema.json").read_text("utf-8"))


def clause_around(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause of text[start:end] within [lo, hi): bounded by commas, semicolons, colons, brackets, dashes."""
    a = max((m.end() for m in CLAUSE_BREAK.finditer(text, lo, start)), default=lo)
    nxt = CLAUSE_BREAK.search(text, end, hi)
    return a, nxt.start() if nxt else hi


def assign_scopes(text: str, found: dict, lang: str, sentences: list[tuple[int, int]]) -> None:
    """Fill each figure's `scope` from its clause and its counted noun."""
    lex = ScopeLexicon.load(lang)
    if lex is None:
        return
    places = sorted((m["start"], m["end"], e["id"], (e.get("place") or {}).get("kind"))
                    for e in found.get("entities") or [] if e["label"] == "LOC" for m in e["mentions"])
    for q in found.get("quantities") or []:
        lo, hi = next(((a, b) for a, b in sentences if a <= q["start"] < b), (0, len(text)))
        a, b = clause_around(text, q["start"], q["end"], lo, hi)
        clause = " ".join(text[a:b].lower().split())
        scope = {"place": None, "level": None, "group": lex.group_of(re.findall(r"\w+", q["text"].lower()))}
        here = [p for p in places if a <= p[0] < b]
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", clause) for w in lex.nation):
            scope["level"] = "nation"
            scope["place"] = next((p[2] for p in here if p[3] == "country"), None)
        elif here:
            nearest = min(here, key=lambda p: abs(p[0] - q["start"]))
            scope["place"] = nearest[2]
            scope["level"] = LEVELS.get(nearest[3] or "")
        q["scope"] = scope
