"""Wire copies: near-duplicate articles grouped with MinHash/LSH (datasketch), each copy linked to its original.

One agency report syndicated to 40 outlets is one source, not 40. Each article's text is reduced to a MinHash of
its word 3-grams; an LSH index over the originals published near it finds candidates, and a candidate whose
estimated Jaccard similarity reaches `CopyConfig.threshold` makes the article its copy. The first article stored
(earliest published, then smallest id, within a batch) is the original; a copy of a copy links to the original.
Texts shorter than `CopyConfig.min_words` words are never copies, nor originals of copies.
Copies are kept in full (their figures and quotes stay visible); the fuse stage counts them with their original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
from datasketch import MinHash, MinHashLSH

COPIES_SQL = """
CREATE TABLE IF NOT EXISTS article_signatures (article_id VARCHAR PRIMARY KEY, signature UBIGINT[]);
CREATE TABLE IF NOT EXISTS article_copies (article_id VARCHAR PRIMARY KEY, original_id VARCHAR, similarity DOUBLE);
"""
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CopyConfig:
    """Near-duplicate parameters: MinHash size, word n-gram length, similarity threshold, look-around window."""

    num_perm: int = 128
    shingle_words: int = 3
    threshold: float = 0.5
    window_days: int = 14
    min_words: int = 12  # shorter texts are too short to tell a copy from a chance likeness: never copies
    seed: int = 1
    scheme: str = "affine32"  # datasketch's hashing scheme, named so stored signatures stay comparable


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the signature and copy tables if absent."""
    con.execute(COPIES_SQL)


def shingles(text: str, size: int) -> set[bytes]:
    """The text's lower-cased word n-grams (the whole text as one if it is shorter)."""
    words = WORD.findall(text.lower())
    if len(words) <= size:
        return {" ".join(words).encode()}
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, config: CopyConfig = CopyConfig()) -> MinHash:
    """The MinHash of a text's word n-grams."""
    minhash = MinHash(num_perm=config.num_perm, seed=config.seed, scheme=config.scheme)
    minhash.update_batch(list(shingles(text, config.shingle_words)))
    return minhash


@dataclass(frozen=True)
class _Article:
    id: str
    published: date | None
    text: str | None = None
    signature: MinHash | None = None


def _originals_near(con: duckdb.DuckDBPyConnection, new: list[_Article], config: CopyConfig) -> list[_Article]:
    """Stored originals (not copies, not among `new`) published within the window of the new articles."""
    days = [a.published for a in new if a.published]
    where = ""
    params: list[object] = [[a.id for a in new]]
    if days and all(a.published for a in new):
        where = " AND (a.published_earliest IS NULL OR a.published_earliest BETWEEN ? AND ?)"
        params += [min(days) - timedelta(days=config.window_days), max(days) + timedelta(days=config.window_days)]
    rows = con.execute(
        "SELECT s.article_id, a.published_earliest, s.signature FROM article_signatures s "
        "JOIN articles a ON a.id = s.article_id "
        "WHERE s.article_id NOT IN (SELECT article_id FROM article_copies) "
        f"AND s.article_id NOT IN (SELECT unnest(?::VARCHAR[])){where}", params).fetchall()
    return [_Article(aid, published, signature=MinHash(num_perm=config.num_perm, seed=config.seed, scheme=config.scheme,
                                                       hashvalues=np.array(values, dtype=np.uint64)))
            for aid, published, values in rows]


def mark_copies(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str],
                config: CopyConfig = CopyConfig()) -> dict[str, int]:
    """Sign these stored articles and link each near-duplicate to its original; returns counts."""
    ensure_tables(con)
    ids = sorted(set(article_ids))
    if not ids:
        return {"articles": 0, "copies": 0}
    rows = con.execute("SELECT id, published_earliest, text FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                       [ids]).fetchall()
    new = sorted((_Article(aid, published, text) for aid, published, text in rows),
                 key=lambda a: (a.published or date.max, a.id))
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    signatures: dict[str, MinHash] = {}
    for old in _originals_near(con, new, config):
        lsh.insert(old.id, old.signature)
        signatures[old.id] = old.signature
    links: list[tuple[str, str, float]] = []
    signed: list[tuple[str, list[int]]] = []
    for article in new:
        minhash = signature(article.text or "", config)
        signed.append((article.id, [int(v) for v in minhash.hashvalues]))
        if len(WORD.findall(article.text or "")) < config.min_words:
            continue
        scored = sorted((-minhash.jaccard(signatures[other]), other) for other in lsh.query(minhash))
        if scored and -scored[0][0] >= config.threshold:
            links.append((article.id, scored[0][1], round(-scored[0][0], 4)))
        else:
            lsh.insert(article.id, minhash)
            signatures[article.id] = minhash
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("article_signatures", "article_copies"):
            con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [ids])
        con.executemany("INSERT INTO article_signatures VALUES (?, ?)", signed)
        if links:
            con.executemany("INSERT INTO article_copies VALUES (?, ?, ?)", links)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"articles": len(new), "copies": len(links)}


def copy_groups(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each original that has copies, with its copies' ids."""
    groups: dict[str, list[str]] = {}
    for copy_id, original in con.execute(
            "SELECT article_id, original_id FROM article_copies ORDER BY original_id, article_id").fetchall():
        groups.setdefault(original, []).append(copy_id)
    return groups


def unsigned_articles(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Stored articles not yet checked for copies."""
    ensure_tables(con)
    return [aid for (aid,) in con.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_signatures) ORDER BY id").fetchall()]
