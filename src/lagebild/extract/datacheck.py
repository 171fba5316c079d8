"""Schema validation of the per-language data files, done once per file content.

Validating `claimants.json` and `scopes.json` with jsonschema costs an import of jsonschema and a walk over each file
at every start-up. Once a file has passed, a marker named by the hash of the file's bytes and of its schema's bytes
is written to the cache folder (`place_cache.cache_dir`); a later process that finds the marker skips the walk. Any
change to the file or to its schema gives another hash, so it is validated again; a marker that cannot be written
only means the next process validates again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ..errors import DataError
from .place_cache import cache_dir

VALIDATOR_FORMAT = 1  # part of every marker's hash: raise it to validate every file again
log = logging.getLogger(__name__)


def marker_path(data: bytes, schema: bytes) -> Path:
    """The marker saying that `data` passed `schema`."""
    digest = hashlib.sha256(f"lagebild-validated-{VALIDATOR_FORMAT}\n".encode())
    for part in (schema, data):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return cache_dir() / "validated" / digest.hexdigest()[:32]


def load_validated(path: Path, schema_path: Path) -> Any:
    """The parsed JSON of `path`, which must satisfy the JSON Schema at `schema_path` (DataError if not)."""
    raw = path.read_bytes()
    data = json.loads(raw.decode("utf-8"))
    schema_raw = schema_path.read_bytes()
    marker = marker_path(raw, schema_raw)
    if marker.exists():
        return data
    import jsonschema  # type: ignore[import-untyped]  # only when a file's content has not been validated yet

    try:
        jsonschema.validate(data, json.loads(schema_raw.decode("utf-8")))
    except jsonschema.ValidationError as err:
        raise DataError(f"{path}: {err.message}") from None
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_bytes(b"")
    except OSError as error:
        log.info("validation marker %s not written: %s", marker, error)
    return data
