"""Inputs that used to crash a run or vanish without a trace: each is now a coded reject (issue 14)."""

from __future__ import annotations

import io
import json
import os
import threading
from pathlib import Path

import pytest

from lagebild.errors import RejectCode
from lagebild.ingest import RecordBuilder, Reject, read_inputs
from lagebild.ingest.readers import MAX_JSON_DEPTH
from lagebild.model import Article

GOOD = "Die Polizei nahm in Osch am Montag 45 Demonstranten fest."


def read(paths, settings, stdin=None, lang=None):
    return list(read_inputs([str(p) for p in paths], RecordBuilder(settings, lang), stdin=stdin))


def codes(items):
    return [item.code if isinstance(item, Reject) else "article" for item in items]


def jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_line(i: int) -> str:
    return json.dumps({"id": f"g{i}", "text": f"{GOOD} Meldung {i}.", "lang": "de"})


def test_json_nested_a_thousand_levels_is_a_reject_and_the_neighbours_survive(tmp_path, settings):
    deep = '{"text": "x", "extra": ' + "[" * 1000 + "]" * 1000 + "}"
    path = jsonl(tmp_path / "deep.jsonl", good_line(1), deep, good_line(2))
    items = read([path], settings)
    assert codes(items) == ["article", RejectCode.TOO_LARGE, "article"]
    assert f"more than {MAX_JSON_DEPTH} levels" in items[1].reason
    whole = tmp_path / "deep.json"
    whole.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    assert codes(read([whole], settings)) == [RejectCode.TOO_LARGE]


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path, settings):
    path = jsonl(tmp_path / "brackets.jsonl", json.dumps({"text": GOOD + " [" * 300, "lang": "de"}))
    assert codes(read([path], settings)) == ["article"]


def test_an_integer_of_more_than_4300_digits_is_a_reject(tmp_path, settings):
    path = jsonl(tmp_path / "big.jsonl", good_line(1), '{"text": "x", "id": ' + "7" * 5000 + "}", good_line(2))
    items = read([path], settings)
    assert codes(items) == ["article", RejectCode.TOO_LARGE, "article"]
    assert "4300 digits" in items[1].reason


def test_lone_surrogate_escape_is_a_reject_not_an_encoding_crash(tmp_path, settings):
    path = jsonl(tmp_path / "sur.jsonl", '{"text": "Protest \\ud800 in Osch", "lang": "de"}', good_line(1),
                 '{"text": "ok", "title": "\\udfff", "lang": "de"}')
    items = read([path], settings)
    assert codes(items) == [RejectCode.UNDECODABLE, "article", RejectCode.UNDECODABLE]
    assert "lone surrogate" in items[0].reason and "'title'" in items[2].reason


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "0999", "3000-01"])
def test_placeholder_years_are_bad_dates(tmp_path, settings, date):
    path = tmp_path / "year.txt"
    path.write_text(f"date {date} {GOOD}", encoding="utf-8")
    [item] = read([path], settings)
    assert isinstance(item, Reject) and item.code is RejectCode.BAD_DATE and date[:4] in item.reason


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path, settings):
    directory = tmp_path / "d"
    directory.mkdir()
    raw = os.path.join(os.fsencode(directory), b"bericht-\xff.txt")
    with open(raw, "wb") as stream:
        stream.write(GOOD.encode("utf-8"))
    with open(os.path.join(os.fsencode(directory), b"leer-\xfe.txt"), "wb"):
        pass
    items = read([directory], settings)
    assert codes(items) == ["article", RejectCode.EMPTY_TEXT]
    assert items[1].origin.endswith("leer-\\xfe.txt")
    items[1].origin.encode("utf-8")  # printable and storable


def test_directory_entries_that_are_not_articles_are_each_listed(tmp_path, settings):
    root = tmp_path / "feeds"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(GOOD, encoding="utf-8")
    (root / ".hidden.txt").write_text(GOOD, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("x", encoding="utf-8")
    (root / "dangling.txt").symlink_to(root / "gone.txt")
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / "sub" / "up").symlink_to(root)  # a loop back to the top
    os.mkfifo(root / "pipe.txt")
    items = read([root], settings)
    found = {Path(i.origin).name: i for i in items if isinstance(i, Reject)}
    assert sum(isinstance(i, Article) for i in items) == 1
    assert found[".hidden.txt"].code is found[".git"].code is RejectCode.HIDDEN
    assert found["dangling.txt"].code is RejectCode.UNREADABLE and "dangling" in found["dangling.txt"].reason
    assert found["self.txt"].code is RejectCode.UNREADABLE and "loop" in found["self.txt"].reason
    assert found["up"].code is RejectCode.UNREADABLE and "already read" in found["up"].reason
    assert found["pipe.txt"].code is RejectCode.NOT_A_FILE and "FIFO" in found["pipe.txt"].reason
    assert len(items) == 7
    # a hidden file named on the command line is read
    assert codes(read([root / ".hidden.txt"], settings)) == ["article"]


def test_an_unreadable_subdirectory_is_listed(tmp_path, settings, monkeypatch):
    root = tmp_path / "feeds"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "a.txt").write_text(GOOD, encoding="utf-8")
    (root / "b.txt").write_text(GOOD + " Zweite.", encoding="utf-8")
    (root / "locked").chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the directory unreadable the way the OS would
        real_scandir = os.scandir

        def scandir(path):
            if Path(path).name == "locked":
                raise PermissionError(13, "Permission denied", str(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        items = read([root], settings)
    finally:
        (root / "locked").chmod(0o755)
    assert codes(items) == ["article", RejectCode.UNREADABLE]
    assert items[1].origin.endswith("locked") and "Permission denied" in items[1].reason


def test_a_fifo_given_as_a_path_is_a_reject_never_a_hang(tmp_path, settings):
    fifo = tmp_path / "wire.jsonl"
    os.mkfifo(fifo)
    result: list = []
    worker = threading.Thread(target=lambda: result.extend(read([fifo], settings)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "reading a FIFO hung"
    assert codes(result) == [RejectCode.NOT_A_FILE]
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    assert codes(read([loop], settings)) == [RejectCode.UNREADABLE]


def test_an_unterminated_csv_quote_does_not_swallow_the_next_rows(tmp_path, settings):
    path = tmp_path / "quote.csv"
    path.write_text(f'id,text\nc1,"{GOOD} Eins."\nc2,"unterminated\nc3,{GOOD} Drei.\nc4,{GOOD} Vier.\n',
                    encoding="utf-8")
    items = read([path], settings)
    assert codes(items) == ["article", RejectCode.MALFORMED_CSV, "article", "article"]
    assert items[1].origin.endswith("quote.csv:3")
    assert [i.id for i in items if isinstance(i, Article)] == ["c1", "c3", "c4"]


def test_a_stray_quote_that_closes_rows_later_loses_nothing_either(tmp_path, settings):
    path = tmp_path / "stray.csv"
    path.write_text(f'id,text\nc1,"abc\nc2,"{GOOD}"x\nc3,{GOOD} Drei.\n', encoding="utf-8")
    items = read([path], settings)
    assert codes(items)[-1] == "article" and items[-1].id == "c3"
    assert all(i.code is RejectCode.MALFORMED_CSV for i in items[:-1])


def test_multiline_quoted_fields_are_still_one_row(tmp_path, settings):
    path = tmp_path / "multi.csv"
    path.write_text(f'id,text\nm1,"{GOOD}\n\nZweiter Absatz."\nm2,{GOOD} Zwei.\n', encoding="utf-8")
    items = read([path], settings)
    assert codes(items) == ["article", "article"] and "Zweiter Absatz" in items[0].text


@pytest.mark.parametrize("name,content", [
    ("header.csv", "id,text\n"), ("header.tsv", "id\ttext\n"), ("empty.csv", ""), ("blank.jsonl", "\n\n  \n"),
    ("empty.json", "[]"),
])
def test_inputs_without_any_record_are_a_reject(tmp_path, settings, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [item] = read([path], settings)
    assert isinstance(item, Reject) and item.code is RejectCode.NO_RECORDS


def test_garbage_csv_and_short_rows_are_rejects(tmp_path, settings):
    garbage = tmp_path / "garbage.tsv"
    garbage.write_bytes(b"\x00\xff\x13 binary\n\x89PNG\r\n\x1a\n")
    items = read([garbage], settings)
    assert items and all(isinstance(i, Reject) for i in items)
    short = tmp_path / "short.csv"
    short.write_text(f"id,title,text\ns1,Titel,{GOOD}\ns2,nur Titel\n", encoding="utf-8")
    assert codes(read([short], settings)) == ["article", RejectCode.MALFORMED_CSV]


def test_a_json_array_on_stdin_is_read_as_records(settings):
    data = json.dumps([{"id": "s1", "text": GOOD, "lang": "de"}, {"id": "s2", "text": GOOD + " Zwei.", "lang": "de"},
                       "nicht ein Objekt"]).encode()
    items = read(["-"], settings, stdin=io.BufferedReader(io.BytesIO(data)))
    assert codes(items) == ["article", "article", RejectCode.MALFORMED_JSON]
    assert items[2].origin == "<stdin>:3"


def test_the_same_id_with_a_different_text_is_a_duplicate_reject(tmp_path, settings):
    first = tmp_path / "a.jsonl"
    jsonl(first, json.dumps({"id": "x", "text": GOOD, "lang": "de"}),
          json.dumps({"id": "x", "text": GOOD, "lang": "de"}),
          json.dumps({"id": "x", "text": GOOD + " Anders.", "lang": "de"}),
          json.dumps({"id": "x", "text": GOOD, "title": "Neuer Titel", "lang": "de"}))
    items = read([first], settings)
    assert codes(items) == ["article", "article", RejectCode.DUPLICATE_ID, RejectCode.DUPLICATE_ID]
    assert "'x' was read earlier" in items[2].reason


def test_french_is_a_reject_naming_the_language_unless_lang_forces_one(tmp_path, settings):
    path = jsonl(tmp_path / "fr.jsonl", json.dumps({"text": "Le gouvernement a démissionné mardi soir."}),
                 json.dumps({"text": "Erste Meldung."}), json.dumps({"text": "5"}))
    items = read([path], settings)
    assert codes(items) == [RejectCode.UNSUPPORTED_LANGUAGE, "article", "article"]
    assert "'fr'" in items[0].reason and "detected" in items[0].reason
    assert [i.lang for i in items[1:]] == ["de", "de"]
    forced = read([path], settings, lang="en")
    assert codes(forced) == ["article"] * 3 and {i.lang for i in forced} == {"en"}


def test_text_size_limit_is_a_coded_reject(tmp_path, settings):
    from dataclasses import replace

    small = replace(settings, max_text_chars=100)
    path = jsonl(tmp_path / "long.jsonl", json.dumps({"text": "Wort " * 100, "lang": "de"}))
    [item] = read([path], small)
    assert item.code is RejectCode.TOO_LARGE and "the limit is 100" in item.reason


def test_an_html_page_the_parser_chokes_on_is_one_reject(tmp_path, settings, monkeypatch):
    import trafilatura

    def choke(*args, **kwargs):
        raise ValueError("Document is empty")

    monkeypatch.setattr(trafilatura, "extract", choke)
    page = tmp_path / "bad.html"
    page.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    other = tmp_path / "good.txt"
    other.write_text(GOOD, encoding="utf-8")
    items = read([page, other], settings)
    assert codes(items) == [RejectCode.NO_MAIN_TEXT, "article"] and "ValueError" in items[0].reason
