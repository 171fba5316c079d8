"""A readable situation summary of a store: what happened, where, when, how many, per whom."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..store import Store
from ..store.queries import list_events, quantities_of, search_articles
from .web.render import bounds as _bounds


def print_summary(db: Path, console: Console | None = None) -> None:
    """Print the articles, the events with their figures and claimants, and the figures per source."""
    console = console or Console()
    with Store(db, read_only=True) as store:
        articles = search_articles(store, limit=1000)
        table = Table(title=f"{len(articles)} articles", title_justify="left")
        for column in ("published", "lang", "source", "title", "entities", "events"):
            table.add_column(column)
        for a in articles:
            table.add_row(a["published"] or "?", a["lang"], a["source"] or "", a["title"] or "",
                          str(a["entities"]), str(a["events"]))
        console.print(table)

        events = list_events(store, limit=500)
        timeline = Table(title=f"{len(events)} events (who did what, where, when, how many, per whom)",
                         title_justify="left", show_lines=True)
        for column in ("when", "what", "where", "how many", "who says so", "modality"):
            timeline.add_column(column, overflow="fold")
        for ev in events:
            claims = quantities_of(store, ev["article_id"], json.loads(ev["quantities"] or "[]"))
            how_many = "\n".join(f"{q['category']}: {_bounds(q)} ({q['text']})" for q in claims)
            when = ev["time_text"] or ""
            interval = f"{ev['earliest']}" if ev["earliest"] == ev["latest"] else f"{ev['earliest']} … {ev['latest']}"
            who = ev["source_name"] or ev["source_text"] or ""
            timeline.add_row(f"{when}\n{interval}".strip(), f"{ev['type']}/{ev['mode'] or '-'}\n{ev['trigger_text']}",
                             ev["place_name"] or ev["location_name"] or "", how_many,
                             f"{ev['source_kind']}: {who}".rstrip(": "), ev["modality"])
        console.print(timeline)

        figures = store.query("""
            SELECT q.category, q.text, q.low, q.high, a.published_value AS reported, a.source AS outlet
            FROM quantities q JOIN articles a ON a.id = q.article_id
            WHERE q.category <> 'other'
            ORDER BY q.category, a.published_earliest NULLS LAST, q.article_id, q.start""")
        table = Table(title="figures by category, in report order", title_justify="left")
        for column in ("category", "figure", "bounds", "reported", "outlet"):
            table.add_column(column)
        for f in figures:
            table.add_row(f["category"], f["text"], _bounds(f), f["reported"] or "?", f["outlet"] or "")
        console.print(table)
