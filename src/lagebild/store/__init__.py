"""The embedded DuckDB store."""

from .store import Store

__all__ = ["Store"]
