"""Plain words for the pages: counts with the right plural, country names, readable dates and cluster names."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

from ..timeline import figure_text
from .filters import country_name

SAFE_SCHEMES = ("http", "https")


def count(n: int | None, singular: str, plural: str | None = None) -> str:
    """'1 article', '2 articles', '0 articles'."""
    n = int(n or 0)
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def day(value: date | None) -> str:
    """'17 Mar 2023'."""
    return f"{value.day} {value:%b %Y}" if isinstance(value, date) else "date unknown"


def day_range(earliest: date | None, latest: date | None) -> str:
    """A date interval in words: '17 Mar 2023', '13–19 Mar 2023', 'Mar 2023', '28 Feb – 3 Mar 2023'."""
    if not isinstance(earliest, date):
        return day(latest) if isinstance(latest, date) else "date unknown"
    if not isinstance(latest, date) or latest == earliest:
        return day(earliest)
    if earliest.day == 1 and _month_end(latest) and (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest:%b %Y}"
    if earliest.month == 1 and earliest.day == 1 and latest.month == 12 and latest.day == 31 \
            and earliest.year == latest.year:
        return str(earliest.year)
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        return f"{earliest.day}–{latest.day} {latest:%b %Y}"
    if earliest.year == latest.year:
        return f"{earliest.day} {earliest:%b} – {latest.day} {latest:%b %Y}"
    return f"{day(earliest)} – {day(latest)}"


def _month_end(value: date) -> bool:
    from calendar import monthrange

    return value.day == monthrange(value.year, value.month)[1]


def type_name(type_: str | None, mode: str | None = None) -> str:
    """'ASSAULT', 'aerial' -> 'Assault (aerial)'."""
    words = (type_ or "event").replace("_", " ").lower().capitalize()
    return f"{words} ({mode.replace('_', ' ').lower()})" if mode else words


def place(row: dict[str, Any]) -> str:
    """A cluster's place in words: 'Osh, Kyrgyzstan' or 'Kyrgyzstan'."""
    country = country_name(row.get("country"))
    name = row.get("place_name")
    if name and name != row.get("country") and name != country:
        return f"{name}, {country}" if country else str(name)
    return country or "place unknown"


def cluster_name(row: dict[str, Any]) -> str:
    """A cluster named by type, place and date: 'Protest in Osh, Kyrgyzstan, 20 Mar 2023'."""
    where = place(row)
    where = f"in {where}" if where != "place unknown" else "(place unknown)"
    return f"{type_name(row.get('type'))} {where}, {day_range(row.get('earliest'), row.get('latest'))}"


def safe_url(url: Any) -> str | None:
    """The URL when it is an absolute http(s) address; None for anything else (javascript:, data:, relative)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    if any(ord(ch) < 32 for ch in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def path_id(value: Any) -> str:
    """An id as one URL path segment: every reserved character, '/' included, percent-encoded."""
    return quote(str(value), safe="")


def figure_range(span: dict[str, Any]) -> str:
    """A figure range {'low', 'high'} in words, as everywhere else: '12–27', '≥27', '?'."""
    return figure_text({"low": span.get("low"), "high": span.get("high"), "text": "?"})


def isodate(value: Any) -> date | None:
    """A date from an ISO string (or a date); None otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
