"""`lagebild_de_mood`: rule layer after the morphologizer that gives every finite verb a Mood (Konjunktiv lexicon in mood_de.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spacy.attrs import TAG
from spacy.language import Language
from spacy.tokens import Doc, Token

MOOD_PATH = Path(__file__).with_name("mood_de.json")


class MoodRules:
    """Sets VerbForm=Fin and Mood on tokens the STTS tagger calls finite; Sub for known Konjunktiv forms."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.finite_tags = frozenset(data["finite_tags"])
        self.subjunctive = frozenset(data["subjunctive_forms"])
        e_rule = data.get("konj1_e_ending", {})
        self.e_rule = bool(e_rule.get("enabled", False))
        self.first_person = frozenset(e_rule.get("first_person", ["ich"]))
        self.before = int(e_rule.get("window_before", 4))
        self.after = int(e_rule.get("window_after", 2))
        self.exclude = tuple(e_rule.get("exclude_suffixes", ["te"]))
        self.exclude_forms = frozenset(e_rule.get("exclude_forms", []))

    def mood(self, token: Token) -> str | None:
        """The Mood this rule layer assigns, or None to keep the model's."""
        form = token.lower_
        if form in self.subjunctive:
            return "Sub"
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
        finite = {tag for tag in set(tags) if doc.vocab.strings[tag] in self.finite_tags}
        for i in (i for i, tag in enumerate(tags) if tag in finite):  # no Token objects for the other tokens
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


@Language.factory("lagebild_de_mood", assigns=["token.morph"], requires=["token.tag"], default_config={"path": None})
def make_mood(nlp: Language, name: str, path: str | None) -> MoodRules:
    """Factory: rules from `path` or the shipped mood_de.json."""
    return MoodRules(json.loads(Path(path or MOOD_PATH).read_text(encoding="utf-8")))
