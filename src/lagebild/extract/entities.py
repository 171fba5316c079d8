"""Entities: the article's name mentions merged into entities, with role phrases and places.

Rules (role words, determiners, genitive endings live in `lang/<code>/roles.json` and `grammar.json`):
- A name's core is its span without leading determiners, honorifics, role words and lower-case
  words ("Präsident Ruslan Abdyrachmanow" -> "Ruslan Abdyrachmanow"); word forms that differ
  only by a genitive ending ("Abdyrachmanows") are the same word.
- PER: full names with the same surname and compatible given names merge; a surname alone
  joins the one person with that surname (several: the one mentioned last before it).
  ORG, MISC: same core, or an abbreviation defined in the text ("Organisation für
  Zusammenarbeit (SOZ, englisch SCO)"), whose later uses join the entity even where the
  recogniser missed them. LOC: same core, or the same resolved place (Kiew, Kyjiw).
- The canonical name is the longest core (for places: the most used one), with genitive
  endings undone where the article also has the plain form.
- A role phrase with a determiner ("der Staatschef", "des Präsidenten") that names no one is
  a mention of the one person introduced earlier with a role of the same group ("Präsident
  Ruslan Abdyrachmanow", "Abdyrachmanow, der Präsident"); with none or several such people
  it links to no one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..lang import language_data
from . import claims, doc_text
from .places import PlaceRecord, PlaceResolver

# Files in lang/<code>/ this extractor needs; a language without them runs without it.
LANGUAGE_DATA: tuple[str, ...] = ()

LABEL_MAP = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC"}
ABBREVIATION = re.compile(r"^[A-ZÄÖÜ][A-Za-zÄÖÜäöü0-9&.-]{0,11}$")
PAREN_AFTER = re.compile(r"^\s*\(([^()]{1,80})\)")
MAX_ADJECTIVES = 2
FOLLOWING_CHARS = 40


@dataclass(frozen=True)
class LanguageRules:
    """A language's role words, determiners, honorifics and grammar hints."""

    determiners: frozenset[str]
    honorifics: frozenset[str]
    role_forms: dict[tuple[str, ...], str]
    role_suffixes: tuple[str, ...]
    abbreviation_markers: tuple[str, ...]
    genitive_suffixes: tuple[str, ...]

    @classmethod
    def load(cls, lang: str) -> LanguageRules:
        """Read `roles.json` and `grammar.json` of a language (empty rules where missing)."""
        roles = _read_json(language_data(lang, "roles.json"))
        grammar = _read_json(language_data(lang, "grammar.json"))
        forms: dict[tuple[str, ...], str] = {}
        for word in roles.get("role_words", []):
            forms[tuple(word.casefold().split())] = ""
        for group, words in roles.get("role_groups", {}).items():
            for word in words:
                forms[tuple(word.casefold().split())] = group
        return cls(
            determiners=frozenset(w.casefold() for w in roles.get("determiners", [])),
            honorifics=frozenset(w.casefold() for w in roles.get("honorifics", [])),
            role_forms=forms,
            role_suffixes=tuple(s.casefold() for s in roles.get("role_suffixes", [])),
            abbreviation_markers=tuple(m.casefold() for m in roles.get("abbreviation_markers", [])),
            genitive_suffixes=tuple(grammar.get("genitive_suffixes", [])),
        )

    @cached_property
    def longest_role(self) -> int:
        """Number of words in the longest role form."""
        return max((len(form) for form in self.role_forms), default=1)

    def role_at(self, words: list[str], start: int) -> tuple[int, str] | None:
        """(end, group) of the longest role form starting at `words[start]`, or None."""
        folded = [w.casefold() for w in words[start:start + self.longest_role]]
        for length in range(len(folded), 0, -1):
            group = self.role_forms.get(tuple(folded[:length]))
            if group is not None:
                return start + length, group
        if folded and len(folded[0]) > 4 and folded[0].endswith(self.role_suffixes):
            return start + 1, ""
        return None

    def role_length_before(self, doc: Doc, start: int) -> int:
        """Number of tokens of the role form that ends right before token `start` ("Innenminister" Paul ...), or 0."""
        for length in range(min(self.longest_role, start), 0, -1):
            found = self.role_at([t.text for t in doc[start - length:start]], 0)
            if found is not None and found[0] == length:
                return length
        return 0

    def same_word(self, a: str, b: str) -> bool:
        """Whether two words differ at most by a genitive ending."""
        if a == b:
            return True
        long, short = (a, b) if len(a) > len(b) else (b, a)
        return any(long == short + suffix for suffix in self.genitive_suffixes)


def _joins_word(char: str) -> bool:
    """Whether a character continues a word for `whole_word_uses`: what the pattern `[\\w-]` matches."""
    return char.isalnum() or char in "_-"


def whole_word_uses(text: str, form: str, suffixes: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Spans of `form`, optionally followed by one of `suffixes`, as a whole word, left to right without overlap:
    what `(?<![\\w-])form(?:suffix|...)?(?![\\w-])` finds, by substring search instead of one regex per form."""
    at = text.find(form) if form else -1
    while at >= 0:
        resume = at + 1
        if at == 0 or not _joins_word(text[at - 1]):
            after = at + len(form)
            for suffix in suffixes + ("",):
                end = after + len(suffix)
                if text.startswith(suffix, after) and (end == len(text) or not _joins_word(text[end])):
                    yield at, end
                    resume = end
                    break
        at = text.find(form, resume)


class Coverage:
    """Which characters of a text are taken by a mention: overlap tests in time independent of the mention count."""

    def __init__(self, length: int) -> None:
        self.chars = bytearray(length + 1)
        self.points: list[int] = []  # empty spans, which overlap a span strictly around them

    def add(self, start: int, end: int) -> None:
        if start < end:
            self.chars[start:end] = b"\x01" * (end - start)
        else:
            self.points.append(start)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps a span added so far (as `a < end and start < b` for each)."""
        return self.chars.find(1, start, end) >= 0 or any(start < p < end for p in self.points)


def _read_json(path: Any) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@dataclass
class Mention:
    """One name mention: the recognised span and its core name words."""

    start: int
    end: int
    text: str
    label: str
    words: list[str]
    role_group: str | None = None
    place: PlaceRecord | None = None
    is_role_phrase: bool = False

    @property
    def core(self) -> str:
        return " ".join(self.words)


@dataclass
class Cluster:
    """The mentions of one entity."""

    label: str
    mentions: list[Mention] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    place: PlaceRecord | None = None

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

    @property
    def names(self) -> list[Mention]:
        return [m for m in self.mentions if not m.is_role_phrase]


class EntityLinker:
    """Builds the report's entities from `doc.ents`: merging, abbreviations, role phrases, places."""

    def __init__(self, resolver: PlaceResolver | None = None, default_lang: str = "de") -> None:
        self.resolver = resolver or PlaceResolver()
        self.default_lang = default_lang
        self._rules: dict[str, LanguageRules] = {}

    def rules(self, lang: str) -> LanguageRules:
        """The rules of one language, read once."""
        if lang not in self._rules:
            self._rules[lang] = LanguageRules.load(lang)
        return self._rules[lang]

    def __call__(self, doc: Doc) -> Doc:
        claims(doc)["entities"] = self.entities(doc)
        return doc

    def doc_lang(self, doc: Doc) -> str:
        """The article's language, else the Doc's, else the default."""
        article = getattr(doc._, "article", None)
        return getattr(article, "lang", None) or doc.lang_ or self.default_lang

    # ----- pipeline --------------------------------------------------------------------

    def entities(self, doc: Doc) -> list[dict[str, Any]]:
        """Report entity dicts for one Doc."""
        lang = self.doc_lang(doc)
        rules = self.rules(lang)
        mentions = [m for ent in doc.ents if (m := self.mention(ent, rules)) is not None]
        self.resolve_places(doc, mentions, lang)
        clusters = self.cluster(mentions, rules)
        taken = Coverage(len(doc_text(doc)))  # characters of every mention so far and of every recognised entity
        for start, end in [(m.start, m.end) for c in clusters for m in c.mentions] + \
                [(e.start_char, e.end_char) for e in doc.ents]:
            taken.add(start, end)
        self.add_abbreviations(doc, clusters, rules, taken)
        self.add_person_repeats(doc, clusters, rules, taken)
        self.link_role_phrases(doc, clusters, rules)
        clusters.sort(key=lambda c: c.first)
        return [self.entity_dict(f"ent{i}", c, rules) for i, c in enumerate(clusters, start=1)]

    def mention(self, ent: Span, rules: LanguageRules) -> Mention | None:
        """A Mention with its core words and any role that introduces it; None if no name is left."""
        label = LABEL_MAP.get(ent.label_, "MISC")
        words = [t.text for t in ent]
        role_group: str | None = None
        while words:
            lowered = words[0].casefold()
            role = rules.role_at(words, 0)
            if role is not None:
                role_group = role[1] or role_group
                words = words[role[0]:]
            elif lowered in rules.determiners or lowered in rules.honorifics or (
                    words[0][:1].islower() and len(words) > 1):
                words = words[1:]
            else:
                break
        if not words:
            return None
        mention = Mention(ent.start_char, ent.end_char, ent.text, label, words, role_group)
        if label == "PER" and mention.role_group is None:
            mention.role_group = self.role_before(ent, rules) or self.role_after(ent, rules)
        return mention

    def role_before(self, ent: Span, rules: LanguageRules) -> str | None:
        """The group of a role phrase right before a name ("Präsident Ruslan ...")."""
        doc = ent.doc
        for length in range(min(rules.longest_role, ent.start), 0, -1):
            words = [t.text for t in doc[ent.start - length:ent.start]]
            found = rules.role_at(words, 0)
            if found is not None and found[0] == length and found[1]:
                return found[1]
        return None

    def role_after(self, ent: Span, rules: LanguageRules) -> str | None:
        """The group of an apposition right after a name ("Abdyrachmanow, der Präsident")."""
        doc = ent.doc
        if ent.end + 1 >= len(doc) or doc[ent.end].text != ",":
            return None
        phrase = self.role_phrase_at(doc, ent.end + 1, rules)
        return phrase[1] if phrase else None

    def role_phrase_at(self, doc: Doc, i: int, rules: LanguageRules) -> tuple[int, str] | None:
        """(end token, group) of 'determiner adjective* role' starting at token i, or None."""
        if i >= len(doc) or doc[i].text.casefold() not in rules.determiners:
            return None
        words = [t.text for t in doc[i:i + 1 + MAX_ADJECTIVES + rules.longest_role]]
        position = 1
        while position < len(words):
            found = rules.role_at(words, position)
            if found is not None and found[1]:
                return i + found[0], found[1]
            if position > MAX_ADJECTIVES or not _is_adjective(doc[i + position]):
                return None
            position += 1
        return None

    def resolve_places(self, doc: Doc, mentions: list[Mention], lang: str) -> None:
        """Attach GeoNames records to LOC mentions, the article's places as context."""
        located = [m for m in mentions if m.label == "LOC"]
        if not located:
            return
        queries = [(m.core, doc_text(doc)[m.end:m.end + FOLLOWING_CHARS]) for m in located]
        for mention, record in zip(located, self.resolver.resolve_mentions(queries, doc_text(doc), lang)):
            mention.place = record

    # ----- merging ---------------------------------------------------------------------

    def cluster(self, mentions: list[Mention], rules: LanguageRules) -> list[Cluster]:
        """Merge mentions into entities, full names first so that short forms find them."""
        clusters: list[Cluster] = []
        index: dict[tuple[object, ...], set[int]] = {}  # a key any matching cluster has -> positions in `clusters`
        ordered = sorted(mentions, key=lambda m: (-len(m.words), m.start))
        for mention in ordered:
            candidates = sorted(set().union(*(index.get(key, ()) for key in _match_keys(mention, mention.place))))
            matches = [(i, clusters[i]) for i in candidates if self.belongs(mention, clusters[i], rules)]
            if not matches:
                position = len(clusters)
                clusters.append(Cluster(mention.label, [mention], place=mention.place))
            else:
                target = matches[0][1] if len(matches) == 1 else _nearest_before([c for _, c in matches], mention.start)
                position = next(i for i, c in matches if c is target)
                target.mentions.append(mention)
                target.place = target.place or mention.place
            for key in _match_keys(mention, clusters[position].place):
                index.setdefault(key, set()).add(position)
        return clusters

    def belongs(self, mention: Mention, cluster: Cluster, rules: LanguageRules) -> bool:
        """Whether a mention names the entity of a cluster."""
        if mention.label != cluster.label:
            return False
        if mention.label == "LOC" and mention.place is not None and cluster.place is not None:
            return mention.place is cluster.place
        for other in cluster.names:
            if mention.label == "PER" and _person_compatible(mention.words, other.words, rules):
                return True
            if len(mention.words) == len(other.words) and all(
                    rules.same_word(a, b) for a, b in zip(mention.words, other.words)):
                return True
        return False

    def add_abbreviations(self, doc: Doc, clusters: list[Cluster], rules: LanguageRules, taken: Coverage) -> None:
        """Abbreviations defined after a name become aliases; their other uses join that entity."""
        for cluster in list(clusters):
            if cluster.label not in ("ORG", "MISC", "LOC"):
                continue
            for mention in list(cluster.names):
                match = PAREN_AFTER.match(doc_text(doc)[mention.end:mention.end + 90])
                if match:
                    for abbreviation in _abbreviations(match.group(1), rules):
                        if abbreviation not in cluster.abbreviations and abbreviation != mention.core:
                            cluster.abbreviations.append(abbreviation)
        for cluster in [c for c in clusters if c.abbreviations]:
            for other in list(clusters):
                if other is not cluster and all(
                        any(rules.same_word(m.core, a) for a in cluster.abbreviations) for m in other.mentions):
                    cluster.mentions.extend(other.mentions)
                    clusters.remove(other)
            self.add_unrecognised_uses(doc, cluster, cluster.abbreviations, clusters, rules, taken)

    def add_person_repeats(self, doc: Doc, clusters: list[Cluster], rules: LanguageRules, taken: Coverage) -> None:
        """Later uses of a person's name or surname that the recogniser missed ("Zypries sieht …" tagged as a verb)."""
        people = [c for c in clusters if c.label == "PER"]
        surnames: dict[str, list[Cluster]] = {}
        for cluster in people:
            for name in {m.words[-1] for m in cluster.names if len(m.words) > 1 and len(m.words[-1]) > 2}:
                surnames.setdefault(name, []).append(cluster)
        owner_of = {name: owners[0] for name, owners in surnames.items() if len(owners) == 1}
        owns: dict[int, set[str]] = {}  # a person cluster's id -> the surnames that only it has
        for name, owner in owner_of.items():
            owns.setdefault(id(owner), set()).add(name)
        absorbed: dict[int, list[Cluster]] = {}  # a person cluster's id -> the clusters named only by its surnames
        for other in [c for c in clusters if c.label in ("ORG", "MISC")]:
            cores = {m.core for m in other.mentions}
            holder = owner_of.get(next(iter(cores))) if cores else (people[0] if people else None)
            if holder is not None and cores <= owns.get(id(holder), set()):
                absorbed.setdefault(id(holder), []).append(other)
        for cluster in people:
            own = owns.get(id(cluster), set())
            for other in absorbed.get(id(cluster), []):
                cluster.mentions.extend(other.mentions)  # a surname alone, recognised as an organisation
                clusters.remove(other)
            forms = {m.core for m in cluster.names} | own
            self.add_unrecognised_uses(doc, cluster, sorted(f for f in forms if f[:1].isupper()), clusters, rules,
                                       taken)

    def add_unrecognised_uses(self, doc: Doc, cluster: Cluster, forms: list[str], clusters: list[Cluster],
                              rules: LanguageRules, taken: Coverage) -> None:
        """Whole-word uses of a cluster's name forms (abbreviations, names) that the recogniser left out.

        `taken` holds the mentions of `clusters` and the recognised entities; what this call adds joins it only if
        the cluster is still one of `clusters` (a cluster merged away keeps what it finds to itself)."""
        text = doc_text(doc)
        added: list[tuple[int, int]] = []
        for form in forms:
            for start, end in whole_word_uses(text, form, rules.genitive_suffixes):
                if taken.overlaps(start, end) or any(start < e and s < end for s, e in added):
                    continue
                cluster.mentions.append(Mention(start, end, text[start:end], cluster.label, form.split()))
                added.append((start, end))
        if any(c is cluster for c in clusters):
            for start, end in added:
                taken.add(start, end)

    # ----- role phrases ----------------------------------------------------------------

    def link_role_phrases(self, doc: Doc, clusters: list[Cluster], rules: LanguageRules) -> None:
        """Add 'der Staatschef'-style phrases to the one person introduced earlier with that role."""
        introductions = [(m.start, m.role_group, c) for c in clusters if c.label == "PER"
                         for m in c.mentions if m.role_group]
        if not introductions:
            return
        in_entity = {t.i for ent in doc.ents for t in ent}
        i = 0
        for start in _determiner_positions(doc, rules):  # where a role phrase can begin
            if start < i:
                continue
            phrase = self.role_phrase_at(doc, start, rules)
            if phrase is None or any(j in in_entity for j in range(start, phrase[0] + 1)):
                continue
            i = start
            end, group = phrase
            start_char = doc[i].idx
            holders = {id(c): c for pos, g, c in introductions if g == group and pos < start_char}
            if len(holders) == 1:
                holder = next(iter(holders.values()))
                span = doc[i:end]
                holder.mentions.append(Mention(span.start_char, span.end_char, span.text, "PER",
                                               [t.text for t in span], is_role_phrase=True))
            i = end

    # ----- output ----------------------------------------------------------------------

    def canonical_name(self, cluster: Cluster, rules: LanguageRules) -> str:
        """The longest core, with genitive endings undone where the article has the plain word."""
        names = cluster.names
        if cluster.label == "LOC":  # exonyms are not longer or shorter forms: the most used wins
            best = max(names, key=lambda m: (sum(n.core == m.core for n in names), -m.start))
        else:
            best = max(names, key=lambda m: (len(m.words), len(m.core), -m.start))
        plain_words = {w for m in names for w in m.words}
        words = []
        for word in best.words:
            stems = [word[: -len(s)] for s in rules.genitive_suffixes if word.endswith(s) and len(word) > len(s) + 2]
            words.append(next((stem for stem in stems if stem in plain_words), word))
        name = " ".join(words)
        if cluster.label == "LOC" and cluster.place is not None and name == best.core:
            name = self.resolver_base_form(name, rules)
        return name

    def resolver_base_form(self, name: str, rules: LanguageRules) -> str:
        """A place name without a genitive ending when only the plain form is a known place."""
        if self.resolver.index.get(name):
            return name
        for suffix in rules.genitive_suffixes:
            if name.endswith(suffix) and self.resolver.index.get(name[: -len(suffix)]):
                return name[: -len(suffix)]
        return name

    def entity_dict(self, entity_id: str, cluster: Cluster, rules: LanguageRules) -> dict[str, Any]:
        """One report entity."""
        name = self.canonical_name(cluster, rules)
        name_words = name.split()
        aliases: list[str] = []
        for mention in sorted(cluster.names, key=lambda m: m.start):
            core = mention.core
            is_part = all(any(rules.same_word(w, n) for n in name_words) for w in mention.words)
            if core != name and not is_part and core not in aliases:
                aliases.append(core)
        aliases += [a for a in cluster.abbreviations if a not in aliases and a != name]
        mentions = sorted({(m.start, m.end): m for m in cluster.mentions}.values(), key=lambda m: m.start)
        return {"id": entity_id, "label": cluster.label, "name": name, "aliases": aliases,
                "mentions": [{"start": m.start, "end": m.end, "text": m.text} for m in mentions],
                "place": cluster.place.to_place() if cluster.place else None}


def _determiner_positions(doc: Doc, rules: LanguageRules) -> list[int]:
    """The tokens that are determiners, each distinct word looked up once (without making Token objects)."""
    strings = doc.vocab.strings
    known: dict[int, bool] = {}
    positions = []
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        found = known.get(orth)
        if found is None:
            found = known[orth] = strings[orth].casefold() in rules.determiners
        if found:
            positions.append(i)
    return positions


def _is_adjective(token: Token) -> bool:
    return token.is_alpha and token.text[:1].islower()


def _match_keys(mention: Mention, place: PlaceRecord | None) -> list[tuple[object, ...]]:
    """Keys that a mention shares with every cluster it can belong to (see `belongs`): the first letter of its first
    word (names that match word by word), of its last word (a person's surname), and its place."""
    keys: list[tuple[object, ...]] = [("first", mention.label, mention.words[0][:1])]
    if mention.label == "PER":
        keys.append(("last", mention.label, mention.words[-1][:1]))
    if mention.label == "LOC" and place is not None:
        keys.append(("place", id(place)))
    return keys


def _nearest_before(clusters: list[Cluster], position: int) -> Cluster:
    """The cluster with the latest mention before `position` (else the earliest one)."""
    def last_before(cluster: Cluster) -> int:
        return max((m.start for m in cluster.mentions if m.start < position), default=-1)

    return max(clusters, key=last_before)


def _person_compatible(words: list[str], other: list[str], rules: LanguageRules) -> bool:
    """Same surname, and the shorter name's other words (or initials) all occur in the longer one."""
    if not rules.same_word(words[-1], other[-1]):
        return False
    shorter, longer = (words, other) if len(words) <= len(other) else (other, words)
    for word in shorter[:-1]:
        if not any(rules.same_word(word, w) or (word.endswith(".") and w.startswith(word[:-1]))
                   for w in longer[:-1]):
            return False
    return True


def _abbreviations(body: str, rules: LanguageRules) -> list[str]:
    """Abbreviations in the text of a parenthesis: '(SOZ, englisch SCO)' -> ['SOZ', 'SCO']."""
    found: list[str] = []
    for part in re.split(r"[,;]|\s+(?:bzw\.|oder|or)\s+", body):
        words = part.split()
        while words and any(" ".join(words[:n]).casefold() in rules.abbreviation_markers for n in (1, 2)):
            drop = 2 if " ".join(words[:2]).casefold() in rules.abbreviation_markers else 1
            words = words[drop:]
        if len(words) == 1 and ABBREVIATION.match(words[0]) and sum(c.isupper() for c in words[0]) >= 2:
            found.append(words[0])
    return found


@Language.factory("lagebild_entities", default_config={"min_city_population": 15000},
                  requires=["doc.ents", "doc._.article"], assigns=["doc._.report_entities"])
def make_entities(nlp: Language, name: str, min_city_population: int) -> EntityLinker:
    """The `lagebild_entities` pipeline component."""
    return EntityLinker(PlaceResolver(min_city_population=min_city_population), default_lang=str(nlp.lang))
