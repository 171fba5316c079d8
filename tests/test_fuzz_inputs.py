"""Property-based fuzzing of every reader through `extract` and `ingest` (hypothesis).

For generated files in each format (txt, jsonl, json, csv, tsv, html, and stdin), three invariants:
- records in = reports + rejects (for `ingest`: stored + unchanged + rejected);
- no exception escapes;
- the store opens consistent: no orphan rows, every event in a cluster, nothing left waiting for fuse.

The default run is bounded to about a minute in all. `--runslow` runs 10,000 examples per reader
(`LAGEBILD_FUZZ_EXAMPLES` changes that); there the store checks run once per reader, on one ingest of all the
generated files together, because opening a store per example would take hours.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from ingest_harness import inconsistencies, shared_pipelines

from lagebild.config import Settings
from lagebild.ingest import RecordBuilder, Reject, read_inputs
from lagebild.model import Article
from lagebild.pipeline import Extractor
from lagebild.views.cli import RejectLog, ingest_paths

DEFAULT_EXAMPLES = 10
SLOW_EXAMPLES = int(os.environ.get("LAGEBILD_FUZZ_EXAMPLES", "10000"))

WORDS = ["Die", "Polizei", "nahm", "in", "Osch", "am", "Freitag", "45", "Demonstranten", "fest", ".", "Bischkek",
         "Tausende", "protestierten", "gegen", "die", "Regierung", "Police", "arrested", "protesters", "on", "Monday",
         "the", "ministry", "said", "killed", "mehr als 700", "14 Menschen", "getötet", "laut", "Staatsradio",
         "„", "“", '"', "'", ",", "\n", "\n\n", " ", "\t", "17.03.2023", "2023-03", "vor 10000 Jahren",
         "in 99999 Wochen", "am 31.02.2023", "im Jahr 9999", "0001", "9" * 40, "1e999", "NaN", "\x00", "\u2028",
         "\ufeff", "\u200f", "e\u0301", "🙂", "דוח", "Лагебилд", "[", "]", "{", "}", "<p>", "</p>", "&amp;", ";",
         "date 2023-03", "title Lage", "lang de", "source X", "url http://x"]

SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8), SURROGATE), max_size=25).map(" ".join)
date_text = st.one_of(st.sampled_from(["2023", "2023-03", "2023-03-17", "17.03.2023", "0001-01-01", "9999-12-31",
                                       "2023-13", "2023-02-30", "gestern", "2023-03-17T08:00:00Z", ""]), text)
scalar = st.one_of(st.none(), text, st.integers(), st.booleans(), st.floats(), st.lists(st.integers(), max_size=2))
HOSTILE_JSON = ['{"text": 1' + "0" * 5000 + "}", '{"text": "a", "x": ' + "[" * 1200 + "]" * 1200 + "}",
                '{"text": "\\ud800 Protest"}', '{"text": "unterbrochen', "[1, 2]", '"nur ein String"', "null",
                '{"text": "x", "text": "doppelt"}', "\xff\xfe", "{}"]


@st.composite
def record(draw) -> dict[str, Any]:
    fields: dict[str, Any] = {"text": draw(st.one_of(text, scalar))}
    for name, values in (("id", st.one_of(st.sampled_from(["a", "b", "c"]), scalar)), ("published", date_text),
                         ("lang", st.sampled_from(["de", "en", "fr", "", "DE", None, 5, "xx"])), ("title", scalar),
                         ("source", scalar), ("url", scalar)):
        if draw(st.booleans()):
            fields[name] = draw(values)
    return fields


@dataclass
class Case:
    name: str
    data: bytes
    records: int | None  # how many input records it holds, when the generator knows


def _utf8(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


@st.composite
def txt_case(draw) -> Case:
    return Case("a.txt", _utf8(draw(text)), 1)


@st.composite
def jsonl_case(draw) -> Case:
    lines = draw(st.lists(st.one_of(record().map(json.dumps), st.sampled_from(HOSTILE_JSON), text.map(
        lambda t: t.replace("\n", " ").replace("\r", " ").replace("\u2028", " "))), max_size=6))
    data = b"".join(_utf8(line) + b"\n" for line in lines)
    counted = sum(bool(line.strip()) for line in data.split(b"\n"))
    return Case("a.jsonl", data, counted or 1)


@st.composite
def json_case(draw) -> Case:
    kind = draw(st.sampled_from(["array", "object", "hostile"]))
    if kind == "array":
        records = draw(st.lists(st.one_of(record(), scalar), max_size=5))
        return Case("a.json", _utf8(json.dumps(records)), len(records) or 1)
    if kind == "object":
        return Case("a.json", _utf8(json.dumps(draw(record()))), 1)
    return Case("a.json", _utf8(draw(st.sampled_from(HOSTILE_JSON))), None)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


@st.composite
def delimited_case(draw, suffix: str) -> Case:
    delimiter = "\t" if suffix == ".tsv" else draw(st.sampled_from([",", ";"]))
    columns = ["text", *draw(st.lists(st.sampled_from(["id", "published", "title", "lang", "source"]),
                                      unique=True, max_size=3))]
    columns = draw(st.permutations(columns))
    rows = draw(st.lists(record(), max_size=5))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)  # "\r\n": so a lone "\r" in a field is quoted too
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    data = out.getvalue()
    if draw(st.integers(0, 3)) == 0:  # corrupt it: a stray quote, a cut, junk bytes
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.sampled_from(['"', "\x00", "\n\n", delimiter * 3, '"\n"'])) + data[cut:]
        return Case("a" + suffix, _utf8(data), None)
    return Case("a" + suffix, _utf8(data), len(rows) or 1)


@st.composite
def html_case(draw) -> Case:
    paragraphs = draw(st.lists(text, max_size=4))
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = draw(st.sampled_from([
        f"<html><head><title>{paragraphs[0] if paragraphs else ''}</title></head><body><article>{body}</article>"
        "</body></html>", body, f"<html><body>{body}", "<<<>>>" + body, "<html></html>"]))
    return Case("a.html", _utf8(page), 1)


@st.composite
def stdin_case(draw) -> Case:
    case = draw(st.one_of(jsonl_case(), json_case(), txt_case(), html_case()))
    start = case.data.lstrip()[:1]
    reader = {b"{": ".jsonl", b"[": ".json", b"<": ".html"}.get(start, ".txt")
    if reader != Path(case.name).suffix:
        return Case("-", case.data, None)  # sniffed as another format: the count is the reader's business
    return Case("-", case.data, case.records)


READERS = {"txt": txt_case(), "jsonl": jsonl_case(), "json": json_case(), "csv": delimited_case(".csv"),
           "tsv": delimited_case(".tsv"), "html": html_case(), "stdin": stdin_case()}


class Harness:
    """Runs one case through `extract` and through `ingest`, checking the invariants."""

    def __init__(self, root: Path, replay: bool = True) -> None:
        self.root = root
        self.settings = Settings.from_env(db_path=root / "fuzz.duckdb")
        self.extractor = Extractor(self.settings)
        self.replay = replay
        self.count = 0

    def _paths(self, case: Case) -> tuple[list[str], Any]:
        if case.name == "-":
            return ["-"], io.BufferedReader(io.BytesIO(case.data))
        folder = self.root / f"case{self.count}"
        folder.mkdir(exist_ok=True)
        (folder / case.name).write_bytes(case.data)
        return [str(folder / case.name)], None

    def extract(self, case: Case) -> list:
        self.count += 1
        paths, stdin = self._paths(case)
        items = list(self.extractor.reports(read_inputs(paths, RecordBuilder(self.settings), stdin=stdin)))
        if case.records is not None:
            assert len(items) == case.records, (case, items)
        assert items, case
        for item in items:
            if isinstance(item, Reject):
                item.origin.encode("utf-8"), item.reason.encode("utf-8")  # printable and storable
            else:
                json.dumps(item.to_json_dict(), ensure_ascii=False).encode("utf-8")
        return items

    def ingest(self, case: Case, items: list, monkeypatch) -> None:
        paths, stdin = self._paths(case)
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.TextIOWrapper(stdin))
        counts = ingest_paths(paths, self.settings, RejectLog(None))
        assert counts["stored"] + counts["unchanged"] + counts["rejected"] == len(items), (case, counts, items)
        self.check_store()

    def check_store(self) -> None:
        assert inconsistencies(self.settings.db_path) == {}


@pytest.fixture
def harness(monkeypatch):
    shared_pipelines(monkeypatch)
    root = Path(tempfile.mkdtemp(prefix="lagebild-fuzz-"))
    yield Harness(root)
    shutil.rmtree(root, ignore_errors=True)


def _replaying(monkeypatch, reports: dict) -> None:
    """`ingest` reuses the reports `extract` just made for the same articles, instead of running spaCy twice."""
    real = Extractor._run_batch

    def run_batch(self, batch):
        missing = [i for i in batch if isinstance(i, Article) and (i.id, i.text) not in reports]
        if missing:
            return real(self, batch)
        return [reports[(i.id, i.text)] if isinstance(i, Article) else i for i in batch]

    monkeypatch.setattr(Extractor, "_run_batch", run_batch)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_fuzz_reader_through_extract_and_ingest(reader, harness, monkeypatch):
    reports: dict = {}
    _replaying(monkeypatch, reports)

    @hsettings(max_examples=DEFAULT_EXAMPLES, deadline=None, database=None, derandomize=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
    @given(READERS[reader])
    def check(case: Case) -> None:
        items = harness.extract(case)
        reports.update(((i.article.id, i.article.text), i) for i in items if not isinstance(i, Reject))
        harness.ingest(case, items, monkeypatch)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("reader", sorted(READERS))
def test_fuzz_reader_at_length(reader, harness, monkeypatch):
    """SLOW_EXAMPLES examples through `extract` each; then all the files through one `ingest` and the store checks."""
    records = {"in": 0, "stdin": 0}
    reports: dict = {}
    _replaying(monkeypatch, reports)

    @hsettings(max_examples=SLOW_EXAMPLES, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))
    @given(READERS[reader])
    def check(case: Case) -> None:
        items = harness.extract(case)
        reports.update(((i.article.id, i.article.text), i) for i in items if not isinstance(i, Reject))
        records["in" if case.name != "-" else "stdin"] += len(items)

    check()
    if reader != "stdin":
        paths = [str(p) for p in sorted(harness.root.glob("case*/*"))]
        counts = ingest_paths(paths, harness.settings, RejectLog(None))
        assert sum(counts.values()) == records["in"]
        harness.check_store()
    print(f"\nfuzz {reader}: {harness.count} examples, {records['in'] + records['stdin']} records through extract"
          + ("" if reader == "stdin" else f", one ingest: {counts}"))
