"""The fuse stage: event mentions from many articles merged into clusters, figures kept per source.

Public API (takes a `Store` or a DuckDB connection): `fuse`, `split`, `figures_summary`, `ensure_tables`.
Rules are documented in `cluster.py` (merging) and `figures.py` (figures, conflicts, the export number).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import duckdb

from . import store as _store
from .cluster import FuseConfig, Mention, cluster_mentions
from .copies import mark_copies, unsigned_articles
from .figures import export_figure, summarise

__all__ = ["FuseConfig", "Mention", "cluster_mentions", "ensure_tables", "export_figure", "figures_summary",
           "fuse", "merge", "resolve_cluster_id", "split", "summarise"]


def _con(target: Any) -> duckdb.DuckDBPyConnection:
    return getattr(target, "con", target)


def ensure_tables(target: Any) -> None:
    """Create the fuse tables in a store if absent."""
    _store.ensure_tables(_con(target))


def fuse(target: Any, article_ids: Iterable[str] | None = None, config: FuseConfig = FuseConfig()) -> dict[str, int]:
    """Re-cluster what these articles touch (everything if None); only changed clusters are rewritten.

    First these articles (or all not yet signed) are checked for wire copies, so a copy counts with its original.
    """
    con = _con(target)
    ensure_tables(con)
    ids = list(article_ids) if article_ids is not None else None
    mark_copies(con, ids if ids is not None else unsigned_articles(con))
    return _store.fuse(con, ids, config)


def split(target: Any, cluster_id: str, article_id: str, event_id: str) -> str:
    """Undo a merge: the mention becomes its own cluster, pinned apart for later re-fusing; returns its id."""
    return _store.split(_con(target), cluster_id, article_id, event_id)


def merge(target: Any, cluster_id: str, other_id: str) -> str:
    """Join two clusters by a user's decision, pinned for later re-fusing; returns the joined cluster's id."""
    return _store.merge(_con(target), cluster_id, other_id)


def resolve_cluster_id(target: Any, cluster_id: str) -> str | None:
    """Where a former cluster id redirects to now (None if it is not a former id)."""
    return _store.resolve_cluster_id(_con(target), cluster_id)


def figures_summary(target: Any, cluster_id: str) -> dict[str, dict[str, Any]]:
    """Per category: all claims with source and date, the range, latest per source, conflicts, export figure."""
    return _store.figures_summary(_con(target), cluster_id)
