"""The fields of one HTML page (main text, title, site, date), shared by the WARC and feed readers."""

from __future__ import annotations

from typing import Any


def page_fields(html: str | bytes, url: str | None = None) -> dict[str, Any] | None:
    """Main text, title, site name, url and page date of an HTML page (trafilatura + htmldate); None if no text."""
    import trafilatura
    from htmldate import find_date

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        return None
    metadata = trafilatura.extract_metadata(html, default_url=url)
    try:
        published = find_date(html, outputformat="%Y-%m-%d", original_date=True, extensive_search=False)
    except (ValueError, TypeError):
        published = None
    return {"text": text, "title": metadata.title if metadata else None,
            "source": metadata.sitename if metadata else None, "url": (metadata.url if metadata else None) or url,
            "published": published}


def html_text(fragment: str) -> str:
    """The plain text of an HTML fragment (a feed entry's content), paragraphs kept apart."""
    import lxml.html

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(fragment)
    except (ValueError, lxml.etree.ParserError):
        return ""
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3", "h4"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
