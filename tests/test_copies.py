"""Wire copies count once: near-duplicates found with MinHash/LSH, linked to their original, one source in fuse.

The reports are our own text. A feed of copies with small edits (another outlet's dateline, a changed verb of
saying, a closing line) is generated here, ingested through the real pipeline, and compared with the clusters
that one copy of each report gives.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from lagebild.config import Settings
from lagebild.fuse.copies import copy_groups, mark_copies, shingles, signature
from lagebild.model import Article
from lagebild.store import Store
from lagebild.views.cli import RejectLog, ingest_paths
from lagebild.views.timeline import render_cluster

REPORTS = [
    ("2023-03-14", "Am 14. März 2023 haben in Bischkek rund 3000 Menschen gegen die geplante Erhöhung der "
     "Strompreise demonstriert. Die Demonstranten zogen vom Ala-Too-Platz zum Regierungsgebäude und forderten "
     "den Rücktritt des Energieministers. Die Polizei sagte, der Protest sei friedlich geblieben. Am Abend "
     "löste sich die Menge auf, nachdem ein Vertreter der Regierung Gespräche zugesagt hatte."),
    ("2023-03-15", "In Osch hat die Polizei am 15. März 2023 vier Journalisten eines unabhängigen Senders "
     "festgenommen. Ihnen wird vorgeworfen, zu Unruhen aufgerufen zu haben. Der Sender sagte, die Vorwürfe "
     "seien haltlos, und verlangte die sofortige Freilassung seiner Mitarbeiter. Die Festgenommenen sollen "
     "nach Angaben ihrer Anwälte bis zum Prozess in Untersuchungshaft bleiben."),
    ("2023-03-16", "Bei einem Angriff auf einen Grenzposten im Süden Kirgistans sind am 16. März 2023 zwei "
     "Soldaten getötet worden. Das Verteidigungsministerium sagte, bewaffnete Männer hätten den Posten in der "
     "Nacht beschossen. Fünf weitere Soldaten wurden verletzt und in ein Krankenhaus in Batken gebracht. Die "
     "Regierung kündigte eine Untersuchung des Vorfalls an und verstärkte die Grenzkontrollen."),
    ("2023-03-17", "In Almaty sind am 17. März 2023 Hunderte Lehrer in einen Streik getreten. Sie verlangen "
     "höhere Löhne und kleinere Klassen. Die Gewerkschaft sagte, an mehr als vierzig Schulen falle der "
     "Unterricht aus. Das Bildungsministerium bot Verhandlungen in der kommenden Woche an, lehnte eine "
     "sofortige Lohnerhöhung aber ab und verwies auf den angespannten Haushalt der Stadt."),
    ("2023-03-18", "Die Regierung Usbekistans hat am 18. März 2023 nach schweren Überschwemmungen im Ferghanatal "
     "rund 2000 Soldaten in die betroffenen Bezirke geschickt. Sie sollen beim Bau von Dämmen helfen und "
     "Bewohner in Sicherheit bringen. Ein Sprecher des Katastrophenschutzes sagte, mehrere Dörfer seien von "
     "der Außenwelt abgeschnitten. Tausende Menschen verbrachten die Nacht in Notunterkünften."),
]
OUTLETS = [f"{town} {paper}" for town in ("Talas", "Naryn", "Karakol", "Tokmok", "Balyktschy", "Kant", "Dschalalabad",
                                           "Isfana", "Kotschkor", "Atbaschy")
           for paper in ("Kurier", "Bote", "Rundschau", "Anzeiger", "Tagblatt", "Nachrichten")]
CLOSINGS = ("", " Weitere Informationen folgen.", " Der Bericht wird aktualisiert.")


def edited(text: str, n: int) -> tuple[str, str]:
    """The n-th wire copy, with small edits (each n its own), and its outlet."""
    outlet = OUTLETS[n % len(OUTLETS)]
    if (n // len(OUTLETS)) % 2:
        text = text.replace(" sagte,", " erklärte,", 1)
    return f"({outlet}) {text}{CLOSINGS[n % len(CLOSINGS)]}", outlet


def feed(path: Path, items: list[tuple[str, str, str, datetime]]) -> Path:
    """An RSS 2.0 feed whose entries carry their full text."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://example.org/{n}</link><guid>item-{n}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate><source>{escape(outlet)}</source>"
        f"<content:encoded>{escape('<p>' + text + '</p>')}</content:encoded></item>"
        for n, (title, text, outlet, when) in enumerate(items))
    path.write_text('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Agenturticker</title>'
                    f"<link>https://example.org/</link><description>synthetic</description>{entries}</channel></rss>",
                    encoding="utf-8")
    return path


def copies_feed(path: Path, copies: int, seed: int = 5) -> Path:
    rng = random.Random(seed)
    items = []
    for n in range(copies):
        day, text = REPORTS[n % len(REPORTS)]
        body, outlet = edited(text, n // len(REPORTS))
        when = datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC) + timedelta(hours=rng.randrange(30))
        items.append((f"Meldung {n}", body, outlet, when))
    return feed(path, items)


def originals_feed(path: Path) -> Path:
    return feed(path, [(f"Bericht {n}", text, "Agentur", datetime.fromisoformat(day).replace(hour=8, tzinfo=UTC))
                       for n, (day, text) in enumerate(REPORTS)])


def ingest(paths: list[Path], db: Path) -> dict[str, int]:
    return ingest_paths([str(p) for p in paths], Settings.from_env(db_path=db), RejectLog(None))


def clusters(db: Path) -> list[dict]:
    with Store(db, read_only=True) as store:
        return store.query("SELECT id, type, mention_count, article_count, sources FROM clusters ORDER BY id")


def test_shingles_and_signatures_see_small_edits_as_near_duplicates():
    _, text = REPORTS[0]
    copy, _ = edited(text, 61)
    assert signature(text).jaccard(signature(copy)) > 0.7
    assert signature(text).jaccard(signature(REPORTS[1][1])) < 0.1
    assert shingles("Eins zwei", 3) == {b"eins zwei"}


def check_copies(tmp_path: Path, copies: int) -> None:
    counts = ingest([copies_feed(tmp_path / "copies.rss", copies)], tmp_path / "copies.duckdb")
    assert counts["stored"] == copies and counts["rejected"] == 0
    ingest([originals_feed(tmp_path / "single.rss")], tmp_path / "single.duckdb")
    single, wire = clusters(tmp_path / "single.duckdb"), clusters(tmp_path / "copies.duckdb")
    with Store(tmp_path / "copies.duckdb", read_only=True) as store:
        groups = copy_groups(store.con)
        texts = dict(store.con.execute("SELECT id, text FROM articles").fetchall())
    assert len(groups) == len(REPORTS)  # one group per report ...
    assert sorted(len(g) + 1 for g in groups.values()) == [copies // len(REPORTS)] * len(REPORTS)  # ... holding all
    for original, members in groups.items():  # and no group mixes two reports
        assert len({next(i for i, (_, t) in enumerate(REPORTS) if t[:60] in texts[a])
                    for a in [original, *members]}) == 1
    assert single and len(wire) <= len(single)
    assert all(c["sources"] == 1 for c in wire)  # each event is reported by one independent source
    assert sum(c["article_count"] for c in wire) >= copies  # ... in many articles
    assert sorted(c["type"] for c in wire) == sorted(c["type"] for c in single)
    with Store(tmp_path / "copies.duckdb", read_only=True) as store:
        biggest = max(wire, key=lambda c: c["article_count"])
        row = store.query("SELECT * FROM clusters WHERE id = ?", [biggest["id"]])[0]
        line = render_cluster(store, row).plain
    assert f"in {biggest['article_count']} articles from 1 independent source," in line


def test_copies_of_five_reports_form_five_groups_and_no_more_clusters(tmp_path):
    check_copies(tmp_path, 60)


@pytest.mark.slow
def test_six_hundred_copies_of_five_reports(tmp_path):
    check_copies(tmp_path, 600)


def test_a_later_batch_links_to_the_stored_original_and_reingest_keeps_the_link(tmp_path):
    _, text = REPORTS[2]
    first = Article(id="orig", lang="de", text=text, published=None)
    again = Article(id="copy", lang="de", text=edited(text, 7)[0], published=None)
    other = Article(id="other", lang="de", text=REPORTS[3][1], published=None)
    with Store(tmp_path / "s.duckdb") as store:
        _write_articles(store, [first])
        assert mark_copies(store.con, ["orig"]) == {"articles": 1, "copies": 0}
        _write_articles(store, [again, other])
        assert mark_copies(store.con, ["copy", "other"]) == {"articles": 2, "copies": 1}
        assert copy_groups(store.con) == {"orig": ["copy"]}
        assert mark_copies(store.con, ["copy"]) == {"articles": 1, "copies": 1}  # idempotent
        assert copy_groups(store.con) == {"orig": ["copy"]}


def _write_articles(store: Store, articles: list[Article]) -> None:
    from lagebild.config import SCHEMA_ID
    from lagebild.model import Report

    store.write([Report.model_validate({"schema": SCHEMA_ID, "article": a, "entities": [], "times": [],
                                        "quantities": [], "quotes": [], "events": [], "claims": []})
                 for a in articles])
