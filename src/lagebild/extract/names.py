"""Cross-article, cross-language name keys: one key for Abdyrachmanow, Abdyrakhmanov and Абдырахманов.

`canonical_key` romanises Cyrillic, folds German and English transliteration habits onto one
spelling (sch/sh -> sh, tsch/ch -> ch, German ch/kh -> kh, w -> v, j/y/i -> i, German s/z ...)
and applies the project's alias tables (`lang/<code>/name_aliases.tsv`: alias<TAB>canonical)
for irregular cases. Keys are for matching only; they are lossy by design.

Which letters mean what depends on the spelling convention: German `ch` is Cyrillic х (kh),
English `ch` is ч; German `j` is й, English `j` is дж. With `lang=None` the convention is guessed
from the spelling (sch, tsch, a final w or j mean German).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..lang import language_data

ALIAS_FILE = "name_aliases.tsv"
ALIAS_LANGUAGES = ("de", "en")

# Cyrillic (Russian, Ukrainian, Belarusian, Kyrgyz, Kazakh letters) to placeholder-Latin.
# Upper-case placeholders stand for sounds that have several spellings:
# S = sh/zh, C = ch (ч), H = kh (х), Q = shch, J = dzh, I = i/y.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "io", "є": "Ie",
    "ж": "S", "з": "s", "и": "I", "і": "I", "ї": "II", "й": "I", "к": "k", "л": "l", "м": "m",
    "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ү": "u", "ў": "u", "ф": "f", "х": "H", "һ": "H", "ц": "ts", "ч": "C", "ш": "S", "щ": "Q",
    "ъ": "", "ы": "I", "ь": "", "э": "e", "ю": "Iu", "я": "Ia", "қ": "k", "ғ": "g", "ә": "a",
    "ұ": "u",
}
CYRILLIC_VOWELS = set("аеёєиіїоөуүўыэюяәұ")
UKRAINIAN_LETTERS = set("іїєґ")

# Latin spellings, longest first, per convention.
GERMAN_RULES = (
    ("schtsch", "Q"), ("dsch", "J"), ("tsch", "C"), ("sch", "S"), ("ch", "H"), ("kh", "H"),
    ("sh", "S"), ("zh", "S"), ("ts", "ts"), ("z", "ts"), ("j", "I"),
)
ENGLISH_RULES = (
    ("shch", "Q"), ("dzh", "J"), ("tch", "C"), ("kh", "H"), ("zh", "S"), ("sh", "S"),
    ("ch", "C"), ("j", "J"), ("z", "s"),
)
SHARED_RULES = (
    ("ß", "s"), ("w", "v"), ("ph", "f"), ("ck", "k"), ("x", "ks"), ("q", "k"), ("c", "k"),
    ("y", "I"), ("i", "I"),
)
PLACEHOLDERS = {"S": "sh", "C": "ch", "H": "kh", "Q": "shch", "J": "dzh", "I": "i"}
GERMAN_HINT = re.compile(r"sch|tsch|[a-z]w\b|[aeiouy]j\b|ij\b")
APOSTROPHES = re.compile(r"[\'’ʼʹ`´]")
NON_LETTERS = re.compile(r"[^\w]+")
DOUBLED = re.compile(r"(.)\1+")


def romanise_cyrillic(text: str) -> str:
    """Cyrillic letters to placeholder-Latin; е after a vowel or at a word start becomes `ie`.

    Words with Ukrainian letters (і, ї, є, ґ) read г as h, as Ukrainian romanisations do.
    """
    out: list[str] = []
    previous = ""
    lowered = text.lower()
    ukrainian = any(char in UKRAINIAN_LETTERS for char in lowered)
    for char in lowered:
        if char == "е" and (not previous.isalpha() or previous in CYRILLIC_VOWELS):
            out.append("Ie")
        elif char == "г" and ukrainian:
            out.append("h")
        else:
            out.append(CYRILLIC.get(char, char))
        previous = char
    return "".join(out)


def has_cyrillic(text: str) -> bool:
    """Whether the text contains any Cyrillic letter."""
    return any("\u0400" <= char <= "\u04ff" for char in text)


def strip_accents(text: str) -> str:
    """Latin letters without diacritics (ä -> a, š -> s); ß is kept for the folding rules."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "\0"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("\0", "ß")


def guess_convention(latin: str) -> str:
    """'de' or 'en' transliteration habits, guessed from the spelling of a lower-case name."""
    return "de" if GERMAN_HINT.search(latin) else "en"


def _apply(rules: tuple[tuple[str, str], ...], text: str) -> str:
    for old, new in rules:
        text = text.replace(old, new)
    return text


def fold_word(word: str, convention: str) -> str:
    """One lower-case word folded to the key spelling."""
    if has_cyrillic(word):
        folded = _apply(SHARED_RULES, romanise_cyrillic(word))
    else:
        folded = strip_accents(word.lower())
        folded = _apply(GERMAN_RULES if convention == "de" else ENGLISH_RULES, folded)
        folded = _apply(SHARED_RULES, folded)
    folded = DOUBLED.sub(r"\1", folded)
    return "".join(PLACEHOLDERS.get(char, char) for char in folded)


def fold_name(name: str, lang: str | None = None) -> str:
    """The transliteration-folded key of a name, before alias lookup."""
    text = APOSTROPHES.sub("", unicodedata.normalize("NFC", name))
    words = [w for w in NON_LETTERS.split(text) if w and not w.isdigit()]
    out = []
    for word in words:
        convention = lang if lang in ("de", "en") else guess_convention(strip_accents(word.lower()))
        out.append(fold_word(word, convention))
    return " ".join(out)


class NameKeyer:
    """Computes canonical keys, with the alias tables of the given languages loaded once."""

    def __init__(self, languages: tuple[str, ...] = ALIAS_LANGUAGES) -> None:
        self.languages = languages
        self._aliases: dict[str, str] | None = None

    @property
    def aliases(self) -> dict[str, str]:
        """Folded alias -> folded canonical, from every language's alias table."""
        if self._aliases is None:
            self._aliases = {}
            for lang in self.languages:
                path = language_data(lang, ALIAS_FILE)
                if not path.exists():
                    continue
                for line in path.read_text(encoding="utf-8").splitlines():
                    if not line.strip() or line.startswith("#"):
                        continue
                    alias, canonical = (part.strip() for part in line.split("\t")[:2])
                    self._aliases[fold_name(alias, lang)] = fold_name(canonical, lang)
        return self._aliases

    def key(self, name: str, lang: str | None = None) -> str:
        """The key of a whole name; aliases apply to the whole name first, then to single words."""
        folded = fold_name(name, lang)
        if folded in self.aliases:
            return self.aliases[folded]
        return " ".join(self.aliases.get(word, word) for word in folded.split())


@lru_cache(maxsize=4)
def default_keyer(languages: tuple[str, ...] = ALIAS_LANGUAGES) -> NameKeyer:
    """One shared keyer per set of alias languages (the alias tables are read-only data)."""
    return NameKeyer(languages)


def canonical_key(name: str, lang: str | None = None) -> str:
    """A transliteration-insensitive key: equal for spellings of one name across languages."""
    return default_keyer().key(name, lang)
