"""Partial ISO dates ("2023", "2023-03", "2023-03-17") and the interval of calendar days they denote."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Literal

from pydantic import BaseModel

Granularity = Literal["day", "month", "year", "week", "decade", "century", "unknown"]

PARTIAL_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")


class DateInterval(BaseModel):
    """A date as written, its normalised value, and the first and last day it can denote."""

    text: str
    value: str
    earliest: date
    latest: date
    granularity: Granularity


def parse_partial_date(text: str) -> DateInterval:
    """Parse a partial ISO date; raise ValueError with a readable message if it is not one.

    A full timestamp ("2023-03-17T08:00:00Z") is accepted and cut to its day.
    """
    raw = text.strip()
    candidate = raw[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", raw) else raw
    match = PARTIAL_ISO.match(candidate)
    if not match:
        raise ValueError(f"not a date of the form YYYY, YYYY-MM or YYYY-MM-DD: {raw!r}")
    year = int(match["y"])
    if match["m"] is None:
        return DateInterval(text=raw, value=f"{year:04d}", earliest=date(year, 1, 1),
                            latest=date(year, 12, 31), granularity="year")
    month = int(match["m"])
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range in {raw!r}")
    last_day = calendar.monthrange(year, month)[1]
    if match["d"] is None:
        return DateInterval(text=raw, value=f"{year:04d}-{month:02d}", earliest=date(year, month, 1),
                            latest=date(year, month, last_day), granularity="month")
    day = int(match["d"])
    if not 1 <= day <= last_day:
        raise ValueError(f"day out of range in {raw!r}")
    exact = date(year, month, day)
    return DateInterval(text=raw, value=exact.isoformat(), earliest=exact, latest=exact, granularity="day")
