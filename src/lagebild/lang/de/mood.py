"""`lagebild_de_mood`: rule layer after the morphologizer that gives every finite verb a Mood (Konjunktiv lexicon in
mood_de.json), and treats as finite a full verb the tagger calls non-finite when its clause has no other verb."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Token

MOOD_PATH = Path(__file__).with_name("mood_de.json")


class MoodRules:
    """Sets VerbForm=Fin and Mood on tokens the STTS tagger calls finite; Sub for known Konjunktiv forms, Ind for
    past forms whose Konjunktiv differs by umlaut."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.finite_tags = frozenset(data["finite_tags"])
        self.subjunctive = frozenset(data["subjunctive_forms"])
        self.indicative = frozenset(data.get("indicative_forms", []))
        e_rule = data.get("konj1_e_ending", {})
        self.e_rule = bool(e_rule.get("enabled", False))
        self.first_person = frozenset(e_rule.get("first_person", ["ich"]))
        self.before = int(e_rule.get("window_before", 4))
        self.after = int(e_rule.get("window_after", 2))
        self.exclude = tuple(e_rule.get("exclude_suffixes", ["te"]))
        self.exclude_forms = frozenset(e_rule.get("exclude_forms", []))
        self.clause = ClauseRule.from_data(data.get("finite_without_finite_clause", {}))

    def mood(self, token: Token) -> str | None:
        """The Mood this rule layer assigns, or None to keep the model's."""
        form = token.lower_
        if form in self.subjunctive:
            return "Sub"
        if form in self.indicative:
            return "Ind"
        if self.e_rule and self._e_form(form):
            doc = token.doc
            window = doc[max(token.i - self.before, 0) : min(token.i + self.after + 1, len(doc))]
            if not any(t.lower_ in self.first_person for t in window):
                return "Sub"
            return "Ind"
        return None

    def _e_form(self, form: str) -> bool:
        return len(form) > 2 and form.endswith("e") and not form.endswith(self.exclude) and form not in self.exclude_forms

    def __call__(self, doc: Doc) -> Doc:
        """Annotate finite verbs in place."""
        tags = doc.to_array(TAG).tolist()
        names = {tag: doc.vocab.strings[tag] for tag in set(tags)}  # each distinct tag's string made once
        finite = {tag for tag, name in names.items() if name in self.finite_tags}
        chosen = [i for i, tag in enumerate(tags) if tag in finite]  # no Token objects for the other tokens
        if self.clause.enabled:
            chosen = sorted(chosen + self.clause.finite(doc, [names[t] for t in tags]))
        for i in chosen:
            token = doc[i]
            feats = token.morph.to_dict()
            rule = self.mood(token)
            if rule is not None:
                feats["Mood"] = rule
            elif "Mood" not in feats:
                feats["Mood"] = "Ind"
            feats["VerbForm"] = "Fin"
            token.set_morph(feats)  # type: ignore[attr-defined]  # missing from spaCy's stub
        return doc


@dataclass(frozen=True)
class ClauseRule:
    """A clause (between punctuation tags) that opens a sentence or starts with a clause opener or with the verb
    itself, with no verb the tagger calls finite, no auxiliary or modal and no infinitive particle, but a
    subject-like word, has its non-finite full verbs read as finite."""

    enabled: bool = False
    candidate_tags: frozenset[str] = frozenset()
    boundary_tags: frozenset[str] = frozenset()
    blocking_tags: frozenset[str] = frozenset()
    subject_tags: frozenset[str] = frozenset()
    opener_tags: frozenset[str] = frozenset()
    sentence_end_tags: frozenset[str] = frozenset()
    zu_infix: str = ""
    zu_infix_tags: frozenset[str] = frozenset()
    finite_tags: frozenset[str] = frozenset()
    not_before_tags: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ClauseRule:
        """The rule from its mood_de.json section (disabled when absent)."""
        return cls(
            enabled=bool(data.get("enabled", False)),
            candidate_tags=frozenset(data.get("candidate_tags", [])),
            boundary_tags=frozenset(data.get("boundary_tags", [])),
            blocking_tags=frozenset(data.get("blocking_tags", [])),
            subject_tags=frozenset(data.get("subject_tags", [])),
            opener_tags=frozenset(data.get("opener_tags", [])),
            sentence_end_tags=frozenset(data.get("sentence_end_tags", [])),
            zu_infix=str(data.get("zu_infix", "")),
            zu_infix_tags=frozenset(data.get("zu_infix_tags", [])),
            finite_tags=frozenset(data.get("sentence_needs_finite_tags", [])),
            not_before_tags=frozenset(data.get("verb_first_not_before_tags", [])),
        )

    def finite(self, doc: Doc, tags: list[str]) -> list[int]:
        """Indices of the tokens this rule reads as finite."""
        out: list[int] = []
        found: list[tuple[int, bool]] = []  # (token, its clause has an opener word) in the current sentence
        start = sentence = 0
        last = len(tags)
        for end in range(last + 1):
            tag = tags[end] if end < last else None
            if tag is None or tag in self.boundary_tags:
                found.extend(self._in_clause(doc, tags, start, end))
                start = end + 1
            if tag is None or tag in self.sentence_end_tags:
                verbless = self.finite_tags and not any(tags[i] in self.finite_tags for i in range(sentence, end))
                out.extend(i for i, opener in found if opener or not verbless)  # verbless: a headline, a fragment
                found, sentence = [], end + 1
        return out

    def _in_clause(self, doc: Doc, tags: list[str], start: int, end: int) -> list[tuple[int, bool]]:
        span = range(start, end)
        if any(tags[i] in self.blocking_tags for i in span) or not any(tags[i] in self.subject_tags for i in span):
            return []
        opener = start < end and tags[start] in self.opener_tags
        opens = opener or start == 0 or tags[start - 1] in self.sentence_end_tags
        return [(i, opener) for i in span if tags[i] in self.candidate_tags
                and (opens or self._verb_first(tags, i, start, end)) and not self._zu_form(doc[i].lower_, tags[i])]

    def _verb_first(self, tags: list[str], i: int, start: int, end: int) -> bool:
        """The verb opens its clause ('..., betont die Sprecherin'), not a participle phrase ('gefolgt von')."""
        return i == start and not (i + 1 < end and tags[i + 1] in self.not_before_tags)

    def _zu_form(self, form: str, tag: str) -> bool:
        """A zu-infinitive whose form shows it (an-zu-fangen): the tagger's non-finite reading stands."""
        return tag in self.zu_infix_tags and bool(self.zu_infix) and self.zu_infix in form[1:]


@Language.factory("lagebild_de_mood", assigns=["token.morph"], requires=["token.tag"], default_config={"path": None})
def make_mood(nlp: Language, name: str, path: str | None) -> MoodRules:
    """Factory: rules from `path` or the shipped mood_de.json."""
    return MoodRules(json.loads(Path(path or MOOD_PATH).read_text(encoding="utf-8")))
