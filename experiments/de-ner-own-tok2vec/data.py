"""Training data for the NER experiment, built only from train-licensed sources (see README.md)."""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from lagebild.eval.events import read_json_stream
from lagebild.train.corpora import chunked, read_conllu, read_germeval, read_upos_lines, sents_to_doc

SENTS_PER_DOC = 8
LER_SAMPLE = 25_000
SMARTDATA_MAP = {"person": "PER", "organization": "ORG", "organization-company": "ORG", "location": "LOC",
                 "location-city": "LOC", "location-street": "LOC", "location-stop": "LOC", "location-route": "LOC"}
NAMEISH = {"NE", "FM"}


def detok(words: list[str]) -> str:
    """Join tokens to plain text, without spaces before closing or after opening punctuation."""
    text = re.sub(r" ([,.;:!?)\]])", r"\1", " ".join(words))
    return re.sub(r"([(\[]) ", r"\1", text)


def _s(value: object) -> object:
    """Unwrap an Avro-JSON {"string": ...} value."""
    return value.get("string") if isinstance(value, dict) else value


def smartdata_lines(docs: Iterable[dict]) -> Iterator[str]:
    """Lines of >= 3 words from the <TEXT> body of SmartData documents."""
    for doc in docs:
        m = re.search(r"<TEXT>(.*?)</TEXT>", _s(doc.get("raw")) or "", re.S)
        if m:
            body = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
            yield from (line.strip() for line in body.splitlines() if len(line.split()) >= 3)


def smartdata_test(sd: Path) -> tuple[set[str], set[str], set[str]]:
    """Ids, texts and lines of the SmartData v3 test docs (eval only): read only to keep them OUT of training."""
    docs = list(read_json_stream(sd / "test.json.gz"))
    return {d["id"] for d in docs}, {_s(d["text"]) for d in docs}, set(smartdata_lines(docs))


def ler_sents(path: Path) -> Iterator[list[str]]:
    """Token lists of a CoNLL file (first column, blank line between sentences)."""
    words: list[str] = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            words.append(line.strip().split(" ")[0])
        elif words:
            yield words
            words = []
    if words:
        yield words


def wikiwars_lines(folder: Path) -> list[str]:
    """Lines of >= 3 words from the WikiWarsDE .sgm texts."""
    lines: list[str] = []
    for f in sorted(folder.glob("*.sgm")):
        m = re.search(r"<TEXT>(.*?)</TEXT>", f.read_text(encoding="utf-8", errors="replace"), re.S)
        body = re.sub(r"<[^>]+>", "", m.group(1) if m else "")
        lines.extend(line.strip() for line in body.splitlines() if len(line.split()) >= 3)
    return lines


def build(data: Path, out: Path, *, smoke: bool = False) -> dict[str, object]:
    """Write pretrain.jsonl (unlabelled text, no GermEval dev/test) and GermEval train/dev DocBins to out."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)  # one RNG, used in the original order, so the DocBins match the original experiment
    ge_train = list(read_germeval(data / "germeval2014_ner" / "NER-de-train.outer.bio"))
    ge_dev = list(read_germeval(data / "germeval2014_ner" / "NER-de-dev.tsv"))
    sd = data / "smartdata_de"
    v1_train = list(read_json_stream(sd / "v1_20180119" / "train.json.gz"))
    test_ids, test_texts, test_lines = smartdata_test(sd)
    test_lines |= set(smartdata_lines(d for d in v1_train if d["id"] in test_ids or _s(d["text"]) in test_texts))
    ler = list(dict.fromkeys(detok(w) for w in ler_sents(data / "ler_legal_ner_de" / "ler_train_derived_disjoint.conll")))
    rng.shuffle(ler)  # LER repeats boilerplate: de-duplicated, then a random sample
    gepade = json.load(open(data / "gepade_spkatt_de" / "gepade_dev.json", encoding="utf-8"))
    sources = {  # GermEval dev is NOT here: it only selects checkpoints
        "germeval_train": [detok(s.words) for s in ge_train],
        "gsd_train_upos": [detok(s.words) for s in read_upos_lines(data / "ud_german_gsd_train_upos" / "de_gsd-ud-train.conllu.pos")],
        "gsd_dev": [detok(s.words) for s in read_conllu(data / "ud_german" / "de_gsd-ud-dev.conllu")],
        "pud": [detok(s.words) for s in read_conllu(data / "ud_german" / "de_pud-ud-test.conllu", stts=False)],
        "smartdata_v1_train": list(smartdata_lines(v1_train)),
        "smartdata_v3_dev": list(smartdata_lines(read_json_stream(sd / "dev.json.gz"))),
        "gepade_dev": [detok(v["words"]) for v in gepade.values()],
        "wikiwarsde": wikiwars_lines(data / "wikiwarsde" / "WikiWarsDE_20110412" / "in"),
        f"ler_train_derived_sample{LER_SAMPLE}": ler[:LER_SAMPLE],
    }
    texts = list(dict.fromkeys(t for items in sources.values() for t in items if t.strip()))
    rng.shuffle(texts)
    # Fix over the original run: drop lines of SmartData v3 TEST docs (eval only), which v1 train partly contains.
    # Filtering after the shuffle keeps the RNG sequence, hence the GermEval DocBins, identical to the original.
    n_all = len(texts)
    texts = [t for t in texts if t not in test_lines]
    n_dropped = n_all - len(texts)
    texts = texts[: 2000 if smoke else None]
    with open(out / "pretrain.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)

    vocab = spacy.blank("de").vocab
    train = [sents_to_doc(vocab, g, with_ner=True) for g in chunked(ge_train[: 300 if smoke else None], SENTS_PER_DOC)]
    rng.shuffle(train)
    DocBin(docs=train, store_user_data=False).to_disk(out / "ge_train.spacy")
    dev = [sents_to_doc(vocab, g, with_ner=True) for g in chunked(ge_dev[: 150 if smoke else None], SENTS_PER_DOC)]
    DocBin(docs=dev, store_user_data=False).to_disk(out / "ge_dev.spacy")
    return {"pretrain_sentences": len(texts), "pretrain_words": sum(len(t.split()) for t in texts),
            "dropped_smartdata_v3_test_lines": n_dropped,
            "sources_sentences": {k: len(v) for k, v in sources.items()},
            "ge_train_docs": len(train), "ge_dev_docs": len(dev)}


def smartdata_items(sd: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(line, PER/ORG/LOC char spans) for v1 train (minus v3 test docs) + v3 dev, lines of >= 3 words."""
    test_ids, test_texts, _ = smartdata_test(sd)
    docs = [d for d in read_json_stream(sd / "v1_20180119" / "train.json.gz") if d["id"] not in test_ids and _s(d["text"]) not in test_texts]
    lines = []
    for d in docs + list(read_json_stream(sd / "dev.json.gz")):
        ments = [(m["span"]["start"], m["span"]["end"], SMARTDATA_MAP[t])
                 for m in (d.get("conceptMentions") or {}).get("array", [])
                 if (t := m["type"].lower().replace("_", "-")) in SMARTDATA_MAP]
        off = 0
        for line in (_s(d["text"]) or "").split("\n"):
            if len(line.split()) >= 3:
                lines.append((line, [(a - off, b - off, lab) for a, b, lab in ments if a >= off and b <= off + len(line)]))
            off += len(line) + 1
    return lines


def build_smartdata(data: Path, shipped: Path, out: Path, *, smoke: bool = False) -> dict[str, int]:
    """SmartData PER/ORG/LOC DocBin (out/smartdata_train.spacy); tokens that could be MISC are marked missing.

    A gold span is kept only if the shipped tagger calls one of its tokens NE/FM/PROPN (else its tokens become
    missing: SmartData also tags nominal mentions); untagged NE/FM/PROPN tokens are missing (SmartData has no MISC).
    """
    nlp = spacy.load(shipped, exclude=["ner"])
    lines = smartdata_items(data / "smartdata_de")[: 200 if smoke else None]
    db = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=False)
    n = {"lines": len(lines), "tokens": 0, "spans_kept": 0, "spans_nominal_missing": 0, "missing_tokens": 0}
    for doc, (_, ments) in zip(nlp.pipe([line for line, _ in lines], batch_size=64), lines):
        spans, missing, taken = [], [], set()
        for a, b, lab in sorted(ments, key=lambda x: (x[0], -(x[1] - x[0]))):
            sp = doc.char_span(a, b, alignment_mode="expand")
            if sp is not None:  # trim punctuation the character offsets dragged in ("SEB.", "#Hamburg")
                st, en = sp.start, sp.end
                while st < en and (doc[st].is_punct or doc[st].text in "#@"):
                    st += 1
                while en > st and (doc[en - 1].is_punct or doc[en - 1].text in "#@"):
                    en -= 1
                sp = doc[st:en] if en > st else None
            if sp is None or any(i in taken for i in range(sp.start, sp.end)):
                continue
            taken.update(range(sp.start, sp.end))
            if any(t.tag_ in NAMEISH or t.pos_ == "PROPN" for t in sp):
                sp.label_ = lab
                spans.append(sp)
                n["spans_kept"] += 1
            else:
                missing.append(sp)
                n["spans_nominal_missing"] += 1
        missing += [doc[t.i : t.i + 1] for t in doc if t.i not in taken and (t.tag_ in NAMEISH or t.pos_ == "PROPN")]
        doc.ents = ()
        doc.set_ents(spans, missing=missing, default="outside")
        n["tokens"] += len(doc)
        n["missing_tokens"] += sum(len(m) for m in missing)
        db.add(doc)
    db.to_disk(out / "smartdata_train.spacy")
    both = out / "ge_plus_sd"  # a corpus directory: GermEval train + SmartData
    both.mkdir(exist_ok=True)
    for name in ("ge_train.spacy", "smartdata_train.spacy"):
        (both / name).unlink(missing_ok=True)
        (both / name).symlink_to(Path("..") / name)
    return n
