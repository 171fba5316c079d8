"""The claim scorer (`lagebild.eval.claims`) on tiny hand-made gold/system pairs in our own words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lagebild.eval import articles
from lagebild.eval import claims as ev
from lagebild.eval.claims_gold import GoldArticle, GoldClaim, GoldClaimant, GoldEvent, GoldFigure, GoldSpan
from lagebild.extract.names import canonical_key

TEXT = ("The health ministry said 12 people were killed. Witnesses said at least 30 were injured. "
        "Police arrested 5 men. The mayor denied that troops had fired. Police chief Dan Ross said 4 houses burned.")


def span(text: str, after: int = 0) -> GoldSpan:
    start = TEXT.index(text, after)
    return GoldSpan(start, start + len(text), text)


def rng(text: str, after: int = 0) -> tuple[int, int]:
    s = span(text, after)
    return (s.start, s.end)


def gold_claim(kind: str, who: str | None, modality: str, event: tuple[str, str] | None,
               figure: tuple[str, int | None, int | None, str] | None) -> GoldClaim:
    return GoldClaim(
        GoldClaimant(kind, span(who) if who else None), None, modality,
        GoldEvent(event[0], span(event[1])) if event else None,
        GoldFigure(span(figure[0]), figure[1], figure[2], figure[3]) if figure else None)


GOLD = GoldArticle("own:1", "en", (
    gold_claim("official", "The health ministry", "reported", ("ASSAULT", "killed"), ("12 people", 12, 12, "killed")),
    gold_claim("witness", "Witnesses", "reported", ("ASSAULT", "injured"), ("at least 30", 30, None, "injured")),
    gold_claim("author", None, "asserted", ("COERCE", "arrested"), ("5 men", 5, 5, "arrested")),
    gold_claim("official", "The mayor", "negated", ("ASSAULT", "fired"), None),
))


def sys_claim(kind: str, key: str, modality: str, trigger: str, etype: str,
              figure: tuple[str, float | None, float | None, str] | None = None,
              spans: tuple[tuple[int, int], ...] = ()) -> ev.SysClaim:
    fig = ev.SysFigure(*rng(figure[0]), figure[1], figure[2], figure[3]) if figure else None
    return ev.SysClaim(kind, key, spans, modality, rng(trigger), etype, fig)


def test_a_perfect_system_scores_one_everywhere() -> None:
    system = [
        sys_claim("official", "official:health-ministry", "reported", "killed", "ASSAULT", ("12 people", 12, 12, "killed")),
        sys_claim("witness", "x", "reported", "injured", "ASSAULT", ("at least 30", 30, None, "injured"),
                  spans=(rng("Witnesses"),)),
        sys_claim("author", "author:unknown", "asserted", "arrested", "COERCE", ("5 men", 5.0, 5.0, "arrested")),
        sys_claim("official", "named:mayor", "negated", "fired", "ASSAULT", spans=(rng("The mayor"),)),
    ]
    events = [ev.SysEvent(*rng(w), t) for w, t in (("killed", "ASSAULT"), ("injured", "ASSAULT"),
                                                   ("arrested", "COERCE"), ("fired", "ASSAULT"))]
    c = ev.score_article(GOLD, system, events)
    assert (c.figures, c.claimant, c.bounds, c.category) == (3, 3, 3, 3)
    assert (c.claims, c.modality) == (4, 4)
    assert (c.gold_events, c.sys_events, c.typed_events) == (4, 4, 4)
    assert c.misses == []
    scores = {r["metric"]: r["score"] for r in ev.rows("en", c)}
    assert scores["claimant_accuracy"] == scores["event_type_f1"] == scores["figure_recall"] == 1.0


def test_claimant_right_by_key_from_the_gold_text_when_no_span_overlaps() -> None:
    # no claimant span on the system side; "The health ministry" keys to the shared institution key
    keys = ev.gold_keys(GOLD.claims, "en")
    assert keys[2] == frozenset()  # the author has no key
    key = next(k for k in keys[0] if k.startswith("official:"))
    right = sys_claim("official", key, "reported", "killed", "ASSAULT", ("12 people", 12, 12, "killed"))
    wrong = sys_claim("official", "official:police", "reported", "killed", "ASSAULT", ("12 people", 12, 12, "killed"))
    assert ev.claimant_right(GOLD.claims[0], right, keys[0])
    assert not ev.claimant_right(GOLD.claims[0], wrong, keys[0])


def test_a_named_gold_claimant_with_a_role_also_keys_as_the_persons_name() -> None:
    chief = gold_claim("named", "Police chief Dan Ross", "reported", None, ("4 houses", 4, 4, "other"))
    (keys,) = ev.gold_keys([chief], "en")
    person = "named:" + canonical_key("Dan Ross", "en")  # the key the system gives a PER entity "Dan Ross"
    assert person in keys
    assert ev.claimant_right(chief, sys_claim("named", person, "reported", "burned", "ASSAULT"), keys)
    assert not ev.claimant_right(chief, sys_claim("named", "named:someone-else", "reported", "burned", "ASSAULT"),
                                 keys)


def test_author_counts_only_against_author() -> None:
    author_gold = GOLD.claims[2]
    assert ev.claimant_right(author_gold, sys_claim("author", "author:x", "asserted", "arrested", "COERCE"), frozenset())
    assert not ev.claimant_right(author_gold, sys_claim("official", "official:police", "reported", "arrested",
                                                         "COERCE", spans=(rng("Police"),)), frozenset())
    # a system author claim never matches a named gold claimant, even with the same (empty) span set
    assert not ev.claimant_right(GOLD.claims[0], sys_claim("author", "author:x", "asserted", "killed", "ASSAULT"),
                                 frozenset({"author:x"}))


def test_figure_errors_are_counted_and_listed() -> None:
    system = [
        # the witnesses' figure credited to the ministry (previous sentence's speaker), read as exact and as killed
        sys_claim("official", "official:health-ministry", "reported", "injured", "ASSAULT",
                  ("at least 30", 30, 30, "killed"), spans=(rng("The health ministry"),)),
        # a spurious figure claim on "Police"
        sys_claim("author", "author:x", "asserted", "arrested", "COERCE", ("Police", 1, 1, "other")),
    ]
    found = [ev.SysFigure(*rng("5 men"), 5, 5, "arrested")]  # a quantity that no claim carries
    c = ev.score_article(GOLD, system, [], found)
    assert (c.gold_figures, c.sys_figures, c.figures) == (3, 2, 1)
    assert (c.claimant, c.bounds, c.category) == (0, 0, 0)
    whats = sorted(m.what for m in c.misses)
    assert whats.count("figure missed") == 2 and whats.count("figure spurious") == 1
    patterns = ev.error_patterns(c.misses)
    assert patterns["claimant witness → official"] == 1
    assert patterns["bounds floor → exact"] == 1
    assert patterns["category injured → killed"] == 1
    assert patterns["figure missed (quantity found, in no claim; gold event COERCE)"] == 1
    assert patterns["figure missed (no quantity; gold event ASSAULT)"] == 1


def test_event_pass_scores_modality_of_claims_without_figures() -> None:
    # the denial: right event, but the system says asserted by the author
    system = [sys_claim("author", "author:x", "asserted", "fired", "ASSAULT")]
    c = ev.score_article(GOLD, system, [])
    assert (c.figures, c.claims, c.modality) == (0, 1, 0)
    assert [m for m in c.misses if m.what == "modality"][0].gold == "negated"


def test_event_type_f1_needs_overlap_and_equal_type_one_to_one() -> None:
    events = [ev.SysEvent(*rng("killed"), "ASSAULT"),
              ev.SysEvent(*rng("killed"), "ASSAULT"),  # the same trigger twice: one is spurious
              ev.SysEvent(*rng("arrested"), "PROTEST"),  # wrong type
              ev.SysEvent(*rng("said"), "CONSULT")]  # no gold event
    c = ev.score_article(GOLD, [], events)
    assert (c.gold_events, c.sys_events, c.typed_events) == (4, 4, 1)
    row = {r["metric"]: r for r in ev.rows("en", c)}
    assert row["event_type_precision"]["score"] == pytest.approx(0.25)
    assert row["event_type_recall"]["score"] == pytest.approx(0.25)
    assert row["event_type_f1"]["score"] == pytest.approx(0.25) and row["event_type_f1"]["n"] == 4
    patterns = ev.error_patterns(c.misses)
    assert patterns["event type COERCE → PROTEST"] == 1 and patterns["event spurious CONSULT"] == 1


def test_matching_is_one_to_one_by_largest_overlap() -> None:
    a = [(0, 10), (8, 20)]
    b = [(9, 20), (0, 9)]
    assert ev._match(a, b, lambda x: x, lambda x: x) == [((8, 20), (9, 20)), ((0, 10), (0, 9))]


def _fake_ipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Our TEXT as a fake IndiaPoliceEvents article, and a gold file for it plus a line whose dataset is absent."""
    root = tmp_path / "data"
    (root / articles.IPE).mkdir(parents=True)
    row = {"doc_id": 7, "date": "2002-03-03", "url": "", "full_text": TEXT}
    (root / articles.IPE / "metadata.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    monkeypatch.setenv("LAGEBILD_DATA", str(root))

    def sp(text: str) -> dict:
        s = span(text)
        return {"text": s.text, "start": s.start, "end": s.end}

    claims = [{"claimant": {"kind": "official", **sp("The health ministry")}, "cue": sp("said"),
               "modality": "reported", "event": {"type": "ASSAULT", **sp("killed")},
               "figure": {**sp("12 people"), "low": 12, "high": 12, "category": "killed"}},
              {"claimant": {"kind": "author", "text": None, "start": None, "end": None}, "cue": None,
               "modality": "asserted", "event": {"type": "COERCE", **sp("arrested")},
               "figure": {**sp("5 men"), "low": 5, "high": 5, "category": "arrested"}}]
    checksum = articles.SourceArticle("k", articles.IPE, "en", None, None, TEXT).checksum
    lines = [{"article": f"{articles.IPE}:7", "checksum": checksum, "claims": claims},
             {"article": f"{articles.WIKINEWS}:1", "checksum": "0", "claims": []}]
    gold = tmp_path / "batch-01.jsonl"
    gold.write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    return root, gold


def test_present_gold_skips_articles_of_absent_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, gold = _fake_ipe(tmp_path, monkeypatch)
    found = ev.present_gold(root, [gold])
    assert [g.key for g in found] == [f"{articles.IPE}:7"] and len(found[0].claims) == 2
    assert ev.present_gold(tmp_path / "nothing", [gold]) == []


def test_evaluate_scores_the_extractors_report_on_a_gold_article(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from lagebild.config import Settings
    from lagebild.lang import Pipelines

    root, gold = _fake_ipe(tmp_path, monkeypatch)
    counts = ev.evaluate(Pipelines(Settings.from_env()), root, paths=[gold])
    assert list(counts) == ["en"]
    c = counts["en"]
    assert c.gold_figures == 2 and c.gold_events == 2
    # both figures found, credited, bounded and typed as annotated; "denied" is an event the gold line leaves out
    assert (c.figures, c.claimant, c.bounds, c.category, c.claims, c.modality) == (2, 2, 2, 2, 2, 2)
    assert c.typed_events == 2 and [m.what for m in c.misses] == ["event spurious"]
    assert {r["metric"]: r["score"] for r in ev.rows("en", c)}["claimant_accuracy"] == 1.0


def test_scores_per_gold_file_carry_the_files_name(capsys: pytest.CaptureFixture[str]) -> None:
    c = ev.Counts(figures=4, claimant=3, claims=5, modality=4)
    ev.print_scores("en", c, "batch-07")
    lines = capsys.readouterr().out.splitlines()
    assert "lagebild_claims_gold/en\tbatch-07\tclaimant_accuracy\t0.750\tn=4" in lines
    assert "lagebild_claims_gold/en\tbatch-07\tmodality_accuracy\t0.800\tn=5" in lines
