"""Silver NER for the fast German pipeline: the accurate model labels licence-clean text (distillation).

Sources of unlabelled text, in this order (see MODEL_CARD.md for the licences):
- UD German GSD train text (CC BY-SA 4.0): already in training for UPOS; it gains silver entities;
- SmartData v1 train+test minus every v3 dev/test document, and v3 dev (CC BY 4.0): news, RSS and tweets;
- gesetze_de (official works, public domain): a spread-out sample of paragraphs from the legal register.
GermEval train keeps its gold entities and is never relabelled; GermEval dev/test, UD test splits and UNER PUD are
never read here. Labels are cached in DocBins, so a rerun of the recipe labels nothing twice.
"""

from __future__ import annotations

import lzma
import random
import re
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .corpora import Sent

SMARTDATA_FILES = ("smartdata_de/v1_20180119/v1_train+test_minus_v3_devtest.json.gz", "smartdata_de/dev.json.gz")
GESETZE_FILE = "gesetze_de/gesetze_de.md.xz"
SMARTDATA_SHARE = 2 / 3  # of the extra sentences; gesetze_de fills the rest
GESETZE_EVERY = 50  # keep a paragraph when crc32(text) % GESETZE_EVERY == 0: a sample spread over all laws
MIN_WORDS, MAX_WORDS = 5, 60
LABEL_BATCH = 256
SEED = 0
_NON_TEXT = ("#", "---", ":", "|", "*", "-", ">", "Title:", "jurabk:", "layout:", "origslug:", "slug:")


def extra_text(data_dir: Path, n: int) -> list[list[str]]:
    """Up to n sentences (word lists) of unlabelled licence-clean text: SmartData first, gesetze_de for the rest."""
    if n <= 0:
        return []
    smartdata = smartdata_words(data_dir)
    random.Random(SEED).shuffle(smartdata)
    chosen = smartdata[: min(len(smartdata), round(n * SMARTDATA_SHARE))]
    return chosen + gesetze_words(data_dir, n - len(chosen))


def smartdata_words(data_dir: Path) -> list[list[str]]:
    """SmartData sentences of a useful length, de-duplicated (tweets and reports repeat)."""
    from .ner_corpora import read_smartdata

    seen: set[tuple[str, ...]] = set()
    out: list[list[str]] = []
    for name in SMARTDATA_FILES:
        path = data_dir / name
        for sent in read_smartdata(path) if path.exists() else ():
            key = tuple(sent.words)
            if MIN_WORDS <= len(key) <= MAX_WORDS and key not in seen:
                seen.add(key)
                out.append(sent.words)
    return out


def gesetze_words(data_dir: Path, n: int) -> list[list[str]]:
    """Up to n sentences from a crc-spread sample of gesetze_de paragraphs, each with a capitalised word that is
    not its first (German nouns are capitalised too: this only drops headings, numbering and lists)."""
    path = data_dir / GESETZE_FILE
    if n <= 0 or not path.exists():
        return []
    nlp = sentence_splitter()
    out: list[list[str]] = []
    for doc in nlp.pipe(sampled_paragraphs(path), batch_size=64):
        for sent in doc.sents:
            words = [t.text for t in sent if not t.is_space]
            if MIN_WORDS <= len(words) <= MAX_WORDS and any(w[:1].isupper() for w in words[1:]):
                out.append(words)
                if len(out) >= n:
                    return out
    return out


def sampled_paragraphs(path: Path) -> Iterator[str]:
    """Body paragraphs of the laws (headings, YAML headers, tables and lists skipped), every GESETZE_EVERY-th by crc."""
    lines: list[str] = []
    with lzma.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.strip():
                lines.append(line.strip())
                continue
            text = _join(lines)
            lines = []
            if text and not text.startswith(_NON_TEXT) and zlib.crc32(text.encode()) % GESETZE_EVERY == 0:
                yield text


def _join(lines: Sequence[str]) -> str:
    """One paragraph from its wrapped lines; a line that ends in a hyphen joins the next without a space."""
    text = ""
    for line in lines:
        text += line if not text or text.endswith("-") else " " + line
    return re.sub(r"^\(\d+[a-z]?\)\s*", "", text)


def sentence_splitter() -> Language:
    """lagebild's German tokenizer (abbreviations kept whole) and the rule sentencizer."""
    import lagebild.lang.de  # noqa: F401  (registers the tokenizer)

    nlp = spacy.blank("de", config={"nlp": {"tokenizer": {"@tokenizers": "lagebild.de_tokenizer.v1"}}})
    nlp.add_pipe("sentencizer")
    return nlp


def silver_ner(name: str, sents: Sequence[Sequence[str]], cache_dir: Path | None) -> list[list[str]]:
    """BIO tags from the accurate model for each word list; read from / written to `cache_dir/<name>.spacy`."""
    cache = cache_dir / f"silver_ner_{name}.spacy" if cache_dir else None
    vocab = spacy.blank("de").vocab
    if cache and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(vocab))
        if [[t.text for t in d] for d in docs] == [list(s) for s in sents]:
            return [bio_of(doc) for doc in docs]
    tags = label(sents, name)
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        DocBin(docs=[silver_doc(vocab, w, t) for w, t in zip(sents, tags)], store_user_data=False).to_disk(cache)
    return tags


def label(sents: Sequence[Sequence[str]], name: str) -> list[list[str]]:
    """The accurate model's BIO tags, in batches, with progress on stdout."""
    from lagebild.accurate.runtime import shared_tagger

    tagger = shared_tagger()
    out: list[list[str]] = []
    start = time.process_time()
    for i in range(0, len(sents), LABEL_BATCH):
        out.extend(tagger.tag([[w or "_" for w in words] for words in sents[i : i + LABEL_BATCH]]))
        if (i // LABEL_BATCH) % 10 == 9 or i + LABEL_BATCH >= len(sents):
            print(f"silver NER {name}: {len(out)}/{len(sents)} sentences, {time.process_time() - start:.0f} s CPU",
                  flush=True)
    return out


def silver_doc(vocab: spacy.vocab.Vocab, words: Sequence[str], tags: Sequence[str]) -> Doc:
    """A Doc of the words with the tags as entities (the cache format)."""
    return Doc(vocab, words=list(words), ents=list(tags))


def bio_of(doc: Doc) -> list[str]:
    """A Doc's entities as BIO tags."""
    return [f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in doc]


def silver_sents(words: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> list[Sent]:
    """Sentences that carry only silver entities (no tags, lemmas or morphology: those stay missing in training)."""
    return [Sent(list(w), ner=list(t)) for w, t in zip(words, tags)]
