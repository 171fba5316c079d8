"""The claim scorer (`lagebild.eval.claims`) on tiny hand-made gold/system pairs in our own words."""

from __future__ import annotations

import pytest

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
