"""Format readers. Each yields one Article or Reject per input record, streaming where the format allows."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from ..errors import RejectCode
from ..model import Article
from .base import RecordBuilder, Reject

Item = Article | Reject
Reader = Callable[[IO[bytes], str, RecordBuilder], Iterator[Item]]

HEADER_LINE = re.compile(r"^(?P<key>date|source|title|url|lang)(?:[ \t]*:[ \t]*|[ \t]+)(?P<value>.*)$")
CSV_FIELD_LIMIT = 10_000_000


def _decode(data: bytes) -> str:
    """UTF-8 (BOM tolerated); bytes that are not UTF-8 survive as surrogates so the record can be rejected."""
    return data.decode("utf-8-sig", errors="surrogateescape").replace("\r\n", "\n").replace("\r", "\n")


def split_text_header(raw: str) -> tuple[dict[str, str], str]:
    """Split `date 2023-03` (and source/title/url/lang) header lines from the body of a plain-text report.

    The date's value is one word, so the body may follow on the same line: ` date 2023-03 In Bischkek ...`.
    """
    fields: dict[str, str] = {}
    rest = raw.lstrip()
    while rest:
        line, _, remainder = rest.partition("\n")
        match = HEADER_LINE.match(line)
        if not match or match["key"] in fields:
            break
        key, value = match["key"], match["value"].strip()
        if key == "date":
            value, _, same_line_body = value.partition(" ")
            fields["published"] = value
            if same_line_body.strip():
                rest = same_line_body.strip() + ("\n" + remainder if remainder else "")
                break
        else:
            fields[key] = value
        rest = remainder.lstrip()
    return fields, rest.strip()


def read_text(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """One article per plain-text file, with an optional header."""
    fields, body = split_text_header(_decode(stream.read()))
    yield builder.build({**fields, "text": body}, origin)


def read_jsonl(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """One article per JSON line; a broken line becomes a reject and the rest go on."""
    for number, raw_line in enumerate(stream, start=1):
        line_origin = f"{origin}:{number}"
        if not raw_line.strip():
            continue
        try:
            line = raw_line.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            yield Reject(line_origin, RejectCode.UNDECODABLE, f"line {number} is not valid UTF-8 ({err.reason})")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            yield Reject(line_origin, RejectCode.MALFORMED_JSON, f"malformed JSON on line {number}: {err.msg}")
            continue
        if not isinstance(record, dict):
            yield Reject(line_origin, RejectCode.MALFORMED_JSON, f"line {number} is not a JSON object")
            continue
        yield builder.build(record, line_origin)


def read_json(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """A JSON file holding one record or an array of records."""
    try:
        data = json.loads(_decode(stream.read()))
    except (json.JSONDecodeError, UnicodeError) as err:
        yield Reject(origin, RejectCode.MALFORMED_JSON, f"malformed JSON: {err}")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        item_origin = f"{origin}:{number}" if isinstance(data, list) else origin
        if isinstance(record, dict):
            yield builder.build(record, item_origin)
        else:
            yield Reject(item_origin, RejectCode.MALFORMED_JSON, "record is not a JSON object")


def read_csv(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """One article per CSV row (delimiter `,` `;` or tab, sniffed from the header)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    head = text.read(8192)
    delimiter = "\t" if origin.endswith(".tsv") else ","
    try:
        delimiter = csv.Sniffer().sniff(head.partition("\n")[0], delimiters=",;\t").delimiter
    except csv.Error:
        pass
    csv.field_size_limit(CSV_FIELD_LIMIT)
    rows = csv.DictReader(_chain(head, text), delimiter=delimiter)
    number = 1
    while True:
        number += 1
        row_origin = f"{origin}:{number}"
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            yield Reject(row_origin, RejectCode.MALFORMED_CSV, f"row {number}: {err}")
            continue
        if None in row:
            yield Reject(row_origin, RejectCode.MALFORMED_CSV,
                         f"row {number} has more fields than the header ({len(rows.fieldnames or [])})")
            continue
        if "text" not in row:
            yield Reject(row_origin, RejectCode.MISSING_FIELD, "no 'text' column in the header")
            continue
        yield builder.build(row, row_origin)


def _chain(head: str, rest: IO[str]) -> Iterator[str]:
    yield from io.StringIO(head + rest.readline())
    yield from rest


def read_html(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """The main text, title and publication date of one HTML page (trafilatura + htmldate)."""
    import trafilatura
    from htmldate import find_date

    html = _decode(stream.read())
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        yield Reject(origin, RejectCode.NO_MAIN_TEXT, "no main text found in the HTML page")
        return
    metadata = trafilatura.extract_metadata(html)
    published = find_date(html, outputformat="%Y-%m-%d", original_date=True, extensive_search=False)
    fields = {
        "text": text,
        "title": metadata.title if metadata else None,
        "source": metadata.sitename if metadata else None,
        "url": metadata.url if metadata else None,
        "published": published,
    }
    yield builder.build(fields, origin)


READERS: dict[str, Reader] = {
    ".txt": read_text, ".text": read_text,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl,
    ".json": read_json,
    ".csv": read_csv, ".tsv": read_csv,
    ".html": read_html, ".htm": read_html,
}


def _sniff_reader(first_bytes: bytes) -> Reader:
    start = first_bytes.lstrip()[:1]
    if start == b"{":
        return read_jsonl
    if start == b"<":
        return read_html
    return read_text


def _files_below(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(directory).parts):
            yield path


def read_inputs(paths: Iterable[str], builder: RecordBuilder, stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every record of every input: files, directories (recursively) or `-` for stdin."""
    for name in paths:
        if name == "-":
            stream = stdin or sys.stdin.buffer
            buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[type-var]
            yield from _sniff_reader(buffered.peek(64))(buffered, "<stdin>", builder)
            continue
        path = Path(name)
        if path.is_dir():
            for file in _files_below(path):
                yield from _read_file(file, builder)
        elif path.exists():
            yield from _read_file(path, builder)
        else:
            yield Reject(name, RejectCode.UNREADABLE, "no such file or directory")


def _read_file(path: Path, builder: RecordBuilder) -> Iterator[Item]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield Reject(str(path), RejectCode.UNKNOWN_FORMAT,
                     f"unknown format {path.suffix or '(no extension)'!r}; expected one of {', '.join(sorted(READERS))}")
        return
    try:
        with path.open("rb") as stream:
            yield from reader(stream, str(path), builder)
    except OSError as err:
        yield Reject(str(path), RejectCode.UNREADABLE, f"cannot read: {err.strerror or err}")
