"""Readers: files, directories or stdin in several formats → a stream of Articles and Rejects."""

from __future__ import annotations

from .base import RecordBuilder, Reject
from .readers import read_inputs

__all__ = ["Reject", "RecordBuilder", "read_inputs"]
