"""A terminal timeline of event clusters: what happened, where, when, and every figure with who said it."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Console
from rich.text import Text

from ..fuse import figures_summary
from ..store import Store


def cluster_rows(store: Store, place: str | None = None, since: date | None = None, type: str | None = None,
                 limit: int = 500) -> list[dict[str, Any]]:
    """Clusters matching the filters, oldest first (undated last)."""
    clauses: list[str] = []
    params: list[Any] = []
    if place:
        clauses.append("(place_name ILIKE ? OR country = upper(?))")
        params += [f"%{place}%", place]
    if since:
        clauses.append("latest >= ?")
        params.append(since)
    if type:
        clauses.append("upper(type) = upper(?)")
        params.append(type)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return store.query(f"SELECT * FROM clusters {where} ORDER BY earliest NULLS LAST, latest, type, id LIMIT ?",
                       [*params, limit])


def figure_text(claim: dict[str, Any]) -> str:
    """A claim's bounds, readably: 90, ≥14, ≤5, 900–1,100."""
    low, high, value = claim.get("low"), claim.get("high"), claim.get("value")
    if low is not None and high is not None:
        return f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
    if low is not None:
        return f"≥{low:,.0f}"
    if high is not None:
        return f"≤{high:,.0f}"
    return f"{value:,.0f}" if value is not None else str(claim.get("text") or "?")


def _day(day: date | None) -> str:
    return day.strftime("%d.%m.") if day else "?"


def _when(row: dict[str, Any]) -> str:
    earliest, latest = row["earliest"], row["latest"]
    if earliest is None:
        return "date unknown"
    return earliest.isoformat() if earliest == latest else f"{earliest.isoformat()} – {latest.isoformat()}"


def claim_text(claim: dict[str, Any]) -> str:
    """One claim: figure (source, report date)."""
    return f"{figure_text(claim)} ({claim.get('source_name') or claim.get('source_kind')}, {_day(claim['reported'])})"


def render_cluster(store: Store, row: dict[str, Any]) -> Text:
    """One cluster: heading line and one line per figure category."""
    where = row["place_name"] or row["country"] or "place unknown"
    kind = f"{row['type']}/{row['mode']}" if row["mode"] else row["type"]
    text = Text()
    text.append(f"{_when(row)}  ", style="bold")
    text.append(kind, style="bold cyan")
    text.append(f"  {where}")
    copies = row.get("sources") is not None and row["sources"] < row["article_count"]  # wire copies among them
    sources = f" from {row['sources']} independent source{'s' if row['sources'] != 1 else ''}" if copies else ""
    mentions, articles = row["mention_count"], row["article_count"]
    text.append(f"  · {mentions} mention{'s' if mentions != 1 else ''} in {articles} article{'s' if articles != 1 else ''}"
                f"{sources}, reported "
                f"{_day(row['first_reported'])}–{_day(row['last_reported'])}  [{row['id']}]\n", style="dim")
    for category, summary in figures_summary(store, row["id"]).items():
        text.append(f"    {category}: ", style="bold")
        text.append(" → ".join(claim_text(c) for c in summary["claims"]))
        for conflict in summary["conflicts"]:
            first, second = conflict["claims"]
            text.append(f"  ⚠ conflict: {claim_text(first)} vs {claim_text(second)}", style="bold red")
        text.append("\n")
    return text


def print_timeline(store: Store, place: str | None = None, since: date | None = None, type: str | None = None,
                   limit: int = 500, console: Console | None = None) -> int:
    """Print the clusters as a timeline; returns how many were shown."""
    console = console or Console()
    rows = cluster_rows(store, place, since, type, limit)
    if not rows:
        console.print("no event clusters match")
        return 0
    console.rule(f"{len(rows)} events")
    for row in rows:
        console.print(render_cluster(store, row))
    return len(rows)
