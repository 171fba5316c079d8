"""Extractors: spaCy components, registered by name, that turn a Doc into the lists of a report.

Each component reads the Doc (and `doc._.article`, the Article being analysed) and writes
plain dicts shaped like the schema items into `claims(doc)[<list name>]`.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

REPORT_LISTS = ("entities", "times", "quantities", "quotes", "events", "claims")
TEXT_KEY = "lagebild.text"  # doc.user_data key of the cached text
SENTS_KEY = "lagebild.sents"  # doc.user_data key of the cached sentence spans

if not Doc.has_extension("article"):
    Doc.set_extension("article", default=None)
if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once: spaCy rebuilds `Doc.text` from the tokens on every access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def doc_sents(doc: Doc) -> list[Span]:
    """The Doc's sentences, made once: spaCy makes new Span objects on every `Doc.sents` (extractors only, which
    run after the sentence boundaries are set)."""
    sents = doc.user_data.get(SENTS_KEY)
    if sents is None:
        sents = doc.user_data[SENTS_KEY] = list(doc.sents)
    return sents


def claims(doc: Doc) -> dict[str, list[dict]]:
    """The report lists collected on this Doc so far (created empty on first use)."""
    if doc._.claims is None:
        doc._.claims = {name: [] for name in REPORT_LISTS}
    return doc._.claims


def _list_getter(name: str):  # type: ignore[no-untyped-def]
    return lambda doc: claims(doc)[name]


# `doc._.report_<list>`: what a component declares it requires or assigns (spaCy's requires/assigns)
for _name in REPORT_LISTS:
    if not Doc.has_extension(f"report_{_name}"):
        Doc.set_extension(f"report_{_name}", getter=_list_getter(_name))
