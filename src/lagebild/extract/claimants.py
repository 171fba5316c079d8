"""Canonical claimant keys: one key per claimant across case, inflection, language and anaphora.

Forms and translations live in `lang/<code>/claimants.json` (validated by `lang/claimants.schema.json`);
institution keys are shared between languages, so "Staatsradios", "das Staatsradio" and "state radio"
all give `media:state-radio`. A `ClaimantKeys` walks one article in text order and resolves
"der Sender", "the ministry", "er", "they" to the last claimant that fits.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..lang import LANG_DIR, language_data
from .datacheck import load_validated
from .names import canonical_key

LANGUAGE_DATA: tuple[str, ...] = ("claimants.json",)
SCHEMA_PATH = LANG_DIR / "claimants.schema.json"
WORD = re.compile(r"[\w'’-]+", re.UNICODE)


@dataclass(frozen=True)
class ClaimantLexicon:
    """One language's claimant data, read once from `claimants.json`."""

    determiners: frozenset[str]
    modifiers: tuple[str, ...]
    suffixes: tuple[str, ...]
    forms: dict[tuple[str, ...], tuple[str, str]]  # words -> (institution key, kind)
    anaphors: dict[str, frozenset[str]]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    longest: int = 1
    modifier_endings: frozenset[str] = frozenset({""})  # what may follow a modifier stem ("staatlich" + "e")

    @classmethod
    def load(cls, lang: str) -> ClaimantLexicon:
        """Read and validate `lang/<lang>/claimants.json`."""
        return _load(lang)

    @classmethod
    def from_dict(cls, d: dict) -> ClaimantLexicon:
        """Build the lexicon from parsed, validated data."""
        forms = {tuple(form.lower().split()): (key, entry["kind"])
                 for key, entry in d["institutions"].items() for form in entry["forms"]}
        return cls(
            determiners=frozenset(w.lower() for w in d["determiners"]),
            modifiers=tuple(sorted((w.lower() for w in d["modifiers"]), key=len, reverse=True)),
            modifier_endings=frozenset(d.get("modifier_endings", [""])),
            suffixes=tuple(sorted(d["inflection_suffixes"], key=len, reverse=True)),
            forms=forms,
            anaphors={k.lower(): frozenset(v) for k, v in d["anaphors"].items()},
            person_pronouns=frozenset(w.lower() for w in d["pronouns"]["person"]),
            group_pronouns=frozenset(w.lower() for w in d["pronouns"]["group"]),
            longest=max((len(f) for f in forms), default=1),
        )

    def words(self, text: str) -> list[str]:
        """The phrase's words, lower-cased, without leading determiners or modifiers."""
        words = [w.lower().strip("'’-") for w in WORD.findall(text)]
        words = [w for w in words if w and not self._modifier(w)]
        while words and words[0] in self.determiners:
            words = words[1:]
        return words

    def _modifier(self, word: str) -> bool:
        return any(word.startswith(m) and word[len(m):] in self.modifier_endings for m in self.modifiers)

    def stems(self, word: str) -> list[str]:
        """The word and the forms left by stripping each inflection ending."""
        return [word] + [word[: -len(s)] for s in self.suffixes if word.endswith(s) and len(word) - len(s) >= 3]

    def institution(self, words: list[str]) -> tuple[str, str] | None:
        """The institution a phrase names: the longest listed form found in it (its last word may be inflected)."""
        for n in range(min(self.longest, len(words)), 0, -1):
            for i in range(len(words) - n, -1, -1):
                window = words[i:i + n]
                for last in self.stems(window[-1]):
                    found = self.forms.get((*window[:-1], last))
                    if found:
                        return found
        return None

    def anaphor(self, words: list[str], had_determiner: bool) -> frozenset[str]:
        """Kinds a phrase like "der Sender" can point back to (empty if it is no anaphor)."""
        if not had_determiner or len(words) != 1:
            return frozenset()
        return next((self.anaphors[s] for s in self.stems(words[0]) if s in self.anaphors), frozenset())


@functools.cache
def _load(lang: str) -> ClaimantLexicon:
    data = load_validated(Path(language_data(lang, "claimants.json")), SCHEMA_PATH)  # DataError if invalid
    return ClaimantLexicon.from_dict(data)


@functools.cache
def _role_words(lang: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Role words and role-word endings from `lang/<code>/roles.json` (stripped from a person's name)."""
    path = Path(language_data(lang, "roles.json"))
    if not path.exists():
        return frozenset(), ()
    d = json.loads(path.read_text("utf-8"))
    words = {w.lower() for w in d.get("role_words", []) + d.get("determiners", []) + d.get("honorifics", [])}
    words |= {w.lower() for forms in d.get("role_groups", {}).values() for w in forms}
    return frozenset(words), tuple(s.lower() for s in d.get("role_suffixes", []))


def person_name(text: str, lang: str) -> str:
    """The name in a person phrase without roles and determiners ("Innenminister Leitl" -> "Leitl")."""
    roles, suffixes = _role_words(lang)
    words = WORD.findall(text)
    role = [i for i, w in enumerate(words[:-1]) if w.lower() in roles or (suffixes and w.lower().endswith(suffixes))
            or not w[:1].isupper()]
    return " ".join(words[role[-1] + 1:] if role else words)


@functools.cache
def institution_keys(text: str) -> frozenset[str]:
    """The claimant keys an institution's name gives in any language with claimant data ("health ministry")."""
    keys = set()
    for path in sorted(LANG_DIR.glob("*/claimants.json")):
        lex = _load(path.parent.name)
        found = lex.institution(lex.words(text))
        if found:
            keys.add(f"{found[1]}:{found[0]}")
    return frozenset(keys)


def claimant_schema() -> dict:
    """The JSON Schema that every `lang/<code>/claimants.json` must satisfy."""
    return json.loads(SCHEMA_PATH.read_text("utf-8"))


@dataclass
class ClaimantKeys:
    """Claimant keys for one article, resolved in text order (anaphors point back to earlier claimants)."""

    lang: str
    source: str | None = None
    lex: ClaimantLexicon | None = None
    last_person: str | None = None
    last_by_kind: dict[str, str] = field(default_factory=dict)
    last_group: str | None = None

    def __post_init__(self) -> None:
        if self.lex is None and language_data(self.lang, "claimants.json").exists():
            self.lex = ClaimantLexicon.load(self.lang)

    def key(self, kind: str, text: str | None, *, entity_name: str | None = None, is_person: bool = False) -> str:
        """The canonical key of a claimant of `kind` written as `text`."""
        if kind == "author":
            return "author:" + (canonical_key(self.source, self.lang) if self.source else "unknown")
        if kind == "rumor":
            return "rumor"  # hearsay has no claimant to tell apart
        if not text and not entity_name:
            return f"{kind}:unknown"
        lex = self.lex
        words = lex.words(text or "") if lex else [w.lower() for w in WORD.findall(text or "")]
        first = next(iter(WORD.findall(text or "")), "").lower()
        if lex and len(words) == 1 and not entity_name:
            if words[0] in lex.person_pronouns and self.last_person and not (words[0] in lex.group_pronouns and not is_person):
                return self.last_person
            if words[0] in lex.group_pronouns and self.last_group:
                return self.last_group
            kinds = lex.anaphor(words, first in lex.determiners)
            back = next((self.last_by_kind[k] for k in ("media", "official", "named", "witness", "group")
                         if k in kinds and k in self.last_by_kind), None)
            if back:
                return back
        found = lex.institution(words) if lex and not is_person else None
        if found:
            key = f"{found[1]}:{found[0]}"
            self._remember(key, found[1], person=False)
            return key
        if is_person or entity_name:
            key = "named:" + canonical_key(entity_name or person_name(text or "", self.lang), self.lang)
            self._remember(key, "named", person=is_person)
            return key
        key = f"{kind}:" + "-".join(words or ["unknown"])
        self._remember(key, kind, person=False)
        return key

    def _remember(self, key: str, kind: str, *, person: bool) -> None:
        if person:
            self.last_person = key
        else:
            self.last_group = key
            self.last_by_kind[kind] = key
            self.last_by_kind["group"] = key
