"""The `lagebild` logger: server errors and ingest progress go to stderr through stdlib logging.

Modules log to `logging.getLogger(__name__)`, children of "lagebild". The command line calls `configure()`
once; the level comes from $LAGEBILD_LOG (debug, info, warning, error), warning by default, so `LAGEBILD_LOG=info`
shows ingest progress and read-snapshot refreshes. Tracebacks go to the log only, never to a user's page.
"""

from __future__ import annotations

import logging
import os

LOGGER = "lagebild"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def level_from_env(default: int = logging.WARNING) -> int:
    """The level named by $LAGEBILD_LOG, or `default` when unset or not a level name."""
    name = os.environ.get("LAGEBILD_LOG", "").strip().upper()
    level = logging.getLevelName(name) if name else default
    return level if isinstance(level, int) else default


def configure(level: int | None = None) -> logging.Logger:
    """Give the lagebild logger one stderr handler (idempotent) and set its level."""
    logger = logging.getLogger(LOGGER)
    if not any(getattr(h, "_lagebild", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._lagebild = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level if level is not None else level_from_env())
    return logger
