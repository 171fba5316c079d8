"""`lagebild serve`: a read-only HTTP API and web pages over the store."""

from .app import create_app

__all__ = ["create_app"]
