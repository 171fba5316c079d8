"""Readers for extra gold NER corpora: DFKI SmartData (German) and MEANTIME (English).

Both yield :class:`lagebild.train.corpora.Sent` with BIO tags over PER/ORG/LOC/MISC.
"""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .corpora import Sent

# --------------------------------------------------------------------------- SmartData

# v1 uses lowercase-dashed types ("organization-company"), v3 upper-underscore ("ORGANIZATION_COMPANY");
# both are normalised to upper-underscore before lookup.
SMARTDATA_MAP = {
    "PERSON": "PER",
    "ORGANIZATION": "ORG",
    "ORGANIZATION_COMPANY": "ORG",
    "ORG_COM": "ORG",
}


def smartdata_label(fine: str) -> str | None:
    """Fine SmartData type -> PER/ORG/LOC, or None (DATE, TIME, NUMBER, ORG_POSITION, TRIGGER, ... -> O)."""
    t = fine.upper().replace("-", "_")
    if t in SMARTDATA_MAP:
        return SMARTDATA_MAP[t]
    if t == "LOCATION" or t.startswith("LOCATION_"):
        return "LOC"
    return None


def _unwrap(v: Any) -> Any:
    """Avro-JSON union: {"string": x} / {"array": [...]} / {"map": {...}} -> x; null -> None."""
    if isinstance(v, dict) and len(v) == 1:
        (k, inner), = v.items()
        if k in ("string", "array", "map", "int", "float", "long", "double", "boolean") or "." in k:
            return inner
    return v


def iter_json_objects(path: Path) -> Iterator[dict]:
    """Concatenated (pretty-printed) JSON objects, .gz or plain, decoded with raw_decode in a loop."""
    opener = gzip.open if path.suffix == ".gz" else open
    dec = json.JSONDecoder()
    buf = ""
    with opener(path, "rt", encoding="utf-8") as fh:
        eof = False
        while True:
            pos = 0
            while True:
                while pos < len(buf) and buf[pos].isspace():
                    pos += 1
                if pos >= len(buf):
                    buf = ""
                    break
                try:
                    obj, end = dec.raw_decode(buf, pos)
                except json.JSONDecodeError:
                    if eof:
                        raise
                    buf = buf[pos:]
                    break
                yield obj
                pos = end
            if eof:
                if buf.strip():
                    raise ValueError(f"trailing garbage in {path}")
                return
            chunk = fh.read(1 << 20)
            if not chunk:
                eof = True
            buf += chunk


_TOKEN_RE = re.compile(r"\d+(?:[.,:/]\d+)*\.?|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_SENT_END = {".", "!", "?"}


def _fallback_tokens(text: str, cuts: set[int]) -> list[tuple[int, int]]:
    """Regex tokenisation (for v1 docs without tokens); offsets in `cuts` become forced token boundaries."""
    bounds = sorted({0, len(text), *(c for c in cuts if 0 < c < len(text))})
    out: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        for m in _TOKEN_RE.finditer(text, a, b):
            out.append((m.start(), m.end()))
    return out


def _fallback_sentences(text: str, toks: list[tuple[int, int]], inside: list[bool]) -> list[list[int]]:
    """Split token indices at line breaks and at . ! ? followed by an uppercase-initial token (never inside a mention)."""
    sents: list[list[int]] = []
    cur: list[int] = []
    for i, (s, _e) in enumerate(toks):
        if cur:
            prev_s, prev_e = toks[cur[-1]]
            gap = text[prev_e:s]
            brk = "\n" in gap
            if not brk and not inside[i] and text[prev_s:prev_e] in _SENT_END and gap:
                prev2 = text[toks[cur[-2]][0] : toks[cur[-2]][1]] if len(cur) > 1 else ""
                # "Abs. 3", "Nr. 5", single-letter initials "A. Merkel" are not sentence ends
                if text[s].isupper() and len(prev2) > 1 and not prev2.isdigit():
                    brk = True
            if brk:
                sents.append(cur)
                cur = []
        cur.append(i)
    if cur:
        sents.append(cur)
    return sents


def _tag_tokens(toks: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO over token char spans; a mention covers every token it overlaps (boundaries extended to whole
    tokens). Longer mentions win on overlap; shorter overlapping ones are dropped."""
    tags = ["O"] * len(toks)
    for s, e, lab in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        idx = [i for i, (ts, te) in enumerate(toks) if ts < e and te > s]
        if not idx or any(tags[i] != "O" for i in idx):
            continue
        tags[idx[0]] = f"B-{lab}"
        for i in idx[1:]:
            tags[i] = f"I-{lab}"
    return tags


def read_smartdata(path: Path, split_lines: bool = True, drop_lowercase: bool = True) -> Iterator[Sent]:
    """DFKI SmartData corpus (v1 or v3 Avro-JSON dump) -> gold NER sentences.

    Types: PERSON->PER; ORGANIZATION, ORGANIZATION_COMPANY->ORG; LOCATION and every LOCATION_* subtype
    (CITY, STREET, STOP, ROUTE, ...)->LOC; everything else (DATE, TIME, NUMBER, DURATION, DISTANCE,
    ORG_POSITION, TRIGGER, DISASTER_TYPE, SET, ...)->O. Tweets, RSS traffic reports and news are all kept.

    v3 files carry Stanford sentences/tokens; those are used (with ``split_lines`` a corpus sentence is
    further split where a line break separates two tokens, since Stanford often glues headline/report lines
    together). v1 files have no tokens/sentences at all: they are tokenised with a regex tokenizer that
    ignores mention offsets, and split at line breaks and sentence-final punctuation.
    A mention whose boundary falls inside a token is extended to whole tokens.
    SmartData also types adjectival derivations as locations ("japanische Medien" -> LOCATION); with
    ``drop_lowercase`` (default) LOC mentions whose words are all lowercase are dropped, matching the
    GermEval convention (LOCderiv -> O) used for the other German training data. Lowercase ORG
    mentions are real names ("dpa", "faznet", "thyssenkrupp") and are kept. ``Sent.extra`` holds
    ``doc_id`` and ``doc_type`` (TWITTER_JSON/RSS_XML/NEWS_HTML, or the v1 ``refids.source``).
    """
    for doc in iter_json_objects(Path(path)):
        text = _unwrap(doc.get("text")) or ""
        if not text:
            continue
        doc_id = doc.get("id")
        doc_type = _unwrap(doc.get("docType")) or (_unwrap(doc.get("refids")) or {}).get("source")
        spans = []
        for cm in _unwrap(doc.get("conceptMentions")) or []:
            lab = smartdata_label(cm["type"])
            if lab:
                spans.append((cm["span"]["start"], cm["span"]["end"], lab))
        sentences = _unwrap(doc.get("sentences")) or []
        token_groups: list[list[tuple[int, int]]] = []
        if sentences and any(_unwrap(s.get("tokens")) for s in sentences):
            for s in sorted(sentences, key=lambda s: s["span"]["start"]):
                toks = [(t["span"]["start"], t["span"]["end"]) for t in _unwrap(s.get("tokens")) or []]
                if not toks:
                    continue
                if split_lines:
                    group = [toks[0]]
                    for prev, t in zip(toks, toks[1:]):
                        if "\n" in text[prev[1] : t[0]]:
                            token_groups.append(group)
                            group = []
                        group.append(t)
                    token_groups.append(group)
                else:
                    token_groups.append(toks)
        else:
            toks = _fallback_tokens(text, set())
            inside = [any(s < ts < e for s, e, _ in spans) for ts, _ in toks]
            token_groups = [[toks[i] for i in idx] for idx in _fallback_sentences(text, toks, inside)]
        # tag per document so that a mention crossing a (line) split is cut cleanly, then slice
        flat = [t for g in token_groups for t in g]
        if drop_lowercase:
            spans = [
                (s, e, lab) for s, e, lab in spans
                if lab != "LOC" or not all(text[ts:te].islower() for ts, te in flat if ts < e and te > s)
            ]
        tags = _tag_tokens(flat, spans)
        k = 0
        for g in token_groups:
            words = [text[s:e] for s, e in g]
            st = tags[k : k + len(g)]
            k += len(g)
            if st and st[0].startswith("I-"):
                st[0] = "B-" + st[0][2:]
            keep = [i for i, w in enumerate(words) if w.strip()]
            if not keep:
                continue
            words = [words[i].replace("\n", " ").strip() for i in keep]
            st = [st[i] for i in keep]
            yield Sent(words, ner=st, extra={"doc_id": doc_id, "doc_type": doc_type})


# --------------------------------------------------------------------------- MEANTIME

MEANTIME_MAP = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC",
    "PRO": "MISC", "PRODUCT": "MISC",
    "FIN": "MISC", "FINANCIAL": "MISC",
    "MIX": "MISC", "MIXED": "MISC",
}
# lowercase words allowed inside a proper-name span ("Bank of America", "Procter & Gamble")
_NAME_CONNECTORS = {"of", "&", "de", "du", "la", "le", "von", "van", "der", "for", "the", "'s", "-", "on"}


_DETERMINERS = {"The", "A", "An", "This", "That", "These", "Those", "Its", "Their", "His", "Her", "Our", "Some"}


_PRONOUNS = {"I", "He", "She", "It", "We", "They", "You", "Its", "His", "Her", "Their", "Our", "Most", "Some", "All"}
# a "name" ending in a title word is a role description ("U.S. President", "Ford CEO"), not a name
_TITLES = {
    "President", "Minister", "CEO", "Chairman", "Chairwoman", "Executive", "Officer", "Secretary", "Director",
    "Governor", "Senator", "Chief", "Leader", "Leaders", "Spokesman", "Spokeswoman", "Analyst", "Analysts",
    "Founder", "Head", "Vice", "Prime", "Representative", "Commissioner", "Chancellor", "CFO", "COO",
    "Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr",
}


def _is_cap(w: str) -> bool:
    """Capitalised, or a camel-case name such as "iPhone", "eBay"."""
    return bool(w) and (w[0].isupper() or (w[0].isalpha() and any(c.isupper() for c in w[1:])))


def _name_span(words: list[str]) -> tuple[int, int] | None:
    """Approximate the proper-name part of a mention: the last run of capitalised tokens (lowercase
    connectors allowed inside), so "the company" -> None, "U.S. automaker Chrysler" -> "Chrysler",
    "the Bank of America" -> "Bank of America"; pronouns ("He") and runs ending in a title word
    ("U.S. President", "Ford CEO") -> None; a title inside the run is cut off ("Apple CEO Steve Jobs" ->
    "Steve Jobs")."""
    best = None
    i = 0
    n = len(words)
    while i < n:
        if not _is_cap(words[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            if _is_cap(words[j]):
                j += 1
            elif words[j].lower() in _NAME_CONNECTORS and j + 1 < n and _is_cap(words[j + 1]):
                j += 2
            else:
                break
        best = (i, j)
        i = j
    # sentence-initial capitalised determiners are not part of the name ("The A380" -> "A380")
    while best and best[1] - best[0] > 1 and words[best[0]] in _DETERMINERS:
        best = (best[0] + 1, best[1])
    if best and best[1] - best[0] == 1 and words[best[0]] in _DETERMINERS | _PRONOUNS:
        return None
    if best:
        titles = [k for k in range(best[0], best[1]) if words[k] in _TITLES]
        if titles:
            k = titles[-1]
            # "U.S. President", "Prime Minister of Singapore" -> None; "Apple CEO Steve Jobs" -> "Steve Jobs"
            if k == best[1] - 1 or words[k + 1].lower() in _NAME_CONNECTORS:
                return None
            best = (k + 1, best[1])
    return best


def read_meantime(root: Path) -> Iterator[Sent]:
    """MEANTIME English (intra-doc annotation XML) -> gold NER sentences.

    Each ENTITY_MENTION gets its type from the ENTITY it REFERS_TO. Types: PER/PERSON->PER,
    ORG/ORGANIZATION->ORG, LOC/LOCATION->LOC, PRO(DUCT), FIN(ANCIAL), MIX(ED)->MISC.
    MEANTIME also annotates common-noun and pronoun mentions ("the company", "it"); only mentions
    containing a capitalised token are kept and they are trimmed to their proper-name part (see
    :func:`_name_span`; leading determiners/lowercase words dropped). Mentions not marked as names
    (syntactic_type without NAM/HLS: NOM, APP, empty, ...) are kept only when they end in a pure name
    ("US markets", "Apple share prices" are dropped); pronominal and coordinated mentions (syntactic_type PRO, CONJ; the conjuncts are
    annotated separately) are dropped, as are sentence-initial
    single capitalised non-names caught by that rule only when the mention is PRO/NOM-typed and its only
    capitalised token is the sentence's first word. Sentences follow the tokens' ``sentence`` attribute.
    ``root`` may be a single .xml file or a directory searched recursively.
    """
    root = Path(root)
    files = [root] if root.is_file() else sorted(root.rglob("*.xml"))
    for f in files:
        tree = ET.parse(f)
        doc = tree.getroot()
        toks = doc.findall("token")
        if not toks:
            continue
        tid_pos: dict[str, int] = {}
        words: list[str] = []
        sent_of: list[str] = []
        for t in toks:
            tid_pos[t.get("t_id", "")] = len(words)
            words.append((t.text or "").strip())
            sent_of.append(t.get("sentence", ""))
        markables = doc.find("Markables")
        relations = doc.find("Relations")
        ent_type: dict[str, str] = {}
        mentions: dict[str, tuple[list[int], str]] = {}
        if markables is not None:
            for el in markables:
                if el.tag == "ENTITY":
                    ent_type[el.get("m_id", "")] = el.get("ent_type", "")
                elif el.tag == "ENTITY_MENTION":
                    pos = sorted(tid_pos[a.get("t_id", "")] for a in el.findall("token_anchor") if a.get("t_id", "") in tid_pos)
                    mentions[el.get("m_id", "")] = (pos, el.get("syntactic_type", ""))
        m_type: dict[str, str] = {}
        if relations is not None:
            for rel in relations.findall("REFERS_TO"):
                tgt = rel.find("target")
                if tgt is None or tgt.get("m_id", "") not in ent_type:
                    continue
                for src in rel.findall("source"):
                    m_type[src.get("m_id", "")] = ent_type[tgt.get("m_id", "")]
        sent_start: dict[str, int] = {}
        for i, sid in enumerate(sent_of):
            sent_start.setdefault(sid, i)
        spans: list[tuple[int, int, str]] = []
        for mid, (pos, syn) in mentions.items():
            lab = MEANTIME_MAP.get(m_type.get(mid, "").upper())
            if not lab or not pos or syn.endswith("PRO") or syn.endswith("CONJ"):
                continue
            a, b = pos[0], pos[-1] + 1
            if any(sent_of[i] != sent_of[a] for i in range(a, b)):
                continue
            sub = _name_span(words[a:b])
            if sub is None:
                continue
            if "NAM" not in syn and "HLS" not in syn:
                # nominal / unmarked mentions: accept only a pure name after leading lowercase words or a
                # determiner ("the company Acme" ok; "US markets", "Apple share prices" are not names)
                if sub[1] != b - a or any(_is_cap(w) and w not in _DETERMINERS for w in words[a : a + sub[0]]):
                    continue
            start, end = a + sub[0], a + sub[1]
            if end - start == 1 and start == sent_start[sent_of[start]] and not syn.endswith("NAM"):
                continue  # "The"/"Shares" etc. capitalised only because sentence-initial
            spans.append((start, end, lab))
        tags = ["O"] * len(words)
        for start, end, lab in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
            if any(tags[i] != "O" for i in range(start, end)):
                continue
            tags[start] = f"B-{lab}"
            for i in range(start + 1, end):
                tags[i] = f"I-{lab}"
        cur_w: list[str] = []
        cur_t: list[str] = []
        cur_s: str | None = None
        for w, tag, sid in zip(words, tags, sent_of):
            if sid != cur_s and cur_w:
                yield Sent(cur_w, ner=cur_t, extra={"doc_id": doc.get("doc_id"), "file": f.name})
                cur_w, cur_t = [], []
            cur_s = sid
            cur_w.append(w)
            cur_t.append(tag)
        if cur_w:
            yield Sent(cur_w, ner=cur_t, extra={"doc_id": doc.get("doc_id"), "file": f.name})


# --------------------------------------------------------------------------- re3d

_ARTICLES = frozenset({"the", "a", "an"})
# military ranks, which re3d includes in person mentions ("Major General Hassan"); cut like `_TITLES`
_RANKS = frozenset({"General", "Gen.", "Colonel", "Col.", "Major", "Maj.", "Staff", "Lieutenant", "Lt.",
                    "Captain", "Capt.", "Sergeant", "Sgt.", "Spc.", "Admiral", "Adm.", "Brigadier", "Commander"})
RE3D_MAP = {"Person": "PER", "Organisation": "ORG", "Location": "LOC"}
# Source folders whose licence allows a shipped model (each folder's LICENSE): public domain (CENTCOM, US State
# Department), OGL v3 (UK Government), CC BY-SA 3.0 (Wikipedia), CC BY 3.0 AU (Australian DFA), reuse with
# attribution (EU Delegation to Syria). "BBC Online" is CC BY-NC: never read for training.
RE3D_SOURCES = ("CENTCOM", "US State Department", "UK Government", "Wikipedia",
                "Australian Department of Foreign Affairs", "Delegation of the European Union to Syria")


def read_re3d(root: Path, sources: tuple[str, ...] = RE3D_SOURCES) -> Iterator[Sent]:
    """re3d (Dstl; English, Syria/Iraq conflict) -> gold NER sentences over PER/ORG/LOC.

    Person/Organisation/Location mentions only (Nationality, Weapon and the rest are not our names). Where
    annotations overlap, the most confident wins, then the longer. A mention is kept as a name only when it
    starts and ends capitalised after its leading article ("the Syrian government" is not a name, "the Free
    Syrian Army" is "Free Syrian Army"). Words and sentences come from spaCy's blank English tokenizer and
    sentencizer; each sentence carries its document id as `file` (for holding out whole documents).
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    for source in sources:
        folder = Path(root) / source
        if not (folder / "documents.json").exists():
            continue
        mentions: dict[str, list[dict[str, Any]]] = {}
        for ent in iter_json_objects(folder / "entities.json"):
            if ent.get("type") in RE3D_MAP:
                mentions.setdefault(str(ent.get("documentId")), []).append(ent)
        for document in iter_json_objects(folder / "documents.json"):
            doc_id = str(document.get("_id"))
            yield from _re3d_sentences(nlp(str(document.get("text") or "")), mentions.get(doc_id, []), doc_id)


def _re3d_sentences(doc: Any, mentions: list[dict[str, Any]], doc_id: str) -> Iterator[Sent]:
    """The sentences of one tokenised re3d document with its chosen mentions as BIO tags."""
    tags = ["O"] * len(doc)
    ranked = sorted(mentions, key=lambda m: (-float(m.get("confidence") or 0), -(int(m["end"]) - int(m["begin"]))))
    for mention in ranked:
        span = doc.char_span(int(mention["begin"]), int(mention["end"]), alignment_mode="expand")
        label = RE3D_MAP[mention["type"]]
        name = _re3d_name([t.text for t in span], label) if span is not None else None
        if name is None or any(tags[span.start + i] != "O" for i in range(*name)):
            continue
        start, end = span.start + name[0], span.start + name[1]
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    for sent in doc.sents:
        words = [t.text for t in sent if not t.is_space]
        ner = [tags[t.i] for t in sent if not t.is_space]
        if words:
            yield Sent(words, ner=_continue_bio(ner), extra={"file": doc_id})


def _re3d_name(words: list[str], label: str) -> tuple[int, int] | None:
    """The name part of a mention without its leading article; None unless it starts and ends capitalised
    ("commander of U.S. Central Command" annotated as a person is not a name) or when it is a pronoun. A
    person's titles and ranks are cut ("Major General Hassan" -> "Hassan"; "Chief of Staff" is no name)."""
    if "," in words:  # "Virginia Beach, Virginia": the first place named
        words = words[:words.index(",")]
    start = 0
    while start < len(words) and (words[start].lower() in _ARTICLES or words[start] in _DETERMINERS):
        start += 1
    if start == len(words) or not (_is_cap(words[start]) and _is_cap(words[-1])):
        return None
    if len(words) - start == 1 and words[start] in _PRONOUNS:
        return None
    titles = [i for i in range(start, len(words)) if words[i] in _TITLES or words[i] in _RANKS]
    if label == "PER" and titles:
        if titles[-1] == len(words) - 1 or words[titles[-1] + 1].lower() in _NAME_CONNECTORS:
            return None
        start = titles[-1] + 1
    return start, len(words)


def _continue_bio(tags: list[str]) -> list[str]:
    """A sentence that starts inside a mention starts it with B-."""
    if tags and tags[0].startswith("I-"):
        return [f"B-{tags[0][2:]}", *tags[1:]]
    return tags
