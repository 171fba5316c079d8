"""`lagebild watch`: poll feeds, ingest what is new, print new clusters and new conflicts as they appear."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import BadOption
from ..store import Store

EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600}


def parse_every(value: str) -> float:
    """Seconds in `30s`, `10m`, `1h` or a plain number of seconds."""
    found = EVERY.match(value)
    if not found or float(found[1]) <= 0:
        raise BadOption(f"--every {value!r}: give a positive number with s, m or h, e.g. 10m")
    return float(found[1]) * UNIT_SECONDS[found[2]]


@dataclass(frozen=True)
class Conflict:
    """Two sources disagreeing on a figure in one cluster (the same disagreement whatever the cluster's id)."""

    cluster_id: str = field(compare=False)
    label: str = field(compare=False)
    category: str
    sources: tuple[str, ...]
    values: tuple[str, ...]

    def line(self) -> str:
        said = " vs ".join(f"{v} ({s})" for s, v in zip(self.sources, self.values))
        return f"new conflict in {self.label} [{self.cluster_id}]: {self.category}: {said}"


def clusters(store: Store) -> dict[str, dict]:
    """Every stored cluster by id."""
    return {row["id"]: row for row in store.query(
        "SELECT id, label, sources, article_count FROM clusters ORDER BY first_reported, id")}


def conflicts(store: Store, cluster_ids: list[str]) -> set[Conflict]:
    """The figure conflicts in these clusters."""
    from ..fuse import figures_summary

    labels = {r["id"]: r["label"] for r in store.query(
        "SELECT id, label FROM clusters WHERE id IN (SELECT unnest(?::VARCHAR[]))", [cluster_ids])}
    found = set()
    for cid in sorted(labels):
        for category, summary in figures_summary(store, cid).items():
            for conflict in summary["conflicts"]:
                values = tuple(c["text"] or str(c["value"]) for c in conflict["claims"])
                found.add(Conflict(cid, labels[cid], category, tuple(conflict["sources"]), values))
    return found


def touched_clusters(store: Store, article_ids: list[str]) -> dict[str, bool]:
    """Clusters holding a mention of these articles, each with whether it holds only these articles (is new)."""
    rows = store.con.execute(
        "SELECT cluster_id, bool_and(article_id IN (SELECT unnest(?::VARCHAR[]))) FROM cluster_members "
        "WHERE cluster_id IN (SELECT cluster_id FROM cluster_members WHERE article_id IN "
        "(SELECT unnest(?::VARCHAR[]))) GROUP BY cluster_id ORDER BY cluster_id", [article_ids, article_ids])
    return dict(rows.fetchall())


def watch(feeds: list[str], settings: Settings, workdir: Path, every: float, max_polls: int | None,
          ingest: Callable[[list[str]], dict[str, int]], echo: Callable[[str], None],
          sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll until `max_polls` (forever if None); returns the number of polls."""
    from ..ingest.fetch import fetch

    with Store(settings.db_path) as store:
        seen_conflicts = conflicts(store, sorted(clusters(store)))
        seen_articles = {aid for (aid,) in store.con.execute("SELECT id FROM articles").fetchall()}
    polls = 0
    for polls in _counter(max_polls):
        if polls > 1:
            sleep(every)
        got = fetch(feeds, workdir)
        for problem in got.failed:
            echo(f"poll {polls}: could not fetch {problem}")
        counts = ingest([str(p) for p in got.feeds]) if got.feeds else {"stored": 0, "unchanged": 0, "rejected": 0}
        with Store(settings.db_path, read_only=True) as store:
            now = clusters(store)
            articles = {aid for (aid,) in store.con.execute("SELECT id FROM articles").fetchall()}
            fresh = sorted(articles - seen_articles)
            touched = touched_clusters(store, fresh) if fresh else {}
            found = conflicts(store, sorted(touched))
        echo(f"poll {polls}: {len(fresh)} new articles, {counts['unchanged']} unchanged, "
             f"{counts['rejected']} rejected, {got.pages} pages fetched")
        for cid in (cid for cid in now if touched.get(cid)):  # only new articles in it: a new cluster
            row = now[cid]
            echo(f"new cluster {row['label']} [{cid}]: {row['sources']} independent source(s), "
                 f"{row['article_count']} article(s)")
        for conflict in sorted(found - seen_conflicts, key=lambda c: (c.cluster_id, c.category, c.sources)):
            echo(conflict.line())
        seen_conflicts |= found
        seen_articles = articles
    return polls


def _counter(limit: int | None) -> Iterator[int]:
    n = 0
    while limit is None or n < limit:
        n += 1
        yield n
