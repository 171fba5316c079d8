"""The silver-NER (distillation) step of `lagebild train de --distil N`: sources, labels, cache, corpora."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from lagebild.accurate.runtime import MODEL_DIR, MODEL_FILES
from lagebild.train import build_corpora_de, de_sources, distil

needs_model = pytest.mark.skipif(not all((MODEL_DIR / f).exists() for f in MODEL_FILES),
                                 reason="accurate model not built (make setup)")

LAWS = """---
Title: Gesetz über die Pflege der Stadtbäume
slug: baumpflg
---

# Gesetz über die Pflege der Stadtbäume (BaumPflG)

### § 1 Zweck

(1) Die Gemeinde sorgt für die Pflege der Bäume an öffentlichen Straßen und
Plätzen. Das Nähere regelt die Satzung.

(2) Kurz.

- Aufzählung eines Punktes in einer Liste ohne Satzbau
"""


def _laws(tmp_path: Path) -> Path:
    (tmp_path / "gesetze_de").mkdir()
    with lzma.open(tmp_path / "gesetze_de" / "gesetze_de.md.xz", "wt", encoding="utf-8") as fh:
        fh.write(LAWS)
    return tmp_path


def test_gesetze_sentences_come_from_body_paragraphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distil, "GESETZE_EVERY", 1)  # keep every paragraph of the tiny file
    sents = distil.gesetze_words(_laws(tmp_path), 10)
    assert sents == [
        "Die Gemeinde sorgt für die Pflege der Bäume an öffentlichen Straßen und Plätzen .".split(),
        "Das Nähere regelt die Satzung .".split(),
    ]
    assert distil.gesetze_words(tmp_path, 1) == sents[:1]


def test_extra_text_without_sources_is_empty(tmp_path: Path) -> None:
    assert distil.extra_text(tmp_path, 50) == []
    assert distil.extra_text(tmp_path, 0) == []


@needs_model
def test_silver_ner_labels_and_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sents = ["Die Ministerin Anna Vogt reiste am Montag nach Lissabon .".split(), "Es regnete .".split()]
    tags = distil.silver_ner("probe", sents, tmp_path)
    assert [len(t) for t in tags] == [len(s) for s in sents]
    assert tags[0][2:4] == ["B-PER", "I-PER"] and tags[0][8] == "B-LOC" and tags[1] == ["O", "O", "O"]
    monkeypatch.setattr(distil, "label", lambda *a: pytest.fail("the cache was not used"))
    assert distil.silver_ner("probe", sents, tmp_path) == tags
    monkeypatch.undo()
    assert distil.silver_ner("probe", sents[:1], tmp_path) == tags[:1]  # other text: labelled again, not mixed up


@needs_model
@pytest.mark.slow  # reads every German training corpus and runs the HanTa silver step (about half a minute)
def test_sample_corpora_carry_silver_entities(data_dir: Path, tmp_path: Path) -> None:
    missing = [p for p in de_sources(data_dir).values() if not p.exists()]
    if missing:
        pytest.skip(f"training data absent: {missing[0]}")
    paths = build_corpora_de(data_dir, tmp_path / "distil", sample=True, distil_n=20)
    vocab = spacy.blank("de").vocab
    train = list(DocBin().from_disk(paths["train"]).get_docs(vocab))
    gsd = [d for d in train if d.has_annotation("POS") and not d.has_annotation("MORPH")]  # GSD train: UPOS only
    silver_only = [d for d in train if not d.has_annotation("POS") and not d.has_annotation("TAG")]
    assert gsd and all(d.has_annotation("ENT_IOB") for d in gsd) and any(d.ents for d in gsd)
    assert len(silver_only) == 3 and all(d.has_annotation("ENT_IOB") for d in silver_only)  # 20 sentences, 8 a doc
    dev = list(DocBin().from_disk(paths["dev"]).get_docs(vocab))
    assert not any(d.has_annotation("ENT_IOB") for d in dev if d.has_annotation("POS"))  # GSD dev parts: no silver
