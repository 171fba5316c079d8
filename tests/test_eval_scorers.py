"""The NER and tagging scorers on tiny hand-made gold/prediction cases."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from lagebild.eval import ner, tags
from lagebild.train.corpora import Sent, germeval_tag


def test_bio_to_spans_exact_spans() -> None:
    tags_ = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]
    assert ner.bio_to_spans(tags_) == {(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")}


def test_prf_counts_only_exact_matches() -> None:
    gold = [{(0, 2, "PER"), (3, 4, "LOC")}, {(1, 2, "ORG")}]
    pred = [{(0, 2, "PER"), (3, 5, "LOC")}, {(1, 2, "MISC")}]
    p, r, f, n = ner.prf(gold, pred)
    assert (p, r, n) == (pytest.approx(1 / 3), pytest.approx(1 / 3), 3)
    assert f == pytest.approx(1 / 3)
    assert ner.prf(gold, pred, "PER")[2] == 1.0
    assert ner.prf([set()], [set()]) == (0.0, 0.0, 0.0, 0)


def test_germeval_outer_tags_map_to_four_labels() -> None:
    assert germeval_tag("B-OTH") == "B-MISC"
    assert germeval_tag("I-PER") == "I-PER"
    assert germeval_tag("B-LOCderiv") == "O"
    assert germeval_tag("I-ORGpart") == "O"


def test_ner_score_dataset_uses_doc_entities() -> None:
    nlp = spacy.blank("de")
    words = ["Angela", "Merkel", "besuchte", "Paris", "."]
    doc = Doc(nlp.vocab, words=words, ents=["B-PER", "I-PER", "O", "B-ORG", "O"])
    sent = Sent(words, ner=["B-PER", "I-PER", "O", "B-LOC", "O"])
    rows = {r["metric"]: r for r in ner.score_dataset("toy", [sent], [doc], ("PER", "ORG", "LOC", "MISC"))}
    assert rows["precision"]["score"] == 0.5 and rows["recall"]["score"] == 0.5 and rows["f1"]["n"] == 2
    assert rows["f1_PER"]["score"] == 1.0 and rows["f1_LOC"]["score"] == 0.0


def test_accuracy_skips_missing_gold() -> None:
    assert tags.accuracy(["NOUN", "", "VERB", "ADP"], ["NOUN", "X", "AUX", "ADP"]) == (pytest.approx(2 / 3), 3)
    assert tags.accuracy([], []) == (0.0, 0)


def test_tag_rows_and_mood_on_finite_verbs() -> None:
    nlp = spacy.blank("de")
    words = ["Er", "sagte", ",", "sie", "sei", "krank", "."]
    sent = Sent(
        words,
        pos=["PRON", "VERB", "PUNCT", "PRON", "AUX", "ADJ", "PUNCT"],
        tag=["PPER", "VVFIN", "$,", "PPER", "VAFIN", "ADJD", "$."],
        lemma=["er", "sagen", ",", "sie", "sein", "krank", "."],
        morph=["", "Mood=Ind|VerbForm=Fin", "", "", "Mood=Sub|VerbForm=Fin", "", ""],
    )
    sent.extra["finite"] = [False, True, False, False, True, False, False]
    doc = Doc(
        nlp.vocab,
        words=words,
        pos=["PRON", "VERB", "PUNCT", "PRON", "AUX", "ADV", "PUNCT"],
        tags=["PPER", "VVFIN", "$,", "PPER", "VAFIN", "ADJD", "$."],
        lemmas=["er", "sagen", ",", "sie", "sein", "krank", "."],
        morphs=["", "Mood=Ind|VerbForm=Fin", "", "", "Mood=Ind|VerbForm=Fin", "", ""],
    )
    rows = {r["metric"]: r["score"] for r in tags.score_dataset("toy", [sent], [doc])}
    assert rows["upos_acc"] == pytest.approx(6 / 7)
    assert rows["stts_acc"] == 1.0 and rows["lemma_acc"] == 1.0
    assert rows["mood_fin_acc"] == 0.5
    assert rows["morph_acc"] == pytest.approx(6 / 7)
