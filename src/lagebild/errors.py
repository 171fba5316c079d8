"""Coded errors and reject reasons, in the spirit of spaCy's E-codes."""

from __future__ import annotations

from enum import Enum


class RejectCode(str, Enum):
    """Why an input record did not become a report."""

    EMPTY_TEXT = "R001"
    UNDECODABLE = "R002"
    MALFORMED_JSON = "R003"
    MALFORMED_CSV = "R004"
    UNKNOWN_FORMAT = "R005"
    MISSING_FIELD = "R006"
    BAD_DATE = "R007"
    UNSUPPORTED_LANGUAGE = "R008"
    UNREADABLE = "R009"
    NO_MAIN_TEXT = "R010"
    BAD_FIELD = "R011"
    HIDDEN = "R012"
    NOT_A_FILE = "R013"
    NO_RECORDS = "R014"
    DUPLICATE_ID = "R015"
    TOO_LARGE = "R016"
    EXTRACTION_FAILED = "R017"
    # feeds and web archives (a block of their own, so other new codes can follow R011)
    BROKEN_RECORD = "R020"
    NOT_A_PAGE = "R021"
    NO_FULL_TEXT = "R022"


class LagebildError(Exception):
    """An error with a code and a message meant for the user, never a traceback."""

    code = "E000"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class StoreError(LagebildError):
    code = "E002"


class StoreLocked(StoreError):
    """Another process holds the store's lock (an ingest writing, or readers while a writer waits)."""

    code = "E005"


class BadOption(LagebildError):
    code = "E003"


class ConfigError(LagebildError):
    """A pipeline configuration that cannot work: an unknown extractor, or one placed before what it requires."""

    code = "E006"


class DataError(LagebildError):
    """A dataset under the data directory is there but cannot be read as expected."""

    code = "E004"
