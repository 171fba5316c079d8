"""Odd fragments of news text (unbalanced quotes, a cue at the very end, datelines) always give a valid report."""

from __future__ import annotations

import random

import pytest

from lagebild.config import Settings
from lagebild.model import Article
from lagebild.pipeline import Extractor

PIECES = ("„ “ » « \" ' : , . \n \n\n ( ) – - sagte er sie laut Laut zufolge nach Angaben der Polizei Innenminister Paul "
          "Reiter soll sei seien habe wie so mehr als 700 3.400 1,5 Millionen am Freitag dass und Tote BISHKEK (CAW) the "
          "said Osch Bischkek in ordnete an nicht Ausgangssperre festgenommen getötet Dutzende Wie mitteilte").split(" ")


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Settings.from_env())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_random_fragments_give_valid_reports(extractor: Extractor, lang: str) -> None:
    rng = random.Random(11)
    for n in range(150):
        text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        report = extractor.report(Article(id=f"f{n}", lang=lang, text=text))
        assert report.article.id == f"f{n}" and all(text[q.start:q.end] == q.text for q in report.quotes)
