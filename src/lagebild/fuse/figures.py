"""Figures per cluster and source: every claim kept, ranges, latest per source, conflicts, one export number.

Nothing is averaged or collapsed. Sources are told apart by their canonical claimant key, so "das
Staatsradio" and "state radio" are one source. A *conflict* is two different sources whose latest claims
about the same scope (place or nation, and counted group) have disjoint [low, high] intervals and were
reported within `FuseConfig.conflict_window_days` of each other (further apart, a rising toll is an
update, not a contradiction; a city's 45 arrests do not contradict a nation's 700). Where one number is required (ACLED's
`fatalities`), `export_figure` applies ACLED's own rule, the most conservative report: among the latest
claim of each source reported within the conflict window of the newest claim, the smallest lower bound.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .cluster import FuseConfig

Claim = dict[str, Any]


def bounds(claim: Claim) -> tuple[float, float]:
    """The claim's inclusive interval; an open side is ±infinity, a bare value is [value, value]."""
    low, high, value = claim.get("low"), claim.get("high"), claim.get("value")
    if low is None and high is None and value is not None:
        return float(value), float(value)
    return (float("-inf") if low is None else float(low), float("inf") if high is None else float(high))


def overlaps(a: Claim, b: Claim) -> bool:
    """Whether two claims' intervals share a value."""
    (alow, ahigh), (blow, bhigh) = bounds(a), bounds(b)
    return alow <= bhigh and blow <= ahigh


def source_of(claim: Claim) -> str:
    """The claimant a claim is grouped by: its canonical key, else its case-insensitive name, else its kind."""
    if claim.get("claimant_key"):
        return str(claim["claimant_key"])
    return (claim.get("source_name") or claim.get("source_kind") or "?").strip().lower()


def series_of(claim: Claim) -> tuple[str, str]:
    """A per-source figure series: one claimant about one scope."""
    return (source_of(claim), claim.get("scope") or "")


def _days_apart(a: date | None, b: date | None) -> int:
    if a is None or b is None:
        return 0
    return abs((a - b).days)


def summarise(claims: list[Claim], config: FuseConfig = FuseConfig()) -> dict[str, Any]:
    """One category's claims (sorted by report date): range, latest per source, conflicts, export figure."""
    ordered = sorted(claims, key=lambda c: (c.get("reported") or date.min, c["article_id"], c["quantity_id"]))
    latest: dict[str, Claim] = {}
    for claim in ordered:
        source, scope = series_of(claim)
        latest[f"{source} [{scope}]" if scope else source] = claim
    lows = [bounds(c)[0] for c in ordered]
    highs = [bounds(c)[1] for c in ordered]
    conflicts = []
    names = sorted(latest)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            a, b = latest[first], latest[second]
            if (a.get("scope") or "") != (b.get("scope") or ""):
                continue  # different places or groups: not like with like
            if source_of(a) == source_of(b):
                continue
            if not overlaps(a, b) and _days_apart(a.get("reported"), b.get("reported")) <= config.conflict_window_days:
                conflicts.append({"sources": [first, second], "claims": [a, b]})
    return {
        "claims": ordered,
        "range": {"low": _finite(min(lows)) if lows else None, "high": _finite(max(highs)) if highs else None},
        "latest_by_source": latest,
        "conflicts": conflicts,
        "export_figure": export_figure(latest, config),
    }


def _finite(value: float) -> float | None:
    return None if value in (float("inf"), float("-inf")) else value


def export_figure(latest: dict[str, Claim], config: FuseConfig = FuseConfig()) -> float | None:
    """ACLED's conservative rule: the smallest lower bound among current latest-per-source claims."""
    dated = list(latest.values())
    if not dated:
        return None
    newest = max((c.get("reported") or date.min) for c in dated)
    current = [c for c in dated if _days_apart(c.get("reported") or date.min, newest) <= config.conflict_window_days]
    lows = [bounds(c)[0] for c in current]
    finite = [low for low in lows if low != float("-inf")]
    return min(finite) if finite else None
