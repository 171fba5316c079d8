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
UNDECODED_BYTE = re.compile("[\udc80-\udcff]")


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


def _normalise_date(value: str) -> str:
    german = GERMAN_DATE.match(value.strip())
    if german:
        day, month, year = german.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


class RecordBuilder:
    """Validates raw fields and builds an Article; holds the language detector for the run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.detector = LanguageDetector(settings.languages)

    def build(self, fields: Mapping[str, Any], origin: str) -> Article | Reject:
        """An Article from raw fields (`text` required), or a Reject with the reason."""
        values: dict[str, str | None] = {}
        for name in RECORD_FIELDS:
            raw = fields.get(name)
            if raw is None or raw == "":
                values[name] = None
            elif isinstance(raw, (str, int)) and not isinstance(raw, bool):
                values[name] = str(raw)
            else:
                return Reject(origin, RejectCode.BAD_FIELD, f"field {name!r} must be a string, got {type(raw).__name__}")
            if values[name] and UNDECODED_BYTE.search(values[name] or ""):
                return Reject(origin, RejectCode.UNDECODABLE, f"field {name!r} has bytes that are not valid UTF-8")
        text = (values["text"] or "").strip()
        if not text:
            return Reject(origin, RejectCode.EMPTY_TEXT, "empty text" if "text" in fields else "no 'text' field")
        if len(text) > self.settings.max_text_chars:
            return Reject(origin, RejectCode.BAD_FIELD,
                          f"text has {len(text):,} characters; the limit is {self.settings.max_text_chars:,}")
        published = None
        if values["published"]:
            try:
                published = parse_partial_date(_normalise_date(values["published"]))
            except ValueError as err:
                return Reject(origin, RejectCode.BAD_DATE, f"published: {err}")
        lang = (values["lang"] or "").strip().lower() or self.detector.detect(text)
        if lang not in self.settings.languages:
            return Reject(origin, RejectCode.UNSUPPORTED_LANGUAGE,
                          f"language {lang!r} is not supported (supported: {', '.join(self.settings.languages)})")
        return Article(id=values["id"] or content_id(text), lang=lang, source=values["source"], url=values["url"],
                       title=values["title"], text=text, published=published)
