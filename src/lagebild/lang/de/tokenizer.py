"""News-tuned German tokenizer: spaCy's German rules plus the exceptions and affix rules in tokenizer_de.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.lang.de import German
from spacy.language import Language
from spacy.symbols import NORM, ORTH
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

RULES_PATH = Path(__file__).with_name("tokenizer_de.json")


def load_rules(path: Path = RULES_PATH) -> dict[str, list[str]]:
    """The tokenizer's data file: abbreviations and extra prefix/suffix/infix patterns."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: list(value) for key, value in data.items() if not key.startswith("_")}


def build_tokenizer(nlp: Language, rules: dict[str, list[str]]) -> Tokenizer:
    """spaCy's German defaults extended with the given rules."""
    defaults = German.Defaults
    special_cases = dict(defaults.tokenizer_exceptions)
    for abbr in rules.get("abbreviations", []):
        special_cases[abbr] = [{ORTH: abbr, NORM: abbr}]
    prefixes = list(rules.get("prefixes", [])) + list(defaults.prefixes or [])
    suffixes = list(rules.get("suffixes", [])) + list(defaults.suffixes or [])
    infixes = list(defaults.infixes or []) + list(rules.get("infixes", []))
    return Tokenizer(
        nlp.vocab,
        rules=special_cases,
        prefix_search=compile_prefix_regex(prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )


@spacy.registry.tokenizers("lagebild.de_tokenizer.v1")
def create_de_tokenizer() -> Callable[[Language], Tokenizer]:
    """Registered factory: `[nlp.tokenizer] @tokenizers = "lagebild.de_tokenizer.v1"`."""

    def make(nlp: Language) -> Tokenizer:
        return build_tokenizer(nlp, load_rules())

    return make
