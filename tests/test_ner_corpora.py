import gzip
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from lagebild.train.ner_corpora import read_meantime, read_re3d, read_smartdata, smartdata_label

DATA = Path(os.environ.get("LAGEBILD_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))


def _tok(s, e):
    return {"span": {"start": s, "end": e, "attributes": None}, "lemma": None, "ner": None, "posTag": None,
            "attributes": None}


def _cm(s, e, typ):
    return {"id": f"c/{s}", "span": {"start": s, "end": e, "attributes": None}, "type": typ,
            "normalizedValue": None, "refids": None, "attributes": None, "provenance": None}


def _spans(text):
    out, pos = [], 0
    for w in text.split(" "):
        out.append((pos, pos + len(w)))
        pos += len(w) + 1
    return out


def test_smartdata_label():
    assert smartdata_label("PERSON") == "PER"
    assert smartdata_label("organization-company") == "ORG"
    assert smartdata_label("LOCATION_STOP") == "LOC"
    assert smartdata_label("location-route") == "LOC"
    assert smartdata_label("DATE") is None
    assert smartdata_label("ORG_POSITION") is None
    assert smartdata_label("TRIGGER") is None


def test_smartdata_v3_tokens(tmp_path):
    text = "Anna Weber fährt nach Köln .\nStau auf der A3 am Mittwoch ."
    sp = _spans(text.replace("\n", " "))
    toks = [_tok(s, e) for s, e in sp]
    doc = {
        "id": "d1", "raw": "", "text": {"string": text},
        "tokens": {"array": toks},
        # one corpus sentence spanning the line break: split there by default
        "sentences": {"array": [{"id": "d1::0", "span": {"start": 0, "end": len(text), "attributes": None},
                                  "index": 0, "tokens": {"array": toks}}]},
        "conceptMentions": {"array": [
            _cm(0, 10, "PERSON"),            # Anna Weber
            _cm(22, 25, "LOCATION_CITY"),     # Köln
            _cm(42, 44, "LOCATION_ROUTE"),    # A3
            _cm(45, 47, "DATE"),              # -> O
        ]},
        "docType": {"de.dfki.lt.tap.docTypes": "RSS_XML"},
    }
    assert text[42:44] == "A3"
    p = tmp_path / "x.json.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, indent=2) + "\n" + json.dumps(doc, indent=2))
    sents = list(read_smartdata(p))
    assert len(sents) == 4
    assert sents[0].words == ["Anna", "Weber", "fährt", "nach", "Köln", "."]
    assert sents[0].ner == ["B-PER", "I-PER", "O", "O", "B-LOC", "O"]
    assert sents[1].words == ["Stau", "auf", "der", "A3", "am", "Mittwoch", "."]
    assert sents[1].ner == ["O", "O", "O", "B-LOC", "O", "O", "O"]
    assert sents[1].extra["doc_type"] == "RSS_XML"
    assert len(list(read_smartdata(p, split_lines=False))) == 2


def test_smartdata_v1_no_tokens(tmp_path):
    text = "Die Deutsche Bahn streikt in Berlin. Das sagte Max Mus\nRoute: deutsche Strecke"
    doc = {
        "id": "d2", "raw": "", "text": {"string": text}, "tokens": None, "sentences": None,
        "conceptMentions": {"array": [
            _cm(text.index("Deutsche"), text.index(" streikt"), "organization-company"),
            _cm(text.index("Berlin"), text.index("Berlin") + 6, "location-city"),
            _cm(text.index("Max"), text.index("Max") + 5, "person"),  # "Max M" -> extended to "Max Mus"
            _cm(text.index("deutsche"), text.index("deutsche") + 8, "location"),  # lowercase LOC -> dropped
            _cm(0, 3, "trigger"),
        ]},
    }
    p = tmp_path / "y.json"
    p.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    sents = list(read_smartdata(p))
    assert [s.words for s in sents] == [
        ["Die", "Deutsche", "Bahn", "streikt", "in", "Berlin", "."],
        ["Das", "sagte", "Max", "Mus"],
        ["Route", ":", "deutsche", "Strecke"],
    ]
    assert sents[0].ner == ["O", "B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]
    assert sents[1].ner == ["O", "O", "B-PER", "I-PER"]
    assert sents[2].ner == ["O"] * 4
    assert list(read_smartdata(p, drop_lowercase=False))[2].ner == ["O", "O", "B-LOC", "O"]


def test_smartdata_extends_mention_inside_token(tmp_path):
    text = "Bei Siemensmitarbeitern"
    doc = {"id": "d3", "raw": "", "text": {"string": text},
           "sentences": {"array": [{"id": "s", "span": {"start": 0, "end": 23, "attributes": None}, "index": 0,
                                     "tokens": {"array": [_tok(0, 3), _tok(4, 23)]}}]},
           "conceptMentions": {"array": [_cm(4, 11, "ORGANIZATION_COMPANY")]}}
    p = tmp_path / "z.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    (s,) = read_smartdata(p)
    assert s.ner == ["O", "B-ORG"]


MEANTIME_XML = """<?xml version="1.0" ?><Document doc_id="1" doc_name="t" lang="en">
<token number="0" sentence="0" t_id="1">The</token>
<token number="1" sentence="0" t_id="2">company</token>
<token number="2" sentence="0" t_id="3">Acme</token>
<token number="3" sentence="0" t_id="4">Corp</token>
<token number="4" sentence="0" t_id="5">hired</token>
<token number="5" sentence="0" t_id="6">Jane</token>
<token number="6" sentence="0" t_id="7">Doe</token>
<token number="7" sentence="0" t_id="8">.</token>
<token number="8" sentence="1" t_id="9">It</token>
<token number="9" sentence="1" t_id="10">sells</token>
<token number="10" sentence="1" t_id="11">the</token>
<token number="11" sentence="1" t_id="12">Widget</token>
<token number="12" sentence="1" t_id="13">in</token>
<token number="13" sentence="1" t_id="14">the</token>
<token number="14" sentence="1" t_id="15">Bank</token>
<token number="15" sentence="1" t_id="16">of</token>
<token number="16" sentence="1" t_id="17">Springfield</token>
<token number="17" sentence="1" t_id="18">.</token>
<Markables>
<ENTITY_MENTION m_id="1" syntactic_type="NAM"><token_anchor t_id="1"/><token_anchor t_id="2"/><token_anchor t_id="3"/><token_anchor t_id="4"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="2" syntactic_type="NAM"><token_anchor t_id="6"/><token_anchor t_id="7"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="3" syntactic_type="PRO"><token_anchor t_id="9"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="4" syntactic_type="NAM"><token_anchor t_id="11"/><token_anchor t_id="12"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="5" syntactic_type="NAM"><token_anchor t_id="14"/><token_anchor t_id="15"/>
<token_anchor t_id="16"/><token_anchor t_id="17"/></ENTITY_MENTION>
<ENTITY_MENTION m_id="6" syntactic_type="NOM"><token_anchor t_id="10"/></ENTITY_MENTION>
<ENTITY m_id="100" ent_type="ORG" TAG_DESCRIPTOR="Acme"/>
<ENTITY m_id="101" ent_type="PER" TAG_DESCRIPTOR="Jane Doe"/>
<ENTITY m_id="102" ent_type="PRO" TAG_DESCRIPTOR="Widget"/>
<ENTITY m_id="103" ent_type="LOC" TAG_DESCRIPTOR="Bank"/>
</Markables>
<Relations>
<REFERS_TO r_id="1"><source m_id="1"/><source m_id="3"/><target m_id="100"/></REFERS_TO>
<REFERS_TO r_id="2"><source m_id="2"/><target m_id="101"/></REFERS_TO>
<REFERS_TO r_id="3"><source m_id="4"/><source m_id="6"/><target m_id="102"/></REFERS_TO>
<REFERS_TO r_id="4"><source m_id="5"/><target m_id="103"/></REFERS_TO>
</Relations>
</Document>
"""


def test_name_span():
    from lagebild.train.ner_corpora import _name_span

    assert _name_span(["the", "company"]) is None
    assert _name_span(["U.S.", "automaker", "Chrysler"]) == (2, 3)
    assert _name_span(["The", "A380"]) == (1, 2)
    assert _name_span(["He"]) is None
    assert _name_span(["U.S.", "President"]) is None
    assert _name_span(["its", "iPhone"]) == (1, 2)
    assert _name_span(["Apple", "CEO", "Steve", "Jobs"]) == (2, 4)
    assert _name_span(["Prime", "Minister", "of", "Singapore"]) is None


def test_meantime(tmp_path):
    d = tmp_path / "corpus_x"
    d.mkdir()
    (d / "1_t.xml").write_text(MEANTIME_XML, encoding="utf-8")
    sents = list(read_meantime(tmp_path))
    assert len(sents) == 2
    assert sents[0].words == ["The", "company", "Acme", "Corp", "hired", "Jane", "Doe", "."]
    assert sents[0].ner == ["O", "O", "B-ORG", "I-ORG", "O", "B-PER", "I-PER", "O"]
    assert sents[1].ner == ["O", "O", "O", "B-MISC", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O"]


def _label_counts(sents):
    return Counter(t[2:] for s in sents for t in s.ner if t.startswith("B-"))


def test_real_files():
    sd = DATA / "smartdata_de"
    mt = DATA / "meantime_en" / "intra-doc_annotation"
    if not (sd / "dev.json.gz").exists() or not mt.exists():
        pytest.skip("shared data absent")
    dev = list(read_smartdata(sd / "dev.json.gz"))
    c = _label_counts(dev)
    assert 800 < len(dev) < 3000
    assert c["LOC"] > 500 and c["ORG"] > 250 and c["PER"] > 80 and "MISC" not in c
    for s in dev:
        assert len(s.words) == len(s.ner) and all(w for w in s.words)
    v1 = sd / "v1_20180119" / "train.json.gz"
    if v1.exists():
        tr = list(read_smartdata(v1))
        c = _label_counts(tr)
        assert 4000 < len(tr) < 12000 and c["LOC"] > 3000 and c["ORG"] > 1500 and c["PER"] > 500
    m = list(read_meantime(mt))
    c = _label_counts(m)
    assert 1500 < len(m) < 2500
    assert set(c) == {"PER", "ORG", "LOC", "MISC"} and c["ORG"] > 300
    for s in m:
        assert not any(t.startswith("I-") and (i == 0 or s.ner[i - 1] == "O") for i, t in enumerate(s.ner))


def _re3d_folder(root, source, text, mentions):
    folder = root / source
    folder.mkdir()
    (folder / "documents.json").write_text(json.dumps({"_id": f"D-{source}", "text": text}) + "\n", encoding="utf-8")
    lines = [json.dumps({"documentId": f"D-{source}", "begin": text.index(value), "type": kind,
                         "end": text.index(value) + len(value), "value": value, "confidence": conf})
             for value, kind, conf in mentions]
    (folder / "entities.json").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_re3d_keeps_names_and_skips_non_commercial_sources(tmp_path):
    text = ("Brigadier General Ann Miller of the Northern Task Force visited the town of Harbin Falls, Oregon. "
            "The regional government said it would help.")
    _re3d_folder(tmp_path, "CENTCOM", text, [
        ("Brigadier General Ann Miller", "Person", 1.0),
        ("the Northern Task Force", "Organisation", 1.0),
        ("Northern Task", "Location", 0.5),
        ("Harbin Falls, Oregon", "Location", 1.0),
        ("The regional government", "Organisation", 1.0),
        ("it", "Organisation", 1.0),
    ])
    _re3d_folder(tmp_path, "BBC Online", "Tom Jones met Ann.", [("Tom Jones", "Person", 1.0)])
    sents = list(read_re3d(tmp_path))
    assert [s.extra["file"] for s in sents] == ["D-CENTCOM", "D-CENTCOM"]
    tagged = [(w, t) for w, t in zip(sents[0].words, sents[0].ner) if t != "O"]
    assert tagged == [("Ann", "B-PER"), ("Miller", "I-PER"), ("Northern", "B-ORG"), ("Task", "I-ORG"),
                      ("Force", "I-ORG"), ("Harbin", "B-LOC"), ("Falls", "I-LOC")]
    assert set(sents[1].ner) == {"O"}


def test_re3d_real_files_read_only_licence_clean_sources():
    root = DATA / "re3d_en"
    if not (root / "CENTCOM" / "documents.json").exists():
        pytest.skip("shared data absent")
    sents = list(read_re3d(root))
    counts = _label_counts(sents)
    assert 500 < len(sents) < 1000 and counts["ORG"] > 400 and counts["LOC"] > 300 and counts["PER"] > 150
    assert len({s.extra["file"] for s in sents}) == 90  # 98 documents less BBC Online's 8
    assert all(len(s.words) == len(s.ner) and not s.ner[0].startswith("I-") for s in sents)
