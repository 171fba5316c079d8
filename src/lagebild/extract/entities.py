"""Entities: named-entity spans grouped into one entity per name within the article."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from . import claims

LABEL_MAP = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC"}


@Language.component("lagebild_entities")
def entities_component(doc: Doc) -> Doc:
    """Group `doc.ents` by label and surface form into report entities."""
    by_key: dict[tuple[str, str], dict] = {}
    for ent in doc.ents:
        label = LABEL_MAP.get(ent.label_, "MISC")
        key = (label, ent.text)
        entity = by_key.get(key)
        if entity is None:
            entity = {"id": f"ent{len(by_key) + 1}", "label": label, "name": ent.text,
                      "aliases": [], "mentions": [], "place": None}
            by_key[key] = entity
        entity["mentions"].append({"start": ent.start_char, "end": ent.end_char, "text": ent.text})
    claims(doc)["entities"] = list(by_key.values())
    return doc
