"""Reports of older schema versions, read as the current one: a v1 report becomes a v2 report.

A v1 report has no claims: each event carried one source and modality, and its figures hung on it.
The migration gives each figure to one event (the nearest that claims it), writes one claim per
(event, figure) with the event's source as claimant (keyed like fresh claims), and leaves ids as they
were. `generator` is null, so `lagebild ingest --reextract` picks migrated articles up.
"""

from __future__ import annotations

import copy
from typing import Any

from .config import SCHEMA_ID, SCHEMA_V1
from .extract.claimants import ClaimantKeys
from .extract.claimset import one_event_per_figure
from .ids import content_id


def migrate_report(data: dict[str, Any]) -> dict[str, Any]:
    """The report as the current schema version (a copy; a current report is returned unchanged)."""
    if data.get("schema") == SCHEMA_ID:
        return data
    if data.get("schema") != SCHEMA_V1:
        raise ValueError(f"unknown report schema {data.get('schema')!r}")
    out = copy.deepcopy(data)
    out["schema"] = SCHEMA_ID
    out["generator"] = None
    for q in out.get("quantities", []):
        q.setdefault("scope", {"place": None, "level": None, "group": None})
    one_event_per_figure(out)
    out["claims"] = _claims(out)
    return out


def _claims(report: dict[str, Any]) -> list[dict[str, Any]]:
    article = report["article"]
    entities = {e["id"]: e for e in report.get("entities", [])}
    quotes = sorted(report.get("quotes", []), key=lambda q: (q["start"], q["end"]))
    keys = ClaimantKeys(article.get("lang") or "de", source=article.get("source"))
    claims = []
    for ev in sorted(report.get("events", []), key=lambda e: e["trigger"]["start"]):
        src = ev["source"]
        ent = entities.get(src.get("entity") or "")
        is_person = src["kind"] == "named" and (ent is None or ent["label"] == "PER")
        key = keys.key(src["kind"], src.get("text"), entity_name=ent["name"] if ent else None, is_person=is_person)
        at = ev["trigger"]["start"]
        quote = next((q for q in quotes if q["start"] <= at < q["end"]), None)
        for qid in ev.get("quantities") or [None]:
            claim = {"claimant": {"kind": src["kind"], "entity": src.get("entity"), "text": src.get("text"),
                                  "span": None, "key": key},
                     "cue": None, "modality": ev["modality"], "event": ev["id"], "quantity": qid,
                     "quote": quote["id"] if quote and src["kind"] != "author" else None,
                     "evidence": dict(ev["sentence"])}
            claim["id"] = content_id("claim", article["id"], ev["id"], qid or "", key, ev["sentence"]["start"])
            claims.append(claim)
    return claims
