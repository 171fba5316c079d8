"""Timeline cards that speak: figures per category with their range and each claimant's latest figure, disputes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ...fuse.figures import summarise
from ...views.timeline import figure_text
from . import words


@dataclass(frozen=True)
class ClaimantFigure:
    """One claimant's latest figure in a category."""

    claimant: str
    figure: str
    reported: str


@dataclass(frozen=True)
class CategoryFigures:
    """A category's range over every claim, each claimant's latest figure, and whether claimants disagree."""

    category: str
    range: str
    latest: list[ClaimantFigure]
    disputed: bool
    conflicts: list[str] = field(default_factory=list)
    claims: int = 0


@dataclass(frozen=True)
class Card:
    """One cluster on the timeline."""

    id: str
    name: str
    type: str
    mode: str | None
    place: str
    country: str | None
    lat: float | None
    lon: float | None
    when: str
    earliest: Any
    latest: Any
    sources: int
    articles: int
    sources_text: str
    last_report: Any
    disputed: bool
    figures: list[CategoryFigures]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (what dataclasses.asdict gives, built directly: it runs for every card of every page)."""
        out = dict(vars(self))
        out["figures"] = [{**vars(f), "latest": [dict(vars(c)) for c in f.latest], "conflicts": list(f.conflicts)}
                          for f in self.figures]
        return out


def _range(summary: dict[str, Any]) -> str:
    return figure_text({"low": summary["range"]["low"], "high": summary["range"]["high"]})


def claimant_name(claim: dict[str, Any]) -> str:
    """Who made a claim, as shown: the claimant's name, else its kind."""
    return str(claim.get("source_name") or claim.get("source_kind") or "unknown source")


def category_figures(category: str, claims: list[dict[str, Any]]) -> CategoryFigures:
    """The fuse stage's summary of one category, in words."""
    summary = summarise(claims)
    latest = [ClaimantFigure(claimant_name(c), figure_text(c), words.day(c.get("reported")))
              for c in sorted(summary["latest_by_source"].values(), key=lambda c: (c.get("reported") is None,
                                                                                   c.get("reported"), claimant_name(c)))]
    conflicts = [f"{claimant_name(a)} {figure_text(a)} vs {claimant_name(b)} {figure_text(b)}"
                 for a, b in (conflict["claims"] for conflict in summary["conflicts"])]
    return CategoryFigures(category, _range(summary), latest, bool(conflicts), conflicts, len(claims))


def card(row: dict[str, Any], claims: list[dict[str, Any]]) -> Card:
    """A card from a listing row and the cluster's claims."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_category.setdefault(claim.get("category") or "other", []).append(claim)
    order = Counter({"killed": 3, "injured": 2})
    figures = [category_figures(cat, items) for cat, items in
               sorted(by_category.items(), key=lambda kv: (-order[kv[0]], kv[0]))]
    sources, articles = int(row.get("sources") or 0), int(row.get("articles") or 0)
    return Card(
        id=str(row["id"]), name=words.cluster_name(row), type=row.get("type") or "", mode=row.get("mode"),
        place=words.place(row), country=row.get("country"), lat=row.get("lat"), lon=row.get("lon"),
        when=words.day_range(row.get("earliest"), row.get("latest")),
        earliest=row.get("earliest"), latest=row.get("latest"), sources=sources, articles=articles,
        sources_text=f"{words.count(sources, 'source')} · {words.count(articles, 'article')}",
        last_report=row.get("last_report"), disputed=any(f.disputed for f in figures), figures=figures)
