"""CPU time of the CNN's entity decoding and lemmatizing: spaCy's own methods against ours, same process, same Docs.

Usage: .venv/bin/python benchmarks/bench_decoders.py [--docs 1028] [--repeats 3] [--out FILE]
The first --docs 10kGNAD test articles (benchmark-only data) go through the fast pipeline's components before `ner`
(and before the lemmatizer) once; then, alternating, each round times spaCy's `ner` (its transition loop) and
`NumpyNER` (`lang/greedy_ner.py`) on copies of the same Docs, and the plain edit-tree lemmatizer and
`CachedLemmas` (`lang/lemmas.py`). Every round checks that both give the same entities and the same lemmas.
Medians of the rounds, in CPU seconds (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, LEMMA
from spacy.tokens import Doc

from lagebild.config import Settings
from lagebild.lang import base_pipeline
from lagebild.lang.greedy_ner import NumpyNER
from lagebild.lang.lemmas import CachedLemmas
from lagebild.malloc import keep_freed_memory
from lagebild.train.corpora import read_gnad_texts


def copies(docs: list[Doc]) -> list[Doc]:
    """Fresh copies that keep the tok2vec tensor (what the decoders read)."""
    out = []
    for doc in docs:
        copy = doc.copy()
        copy.tensor = doc.tensor
        out.append(copy)
    return out


def cpu(run: Callable[[], list[Doc]]) -> tuple[float, list[Doc]]:
    start = time.process_time()
    docs = run()
    return time.process_time() - start, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1028)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=Settings().batch_size)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results") / "decoders.json")
    args = parser.parse_args()
    keep_freed_memory()
    texts = list(read_gnad_texts(Settings.from_env().data_dir / "10kgnad_de" / "test.csv"))[:args.docs]
    nlp = base_pipeline("de")
    names = nlp.pipe_names
    with nlp.select_pipes(enable=names[:names.index("trainable_lemmatizer")]):
        tagged = list(nlp.pipe(texts, batch_size=args.batch_size))
    ner, lemmatizer = nlp.get_pipe("ner"), nlp.get_pipe("trainable_lemmatizer")
    numpy_ner, cached = NumpyNER(ner), CachedLemmas(lemmatizer)
    bs = args.batch_size

    def lemmatize(predict: Callable, annotate: Callable) -> list[Doc]:
        docs = copies(tagged)
        for start in range(0, len(docs), bs):
            batch = docs[start:start + bs]
            annotate(batch, predict(batch))
        return docs

    entities = 0
    runs: dict[str, list[float]] = {"ner_spacy": [], "ner_numpy": [], "lemmas_spacy": [], "lemmas_cached": []}
    for _ in range(args.repeats):
        spent, theirs = cpu(lambda: list(ner.pipe(copies(tagged), batch_size=bs)))
        runs["ner_spacy"].append(spent)
        spent, ours = cpu(lambda: list(numpy_ner.pipe(copies(tagged), batch_size=bs)))
        runs["ner_numpy"].append(spent)
        attrs = [ENT_IOB, ENT_TYPE, ENT_KB_ID]
        entities = sum(len(doc.ents) for doc in ours)
        assert all(numpy.array_equal(a.to_array(attrs), b.to_array(attrs)) for a, b in zip(theirs, ours))
        spent, theirs = cpu(lambda: lemmatize(lemmatizer.predict, lemmatizer.set_annotations))
        runs["lemmas_spacy"].append(spent)
        spent, ours = cpu(lambda: lemmatize(cached.predict, cached.set_annotations))
        runs["lemmas_cached"].append(spent)
        assert all(numpy.array_equal(a.to_array(LEMMA), b.to_array(LEMMA)) for a, b in zip(theirs, ours))
    median = {name: round(statistics.median(values), 3) for name, values in runs.items()}
    result = {
        "command": f"LAGEBILD_MODEL=fast LAGEBILD_DATA=../shared/data .venv/bin/python benchmarks/bench_decoders.py "
                   f"--docs {args.docs} --repeats {args.repeats}",
        "docs": len(texts), "tokens": sum(len(doc) for doc in tagged), "entities": entities,
        "load_after": [round(x, 2) for x in os.getloadavg()], "same_entities_and_lemmas": True,
        "cpu_seconds": {name: [round(v, 3) for v in values] for name, values in runs.items()},
        "cpu_median_s": median,
        "spacy_over_ours": {"ner": round(median["ner_spacy"] / median["ner_numpy"], 2),
                            "lemmas": round(median["lemmas_spacy"] / median["lemmas_cached"], 2)},
    }
    text = json.dumps(result, indent=1)
    args.out.write_text(text + "\n", "utf-8")
    print(text)


if __name__ == "__main__":
    main()
