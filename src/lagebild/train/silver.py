"""Silver STTS tags and lemmas from HanTa (LGPL, a training-time teacher only; never shipped or run at inference)."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from .corpora import Sent

TAG_FIXES = {"PROAV": "PAV", "NNI": "NN", "NNA": "NN", "PIDAT": "PIAT"}
CLOSED_TAGS = frozenset(
    "ART PPER PRF PPOSAT PPOSS PDAT PDS PIAT PIS PRELAT PRELS PWAT PWS PWAV KOUS KOUI KON KOKOM APPR APPRART APPO APZR "
    "PAV PTKZU PTKNEG PTKVZ PTKANT PTKA VAFIN VAIMP VAINF VAPP VMFIN VMINF VMPP".split()
)


def hanta_available() -> bool:
    """True when the HanTa teacher can be imported."""
    try:
        import HanTa  # noqa: F401
    except ImportError:
        return False
    return True


def normalize_tag(tag: str) -> str:
    """HanTa STTS -> the STTS spelling of UD German GSD (VV(FIN) -> VVFIN, PROAV -> PAV)."""
    tag = tag.replace("(", "").replace(")", "")
    return TAG_FIXES.get(tag, tag)


def tag_sentences(sents: Sequence[list[str]], cache: Path | None = None) -> list[list[tuple[str, str]]]:
    """(STTS, lemma) per word from HanTa, cached as gzipped JSON lines."""
    if cache is not None and cache.exists():
        with gzip.open(cache, "rt", encoding="utf-8") as fh:
            cached = [json.loads(line) for line in fh]
        if len(cached) == len(sents):
            return [[(t, lem) for t, lem in row] for row in cached]
    from HanTa import HanoverTagger as ht

    tagger = ht.HanoverTagger("morphmodel_ger.pgz")
    out: list[list[tuple[str, str]]] = []
    for i, words in enumerate(sents):
        tagged = tagger.tag_sent(list(words), taglevel=1)
        out.append([(normalize_tag(tag), lemma) for _, lemma, tag in tagged])
        if i % 2000 == 0:
            print(f"  silver: {i}/{len(sents)} sentences", flush=True)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(cache, "wt", encoding="utf-8") as fh:
            for row in out:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def closed_lemma_table(gold: Sequence[Sent]) -> dict[tuple[str, str], str]:
    """Majority gold lemma for closed-class (lowercased form, STTS) pairs: maps HanTa's lemma conventions to UD's."""
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for sent in gold:
        if sent.tag is None or sent.lemma is None:
            continue
        for word, tag, lemma in zip(sent.words, sent.tag, sent.lemma):
            if tag in CLOSED_TAGS and lemma:
                counts[(word.lower(), tag)][lemma] += 1
    return {key: c.most_common(1)[0][0] for key, c in counts.items()}


def upos_update_table(old: Sequence[Sent], silver_tags: Sequence[list[tuple[str, str]]], new: Sequence[Sent]) -> dict[tuple[str, ...], str]:
    """Majority current-release UPOS for (old-release UPOS, silver STTS[, lowercased form]), learned on GSD dev."""
    counts: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for o, s, n in zip(old, silver_tags, new):
        if o.words != n.words or o.pos is None or n.pos is None:
            continue
        for word, op, (stts, _), np_ in zip(o.words, o.pos, s, n.pos):
            counts[(op, stts)][np_] += 1
            counts[(op, stts, word.lower())][np_] += 1
    table: dict[tuple[str, ...], str] = {}
    for key, c in counts.items():
        label, freq = c.most_common(1)[0]
        if len(key) == 2 or freq >= 2:
            table[key] = label
    return table


def update_upos(old_pos: str, stts: str, word: str, table: dict[tuple[str, ...], str]) -> str:
    """The current-release UPOS for an old-release one (falls back to the old tag)."""
    return table.get((old_pos, stts, word.lower())) or table.get((old_pos, stts)) or old_pos


def apply_silver(sent: Sent, silver: list[tuple[str, str]], lemmas: dict[tuple[str, str], str]) -> None:
    """Attach silver STTS and lemmas to a sentence that lacks them (closed classes follow UD lemma conventions)."""
    sent.tag = [t for t, _ in silver]
    sent.lemma = [lemmas.get((w.lower(), t), lem) for w, (t, lem) in zip(sent.words, silver)]
