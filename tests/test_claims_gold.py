"""The claim gold set's tooling: article adapters, the gold-line validator, claims_tool and the article list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lagebild.eval import articles, claims_gold, claims_tool

# Our own sentence, stored as a fake IndiaPoliceEvents article so that no shared data is needed.
TEXT = "this story is from march 3, 2002\n\ntownville: at least 45 people were arrested, police said. two shops burnt."


@pytest.fixture
def fake_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    (root / articles.IPE).mkdir(parents=True)
    row = {"doc_id": 7, "date": "2002-03-03", "url": "", "full_text": TEXT}
    (root / articles.IPE / "metadata.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    monkeypatch.setenv("LAGEBILD_DATA", str(root))
    return root


def _span(text: str, after: int = 0) -> dict:
    start = TEXT.index(text, after)
    return {"text": text, "start": start, "end": start + len(text)}


def _line(**claim_overrides) -> dict:
    claim = {
        "claimant": {"kind": "official", **_span("police")},
        "cue": _span("said"),
        "modality": "reported",
        "event": {"type": "COERCE", **_span("arrested")},
        "figure": {**_span("at least 45 people"), "low": 45, "high": None, "category": "arrested"},
    }
    claim.update(claim_overrides)
    author = {"claimant": {"kind": "author", "text": None, "start": None, "end": None}, "cue": None,
              "modality": "asserted", "event": {"type": "ASSAULT", **_span("burnt")},
              "figure": {**_span("two shops"), "low": 2, "high": 2, "category": "other"}}
    key = f"{articles.IPE}:7"
    return {"article": key, "checksum": _checksum(), "annotator": "T", "claims": [claim, author]}


def _checksum() -> str:
    return articles.SourceArticle("k", articles.IPE, "en", None, None, TEXT).checksum


def test_valid_line_parses_into_typed_claims(fake_data: Path) -> None:
    gold, problems = claims_gold.validate_line(_line(), fake_data)
    assert problems == []
    assert gold is not None and gold.lang == "en" and len(gold.claims) == 2
    first, second = gold.claims
    assert first.claimant.kind == "official" and first.claimant.span.text == "police"
    assert first.figure.low == 45 and first.figure.high is None and first.figure.category == "arrested"
    assert second.claimant.span is None and second.event.type == "ASSAULT"


def test_wrong_offsets_name_the_nearest_occurrence(fake_data: Path) -> None:
    bad = _line(cue={"text": "said", "start": 3, "end": 7})
    _, problems = claims_gold.validate_line(bad, fake_data)
    said = TEXT.index("said")
    assert problems == [f"claim 1: cue text 'said' is not at 3-7 (that is 's st'); nearest occurrence {said}-{said + 4}"]


@pytest.mark.parametrize("override, message", [
    ({"modality": "rumoured"}, "modality 'rumoured' is not one of"),
    ({"event": {"type": "BUY", "text": "arrested", "start": 0, "end": 1}}, "event type 'BUY' is not one of"),
    ({"figure": {**_span("at least 45 people"), "low": 50, "high": 45, "category": "arrested"}}, "figure low 50 is above high 45"),
    ({"figure": {**_span("at least 45 people"), "low": None, "high": None, "category": "arrested"}}, "at least one bound"),
    ({"figure": {**_span("at least 45 people"), "low": 45, "high": None, "category": "dead"}}, "category 'dead'"),
    ({"event": None, "figure": None}, "needs an event or a figure"),
    ({"claimant": {"kind": "author", **_span("police")}}, "author claimant has text, start and end null"),
    ({"claimant": {"kind": "spokesman", **_span("police")}}, "claimant kind 'spokesman'"),
    ({"source": "x"}, "unknown field 'source'"),
])
def test_closed_lists_and_bounds_are_checked(fake_data: Path, override: dict, message: str) -> None:
    gold, problems = claims_gold.validate_line(_line(**override), fake_data)
    assert gold is None
    assert any(message in p for p in problems), problems


def test_checksum_and_overlapping_figures_are_caught(fake_data: Path) -> None:
    row = _line()
    row["checksum"] = "000000000000"
    assert "checksum" in claims_gold.validate_line(row, fake_data)[1][0]
    row = _line()
    row["claims"].append({**row["claims"][0], "figure": {**_span("45 people"), "low": 45, "high": 45, "category": "arrested"}})
    assert any("overlap" in p for p in claims_gold.validate_line(row, fake_data)[1])


def test_read_gold_refuses_an_article_annotated_twice(fake_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "batch-01.jsonl"
    path.write_text(json.dumps(_line()) + "\n", "utf-8")
    assert [g.key for g in claims_gold.read_gold([path], fake_data)] == [f"{articles.IPE}:7"]
    path.write_text((json.dumps(_line()) + "\n") * 2, "utf-8")
    with pytest.raises(claims_gold.GoldError, match="annotated twice"):
        claims_gold.read_gold([path], fake_data)


def test_tool_show_find_template_and_validate(fake_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    key = f"{articles.IPE}:7"
    assert claims_tool.main(["show", key]) == 0
    out = capsys.readouterr().out
    start = TEXT.index("townville")
    end = TEXT.index("said.") + len("said.")
    assert f"checksum {_checksum()}" in out and f"[{start}-{end}] townville: at least 45" in out
    assert claims_tool.main(["find", key, "said"]) == 0
    said = TEXT.index("said")
    assert f'"start": {said}, "end": {said + 4}' in capsys.readouterr().out
    assert claims_tool.main(["template", key]) == 0
    assert json.loads(capsys.readouterr().out)["checksum"] == _checksum()
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps(_line()) + "\n", "utf-8")
    bad.write_text(json.dumps(_line(modality="maybe")) + "\n{oops\n", "utf-8")
    assert claims_tool.main(["validate", str(good)]) == 0
    assert claims_tool.main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:1: claim 1: modality 'maybe'" in out and f"{bad}:2: not JSON" in out
    assert claims_tool.main(["show", "nosuch:1"]) == 2
    assert claims_tool.main(["show", f"{articles.IPE}:8"]) == 2


def test_meantime_tokens_become_running_text() -> None:
    sentences = [["Airbus", "wins", "order", "worth", "$", "15bn"], ["June", "13", ",", "2005"],
                 ["He", "said", ":", "``", "It", "'s", "good", "''", "(", "really", ")", "."], ["Sales", "rose", "5", "%", "."]]
    assert articles.meantime_text(sentences) == ('Airbus wins order worth $15bn\n\nJune 13, 2005\n\n'
                                                 'He said: "It\'s good" (really). Sales rose 5%.')


def test_sentences_for_display() -> None:
    text = "Erster Satz. „Zweiter!“ Dritter\n\nvierter"
    assert [text[a:b] for a, b in claims_tool.sentences(text)] == ["Erster Satz.", "„Zweiter!“", "Dritter", "vierter"]


def test_article_list_is_loadable_and_balanced(data_dir: Path) -> None:
    listed = claims_gold.read_article_list()
    assert len(listed) >= 40 and len({a.key for a in listed}) == len(listed)
    langs = [a.lang for a in listed]
    assert abs(langs.count("de") - langs.count("en")) <= 4
    for a in listed:
        article = articles.load_article(a.key, data_dir)  # Wikinews test articles are not loadable at all
        assert (article.lang, len(article.text)) == (a.lang, a.chars)
    with pytest.raises(articles.ArticleNotFound):
        test_id = next(json.loads(line)["wikinews_id"] for line in
                       (data_dir / articles.WIKINEWS / "wikinews_de_texts_dated.jsonl").open(encoding="utf-8")
                       if json.loads(line)["split"] == "test")
        articles.load_article(f"{articles.WIKINEWS}:{test_id}", data_dir)
