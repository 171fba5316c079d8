"""Training of lagebild's own base pipelines (spaCy's training API, config files kept beside this module)."""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.morphology import Morphology
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from . import distil, silver
from .corpora import Sent, chunked, pud_morph, read_conllu, read_germeval, read_upos_lines, sents_to_doc

CONFIG_DE = Path(__file__).with_name("de.cfg")
DEFAULT_OUT_DE = Path(__file__).resolve().parents[1] / "lang" / "de" / "pipeline"
SENTS_PER_DOC = 8
MORPH_UPSAMPLE = 3
SEED = 0


class TrainingDataMissing(FileNotFoundError):
    """A corpus needed for training is not in the data directory."""


def _need(path: Path) -> Path:
    if not path.exists():
        raise TrainingDataMissing(str(path))
    return path


def de_sources(data_dir: Path) -> dict[str, Path]:
    """The training-licence corpora used for German (see MODEL_CARD.md); test splits are never listed here."""
    return {
        "germeval_train": data_dir / "germeval2014_ner" / "NER-de-train.outer.bio",
        "germeval_dev": data_dir / "germeval2014_ner" / "NER-de-dev.tsv",
        "gsd_train_upos": data_dir / "ud_german_gsd_train_upos" / "de_gsd-ud-train.conllu.pos",
        "gsd_dev_upos": data_dir / "ud_german_gsd_train_upos" / "de_gsd-ud-dev.conllu.pos",
        "gsd_dev": data_dir / "ud_german" / "de_gsd-ud-dev.conllu",
        "pud": data_dir / "ud_german" / "de_pud-ud-test.conllu",
    }


def morph_labels(docs: Sequence[Doc], vocab: Vocab) -> dict[str, dict[str, object]]:
    """Morphologizer labels from gold morphology; featureless labels only for POS that are mostly featureless."""
    labels_morph: dict[str, str] = {}
    labels_pos: dict[str, int] = {}
    bare: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for doc in docs:
        for token in doc:
            if not token.pos_:
                continue
            total[token.pos_] += 1
            bare[token.pos_] += not token.has_morph()
    keep_bare = {pos for pos in total if bare[pos] * 2 >= total[pos]}
    for doc in docs:
        for token in doc:
            pos, morph = token.pos_, str(token.morph)
            if not pos or (not token.has_morph() and pos not in keep_bare):
                continue
            feats = Morphology.feats_to_dict(morph)
            feats["POS"] = pos
            label = vocab.strings[vocab.morphology.add(feats)]
            labels_morph.setdefault(label, morph)
            labels_pos.setdefault(label, POS_IDS[pos])
    return {"morph": labels_morph, "pos": labels_pos}  # type: ignore[dict-item]


def _docs(vocab: Vocab, sents: Sequence[Sent], *, with_ner: bool) -> list[Doc]:
    return [sents_to_doc(vocab, group, with_ner=with_ner) for group in chunked(sents, SENTS_PER_DOC)]


def build_corpora_de(
    data_dir: Path, work_dir: Path, *, sample: bool = False, distil_n: int = 0, morph_upsample: int = MORPH_UPSAMPLE
) -> dict[str, Path]:
    """Convert the open German corpora to DocBins (+ morphologizer labels) in work_dir; with distil_n > 0 the
    accurate model adds silver entities to the GSD train text and to distil_n further sentences (see distil.py);
    morph_upsample repeats the gold morphology documents (GSD dev minus its last 100 sentences, PUD)."""
    src = {name: _need(path) for name, path in de_sources(data_dir).items()}
    limit = 300 if sample else None
    germeval = list(read_germeval(src["germeval_train"]))[:limit]
    germeval_dev = list(read_germeval(src["germeval_dev"]))[: 150 if sample else 1000]
    gsd_train = list(read_upos_lines(src["gsd_train_upos"]))[:limit]
    gsd_dev_old = list(read_upos_lines(src["gsd_dev_upos"]))
    gsd_dev = list(read_conllu(src["gsd_dev"]))
    pud = list(read_conllu(src["pud"], stts=False))
    for sent in pud:
        assert sent.morph is not None and sent.pos is not None
        sent.morph = [pud_morph(m, p) for m, p in zip(sent.morph, sent.pos)]
    if sample:
        gsd_dev, pud = gsd_dev[:200], pud[:100]

    if silver.hanta_available():
        cache = work_dir.parent / "silver_cache" if not sample else None
        lemma_table = silver.closed_lemma_table(gsd_dev)
        dev_old_tags = silver.tag_sentences([s.words for s in gsd_dev_old], cache and cache / "gsd_dev_old.jsonl.gz")
        upos_table = silver.upos_update_table(gsd_dev_old, dev_old_tags, gsd_dev)
        for name, sents in (("germeval_train", germeval), ("gsd_train", gsd_train)):
            print(f"silver STTS + lemmas for {name} ({len(sents)} sentences)", flush=True)
            tagged = silver.tag_sentences([s.words for s in sents], cache and cache / f"{name}.jsonl.gz")
            for sent, row in zip(sents, tagged):
                silver.apply_silver(sent, row, lemma_table)
        for sent in gsd_train:
            assert sent.pos is not None and sent.tag is not None
            sent.pos = [silver.update_upos(p, t, w, upos_table) for p, t, w in zip(sent.pos, sent.tag, sent.words)]
    else:
        print("HanTa not installed: training STTS and lemmas on gold data only", flush=True)

    held_out = 40 if sample else 300
    gold_dev_n = 20 if sample else 100
    silver_extra: list[Sent] = []
    if distil_n > 0:
        cache = work_dir.parent / "silver_cache" if not sample else None
        gsd_ner = distil.silver_ner("gsd_train", [s.words for s in gsd_train[:-held_out]], cache)
        for sent, tags in zip(gsd_train, gsd_ner):
            sent.ner = tags
        extra = distil.extra_text(Path(data_dir), min(distil_n, 100) if sample else distil_n)
        silver_extra = distil.silver_sents(extra, distil.silver_ner(f"extra_{distil_n}", extra, cache))
        print(f"silver NER: {len(gsd_ner)} GSD train sentences, {len(silver_extra)} further sentences", flush=True)
    vocab = spacy.blank("de").vocab
    morph_docs = _docs(vocab, gsd_dev[:-gold_dev_n], with_ner=False) + _docs(vocab, pud, with_ner=False)
    train_docs = (
        _docs(vocab, germeval, with_ner=True)
        + _docs(vocab, gsd_train[:-held_out], with_ner=distil_n > 0)
        + _docs(vocab, silver_extra, with_ner=True)
        + morph_docs * morph_upsample
    )
    dev_docs = (
        _docs(vocab, germeval_dev, with_ner=True)
        + _docs(vocab, gsd_train[-held_out:], with_ner=False)
        + _docs(vocab, gsd_dev[-gold_dev_n:], with_ner=False)
    )
    random.Random(SEED).shuffle(train_docs)
    work_dir.mkdir(parents=True, exist_ok=True)
    paths = {"train": work_dir / "train.spacy", "dev": work_dir / "dev.spacy", "morph_labels": work_dir / "morph_labels.json"}
    DocBin(docs=train_docs, store_user_data=False).to_disk(paths["train"])
    DocBin(docs=dev_docs, store_user_data=False).to_disk(paths["dev"])
    paths["morph_labels"].write_text(json.dumps(morph_labels(morph_docs, vocab)), encoding="utf-8")
    print(f"corpora: {len(train_docs)} train docs, {len(dev_docs)} dev docs in {work_dir}", flush=True)
    return paths


def train_de(
    data_dir: Path,
    out_dir: Path = DEFAULT_OUT_DE,
    *,
    sample: bool = False,
    work_dir: Path | None = None,
    distil_n: int = 0,
    morph_upsample: int = MORPH_UPSAMPLE,
    max_steps: int = 0,
) -> Path:
    """Train the German base pipeline from the open data in data_dir and write it to out_dir (distil_n: silver NER
    sentences beyond the GSD train text, 0 = no distillation; morph_upsample: repeats of the gold morphology;
    max_steps: stop the fit there, 0 = de.cfg's 8,000)."""
    import lagebild.lang.de  # noqa: F401  (registers the tokenizer and the UPOS tagger)

    work = Path(work_dir) if work_dir else Path(tempfile.gettempdir()) / "lagebild_train_de" / ("sample" if sample else "full")
    paths = build_corpora_de(Path(data_dir), work, sample=sample, distil_n=distil_n, morph_upsample=morph_upsample)
    overrides: dict[str, object] = {f"paths.{k}": str(v) for k, v in paths.items()}
    if max_steps:
        overrides["training.max_steps"] = max_steps
    if sample:
        overrides.update({"training.max_steps": 40, "training.eval_frequency": 20, "training.max_epochs": 2})
    output = work / "output"
    run_training(CONFIG_DE, output, overrides)
    best = output / "model-best"
    return install_de(best if best.exists() else output / "model-last", Path(out_dir))


def run_training(config_path: Path, output: Path, overrides: dict[str, object]) -> None:
    """spaCy's init + training loop on CPU, with lagebild's matmul ops (spacy.cli.train would reset them)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    from lagebild.lang.de.fastops import use_matmul_ops

    use_matmul_ops()
    output.mkdir(parents=True, exist_ok=True)
    config = spacy.util.load_config(config_path, overrides=overrides, interpolate=False)
    nlp = init_nlp(config, use_gpu=-1)
    train_loop(nlp, output, use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)


def install_de(model: Path, out_dir: Path) -> Path:
    """Add the rule layers to a trained model, stamp its meta and write it to out_dir (replacing what was there)."""
    import lagebild.lang.de  # noqa: F401

    nlp = spacy.load(model)
    if "lagebild_de_mood" not in nlp.pipe_names:
        nlp.add_pipe("lagebild_de_mood", after="morphologizer")
    if "senter" in nlp.pipe_names:  # the senter only shapes the shared tok2vec in training; rules ship (see MODEL_CARD.md)
        nlp.remove_pipe("senter")
    if "sentencizer" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    nlp.meta.update(
        {
            "name": "lagebild_base",
            "version": "0.1.0",
            "description": "lagebild's compact German base pipeline (NER, UPOS, STTS, morphology, lemmas, sentences); "
            "see lagebild/lang/de/MODEL_CARD.md",
            "license": "CC BY-SA 4.0 (trained on UD German GSD/PUD (CC BY-SA) and GermEval 2014 (CC BY 4.0))",
            "sources": [
                {"name": "GermEval 2014 NER train+dev", "license": "CC BY 4.0"},
                {"name": "UD German GSD (train UPOS, dev)", "license": "CC BY-SA 4.0"},
                {"name": "UD German PUD", "license": "CC BY-SA 3.0"},
            ],
        }
    )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    nlp.to_disk(out_dir)
    return out_dir
