"""Pausing Python's cyclic garbage collector around blocks that make many objects but no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """The cyclic garbage collector off for the block: its passes over the whole heap, triggered by the new objects,
    would find nothing and make the block's time grow faster than its work. Use it only where no cycles are made."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
