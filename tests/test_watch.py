"""`lagebild fetch` and `lagebild watch` against a feed server started here on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from lagebild.config import Settings
from lagebild.errors import BadOption
from lagebild.ingest import RecordBuilder, read_inputs
from lagebild.ingest.readers import split_text_header
from lagebild.model import Article
from lagebild.views.watch import parse_every

EXAMPLES = files("lagebild") / "examples"
DAYS = {"01": "2023-03-17"}


def example(name: str) -> tuple[str, str, datetime]:
    fields, body = split_text_header((EXAMPLES / name).read_text(encoding="utf-8"))
    day = DAYS.get(name[:2], fields["published"])
    return fields["title"], body, datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def rss(items: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Steppenticker</title>'
            f"<link>http://127.0.0.1/</link><description>test</description>{''.join(items)}</channel></rss>").encode()


def wire(n: int) -> tuple[str, str, datetime]:
    """The n-th record of the bundled wire file."""
    record = json.loads((EXAMPLES / "07-mixed-wire.jsonl").read_text(encoding="utf-8").splitlines()[n])
    return record["title"], record["text"], datetime.fromisoformat(record["published"]).replace(tzinfo=UTC)


def item(name: str | int, link: str, full: bool = True) -> str:
    title, body, when = wire(name) if isinstance(name, int) else example(name)
    content = f"<content:encoded>{escape(''.join(f'<p>{p}</p>' for p in body.split(chr(10)) if p))}</content:encoded>"
    return (f"<item><title>{escape(title)}</title><link>{link}</link><pubDate>{format_datetime(when)}</pubDate>"
            f"{content if full else '<description>Kurzmeldung</description>'}</item>")


class FeedServer:
    """Serves /feed.rss (the next version on each request, the last one from then on) and /page.html."""

    def __init__(self, versions: list[bytes], page: bytes) -> None:
        self.versions, self.page, self.requests = versions, page, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append(self.path)
                if self.path == "/feed.rss":
                    body = server.versions[min(server.requests.count("/feed.rss"), len(server.versions)) - 1]
                elif self.path == "/page.html":
                    body = server.page
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    title, body, _ = example("03-de-polizisten-gestorben.txt")
    page = ("<html lang='de'><head><meta charset='utf-8'><title>" + title + "</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in body.split("\n") if p) + "</article></body></html>").encode()
    first = [item("01-de-proteste-bischkek.txt", "http://x/1"), item("02-de-staatsradio-tote.txt", "http://x/2"),
             item("04-en-death-toll.txt", "http://x/4")]
    feed = FeedServer([], page)
    second = first + [item(0, "http://x/osch"),  # the police's count of arrests, far below the others
                      item("03-de-polizisten-gestorben.txt", f"{feed.url}/page.html", full=False)]
    feed.versions = [rss(first), rss(second)]
    yield feed
    feed.close()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("lagebild")), *args], capture_output=True, text=True,
                          timeout=600, check=False)


def test_watch_polls_a_local_feed_and_prints_new_clusters_then_new_conflicts(server, tmp_path):
    db = tmp_path / "watch.duckdb"
    done = run("watch", f"{server.url}/feed.rss", "--db", str(db), "--every", "0.1s", "--max-polls", "3",
               "--dir", str(tmp_path / "feeds"))
    assert done.returncode == 0, done.stderr
    polls = done.stdout.split("poll ")[1:]
    assert [p.split(":")[0] for p in polls] == ["1", "2", "3"]
    assert polls[0].startswith("1: 3 new articles, 0 unchanged, 0 rejected, 0 pages fetched")
    assert "new cluster PROTEST in Bishkek" in polls[0] and "1 independent source(s)" in polls[0]
    assert "new conflict" not in polls[0]
    assert polls[1].startswith("2: 2 new articles, 3 unchanged, 0 rejected, 1 pages fetched")  # the linked page
    conflict = [line for line in polls[1].splitlines() if line.startswith("new conflict")]
    assert conflict and all("arrested" in line and "45 Menschen (die polizei)" in line for line in conflict)
    assert polls[2].strip() == "3: 0 new articles, 5 unchanged, 0 rejected, 0 pages fetched"  # nothing new: silent
    assert server.requests.count("/page.html") == 1  # fetched once, kept under .pages/


def test_fetch_saves_the_feed_and_its_linked_pages(server, tmp_path):
    server.versions = server.versions[1:]
    done = run("fetch", f"{server.url}/feed.rss", f"{server.url}/missing.rss", "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "not fetched" in done.stderr and "404" in done.stderr
    saved = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert len(saved) == 2 and saved[0].startswith(".pages/") and saved[1].startswith("feed-")
    read = list(read_inputs([str(tmp_path / "out")], RecordBuilder(Settings())))  # offline from here on
    assert len(read) == 5 and all(isinstance(a, Article) for a in read)
    assert "Polizisten" in read[-1].text  # type: ignore[union-attr]  (the fetched page)


def test_every_reads_seconds_minutes_hours():
    assert (parse_every("10m"), parse_every("30s"), parse_every("1h"), parse_every("2")) == (600, 30, 3600, 2)
    with pytest.raises(BadOption):
        parse_every("soon")
