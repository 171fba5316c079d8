"""Turning raw input records into Articles, or into Rejects that say why not."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..config import Settings
from ..dates import parse_partial_date
from ..errors import RejectCode
from ..model import Article
from .language import LanguageDetector

RECORD_FIELDS = ("id", "text", "published", "title", "source", "url", "lang")
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
UNDECODED_BYTE = re.compile("[\udc80-\udcff]")  # how `surrogateescape` keeps bytes that are not UTF-8
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # e.g. a JSON escape "\\ud800" without its pair: not Unicode text
# Publication years outside this range are placeholders (0001-01-01, 9999-12-31), not dates of news.
MIN_YEAR, MAX_YEAR = 1000, 2999


@dataclass(frozen=True)
class Reject:
    """An input record that did not become a report, and why."""

    origin: str  # file path, with ":N" for line or row N
    code: RejectCode
    reason: str

    def to_json_dict(self) -> dict[str, str]:
        return {**asdict(self), "code": self.code.value}


def content_id(text: str) -> str:
    """A stable id for an article that came without one: a hash of its text."""
    return "h" + hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def _fingerprint(article: Article) -> int:
    """What makes two records with one id the same article: text and metadata."""
    published = article.published.text if article.published else None
    return _hash64(repr((article.lang, article.source, article.url, article.title, published, article.text)))


def _normalise_date(value: str) -> str:
    german = GERMAN_DATE.match(value.strip())
    if german:
        day, month, year = german.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


class RecordBuilder:
    """Validates raw fields and builds an Article; holds the language detector for the run."""

    def __init__(self, settings: Settings, lang: str | None = None) -> None:
        self.settings = settings
        self.detector = LanguageDetector(settings.languages)
        self.lang = lang  # used instead of detection for records without a `lang` field
        # 64-bit hash of each id read in this run -> its record's fingerprint: about 120 bytes per distinct id
        self._seen: dict[int, int] = {}

    def build(self, fields: Mapping[str, Any], origin: str) -> Article | Reject:
        """An Article from raw fields (`text` required), or a Reject with the reason."""
        built = self._build(fields, origin)
        if isinstance(built, Reject):
            return built
        fingerprint = _fingerprint(built)
        if self._seen.setdefault(_hash64(built.id), fingerprint) != fingerprint:
            return Reject(origin, RejectCode.DUPLICATE_ID, f"id {built.id!r} was read earlier in this run with a "
                                                           "different text or metadata; the first one is kept")
        return built

    def _build(self, fields: Mapping[str, Any], origin: str) -> Article | Reject:
        values: dict[str, str | None] = {}
        for name in RECORD_FIELDS:
            raw = fields.get(name)
            if raw is None or raw == "":
                values[name] = None
            elif isinstance(raw, (str, int)) and not isinstance(raw, bool):
                values[name] = str(raw)
            else:
                return Reject(origin, RejectCode.BAD_FIELD,
                              f"field {name!r} must be a string, got {type(raw).__name__}")
            if values[name] and UNDECODED_BYTE.search(values[name] or ""):
                return Reject(origin, RejectCode.UNDECODABLE, f"field {name!r} has bytes that are not valid UTF-8")
            if values[name] and LONE_SURROGATE.search(values[name] or ""):
                return Reject(origin, RejectCode.UNDECODABLE,
                              f"field {name!r} has a lone surrogate (an unpaired \\ud800-\\udfff escape), not text")
        text = (values["text"] or "").strip()
        if not text:
            return Reject(origin, RejectCode.EMPTY_TEXT, "empty text" if "text" in fields else "no 'text' field")
        if len(text) > self.settings.max_text_chars:
            return Reject(origin, RejectCode.TOO_LARGE,
                          f"text has {len(text):,} characters; the limit is {self.settings.max_text_chars:,}")
        published = None
        if values["published"]:
            try:
                published = parse_partial_date(_normalise_date(values["published"]))
            except ValueError as err:
                return Reject(origin, RejectCode.BAD_DATE, f"published: {err}")
            if not (MIN_YEAR <= published.earliest.year and published.latest.year <= MAX_YEAR):
                return Reject(origin, RejectCode.BAD_DATE, f"published: year {published.earliest.year:04d} is outside "
                                                           f"{MIN_YEAR}-{MAX_YEAR}")
        lang = (values["lang"] or "").strip().lower() or self.lang or self.detector.detect(text)
        if lang not in self.settings.languages:
            how = "given" if values["lang"] or self.lang else "detected; --lang forces a language"
            supported = ", ".join(self.settings.languages)
            return Reject(origin, RejectCode.UNSUPPORTED_LANGUAGE,
                          f"language {lang!r} is not supported (supported: {supported}; {how})")
        return Article(id=values["id"] or content_id(text), lang=lang, source=values["source"], url=values["url"],
                       title=values["title"], text=text, published=published)
