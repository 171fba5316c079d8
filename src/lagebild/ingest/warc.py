"""WARC and WARC.gz: each HTML response record becomes an article (warcio reads the archive, trafilatura the page).

The url is the record's WARC-Target-URI and the publication date its WARC-Date (the day the page was captured,
as Common Crawl's news archive records it). Request, metadata, warcinfo and revisit records are not articles and
are passed over; a response that is not an HTML page with status 200, or that has no main text, is a reject, and
so is a broken record (after which the rest of the file cannot be read: the reject says from which offset).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from ..errors import RejectCode
from ..model import Article
from .base import RecordBuilder, Reject
from .pages import page_fields

SKIPPED_TYPES = frozenset({"warcinfo", "request", "metadata", "revisit", "resource", "conversion", "continuation"})


def read_warc(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Article | Reject]:
    """One article per HTML response record of a WARC or WARC.gz file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(stream, check_digests=False)
    number = 0
    while True:
        number += 1
        try:
            record = next(records)
            if record.rec_type in SKIPPED_TYPES:
                records.read_to_end(record)
                continue
            item = _response(record, f"{origin}#{number}", builder)
        except StopIteration:
            return
        except (ArchiveLoadFailed, Exception) as err:  # noqa: BLE001  warcio fails in many ways on broken bytes
            offset = getattr(records, "offset", None)
            yield Reject(f"{origin}#{number}", RejectCode.BROKEN_RECORD,
                         f"broken WARC record{f' at byte {offset}' if offset is not None else ''}; the rest of the "
                         f"file is not read: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
            return
        yield item


def _response(record, origin: str, builder: RecordBuilder) -> Article | Reject:  # type: ignore[no-untyped-def]
    """An Article from one response record, or a Reject that says why not."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    where = f"{origin} ({url})" if url else origin
    if record.rec_type != "response" or record.http_headers is None:
        return Reject(where, RejectCode.NOT_A_PAGE, f"a WARC {record.rec_type} record without HTTP headers")
    status = record.http_headers.get_statuscode()
    kind = (record.http_headers.get_header("Content-Type") or "").lower()
    if status != "200" or ("html" not in kind and kind):
        return Reject(where, RejectCode.NOT_A_PAGE, f"HTTP status {status}, content type {kind or 'unknown'}: "
                                                    "not an HTML page")
    fields = page_fields(record.content_stream().read(), url=url)
    if fields is None:
        return Reject(where, RejectCode.NO_MAIN_TEXT, "no main text found in the HTML page")
    captured = record.rec_headers.get_header("WARC-Date") or ""
    fields.update(url=url or fields["url"], published=captured[:10] or fields["published"])
    return builder.build(fields, where)
