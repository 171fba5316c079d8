"""Pretraining and training (lagebild's tokenizer and matmul ops), and grafting an NER into the shipped pipeline."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import spacy

import lagebild.lang.de  # noqa: F401  (registers lagebild.de_tokenizer.v1)
from lagebild.lang.de.fastops import use_matmul_ops
from lagebild.train import run_training


def pretrain(config: Path, out: Path, overrides: dict[str, object]) -> None:
    """`spacy pretrain` (characters objective) of the config's tok2vec; writes out/model{epoch}.bin."""
    from spacy.training.pretrain import pretrain as spacy_pretrain

    use_matmul_ops()
    out.mkdir(parents=True, exist_ok=True)
    spacy_pretrain(spacy.util.load_config(config, overrides=overrides, interpolate=True), out, use_gpu=-1, silent=False)


def train(config: Path, out: Path, overrides: dict[str, object]) -> Path:
    """`spacy train` on CPU via lagebild.train.run_training; returns model-best (model-last if none)."""
    run_training(config, out, overrides)
    return out / "model-best" if (out / "model-best").exists() else out / "model-last"


def graft(shipped: Path, ner_dir: Path, out: Path, *, listen: bool = False) -> None:
    """Write the shipped pipeline with its `ner` replaced by the trained one (own tok2vec, or listening if `listen`)."""
    base, src = spacy.load(shipped), spacy.load(ner_dir)
    if listen:  # hybrid: the NER keeps listening to the shared tok2vec, which it was trained against frozen
        assert filecmp.cmp(ner_dir / "tok2vec" / "model", shipped / "tok2vec" / "model", shallow=False), "shared tok2vec differs"
    else:  # the NER gets its own copy of its tok2vec (listener -> inner Tok2Vec)
        src.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    after = base.pipe_names[base.pipe_names.index("ner") - 1]
    base.remove_pipe("ner")  # the shared tok2vec drops its ner listener
    base.add_pipe("ner", source=src, after=after)
    assert ("ner" in base.get_pipe("tok2vec").listening_components) == listen
    base.meta["description"] = base.meta.get("description", "") + f" [NER: own tok2vec, grafted from {ner_dir.name}]"
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    base.to_disk(out)


def verify(shipped: Path, grafted: Path, texts: list[str]) -> dict[str, object]:
    """Reload the grafted pipeline; every non-NER annotation must equal the shipped pipeline's, token by token."""
    a, b = spacy.load(shipped), spacy.load(grafted)
    assert a.pipe_names == b.pipe_names, (a.pipe_names, b.pipe_names)
    n_tok = diff = ent_diff = 0
    for da, db in zip(a.pipe(texts), b.pipe(texts)):
        assert len(da) == len(db)
        for ta, tb in zip(da, db):
            n_tok += 1
            diff += (ta.pos_, ta.tag_, str(ta.morph), ta.lemma_, ta.is_sent_start) != (tb.pos_, tb.tag_, str(tb.morph), tb.lemma_, tb.is_sent_start)
        ent_diff += [(e.start, e.end, e.label_) for e in da.ents] != [(e.start, e.end, e.label_) for e in db.ents]
    assert diff == 0, f"{diff} tokens differ outside the NER"
    return {"tokens": n_tok, "non_ner_differences": diff, "docs_with_other_entities": ent_diff, "docs": len(texts),
            "shared_tok2vec_listeners": b.get_pipe("tok2vec").listening_components}
