"""Ids from content: the same article, kind, offsets and type always give the same id, whatever the order."""

from __future__ import annotations

import hashlib

PREFIXES = {"entity": "ent", "time": "t", "quantity": "q", "quote": "quo", "event": "ev", "claim": "cl",
            "cluster": "c"}


def content_id(kind: str, *parts: object) -> str:
    """A short id for a `kind` of item from the parts that identify it (article id, offsets, type, ...)."""
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode("utf-8"), digest_size=6).hexdigest()
    return f"{PREFIXES[kind]}-{digest}"
