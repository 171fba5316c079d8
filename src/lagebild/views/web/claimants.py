"""Claimants across the crisis: for the clusters a timeline query keeps, claimant x category -> what each one says.

A claimant is its canonical claimant key (`fuse.figures.source_of`: the key, else its name, else its kind), so
"Staatsradios" and "state radio" are one row; it is shown by the name it is given most often. Within a cluster the
fuse stage keeps one series per claimant and scope (`fuse.figures.series_of`); the tables here show them in one
row with the scope as a detail, while conflicts stay per scope as the fuse stage flags them.

A cell adds up the claimant's figures of one scope over the clusters: in each cluster, its latest claim about the
event itself (no scope, or a named place); the sum of these is the cell's headline, with the number of clusters
it covers. Bounds add up on each side: an open upper bound ("at least") leaves the total open, and a missing lower
bound ("up to") adds nothing to the lower side, since a count is never below zero. A group's figures ("3 police
officers") are added up per group, apart from the event's own (they are part of it). A nationwide figure is a
running tally, so it is never added: the newest one is shown. Every per-cluster figure is listed with its cluster
and scope (the newest first, at most `LISTED`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ...fuse.figures import bounds, series_of, source_of
from ...store import Store
from ...views.timeline import figure_text
from . import words
from .filters import ClusterQuery
from .listing import base_cte, named_rows

LISTED = 25  # per-cluster figures listed in one cell (newest first); the rest are counted
CATEGORY_ORDER = ("killed", "injured", "arrested", "displaced", "participants", "troops")
LEGEND = ("One row per claimant (its canonical key: one source under all its names and languages) and one column "
          "per figure category. A cell adds up, over the clusters in this view, the claimant's latest figure about "
          "each event, and says how many clusters that covers; “≥ 27” is an open bound (“at least 27”), and one "
          "open figure leaves the total open. Figures about one group (“police”) are added up apart from the "
          "event's own, since they are part of it. A nationwide figure is a running tally: the newest is shown, "
          "never added. Open “per cluster” for every figure with its cluster, scope and report date.")

LATEST_SQL = """,
figs AS (
    SELECT f.*, coalesce(nullif(f.claimant_key, ''), lower(trim(coalesce(nullif(f.source_name, ''),
               nullif(f.source_kind, ''), '?')))) AS src, coalesce(f.scope, '') AS series_scope
    FROM cluster_figures f WHERE f.cluster_id IN (SELECT id FROM base)
      AND ($as_of IS NULL OR f.reported <= $as_of))
SELECT cluster_id, coalesce(category, 'other') AS category, src, source_name, source_kind, claimant_key, scope,
       value, low, high, text, reported, article_id, quantity_id, count(*) OVER (PARTITION BY src) AS src_claims,
       row_number() OVER (PARTITION BY cluster_id, category, src, series_scope
                          ORDER BY reported DESC NULLS LAST, article_id DESC, quantity_id DESC) AS rn
FROM figs"""
NAMES_SQL = """,
figs AS (
    SELECT f.*, coalesce(nullif(f.claimant_key, ''), lower(trim(coalesce(nullif(f.source_name, ''),
               nullif(f.source_kind, ''), '?')))) AS src
    FROM cluster_figures f WHERE f.cluster_id IN (SELECT id FROM base)
      AND ($as_of IS NULL OR f.reported <= $as_of))
SELECT src, coalesce(nullif(source_name, ''), source_kind, '?') AS name, source_kind AS kind, count(*) AS n
FROM figs GROUP BY ALL"""


@dataclass(frozen=True)
class ClusterFigure:
    """One claimant's latest figure in one cluster and category, about one scope."""

    cluster_id: str
    cluster: str
    url: str
    figure: str
    low: float | None
    high: float | None
    reported: date | None
    scope: str | None
    scope_text: str
    in_total: bool


@dataclass(frozen=True)
class ScopeTotal:
    """A claimant's figure in one category about one scope wider or narrower than the event: a group, the nation."""

    scope: str
    scope_text: str
    total: str
    low: float | None
    high: float | None
    clusters: int
    added: bool


@dataclass(frozen=True)
class Cell:
    """A claimant's figures in one category across the clusters in view."""

    category: str
    total: str
    low: float | None
    high: float | None
    clusters: int
    scoped: list[ScopeTotal]
    last_reported: date | None
    figures: list[ClusterFigure]
    more: int = 0


@dataclass(frozen=True)
class ClaimantRow:
    """One claimant: its key, kind, the name used most and its other names, and a cell per category."""

    key: str
    kind: str
    name: str
    names: list[str]
    claims: int
    clusters: int
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class ClaimantTable:
    """Claimant x category for the clusters a query keeps: one page of rows, N of M, and what a cell means."""

    filters: dict[str, str]
    errors: list[str]
    clusters: int
    categories: list[str]
    page: int
    per_page: int
    total: int
    count: int
    first: int
    last: int
    next: str | None
    prev: str | None
    legend: str
    rows: list[ClaimantRow]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def scope_text(scope: str | None, places: dict[str, str] | None = None) -> str:
    """A scope in words: 'nation|group:police' -> 'nationwide, police'; 'place:<entity>' -> 'in <its name>'."""
    parts = []
    for part in (scope or "").split("|"):
        kind, _, value = part.partition(":")
        if kind == "nation":
            parts.append("nationwide")
        elif kind == "place":
            parts.append(f"in {(places or {}).get(value) or 'a named place'}")
        elif kind == "group":
            parts.append(value)
    return ", ".join(parts)


def ordered_categories(categories: set[str]) -> list[str]:
    """killed, injured, arrested, ... first, then the rest alphabetically."""
    rank = {name: i for i, name in enumerate(CATEGORY_ORDER)}
    return sorted(categories, key=lambda c: (rank.get(c, len(rank)), c))


def scope_places(store: Store, claims: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """The names of the places figures are scoped to, by (article id, entity id)."""
    wanted = {(c["article_id"], part[6:]) for c in claims for part in (c.get("scope") or "").split("|")
              if part.startswith("place:")}
    if not wanted:
        return {}
    rows = store.query("SELECT article_id, id, name FROM entities WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                       [sorted({a for a, _ in wanted})])
    return {(r["article_id"], r["id"]): r["name"] for r in rows if (r["article_id"], r["id"]) in wanted}


def claim_scope_text(claim: dict[str, Any], places: dict[tuple[str, str], str]) -> str:
    """A claim's scope in words, its place named from its own article."""
    article = claim.get("article_id") or ""
    return scope_text(claim.get("scope"), {eid: name for (aid, eid), name in places.items() if aid == article})


def _add(total: tuple[float | None, float | None, bool], claim: dict[str, Any]) -> tuple[float | None, float | None, bool]:
    """Bounds added up: (sum of known lower bounds, sum of upper bounds, whether some upper bound is open)."""
    low, high = bounds(claim)
    known_low = None if low == float("-inf") else low
    low_sum = total[0] if known_low is None else (total[0] or 0.0) + known_low
    if high == float("inf"):
        return low_sum, None, True
    return low_sum, None if total[2] else (total[1] or 0.0) + high, total[2]


def scope_class(scope: str | None) -> str:
    """What a figure is added up with: '' for the event's own (no scope, a named place), else its group or nation."""
    return "|".join(p for p in (scope or "").split("|") if p == "nation" or p.startswith("group:"))


def _latest_per_cluster(claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for claim in claims:
        best = latest.get(claim["cluster_id"])
        if best is None or _order(claim) > _order(best):
            latest[claim["cluster_id"]] = claim
    return list(latest.values())


def _summed(claims: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    total: tuple[float | None, float | None, bool] = (None, None, False)
    for claim in claims:
        total = _add(total, claim)
    return total[0], total[1]


def _totals(claims: list[dict[str, Any]]) -> dict[str, tuple[ScopeTotal, list[dict[str, Any]]]]:
    """Per scope class: its total (a sum over clusters, or a nationwide tally's newest figure) and the claims in it."""
    classes: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        classes.setdefault(scope_class(claim.get("scope")), []).append(claim)
    out = {}
    for scope, members in classes.items():
        tally = "nation" in scope.split("|")
        used = [max(members, key=_order)] if tally else _latest_per_cluster(members)
        low, high = _summed(used)
        out[scope] = (ScopeTotal(scope, scope_text(scope), words.figure_range({"low": low, "high": high}), low, high,
                                 len({c["cluster_id"] for c in used}), not tally), used)
    return out


def _cell(category: str, claims: list[dict[str, Any]], clusters: dict[str, str],
          places: dict[tuple[str, str], str], as_of: date | None) -> Cell:
    """One cell from a claimant's latest claim per cluster and scope in one category."""
    totals = _totals(claims)
    in_total = {id(c) for _, used in totals.values() for c in used}
    listed = sorted(claims, key=_order, reverse=True)
    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    figures = [ClusterFigure(
        cluster_id=c["cluster_id"], cluster=clusters.get(c["cluster_id"], c["cluster_id"]),
        url=f"/clusters/{words.path_id(c['cluster_id'])}{query}", figure=_range(c), low=c.get("low"),
        high=c.get("high"), reported=c.get("reported"), scope=c.get("scope"),
        scope_text=claim_scope_text(c, places), in_total=id(c) in in_total) for c in listed[:LISTED]]
    event = totals[""][0] if "" in totals else None
    scoped = [totals[k][0] for k in sorted(totals) if k]
    reported = [c["reported"] for c in claims if c.get("reported")]
    return Cell(category, event.total if event else "", event.low if event else None, event.high if event else None,
                event.clusters if event else 0, scoped, max(reported, default=None), figures,
                max(0, len(listed) - LISTED))


def _range(claim: dict[str, Any]) -> str:
    """A claim's bounds in words ('19', '≥ 27', '≤ 6'), a bare value as itself."""
    low, high = bounds(claim)
    return words.figure_range({"low": None if low == float("-inf") else low, "high": None if high == float("inf") else high})


def _order(claim: dict[str, Any]) -> tuple[Any, ...]:
    return (claim.get("reported") or date.min, claim.get("article_id") or "", claim.get("quantity_id") or "")


def _name_counts(rows: list[dict[str, Any]]) -> dict[str, tuple[list[str], str]]:
    """Per claimant: its names, the most used first, and its most used kind."""
    names: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for r in rows:
        names.setdefault(r["src"], Counter())[r["name"]] += int(r["n"])
        kinds.setdefault(r["src"], Counter())[r["kind"] or "?"] += int(r["n"])
    return {src: (_ranked(count),
                  min(kinds[src].items(), key=lambda kv: (-kv[1], kv[0]))[0]) for src, count in names.items()}


def _ranked(names: Counter[str]) -> list[str]:
    """Names, the most used first; among equals the longest (the fullest form, not an anaphor), then alphabetically."""
    return [n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0].casefold()))]


def table(store: Store, query: ClusterQuery, path: str = "/claimants") -> ClaimantTable:
    """The claimant table for the clusters a query keeps (its sort is ignored; its page pages the claimants)."""
    cte, params = base_cte(store, query)
    clusters = int(named_rows(store, cte + "SELECT count(*) AS n FROM base", params)[0]["n"])
    params = {**params, "as_of": query.as_of}  # the claims reported by then (None: all)
    latest = [r for r in named_rows(store, cte + LATEST_SQL, params) if r["rn"] == 1]
    named = _name_counts(named_rows(store, cte + NAMES_SQL, params))
    by_source: dict[str, list[dict[str, Any]]] = {}
    for row in latest:
        by_source.setdefault(row["src"], []).append(row)
    order = sorted(by_source, key=lambda s: (-len({r["cluster_id"] for r in by_source[s]}),
                                             named[s][0][0].casefold(), s))
    shown = order[query.offset:query.offset + query.per_page]
    rows_on_page = [r for s in shown for r in by_source[s]]
    cluster_names = _cluster_names(store, {r["cluster_id"] for r in rows_on_page})
    places = scope_places(store, rows_on_page)
    rows = [_row(src, by_source[src], named[src], cluster_names, places, query.as_of) for src in shown]
    more = query.offset + len(rows) < len(order)
    return ClaimantTable(
        filters=query.filters(), errors=list(query.errors), clusters=clusters,
        categories=ordered_categories({r["category"] for r in latest}), page=query.page, per_page=query.per_page,
        total=len(order), count=len(rows), first=query.offset + 1 if rows else 0, last=query.offset + len(rows),
        next=query.url(path, page=query.page + 1) if more else None,
        prev=query.url(path, page=query.page - 1) if query.page > 1 else None, legend=LEGEND, rows=rows)


def _row(src: str, claims: list[dict[str, Any]], named: tuple[list[str], str], clusters: dict[str, str],
         places: dict[tuple[str, str], str], as_of: date | None) -> ClaimantRow:
    by_category: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        by_category.setdefault(claim["category"], []).append(claim)
    names, kind = named
    return ClaimantRow(key=src, kind=kind, name=names[0], names=names, claims=int(claims[0]["src_claims"]),
                       clusters=len({c["cluster_id"] for c in claims}),
                       cells={cat: _cell(cat, items, clusters, places, as_of)
                              for cat, items in sorted(by_category.items())})


def _cluster_names(store: Store, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = store.query("SELECT * FROM clusters WHERE id IN (SELECT unnest(?::VARCHAR[]))", [sorted(ids)])
    return {r["id"]: words.cluster_name(r) for r in rows}


def cluster_rows(summaries: dict[str, dict[str, Any]], places: dict[tuple[str, str], str]) -> dict[str, Any]:
    """One cluster's claimant x category table: a row per claimant key, each series' latest figure in its cell.

    The event's own figure comes first; a scoped series follows with its scope in words ('nationwide ≥14').
    """
    categories = sorted(summaries)
    cells: dict[str, dict[str, list[str]]] = {}
    names: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for category, summary in summaries.items():
        for claim in summary["claims"]:
            names.setdefault(source_of(claim), Counter())[_shown_name(claim)] += 1
            kinds.setdefault(source_of(claim), Counter())[claim.get("source_kind") or "?"] += 1
        for claim in sorted(summary["latest_by_source"].values(), key=lambda c: (series_of(c)[1] != "", series_of(c))):
            where = claim_scope_text(claim, places)
            text = f"{figure_text(claim)} ({words.day(claim.get('reported'))})"
            cells.setdefault(source_of(claim), {}).setdefault(category, []).append(f"{where} {text}" if where else text)
    rows = []
    for key in cells:
        ranked = _ranked(names[key])
        rows.append({"claimant": ranked[0], "key": key, "names": ranked,
                     "kind": min(kinds[key].items(), key=lambda kv: (-kv[1], kv[0]))[0],
                     "cells": [" · ".join(cells[key].get(c, [])) for c in categories]})
    return {"categories": categories, "rows": sorted(rows, key=lambda r: (r["claimant"].lower(), r["key"]))}


def _shown_name(claim: dict[str, Any]) -> str:
    return str(claim.get("source_name") or claim.get("source_kind") or "?")
