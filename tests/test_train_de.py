"""Sample-mode training of the German base pipeline, end to end into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import lagebild.lang.de  # noqa: F401
from lagebild.train import de_sources, train_de

pytestmark = pytest.mark.slow  # trains for minutes, even in sample mode


def test_train_de_sample_runs_end_to_end(data_dir: Path, tmp_path: Path) -> None:
    missing = [p for p in de_sources(data_dir).values() if not p.exists()]
    if missing:
        pytest.skip(f"training data absent: {missing[0]}")
    out = train_de(data_dir, tmp_path / "pipeline", sample=True, work_dir=tmp_path / "work")
    assert (out / "config.cfg").exists()
    nlp = spacy.load(out)
    expected = {"lagebild_upos", "tagger", "morphologizer", "lagebild_de_mood", "trainable_lemmatizer", "ner", "sentencizer"}
    assert expected <= set(nlp.pipe_names)
    doc = nlp("Die EU-Außenbeauftragte sagte in Brüssel, die Lage sei ernst. Dann reiste sie ab.")
    assert len(doc) > 5 and all(t.pos_ for t in doc) and all(t.tag_ for t in doc)
    assert doc[0].is_sent_start
