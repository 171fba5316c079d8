"""Web archives (WARC, WARC.gz), RSS and Atom feeds and sitemaps: each record an Article or a coded Reject."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from lagebild.errors import RejectCode
from lagebild.ingest import RecordBuilder, Reject, read_inputs
from lagebild.ingest.feeds import page_file
from lagebild.model import Article

PARAGRAPHS = [
    "In der Stadt Osch haben am Vormittag mehrere hundert Marktfrauen gegen neue Gebühren für ihre Stände "
    "protestiert. Sie versammelten sich vor dem Rathaus und verlangten ein Gespräch mit dem Bürgermeister.",
    "Die Gebühren sollen sich nach Angaben der Händlerinnen verdreifachen. Viele von ihnen verkaufen seit "
    "Jahrzehnten Obst und Gemüse auf dem Basar und fürchten nun um ihr Einkommen.",
    "Ein Sprecher der Stadtverwaltung sagte am Nachmittag, man werde die Pläne noch einmal prüfen. Eine "
    "Entscheidung solle bis zum Ende des Monats fallen, bis dahin gälten die alten Gebühren weiter.",
]


def page(title: str = "Protest auf dem Basar", paragraphs: list[str] = PARAGRAPHS) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode()


def read(paths, settings) -> list[Article | Reject]:
    return list(read_inputs([str(p) for p in paths], RecordBuilder(settings)))


def warc(path: Path, gzip: bool, broken_tail: bool = False) -> Path:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))

    def response(url: str, status: str, kind: str, payload: bytes, date: str) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers,
                                           warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)

    response("https://example.org/osch", "200 OK", "text/html; charset=utf-8", page(), "2023-04-02T07:30:00Z")
    writer.write_record(writer.create_warc_record("https://example.org/osch", "request",
                                                  payload=io.BytesIO(b"GET /osch HTTP/1.1\r\n\r\n")))
    response("https://example.org/gone", "404 Not Found", "text/html", b"<html>gone</html>", "2023-04-02T07:31:00Z")
    response("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG....", "2023-04-02T07:32:00Z")
    response("https://example.org/empty", "200 OK", "text/html", b"<html><body></body></html>", "2023-04-02T07:33:00Z")
    data = buffer.getvalue()
    if broken_tail:
        data += b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nshort" if not gzip else \
            b"\x1f\x8b\x08\x00garbage that is not gzip"
    path.write_bytes(data)
    return path


def test_warc_html_responses_become_articles_with_warc_date_and_target_url(tmp_path, settings):
    for name, gz in (("news.warc", False), ("news.warc.gz", True)):
        items = read([warc(tmp_path / name, gz)], settings)
        [article] = [i for i in items if isinstance(i, Article)]
        assert article.url == "https://example.org/osch"
        assert article.published is not None and article.published.earliest.isoformat() == "2023-04-02"
        assert "Marktfrauen" in article.text and article.title == "Protest auf dem Basar"
        codes = sorted(i.code for i in items if isinstance(i, Reject))
        assert codes == [RejectCode.NO_MAIN_TEXT, RejectCode.NOT_A_PAGE, RejectCode.NOT_A_PAGE]
        assert all("example.org" in i.origin for i in items if isinstance(i, Reject))


def test_a_broken_warc_record_is_a_coded_reject_after_the_good_ones(tmp_path, settings):
    for name, gz in (("broken.warc", False), ("broken.warc.gz", True)):
        items = read([warc(tmp_path / name, gz, broken_tail=True)], settings)
        assert sum(isinstance(i, Article) for i in items) == 1
        assert isinstance(items[-1], Reject) and items[-1].code is RejectCode.BROKEN_RECORD
        assert "broken WARC record" in items[-1].reason


def test_a_gz_file_that_is_not_a_warc_is_rejected(tmp_path, settings):
    (tmp_path / "x.txt.gz").write_bytes(b"\x1f\x8b")
    [reject] = read([tmp_path / "x.txt.gz"], settings)
    assert reject.code is RejectCode.UNKNOWN_FORMAT


def rss(entries: str, title: str = "Basar-Nachrichten") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
            f"<link>https://example.org/</link><description>x</description>{entries}</channel></rss>")


def item(link: str, content: str | None = None, date: str = "Sun, 02 Apr 2023 08:00:00 +0000") -> str:
    body = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else \
        "<description>Kurz: Protest in Osch.</description>"
    return f"<item><title>Protest</title><link>{link}</link><pubDate>{date}</pubDate>{body}</item>"


def test_rss_entries_with_full_text_local_pages_fetched_pages_and_rejects(tmp_path, settings):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "osch.html").write_bytes(page())
    fetched = page_file(tmp_path, "https://example.org/fetched")
    fetched.parent.mkdir()
    fetched.write_bytes(page("Gebühren", PARAGRAPHS[1:] + PARAGRAPHS[:1]))
    full = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    feed = tmp_path / "feed.rss"
    feed.write_text(rss(item("https://example.org/full", full) + item("pages/osch.html")
                        + item("https://example.org/fetched") + item("https://example.org/remote")
                        + "<item><title>leer</title></item>"), encoding="utf-8")
    items = read([feed], settings)
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [a.url for a in articles] == ["https://example.org/full", "pages/osch.html", "https://example.org/fetched"]
    assert all(a.published.earliest.isoformat() == "2023-04-02" for a in articles)  # type: ignore[union-attr]
    assert all(a.source == "Basar-Nachrichten" for a in articles)
    assert articles[0].text.split("\n")[0] == PARAGRAPHS[0]  # paragraphs kept apart
    assert "Marktfrauen" in articles[1].text and "Die Gebühren sollen" in articles[2].text
    assert [(r.code, r.origin.split("#")[1][:1]) for r in rejects] == [
        (RejectCode.NO_FULL_TEXT, "4"), (RejectCode.BROKEN_RECORD, "5")]
    assert "lagebild fetch" in rejects[0].reason


def test_atom_feed_and_a_broken_feed(tmp_path, settings):
    full = "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in PARAGRAPHS)
    atom = tmp_path / "feed.atom"
    atom.write_text('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                    "<title>Atom-Ticker</title><id>urn:x</id><updated>2023-04-03T00:00:00Z</updated>"
                    "<entry><title>Osch</title><id>urn:1</id><link href='https://example.org/a'/>"
                    f"<updated>2023-04-03T09:00:00Z</updated><content type='html'>{full}</content></entry></feed>",
                    encoding="utf-8")
    broken = tmp_path / "broken.rss"
    broken.write_text("this is no feed <<<", encoding="utf-8")
    [article, reject] = read([atom, broken], settings)
    assert isinstance(article, Article) and article.published.earliest.isoformat() == "2023-04-03"  # type: ignore
    assert article.source == "Atom-Ticker" and article.url == "https://example.org/a"
    assert isinstance(reject, Reject) and reject.code is RejectCode.BROKEN_RECORD


def test_sitemap_reads_linked_pages_dated_by_lastmod(tmp_path, settings):
    (tmp_path / "osch.html").write_bytes(page())
    sitemap = tmp_path / "sitemap.xml"
    sitemap.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                       "<url><loc>osch.html</loc><lastmod>2023-04-05</lastmod></url>"
                       "<url><loc>https://example.org/elsewhere</loc></url><url></url></urlset>", encoding="utf-8")
    article, missing, empty = read([sitemap], settings)
    assert isinstance(article, Article) and article.published.earliest.isoformat() == "2023-04-05"  # type: ignore
    assert (missing.code, empty.code) == (RejectCode.NO_FULL_TEXT, RejectCode.BROKEN_RECORD)  # type: ignore
