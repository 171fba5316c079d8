"""TIMEX3 value arithmetic: the interval of days a value denotes, unit shifts, and masking of uncertain fields."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(.*))?$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^(\d{4})$")
WEEK = re.compile(r"^(\d{4})-W(\d{2})(-WE)?$")
QUARTER = re.compile(r"^(\d{4})-([QH])([1-4])$")
SEASON = re.compile(r"^(\d{4})-(SP|SU|FA|WI)$")
DECADE = re.compile(r"^(\d{3})$")
CENTURY = re.compile(r"^(\d{2})$")

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}
UNIT_GRANULARITY = {"D": "day", "W": "week", "WE": "week", "M": "month", "Q": "month", "HALF": "month",
                    "Y": "year", "DE": "decade", "CE": "century"}


@dataclass(frozen=True)
class Resolved:
    """A normalised expression: TIMEX3 value, the days it can denote, and its granularity."""

    value: str
    earliest: date | None
    latest: date | None
    granularity: str

    @property
    def interval(self) -> tuple[date, date] | None:
        """The (earliest, latest) pair, if both are known."""
        if self.earliest is None or self.latest is None:
            return None
        return self.earliest, self.latest


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) shifted by `delta` months."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _narrow(first: date, last: date, mod: str | None) -> tuple[date, date]:
    """Cut an interval to its start, middle or end third (Anfang/Mitte/Ende)."""
    if mod not in ("START", "MID", "END"):
        return first, last
    span = (last - first).days + 1
    third = max(1, round(span / 3))
    if mod == "START":
        return first, min(last, first + timedelta(days=third - 1))
    if mod == "END":
        return max(first, last - timedelta(days=third - 1)), last
    return first + timedelta(days=third), min(last, first + timedelta(days=2 * third - 1))


def interval_of(value: str, mod: str | None = None) -> tuple[date | None, date | None, str]:
    """The first and last calendar day a TIMEX3 value denotes, and its granularity."""
    try:
        if m := DAY.match(value):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            last = day + timedelta(days=1) if (m[4] or "").startswith("NI") else day
            return day, last, "day"
        if m := MONTH.match(value):
            first, last = _narrow(date(int(m[1]), int(m[2]), 1), month_end(int(m[1]), int(m[2])), mod)
            return first, last, "month"
        if m := YEAR.match(value):
            first, last = _narrow(date(int(m[1]), 1, 1), date(int(m[1]), 12, 31), mod)
            return first, last, "year"
        if m := WEEK.match(value):
            monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            if m[3]:
                return monday + timedelta(days=5), monday + timedelta(days=6), "week"
            return monday, monday + timedelta(days=6), "week"
        if m := QUARTER.match(value):
            size = 3 if m[2] == "Q" else 6
            start_month = (int(m[3]) - 1) * size + 1
            return date(int(m[1]), start_month, 1), month_end(int(m[1]), start_month + size - 1), "month"
        if m := SEASON.match(value):
            first_month, last_month = SEASON_MONTHS[m[2]]
            year = int(m[1])
            end_year, end_month = add_months(year, first_month, last_month - first_month)
            return date(year, first_month, 1), month_end(end_year, end_month), "unknown"
        if m := DECADE.match(value):
            first, last = _narrow(date(int(m[1]) * 10, 1, 1), date(int(m[1]) * 10 + 9, 12, 31), mod)
            return first, last, "decade"
        if m := CENTURY.match(value):
            base = int(m[1]) * 100
            first, last = _narrow(date(max(1, base), 1, 1), date(base + 99, 12, 31), mod)
            return first, last, "century"
    except ValueError:
        pass
    return None, None, "unknown"


def resolved(value: str, mod: str | None = None) -> Resolved:
    """A Resolved for a fully specified value."""
    first, last, granularity = interval_of(value, mod)
    return Resolved(value, first, last, granularity)


def mask(low: str, high: str) -> str:
    """One value for two candidates: fields after the first differing one become X ("2023-XX-XX")."""
    if low == high:
        return low
    out: list[str] = []
    differ = False
    low_fields, high_fields = low.split("-"), high.split("-")
    for index, field in enumerate(low_fields):
        other = high_fields[index] if index < len(high_fields) else ""
        if differ or field != other:
            differ = True
            head, sep, tail = field.partition("T")
            field = re.sub(r"\d", "X", head) + sep + tail
        out.append(field)
    return "-".join(out)


def shift_value(day: date, unit: str, n: int) -> str:
    """The value of the `unit` containing `day`, moved by `n` units (unit codes D, W, WE, M, Q, HALF, Y, DE, CE)."""
    if unit in ("D", "H", "MIN", "S"):
        return (day + timedelta(days=n if unit == "D" else 0)).isoformat()
    if unit in ("W", "WE"):
        year, week, _ = (day + timedelta(weeks=n)).isocalendar()
        return f"{year:04d}-W{week:02d}" + ("-WE" if unit == "WE" else "")
    if unit == "M":
        year, month = add_months(day.year, day.month, n)
        return f"{year:04d}-{month:02d}"
    if unit == "Q":
        year, month = add_months(day.year, day.month, 3 * n)
        return f"{year:04d}-Q{(month - 1) // 3 + 1}"
    if unit == "HALF":
        year, month = add_months(day.year, day.month, 6 * n)
        return f"{year:04d}-H{(month - 1) // 6 + 1}"
    if unit == "Y":
        return f"{day.year + n:04d}"
    if unit == "DE":
        return f"{day.year // 10 + n:03d}"
    if unit == "CE":
        return f"{day.year // 100 + n:02d}"
    raise ValueError(f"unknown unit {unit!r}")


def duration_value(amount: float | str, unit: str) -> str:
    """An ISO-8601 duration such as P3D, PT24H, PXY."""
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)
    text = str(amount)
    if unit in ("H", "MIN", "S"):
        return f"PT{text}{'M' if unit == 'MIN' else unit}"
    if unit == "Q":
        return f"P{int(amount) * 3}M" if not isinstance(amount, str) else "PXM"
    if unit == "HALF":
        return f"P{int(amount * 6)}M" if not isinstance(amount, str) else "PXM"
    return f"P{text}{unit}"
