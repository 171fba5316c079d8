"""Development scores of German pipelines (shipped and candidates): the numbers that decide whether one ships.

GermEval 2014 dev (all 2,200 sentences, lagebild's NER scorer, gold tokens) and the last 100 sentences of UD German
GSD dev (held out from training; UPOS, STTS, lemma, FEATS, Mood with lagebild's tag scorer). Test sets are never read.

    .venv/bin/python experiments/de-ner-distil/score_dev.py shipped /tmp/distill-work/pipe_distil12k --out results.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy

import lagebild.lang.de  # noqa: F401  (registers the tokenizer and components)
from lagebild.config import Settings
from lagebild.eval import ner, tags
from lagebild.lang import LANG_DIR
from lagebild.train.corpora import NER_LABELS, read_conllu, read_germeval

GSD_DEV_HELD_OUT = 100  # lagebild.train.build_corpora_de keeps the last 100 GSD dev sentences for development


def score(path: Path, data_dir: Path) -> dict[str, float]:
    """NER and tag development scores of the pipeline at path."""
    nlp = spacy.load(path)
    components = list(nlp.pipeline)
    germeval = list(read_germeval(data_dir / "germeval2014_ner" / "NER-de-dev.tsv"))
    gsd = list(read_conllu(data_dir / "ud_german" / "de_gsd-ud-dev.conllu"))[-GSD_DEV_HELD_OUT:]
    start = time.process_time()
    rows = ner.score_dataset("germeval2014_dev", germeval, ner.annotate(nlp, components, [s.words for s in germeval]),
                             NER_LABELS)
    rows += tags.score_dataset("gsd_dev_held_out", gsd, ner.annotate(nlp, components, [s.words for s in gsd]))
    out = {f"{r['dataset']}:{r['metric']}": round(r["score"], 4) for r in rows}
    out["cpu_s"] = round(time.process_time() - start, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipelines", nargs="+", help="pipeline directories, or 'shipped'")
    parser.add_argument("--out", type=Path, help="write the scores here as JSON")
    args = parser.parse_args()
    data_dir = Settings.from_env().data_dir
    results = {}
    for name in args.pipelines:
        path = LANG_DIR / "de" / "pipeline" if name == "shipped" else Path(name)
        results[name] = score(path, data_dir)
        print(name, json.dumps(results[name], indent=1), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
