"""Scorers for quotes, quantities and events on tiny hand-made cases."""

from __future__ import annotations

from lagebild.eval.events import score_gold
from lagebild.eval.quotes import gold_quotes, match, prf, score, speaker_correct


def gold(a: int, b: int, sp: tuple[int, int] | None = None, text: str = "") -> dict:
    return {"chars": set(range(a, b)), "type": "Direct", "speaker_spans": [sp] if sp else [], "speaker_texts": [text]}


def test_a_quote_annotated_twice_is_one_quote_with_two_speakers() -> None:
    def annotation(speaker: str, at: int) -> dict:
        return {"type": "Direct", "quote": {"spans": [{"charBegin": 10, "charEnd": 40}]},
                "speaker": {"text": speaker, "spans": [{"charBegin": at, "charEnd": at + 5}]}}

    doc = {"annotations": [annotation("Arslan", 0), annotation("Radio", 50), {"type": "Reported", "quote": {"spans": []}}]}
    (quote,) = gold_quotes(doc)
    assert quote["speaker_spans"] == [(0, 5), (50, 55)] and quote["speaker_texts"] == ["Arslan", "Radio"]
    assert speaker_correct(quote, pred(1, 10, 40, "das Radio"), [])


def pred(i: int, a: int, b: int, speaker_text: str | None = None) -> dict:
    return {"id": f"qt{i}", "start": a, "end": b, "speaker_text": speaker_text}


def test_half_coverage_matches_one_to_one() -> None:
    g = [gold(0, 10), gold(20, 30)]
    p = [pred(1, 0, 5), pred(2, 0, 4), pred(3, 24, 40)]
    assert sorted(match(g, p)) == [(0, 0), (1, 2)]
    assert match([gold(0, 10)], [pred(1, 0, 4)]) == []


def test_prf_and_speaker() -> None:
    g = [gold(0, 10, (12, 20), "Lena Hartwig"), gold(30, 40, (42, 44), "Er")]
    p = [pred(1, 0, 10, "Außenministerin Lena Hartwig"), pred(2, 30, 40, "Paul Reiter"), pred(3, 50, 60)]
    spans = {"qt1": [(70, 80)], "qt2": [(42, 44), (0, 5)], "qt3": []}
    c = score(g, p, spans)
    assert c == {"gold": 2, "pred": 3, "match": 2, "judged": 2, "correct": 2}
    pr, r, f = prf(c)
    assert (round(pr, 3), r, round(f, 3)) == (0.667, 1.0, 0.8)
    assert not speaker_correct(g[0], pred(1, 0, 10, "Paul Reiter"), [(70, 80)])


def test_a_bracketed_tag_is_not_the_head_of_a_gold_speaker() -> None:
    g = gold(0, 10, (60, 90), "Bürgermeisterin Ada Roth (SPD)")
    assert speaker_correct(g, pred(1, 0, 10, "Roth"), [(120, 124)])
    assert not speaker_correct(g, pred(1, 0, 10, "der SPD"), [(130, 137)])  # the party is not the mayor


def test_event_gold_scorer() -> None:
    row = {"text": "x", "events": [{"trigger": "a", "start": 0, "end": 4, "type": "COERCE", "mode": "curfew",
                                    "source": "author", "modality": "ordered"}]}
    p = [{"trigger": {"start": 1, "end": 3}, "type": "COERCE", "mode": "curfew", "source": {"kind": "author"}, "modality": "asserted"},
         {"trigger": {"start": 8, "end": 9}, "type": "FIGHT", "mode": None, "source": {"kind": "author"}, "modality": "asserted"}]
    c = score_gold([row], [p])
    assert c == {"gold": 1, "pred": 2, "trigger": 1, "type": 1, "mode": 1, "source": 1, "modality": 0}


def test_quantity_scorer_bounds_and_category() -> None:
    from lagebild.eval.quantities import score as score_quantities

    row = {"text": "x", "quantities": [{"start": 0, "end": 12, "low": 701.0, "high": None, "category": "arrested"},
                                       {"start": 20, "end": 30, "low": 14.0, "high": 14.0, "category": "killed"}]}
    preds = [{"start": 5, "end": 12, "low": 701.0, "high": None, "category": "arrested"},
             {"start": 20, "end": 25, "low": 14.0, "high": 14.0, "category": "other"},
             {"start": 40, "end": 44, "low": 3.0, "high": 3.0, "category": "other"}]
    assert score_quantities([row], [preds]) == {"gold": 2, "pred": 3, "match": 2, "bounds": 2, "category": 1, "exact": 1}


def test_own_gold_files_resolve_every_item_to_its_text() -> None:
    from lagebild.eval import events, quantities

    for path in events.GOLD_SETS.values():
        rows = events.read_gold(path)
        assert rows and all(row["text"][e["start"]:e["end"]] == e["trigger"] for row in rows for e in row["events"])
    rows = quantities.read_gold()
    assert rows and all(row["text"][q["start"]:q["end"]] == q["text"] for row in rows for q in row["quantities"])


def test_gepade_scorer_matches_cues_by_shared_token() -> None:
    from lagebild.eval.gepade import score as score_cues

    gold = [{"Cue": {(0, 3)}, "Source": {(0, 0), (0, 1)}, "Message": {(0, 5), (0, 6), (0, 7), (0, 8)}},
            {"Cue": {(1, 2)}, "Source": set(), "Message": set()}]
    pred = [{"Cue": {(0, 3), (0, 9)}, "Source": {(0, 1)}, "Message": {(0, 5), (0, 6)}},
            {"Cue": {(2, 0)}, "Source": {(2, 1)}, "Message": set()}]
    assert score_cues(gold, pred) == {"gold": 2, "pred": 2, "match": 1, "source_judged": 1, "source": 1,
                                      "message_judged": 1, "message": 1}


def test_redewiedergabe_tokens_become_ordinary_text() -> None:
    from lagebild.eval.redewiedergabe import detokenize

    text, spans = detokenize(["„", "Wir", "kommen", "“", ",", "sagte", "er", "."])
    assert text == "„Wir kommen“, sagte er." and text[slice(*spans[5])] == "sagte"
