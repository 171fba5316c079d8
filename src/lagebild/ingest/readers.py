"""Format readers. Each yields one Article or Reject per input record, streaming where the format allows."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import RejectCode
from ..model import Article
from .base import RecordBuilder, Reject
from .feeds import read_feed, read_xml
from .warc import read_warc

Item = Article | Reject
Reader = Callable[[IO[bytes], str, RecordBuilder], Iterator[Item]]

HEADER_LINE = re.compile(r"^(?P<key>date|source|title|url|lang)(?:[ \t]*:[ \t]*|[ \t]+)(?P<value>.*)$")
CSV_FIELD_LIMIT = 10_000_000
# Records are flat objects; deeper JSON is refused before Python's parser would hit its recursion limit.
MAX_JSON_DEPTH = 100
JSON_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def display_path(path: Path | str) -> str:
    """A path as printable UTF-8: bytes of a file name that are not UTF-8 are shown as escapes."""
    name = str(path)
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return ascii(name)[1:-1]


def _json_depth(text: str) -> int:
    depth = deepest = 0
    for match in JSON_BRACKETS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, origin: str, where: str) -> Any:
    """The parsed JSON value, or a Reject saying why not (malformed, nested too deep, a number too long)."""
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _json_depth(text) > MAX_JSON_DEPTH:
        return Reject(origin, RejectCode.TOO_LARGE, f"JSON nested more than {MAX_JSON_DEPTH} levels deep {where}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        return Reject(origin, RejectCode.MALFORMED_JSON, f"malformed JSON {where}: {err.msg}")
    except RecursionError:
        return Reject(origin, RejectCode.TOO_LARGE, f"JSON nested too deeply to parse {where}")
    except ValueError as err:  # an integer of more than sys.get_int_max_str_digits() digits
        return Reject(origin, RejectCode.TOO_LARGE, f"a number too long {where}: {str(err).partition(';')[0]}")


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
        record = parse_json(line, line_origin, f"on line {number}")
        if isinstance(record, Reject):
            yield record
            continue
        if not isinstance(record, dict):
            yield Reject(line_origin, RejectCode.MALFORMED_JSON, f"line {number} is not a JSON object")
            continue
        yield builder.build(record, line_origin)


def read_json(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """A JSON file holding one record or an array of records."""
    data = parse_json(_decode(stream.read()), origin, "in the file")
    if isinstance(data, Reject):
        yield data
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        item_origin = f"{origin}:{number}" if isinstance(data, list) else origin
        if isinstance(record, dict):
            yield builder.build(record, item_origin)
        else:
            yield Reject(item_origin, RejectCode.MALFORMED_JSON, "record is not a JSON object")


class _Lines:
    """Physical lines for the csv reader, numbered, with a way to read some of them again."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = enumerate(lines, start=1)
        self.pending: deque[tuple[int, str]] = deque()
        self.record: list[tuple[int, str]] = []  # the lines of the row being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        numbered = self.pending.popleft() if self.pending else next(self._lines)
        self.record.append(numbered)
        return numbered[1]


def read_csv(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """One article per CSV row (delimiter `,` `;` or tab, sniffed from the header); a broken row is a reject.

    An unterminated quote would swallow every line after it: its row is rejected and the next lines read again.
    """
    csv.field_size_limit(CSV_FIELD_LIMIT)
    lines = _Lines(io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline=""))
    first = next(lines, None)
    if first is None:
        return
    delimiter = "\t" if origin.endswith(".tsv") else ","
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        pass
    lines.pending.append(lines.record.pop())
    rows = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    while True:
        lines.record = []
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            start = lines.record[0][0] if lines.record else 0
            yield Reject(f"{origin}:{start}", RejectCode.MALFORMED_CSV,
                         f"{'header' if header is None else 'row'} on line {start}: {err}")
            if len(lines.record) > 1:  # the broken row ran on over later lines: read them again as rows
                lines.pending.extendleft(reversed(lines.record[1:]))
                rows = csv.reader(lines, delimiter=delimiter, strict=True)
            continue
        start = lines.record[0][0]
        if not row:
            continue
        if header is None:
            header = row
            continue
        row_origin = f"{origin}:{start}"
        if len(row) != len(header):
            yield Reject(row_origin, RejectCode.MALFORMED_CSV,
                         f"row on line {start} has {len(row)} fields; the header has {len(header)}")
        elif "text" not in header:
            yield Reject(row_origin, RejectCode.MISSING_FIELD, "no 'text' column in the header")
        else:
            yield builder.build(dict(zip(header, row)), row_origin)


def read_html(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """The main text, title and publication date of one HTML page (trafilatura + htmldate)."""
    import trafilatura
    from htmldate import find_date

    html = _decode(stream.read())
    try:  # the page is parsed by lxml inside these libraries; a page they choke on is one reject, not a lost run
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
        metadata = trafilatura.extract_metadata(html) if text else None
        published = find_date(html, outputformat="%Y-%m-%d", original_date=True, extensive_search=False) \
            if text else None
    except Exception as err:  # noqa: BLE001
        yield Reject(origin, RejectCode.NO_MAIN_TEXT, f"the HTML page could not be read ({type(err).__name__}: {err})")
        return
    if not text:
        yield Reject(origin, RejectCode.NO_MAIN_TEXT, "no main text found in the HTML page")
        return
    fields = {
        "text": text,
        "title": metadata.title if metadata else None,
        "source": metadata.sitename if metadata else None,
        "url": metadata.url if metadata else None,
        "published": published,
    }
    yield builder.build(fields, origin)


def read_gz(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Item]:
    """Gzip-compressed input: WARC.gz only."""
    if origin.lower().endswith(".warc.gz"):
        yield from read_warc(stream, origin, builder)
    else:
        yield Reject(origin, RejectCode.UNKNOWN_FORMAT, "unknown format '.gz'; only .warc.gz is read compressed")


READERS: dict[str, Reader] = {
    ".txt": read_text, ".text": read_text,
    ".jsonl": read_jsonl, ".ndjson": read_jsonl,
    ".json": read_json,
    ".csv": read_csv, ".tsv": read_csv,
    ".html": read_html, ".htm": read_html,
    ".warc": read_warc, ".gz": read_gz,
    ".rss": read_feed, ".atom": read_feed, ".xml": read_xml,
}


def _sniff_reader(first_bytes: bytes) -> Reader:
    if first_bytes.startswith((b"WARC/", b"\x1f\x8b")):
        return read_warc
    start = first_bytes.lstrip()[:1]
    if start == b"{":
        return read_jsonl
    if start == b"[":
        return read_json
    if start == b"<":
        return read_html
    return read_text


def _not_a_file(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return f"not a regular file but {kind}"
    return "not a regular file"


def _stat_reject(path: Path, err: OSError) -> Reject:
    if err.errno == errno.ELOOP:
        reason = "symbolic link loop"
    elif err.errno == errno.ENOENT and path.is_symlink():
        reason = f"dangling symbolic link to {display_path(os.readlink(path))}"
    else:
        reason = f"cannot read: {err.strerror or err}"
    return Reject(display_path(path), RejectCode.UNREADABLE, reason)


def _walk(directory: Path, seen: set[tuple[int, int]]) -> Iterator[Path | Reject]:
    """The regular files below a directory, in name order; everything else it holds becomes a reject."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as err:
        yield Reject(display_path(directory), RejectCode.UNREADABLE,
                     f"cannot read the directory: {err.strerror or err}")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            yield Reject(display_path(path), RejectCode.HIDDEN, "hidden file or directory skipped; name it to read it")
            continue
        try:
            info = path.stat()
        except OSError as err:
            yield _stat_reject(path, err)
            continue
        if stat.S_ISDIR(info.st_mode):
            if (info.st_dev, info.st_ino) in seen:
                yield Reject(display_path(path), RejectCode.UNREADABLE,
                             "directory already read (a symbolic link loop or a second link to it)")
                continue
            seen.add((info.st_dev, info.st_ino))
            yield from _walk(path, seen)
        elif stat.S_ISREG(info.st_mode):
            yield path
        else:
            yield Reject(display_path(path), RejectCode.NOT_A_FILE, _not_a_file(info.st_mode))


def read_inputs(paths: Iterable[str], builder: RecordBuilder, stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every record of every input: files, directories (recursively) or `-` for stdin."""
    for name in paths:
        if name == "-":
            stream = stdin or sys.stdin.buffer
            buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[type-var]
            reader = _sniff_reader(buffered.peek(64))
            yield from _counted(reader(buffered, "<stdin>", builder), "<stdin>")
            continue
        path = Path(name)
        try:
            info = path.stat()
        except OSError as err:
            yield _stat_reject(path, err) if err.errno != errno.ENOENT or path.is_symlink() else \
                Reject(display_path(path), RejectCode.UNREADABLE, "no such file or directory")
            continue
        if stat.S_ISDIR(info.st_mode):
            for found in _walk(path, {(info.st_dev, info.st_ino)}):
                yield from (_read_file(found, builder) if isinstance(found, Path) else (found,))
        elif stat.S_ISREG(info.st_mode):
            yield from _read_file(path, builder)
        else:  # a FIFO would block the run on open
            yield Reject(display_path(path), RejectCode.NOT_A_FILE, _not_a_file(info.st_mode))


def _counted(items: Iterator[Item], origin: str) -> Iterator[Item]:
    """The items of one input, or a reject saying it held no record at all."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield Reject(origin, RejectCode.NO_RECORDS, "no records in the input (empty, blank or a header only)")


def _read_file(path: Path, builder: RecordBuilder) -> Iterator[Item]:
    origin = display_path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield Reject(origin, RejectCode.UNKNOWN_FORMAT,
                     f"unknown format {display_path(path.suffix) or '(no extension)'!r}; "
                     f"expected one of {', '.join(sorted(READERS))}")
        return
    try:
        with path.open("rb") as stream:
            yield from _counted(reader(stream, origin, builder), origin)
    except OSError as err:
        yield Reject(origin, RejectCode.UNREADABLE, f"cannot read: {err.strerror or err}")
