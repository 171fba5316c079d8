"""RSS and Atom feeds (feedparser) and XML sitemaps: each entry becomes an article.

An entry's text is the full text the feed carries (`content`); a summary alone is a teaser, not the article.
Without full text the entry's linked page is read instead, when it is a local file (a `file:` URL or a path
relative to the feed) or was saved by `lagebild fetch` into `.pages/` beside the feed. An entry that gives
neither is a reject that says to run `lagebild fetch`; so is an entry with no link and no text.
Sitemap entries (`<url><loc>`) are always read from their linked page, dated by `<lastmod>`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlparse

from ..errors import RejectCode
from ..model import Article
from .base import RecordBuilder, Reject
from .pages import html_text, page_fields

PAGES_DIR = ".pages"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page_file(feed_dir: Path, url: str) -> Path:
    """Where `lagebild fetch` keeps the page of `url`, beside the feed that links to it."""
    return feed_dir / PAGES_DIR / (hashlib.blake2b(url.encode(), digest_size=12).hexdigest() + ".html")


def local_page(feed_dir: Path, link: str) -> Path | None:
    """The local file holding a linked page: a file: URL, a path relative to the feed, or a fetched copy."""
    parsed = urlparse(link)
    candidates = []
    if parsed.scheme == "file":
        candidates.append(Path(unquote(parsed.path)))
    elif not parsed.scheme and link:
        candidates.append(feed_dir / unquote(parsed.path))
    candidates.append(page_file(feed_dir, link))
    return next((path for path in candidates if path.is_file()), None)


def _day(parsed: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def read_xml(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Article | Reject]:
    """A feed (RSS, Atom, RDF) or a sitemap, told apart by the root element."""
    data = stream.read()
    head = data[:2048].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        yield from _sitemap(data, origin, builder)
    else:
        yield from read_feed_bytes(data, origin, builder)


def read_feed(stream: IO[bytes], origin: str, builder: RecordBuilder) -> Iterator[Article | Reject]:
    """One article per feed entry."""
    yield from read_feed_bytes(stream.read(), origin, builder)


def read_feed_bytes(data: bytes, origin: str, builder: RecordBuilder) -> Iterator[Article | Reject]:
    """One article per entry of the feed in `data`."""
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        if parsed.get("bozo") or not parsed.get("version"):
            yield Reject(origin, RejectCode.BROKEN_RECORD, f"not a readable RSS or Atom feed{problem}")
        return
    outlet = parsed.feed.get("title")
    feed_dir = Path(origin).parent
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry(entry, f"{origin}#{number}", feed_dir, outlet, builder)


def _entry(entry: Any, origin: str, feed_dir: Path, outlet: str | None, builder: RecordBuilder) -> Article | Reject:
    link = entry.get("link") or ""
    where = f"{origin} ({link})" if link else origin
    published = _day(entry.get("published_parsed") or entry.get("updated_parsed"))
    text = "\n".join(filter(None, (html_text(c.get("value") or "") for c in entry.get("content") or [])))
    fields: dict[str, Any] = {"title": entry.get("title"), "source": outlet, "url": link or None}
    if not text:
        if not link:
            return Reject(where, RejectCode.BROKEN_RECORD, "feed entry with neither full text nor a link")
        page = local_page(feed_dir, link)
        if page is None:
            return Reject(where, RejectCode.NO_FULL_TEXT, "the feed carries no full text and the linked page is "
                                                          "not here: run `lagebild fetch` on the feed first")
        from_page = page_fields(page.read_bytes(), url=link)
        if from_page is None:
            return Reject(where, RejectCode.NO_MAIN_TEXT, f"no main text in the linked page {page}")
        text = from_page["text"]
        fields["title"] = fields["title"] or from_page["title"]
        published = published or from_page["published"]
    return builder.build({**fields, "text": text, "published": published}, where)


def sitemap_urls(data: bytes) -> list[tuple[str, str | None]]:
    """The (loc, lastmod) pairs of a sitemap."""
    from lxml import etree

    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    found = []
    for url in root.iter(f"{SITEMAP_NS}url", "url"):
        loc = url.findtext(f"{SITEMAP_NS}loc") or url.findtext("loc")
        lastmod = url.findtext(f"{SITEMAP_NS}lastmod") or url.findtext("lastmod")
        found.append(((loc or "").strip(), (lastmod or "").strip()[:10] or None))
    return found


def _sitemap(data: bytes, origin: str, builder: RecordBuilder) -> Iterator[Article | Reject]:
    from lxml import etree

    try:
        urls = sitemap_urls(data)
    except etree.XMLSyntaxError as err:
        yield Reject(origin, RejectCode.BROKEN_RECORD, f"not a readable sitemap: {err}")
        return
    feed_dir = Path(origin).parent
    for number, (loc, lastmod) in enumerate(urls, start=1):
        where = f"{origin}#{number} ({loc})" if loc else f"{origin}#{number}"
        page = local_page(feed_dir, loc) if loc else None
        if page is None:
            yield Reject(where, RejectCode.NO_FULL_TEXT if loc else RejectCode.BROKEN_RECORD,
                         "the linked page is not here: run `lagebild fetch` on the sitemap first" if loc
                         else "sitemap entry without <loc>")
            continue
        fields = page_fields(page.read_bytes(), url=loc)
        if fields is None:
            yield Reject(where, RejectCode.NO_MAIN_TEXT, f"no main text in the linked page {page}")
            continue
        yield builder.build({**fields, "url": loc, "published": lastmod or fields["published"]}, where)
