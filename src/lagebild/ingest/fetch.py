"""`lagebild fetch`: save feeds or sitemaps, and the pages their entries link to, for offline reading.

The only part of lagebild that goes to the network, and only when asked. Each feed is saved as a file in the
output folder; each linked page of an entry without full text is saved under `.pages/` beside it, where the
feed reader looks for it (`feeds.page_file`). Pages already saved are not fetched again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

from .feeds import page_file, sitemap_urls

USER_AGENT = "lagebild-fetch (+https://github.com/lagebild)"
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Fetched:
    """What one fetch run saved, and what it could not get."""

    feeds: list[Path] = field(default_factory=list)
    pages: int = 0
    known: int = 0
    failed: list[str] = field(default_factory=list)


def feed_name(source: str) -> str:
    """A stable file name for a feed: its last path part (or host) and a short hash of the address."""
    parsed = urlparse(source)
    stem = SAFE_NAME.sub("-", Path(parsed.path).stem or parsed.netloc or "feed").strip("-")[:40] or "feed"
    suffix = Path(parsed.path).suffix.lower()
    suffix = suffix if suffix in (".rss", ".atom", ".xml") else ".xml"
    return f"{stem}-{hashlib.blake2b(source.encode(), digest_size=4).hexdigest()}{suffix}"


def _get(client: httpx.Client, source: str) -> bytes:
    if urlparse(source).scheme in ("http", "https"):
        response = client.get(source)
        response.raise_for_status()
        return response.content
    return Path(source).read_bytes()


def links_without_text(data: bytes) -> list[str]:
    """The web links of a feed's entries that carry no full text, or of a sitemap's entries."""
    head = data[:2048].lower()
    if b"<urlset" in head:
        links = [loc for loc, _ in sitemap_urls(data)]
    else:
        import feedparser

        links = [e.get("link") or "" for e in feedparser.parse(data).entries if not e.get("content")]
    return [link for link in links if urlparse(link).scheme in ("http", "https")]


def fetch(sources: list[str], out: Path, client: httpx.Client | None = None) -> Fetched:
    """Save each feed (URL or file) into `out`, and the pages its entries link to into `out/.pages/`."""
    out.mkdir(parents=True, exist_ok=True)
    own = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=30, headers={"User-Agent": USER_AGENT})
    done = Fetched()
    try:
        for source in sources:
            try:
                data = _get(client, source)
            except (httpx.HTTPError, OSError) as err:
                done.failed.append(f"{source}: {err}")
                continue
            target = out / feed_name(source)
            target.write_bytes(data)
            done.feeds.append(target)
            try:
                links = links_without_text(data)
            except Exception as err:  # noqa: BLE001  a broken feed is the reader's reject, not a crash here
                done.failed.append(f"{source}: {err}")
                continue
            for link in links:
                saved = page_file(out, link)
                if saved.exists():
                    done.known += 1
                    continue
                try:
                    page = _get(client, link)
                except httpx.HTTPError as err:
                    done.failed.append(f"{link}: {err}")
                    continue
                saved.parent.mkdir(exist_ok=True)
                saved.write_bytes(page)
                done.pages += 1
    finally:
        if own:
            client.close()
    return done
