"""Readers: every input record ends as an Article or a Reject with its reason."""

from __future__ import annotations

import io
import json
from pathlib import Path

from lagebild.errors import RejectCode
from lagebild.ingest import RecordBuilder, Reject, read_inputs
from lagebild.ingest.readers import split_text_header
from lagebild.model import Article


def read(paths, settings, stdin=None):
    return list(read_inputs([str(p) for p in paths], RecordBuilder(settings), stdin=stdin))


def test_header_date_with_body_on_the_same_line():
    fields, body = split_text_header(" date 2023-03 In Bischkek haben Tausende demonstriert.\n\nZweiter Absatz.")
    assert fields == {"published": "2023-03"}
    assert body == "In Bischkek haben Tausende demonstriert.\n\nZweiter Absatz."


def test_header_keys_on_their_own_lines():
    fields, body = split_text_header("date 2023-03-18\nsource Steppenkurier\ntitle Lage in Osch\n\nText beginnt hier.")
    assert fields == {"published": "2023-03-18", "source": "Steppenkurier", "title": "Lage in Osch"}
    assert body == "Text beginnt hier."


def test_text_without_header_is_all_body():
    fields, body = split_text_header("Die Polizei meldete am Montag 45 Festnahmen.")
    assert fields == {} and body.startswith("Die Polizei")


def test_text_file_becomes_article_with_partial_date(tmp_path, settings):
    path = tmp_path / "a.txt"
    path.write_text("date 2023-03 In Bischkek haben am Freitag Tausende Menschen gegen die Regierung demonstriert.",
                    encoding="utf-8")
    [article] = read([path], settings)
    assert isinstance(article, Article)
    assert article.lang == "de"
    assert article.text.startswith("In Bischkek")
    assert article.published.granularity == "month"
    assert str(article.published.latest) == "2023-03-31"


def test_jsonl_with_one_broken_line_among_many(tmp_path, settings):
    path = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": f"Meldung Nummer {i} über Proteste in Osch.", "lang": "de"})
             for i in range(1000)]
    lines[500] = '{"id": "broken", "text": "unterbrochen'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read([path], settings)
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(items) == 1000
    assert len(rejects) == 1
    assert rejects[0].code is RejectCode.MALFORMED_JSON and rejects[0].origin.endswith(":501")


def test_jsonl_rejects_say_why(tmp_path, settings):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": ""}\n[1, 2]\n{"text": "Gut", "published": "bald"}\n'
                     b'{"text": "ok \xff kaputt"}\n{"text": "Bonjour", "lang": "fr"}\n{"text": 5}\n')
    codes = [item.code for item in read([path], settings) if isinstance(item, Reject)]
    assert codes == [RejectCode.EMPTY_TEXT, RejectCode.MALFORMED_JSON, RejectCode.BAD_DATE, RejectCode.UNDECODABLE,
                     RejectCode.UNSUPPORTED_LANGUAGE]
    # {"text": 5}: an integer text is taken as text "5", not lost
    assert isinstance(read([path], settings)[-1], Article)


def test_given_id_is_kept_and_missing_id_is_a_stable_content_hash(tmp_path, settings):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"id": "x-1", "text": "Erste Meldung."}\n{"text": "Zweite Meldung."}\n'
                    '{"text": "Zweite Meldung."}\n', encoding="utf-8")
    first, second, third = read([path], settings)
    assert first.id == "x-1"
    assert second.id == third.id and second.id.startswith("h")


def test_csv_with_semicolons_german_dates_and_a_bad_row(tmp_path, settings):
    path = tmp_path / "reports.csv"
    path.write_text('id;published;title;text\n'
                    'c1;17.03.2023;Proteste;"In Bischkek demonstrierten Tausende; die Polizei griff ein."\n'
                    'c2;2023-03;Leer;\n'
                    'c3;2023;Zu viel;Text;Überzählig\n', encoding="utf-8")
    items = read([path], settings)
    assert isinstance(items[0], Article) and items[0].published.value == "2023-03-17"
    assert "die Polizei griff ein" in items[0].text
    assert [i.code for i in items[1:]] == [RejectCode.EMPTY_TEXT, RejectCode.MALFORMED_CSV]


def test_csv_without_text_column_rejects_each_row(tmp_path, settings):
    path = tmp_path / "notext.csv"
    path.write_text("id,body\n1,Hallo\n2,Welt\n", encoding="utf-8")
    items = read([path], settings)
    assert [i.code for i in items] == [RejectCode.MISSING_FIELD] * 2


def test_html_main_text_title_and_date(tmp_path, settings):
    html = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Ausgangssperre verlängert</title>
    <meta property="article:published_time" content="2023-03-22T08:00:00+06:00"></head><body>
    <nav><a href="/">Start</a> <a href="/welt">Welt</a></nav><article><h1>Ausgangssperre verlängert</h1>
    <p>Die Regierung in Bischkek hat die nächtliche Ausgangssperre um eine weitere Woche verlängert. Das teilte
    ein Sprecher des Präsidialamts am Mittwoch mit.</p><p>In Osch wurde die Sperre dagegen gelockert, weil es dort
    seit Tagen ruhig geblieben sei, hieß es weiter.</p></article><footer>Impressum</footer></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    [article] = read([path], settings)
    assert isinstance(article, Article)
    assert "Ausgangssperre um eine weitere Woche" in article.text
    assert "Impressum" not in article.text
    assert article.published.value == "2023-03-22"
    assert article.lang == "de"


def test_html_without_main_text_is_rejected(tmp_path, settings):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body></body></html>", encoding="utf-8")
    [item] = read([path], settings)
    assert isinstance(item, Reject) and item.code is RejectCode.NO_MAIN_TEXT


def test_directories_unknown_formats_missing_paths_and_undecodable_text(tmp_path, settings):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "one.txt").write_text("date 2023-03-20 Die Lage in Osch blieb ruhig.", encoding="utf-8")
    (tmp_path / "d" / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "d" / "latin1.txt").write_bytes("Die Straße war gesperrt.".encode("latin-1"))
    items = read([tmp_path / "d", tmp_path / "missing.txt"], settings)
    by_origin = {Path(i.origin).name if isinstance(i, Reject) else "article": i for i in items}
    assert isinstance(by_origin["article"], Article)
    assert by_origin["notes.docx"].code is RejectCode.UNKNOWN_FORMAT
    assert by_origin["latin1.txt"].code is RejectCode.UNDECODABLE
    assert by_origin["missing.txt"].code is RejectCode.UNREADABLE


def test_stdin_is_sniffed(settings):
    jsonl = io.BufferedReader(io.BytesIO(b'{"text": "Thousands protested in Bishkek on Friday."}\n'))
    [article] = read(["-"], settings, stdin=jsonl)
    assert article.lang == "en"
    text = io.BufferedReader(io.BytesIO(b"date 2023-03 Am Freitag wurde demonstriert."))
    [article] = read(["-"], settings, stdin=text)
    assert article.published.value == "2023-03"
