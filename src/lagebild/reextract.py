"""Re-extraction of stored articles whose report was made by another generator (version, model or lexicon)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from .model import Article, Report
from .pipeline import Extractor
from .store import Store


def outdated(store: Store, extractor: Extractor) -> Iterator[Article]:
    """The stored articles whose report's generator differs from what `extractor` would record now."""
    current: dict[str, str] = {}
    for aid, lang, generator in store.con.execute(
            "SELECT id, lang, generator::VARCHAR FROM articles ORDER BY id").fetchall():
        if lang not in current:
            current[lang] = json.dumps(extractor.generator(lang), sort_keys=True)
        if generator is None or json.loads(generator) != json.loads(current[lang]):
            row = store.con.execute("SELECT report FROM articles WHERE id = ?", [aid]).fetchone()
            yield Article.model_validate(json.loads(row[0])["article"])  # type: ignore[index]


def reextract(store: Store, extractor: Extractor, batch_size: int = 500) -> list[str]:
    """Re-extract and store every outdated article, then re-fuse what they touch; returns their ids."""
    from .fuse import fuse

    done: list[str] = []
    batch: list[Article] = []
    pending = list(outdated(store, extractor))
    for article in pending:
        batch.append(article)
        if len(batch) >= batch_size:
            done += _write(store, extractor, batch)
            batch = []
    done += _write(store, extractor, batch)
    if done:
        fuse(store, done)
    return done


def _write(store: Store, extractor: Extractor, batch: list[Article]) -> list[str]:
    reports = [r for r in extractor.reports(batch) if isinstance(r, Report)]
    store.write(reports)
    return [r.article.id for r in reports]
