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
from .listing import base_cte, named_rows, store_version

LISTED = 25  # per-cluster figures listed in one cell (newest first); the rest are counted
CATEGORY_ORDER = ("killed", "injured", "arrested", "displaced", "participants", "troops")
LEGEND = ("One row per claimant (its canonical key: one source under all its names and languages) and one column "
          "per figure category. A cell adds up, over the clusters in this view, the claimant's latest figure about "
          "each event, and says how many clusters that covers; “≥27” is an open bound (“at least 27”), and one "
          "open figure leaves the total open. Figures about one group (“police”) are added up apart from the "
          "event's own, since they are part of it. A nationwide figure is a running tally: the newest is shown, "
          "never added. Open “per cluster” for every figure with its cluster, scope and report date.")

# The claims of the clusters in view (as of a day), each claimant's latest per cluster, category and scope (the
# fuse stage's series), its scope class ('' for the event's own figure), and whether it is in its class's total:
# the latest of its cluster for an added class, the newest of all for a nationwide tally. Claimant and ordering as
# in `fuse.figures` (source_of, summarise).
MARKED = """,
figs AS (
    SELECT f.*, coalesce(nullif(f.claimant_key, ''), lower(trim(coalesce(nullif(f.source_name, ''),
               nullif(f.source_kind, ''), '?')))) AS src
    FROM cluster_figures f WHERE f.cluster_id IN (SELECT id FROM base)
      AND ($as_of IS NULL OR f.reported <= $as_of)),
latest AS (
    SELECT cluster_id, coalesce(category, 'other') AS category, src, scope, value, low, high, reported, article_id,
           quantity_id, array_to_string(list_filter(string_split(coalesce(scope, ''), '|'),
                                       lambda p: p = 'nation' OR starts_with(p, 'group:')), '|') AS cls
    FROM figs
    QUALIFY row_number() OVER (PARTITION BY cluster_id, category, src, coalesce(scope, '')
                               ORDER BY reported DESC NULLS LAST, article_id DESC, quantity_id DESC) = 1),
marked AS (
    SELECT *, list_contains(string_split(cls, '|'), 'nation') AS tally,
           row_number() OVER (PARTITION BY src, category, cls,
                                           CASE WHEN list_contains(string_split(cls, '|'), 'nation') THEN '' ELSE cluster_id END
                              ORDER BY reported DESC NULLS LAST, article_id DESC, quantity_id DESC) = 1 AS in_total,
           CASE WHEN low IS NULL AND high IS NULL THEN value ELSE low END AS lo,
           CASE WHEN low IS NULL AND high IS NULL THEN value ELSE high END AS hi
    FROM latest)"""
# Per claimant, category and scope class: the bounds added up (known lower bounds; upper bounds unless one is open);
# and per claimant (category NULL) the clusters it has a figure in.
TOTALS_SQL = MARKED + """
SELECT src, category, cls, any_value(tally) AS tally, sum(lo) FILTER (WHERE in_total) AS low,
       CASE WHEN bool_or(hi IS NULL) FILTER (WHERE in_total) THEN NULL ELSE sum(hi) FILTER (WHERE in_total) END AS high,
       count(*) FILTER (WHERE in_total) AS clusters, count(*) AS figures, max(reported) AS last_reported,
       count(DISTINCT cluster_id) AS covers
FROM marked GROUP BY GROUPING SETS ((src, category, cls), (src))"""
# The figures a cell lists: the newest first, at most LISTED, for the claimants on one page.
LISTED_SQL = MARKED + """
SELECT * FROM marked WHERE src IN (SELECT unnest($shown::VARCHAR[]))
QUALIFY row_number() OVER (PARTITION BY src, category
                           ORDER BY reported DESC NULLS LAST, article_id DESC, quantity_id DESC) <= $listed
ORDER BY src, category, reported DESC NULLS LAST, article_id DESC, quantity_id DESC"""
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


def _cell(category: str, totals: list[dict[str, Any]], listed: list[dict[str, Any]], clusters: dict[str, str],
          places: dict[tuple[str, str], str], as_of: date | None) -> Cell:
    """One cell from its totals per scope class and the figures it lists."""
    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    figures = [ClusterFigure(
        cluster_id=c["cluster_id"], cluster=clusters.get(c["cluster_id"], c["cluster_id"]),
        url=f"/clusters/{words.path_id(c['cluster_id'])}{query}", figure=_range(c), low=c.get("low"),
        high=c.get("high"), reported=c.get("reported"), scope=c.get("scope"),
        scope_text=claim_scope_text(c, places), in_total=bool(c["in_total"])) for c in listed]
    by_class = {t["cls"]: ScopeTotal(t["cls"], scope_text(t["cls"]), words.figure_range(t), t["low"], t["high"],
                                     int(t["clusters"]), not t["tally"]) for t in totals}
    event = by_class.pop("", None)
    return Cell(category, event.total if event else "", event.low if event else None, event.high if event else None,
                event.clusters if event else 0, [by_class[k] for k in sorted(by_class)],
                max((t["last_reported"] for t in totals if t["last_reported"]), default=None), figures,
                sum(int(t["figures"]) for t in totals) - len(listed))


def _range(claim: dict[str, Any]) -> str:
    """A claim's bounds in words ('19', '≥27', '≤6'), a bare value as itself."""
    low, high = bounds(claim)
    return words.figure_range({"low": None if low == float("-inf") else low, "high": None if high == float("inf") else high})


def _name_counts(rows: list[dict[str, Any]]) -> dict[str, tuple[list[str], str, int]]:
    """Per claimant: its names, the most used first, its most used kind, and its number of claims."""
    names: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for r in rows:
        names.setdefault(r["src"], Counter())[r["name"]] += int(r["n"])
        kinds.setdefault(r["src"], Counter())[r["kind"] or "?"] += int(r["n"])
    return {src: (_ranked(count), min(kinds[src].items(), key=lambda kv: (-kv[1], kv[0]))[0], sum(count.values()))
            for src, count in names.items()}


def _ranked(names: Counter[str]) -> list[str]:
    """Names, the most used first; among equals the longest (the fullest form, not an anaphor), then alphabetically."""
    return [n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0].casefold()))]


@dataclass(frozen=True)
class _Sums:
    """What the whole table needs before one page is drawn: totals per claimant and category, names, coverage."""

    clusters: int
    totals: dict[str, dict[str, list[dict[str, Any]]]]
    covers: dict[str, int]
    names: dict[str, tuple[list[str], str, int]]
    order: list[str]


_SUMS: dict[tuple[str, tuple[tuple[str, str], ...]], _Sums] = {}


def _sums(store: Store, query: ClusterQuery) -> _Sums:
    """The table's sums for a query's filters, kept per store version and filters (paging reuses them)."""
    key = (store_version(store), tuple(sorted(query.filters().items())))
    if key not in _SUMS:
        if len(_SUMS) > 64:
            _SUMS.clear()
        _SUMS[key] = _compute_sums(store, query)
    return _SUMS[key]


def _compute_sums(store: Store, query: ClusterQuery) -> _Sums:
    cte, params = base_cte(store, query)
    clusters = int(named_rows(store, cte + "SELECT count(*) AS n FROM base", params)[0]["n"])
    params = {**params, "as_of": query.as_of}  # the claims reported by then (None: all)
    totals: dict[str, dict[str, list[dict[str, Any]]]] = {}
    covers: dict[str, int] = {}
    for row in named_rows(store, cte + TOTALS_SQL, params):
        if row["category"] is None:
            covers[row["src"]] = int(row["covers"])
        else:
            totals.setdefault(row["src"], {}).setdefault(row["category"], []).append(row)
    names = _name_counts(named_rows(store, cte + NAMES_SQL, params))
    order = sorted(totals, key=lambda s: (-covers[s], names[s][0][0].casefold(), s))
    return _Sums(clusters, totals, covers, names, order)


def table(store: Store, query: ClusterQuery, path: str = "/claimants") -> ClaimantTable:
    """The claimant table for the clusters a query keeps (its sort is ignored; its page pages the claimants)."""
    sums = _sums(store, query)
    shown = sums.order[query.offset:query.offset + query.per_page]
    listed: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if shown:
        cte, params = base_cte(store, query)
        for row in named_rows(store, cte + LISTED_SQL, {**params, "as_of": query.as_of, "shown": shown,
                                                        "listed": LISTED}):
            listed.setdefault((row["src"], row["category"]), []).append(row)
    every = [c for rows in listed.values() for c in rows]
    cluster_names = _cluster_names(store, {c["cluster_id"] for c in every})
    places = scope_places(store, every)
    rows = [ClaimantRow(key=src, kind=sums.names[src][1], name=sums.names[src][0][0], names=sums.names[src][0],
                        claims=sums.names[src][2], clusters=sums.covers[src],
                        cells={cat: _cell(cat, items, listed.get((src, cat), []), cluster_names, places, query.as_of)
                               for cat, items in sorted(sums.totals[src].items())}) for src in shown]
    more = query.offset + len(rows) < len(sums.order)
    return ClaimantTable(
        filters=query.filters(), errors=list(query.errors), clusters=sums.clusters,
        categories=ordered_categories({cat for cells in sums.totals.values() for cat in cells}), page=query.page,
        per_page=query.per_page, total=len(sums.order), count=len(rows), first=query.offset + 1 if rows else 0,
        last=query.offset + len(rows), next=query.url(path, page=query.page + 1) if more else None,
        prev=query.url(path, page=query.page - 1) if query.page > 1 else None, legend=LEGEND, rows=rows)


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
