"""The temporal evaluation: inline parsing, value canonicalisation and the overlap/value scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from lagebild.config import Settings
from lagebild.eval.timex import Counts, Timex, canonical_value, compare, parse_inline, run
from lagebild.lang import Pipelines

TML = """<?xml version="1.0" ?><TimeML><DOCID>x</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2014-02-20" functionInDocument="CREATION_TIME">2014-02-20</TIMEX3></DCT>
<TEXT>
Der Markt &amp; das Fest beginnen am <TIMEX3 tid="t1" type="DATE" value="2014-02-25">Dienstag</TIMEX3> um <TIMEX3 tid="t2" type="TIME" value="2014-02-25T20.30">20.30 Uhr</TIMEX3>.
</TEXT></TimeML>"""


def test_parse_inline_offsets_and_dct():
    doc = parse_inline(TML, "x.tml")
    assert doc.dct == "2014-02-20"
    assert [(doc.text[t.start:t.end], t.value) for t in doc.timexes] == [
        ("Dienstag", "2014-02-25"), ("20.30 Uhr", "2014-02-25T20.30")]
    assert "Markt & das Fest" in doc.text


def test_parse_timex2_nested():
    doc = parse_inline('<TEXT>am <TIMEX2 val="1939-09-01">1. September <TIMEX2 val="1939">1939</TIMEX2></TIMEX2></TEXT>',
                       "w", value_attr="val")
    assert sorted((doc.text[t.start:t.end], t.value) for t in doc.timexes) == [
        ("1. September 1939", "1939-09-01"), ("1939", "1939")]


def test_canonical_value():
    assert canonical_value("2014-02-25T20.30") == canonical_value("2014-02-25T20:30:00") == "2014-02-25T20:30"
    assert canonical_value("XXXX-WXX-01") == "XXXX-WXX-1"


def test_compare_overlap_and_value():
    gold = [Timex(0, 10, "2014-02-25"), Timex(20, 25, "P3D"), Timex(30, 35, "2014")]
    system = [Timex(3, 10, "2014-02-25"), Timex(20, 25, "P2D"), Timex(40, 45, "2015")]
    assert compare(gold, system) == Counts(1, 3, 1, 3)
    assert compare(gold, system, values=False) == Counts(2, 3, 2, 3)
    assert round(compare(gold, system).f1, 4) == 0.3333
    assert Counts().f1 == 0.0


def test_run_without_data_is_empty(tmp_path: Path):
    assert run(Pipelines(Settings.from_env()), tmp_path) == []


def test_run_on_shared_data(data_dir: Path):
    if not (data_dir / "krauts_de").is_dir():
        pytest.skip("KRAUTS not present")
    rows = run(Pipelines(Settings.from_env()), data_dir, limit=2)
    parts = {row["dataset"] for row in rows}
    assert "krauts_de/Dolomiten-42" in parts
    for row in rows:
        assert 0.0 <= row["score"] <= 1.0 and row["n"] > 0
