"""Assemble a Report from an analysed Doc."""

from __future__ import annotations

from spacy.tokens import Doc

from ..config import SCHEMA_ID
from ..model import Article, Report
from . import SENTS_KEY, claims


def build_report(doc: Doc) -> Report:
    """The report for one analysed article: its metadata plus every list the extractors filled."""
    article: Article = doc._.article
    found = claims(doc)
    doc.user_data.pop(SENTS_KEY, None)  # its spans refer back to the Doc: without them refcounting frees the Doc
    return Report.model_validate({"schema": SCHEMA_ID, "generator": doc._.generator, "article": article, **found})
