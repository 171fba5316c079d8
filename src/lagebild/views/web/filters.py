"""The timeline's filters, sort and paging, parsed from a query string into one typed value with readable errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import Locale

SORTS = {
    "date": "when it happened (earliest first)",
    "-date": "when it happened (latest first)",
    "fatalities": "most killed first (highest lower bound reported)",
    "sources": "most independent sources first",
    "reported": "last report first",
}
PER_PAGE = 50
MAX_PER_PAGE = 500
MAX_PAGE = 100_000
MAX_TEXT = 100
TEXT_FILTERS = ("place", "type", "source_kind", "modality", "claimant", "outlet", "actor", "q")
DATE_FILTERS = ("since", "until", "as_of")
TERRITORY_LOCALES = ("en", "de")


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Country names in English and German, and the alpha-2 codes, lower-cased, to the alpha-2 code."""
    names: dict[str, str] = {}
    for lang in TERRITORY_LOCALES:
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.casefold()] = code
                names[code.casefold()] = code
    return names


def country_code(text: str) -> str | None:
    """The alpha-2 code for a country named in English or German, or given as a code; None if unknown."""
    return _countries().get(text.strip().casefold())


def country_name(code: str | None, lang: str = "en") -> str:
    """A country's name for its alpha-2 code (the code itself when unknown)."""
    if not code:
        return ""
    return str(Locale(lang).territories.get(code.upper(), code))


@dataclass(frozen=True)
class ClusterQuery:
    """What the timeline shows: filters, sort and page. None means no filter."""

    place: str | None = None
    type: str | None = None
    country: str | None = None
    since: date | None = None
    until: date | None = None
    as_of: date | None = None
    source_kind: str | None = None
    modality: str | None = None
    claimant: str | None = None
    outlet: str | None = None
    actor: str | None = None
    q: str | None = None
    disputed: bool = False
    sort: str = "date"
    page: int = 1
    per_page: int = PER_PAGE
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page

    def params(self, **changes: Any) -> dict[str, str]:
        """The query-string parameters that reproduce this query (defaults left out), with changes applied."""
        query = replace(self, **changes) if changes else self
        out: dict[str, str] = {}
        for f in fields(query):
            value = getattr(query, f.name)
            if f.name == "errors" or value in (None, "", False) or value == f.default:
                continue
            out[f.name] = "1" if value is True else str(value)
        return out

    def url(self, path: str = "/", **changes: Any) -> str:
        """A link to this query (or a changed one) on a path."""
        qs = urlencode(self.params(**changes))
        return path + ("?" + qs if qs else "")

    def filters(self) -> dict[str, str]:
        """The filters that are set (no sort or paging), as strings."""
        return {k: v for k, v in self.params().items() if k not in ("sort", "page", "per_page")}


def _int(raw: str, name: str, low: int, high: int, errors: list[str]) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        errors.append(f"{name}: expected a whole number, got {raw[:20]!r}")
        return None
    if not low <= value <= high:
        errors.append(f"{name}: expected a number from {low} to {high}, got {value}")
        return None
    return value


def parse(params: Mapping[str, str]) -> ClusterQuery:
    """A query from request parameters; bad values are left out and named in `errors`."""
    errors: list[str] = []
    values: dict[str, Any] = {}
    for name in TEXT_FILTERS:
        raw = (params.get(name) or "").strip()
        if len(raw) > MAX_TEXT:
            errors.append(f"{name}: at most {MAX_TEXT} characters")
        elif raw:
            values[name] = raw
    for name in DATE_FILTERS:
        raw = (params.get(name) or "").strip()
        if raw:
            try:
                values[name] = date.fromisoformat(raw)
            except ValueError:
                errors.append(f"{name}: expected a date YYYY-MM-DD, got {raw[:40]!r}")
    raw_country = (params.get("country") or "").strip()
    if raw_country:
        code = country_code(raw_country[:MAX_TEXT])
        if code:
            values["country"] = code
        else:
            errors.append(f"country: no country called {raw_country[:40]!r} (a name in English or German, or a code)")
    disputed = (params.get("disputed") or "").strip().lower()
    if disputed in ("1", "true", "yes", "on"):
        values["disputed"] = True
    elif disputed not in ("", "0", "false", "no", "off"):
        errors.append(f"disputed: expected 1 or 0, got {disputed[:20]!r}")
    sort = (params.get("sort") or "").strip()
    if sort:
        if sort in SORTS:
            values["sort"] = sort
        else:
            errors.append(f"sort: one of {', '.join(SORTS)}; got {sort[:20]!r}")
    for name, low, high in (("page", 1, MAX_PAGE), ("per_page", 1, MAX_PER_PAGE)):
        raw = (params.get(name) or "").strip()
        if raw and (number := _int(raw, name, low, high, errors)) is not None:
            values[name] = number
    return ClusterQuery(**values, errors=tuple(errors))
