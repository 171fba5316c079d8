"""Hand-built reports for store and export tests, independent of the extractors."""

from __future__ import annotations

from lagebild.dates import parse_partial_date
from lagebild.model import Article, Report

TEXT = ("Das Staatsradio meldete, in Bischkek seien am Freitag 14 Menschen getötet und mehr als 700 "
        "festgenommen worden.")


def sample_report(article_id: str = "a1", published: str = "2023-03-18", text: str = TEXT) -> Report:
    """A German report with one event, its place, time, figures and media source."""
    start = text.index("Bischkek")
    return Report.model_validate({
        "schema": "lagebild.report/2",
        "article": Article(id=article_id, lang="de", source="Steppenkurier", title="Unruhen", text=text,
                           published=parse_partial_date(published)),
        "entities": [
            {"id": "ent1", "label": "LOC", "name": "Bischkek", "mentions": [
                {"start": start, "end": start + 8, "text": "Bischkek"}],
             "place": {"name": "Bishkek", "country": "KG", "lat": 42.87, "lon": 74.59, "geonames_id": 1528675,
                       "kind": "capital"}},
            {"id": "ent2", "label": "ORG", "name": "Staatsradio", "mentions": [
                {"start": 4, "end": 15, "text": "Staatsradio"}]},
        ],
        "times": [{"id": "t1", "start": text.index("am Freitag"), "end": text.index("am Freitag") + 10,
                   "text": "am Freitag", "value": "2023-03-17", "earliest": "2023-03-17", "latest": "2023-03-17",
                   "granularity": "day"}],
        "quantities": [
            {"id": "q1", "start": text.index("14"), "end": text.index("14") + 13, "text": "14 Menschen",
             "value": 14, "low": 14, "high": 14, "approximate": False, "unit": "Menschen", "category": "killed"},
            {"id": "q2", "start": text.index("mehr als"), "end": text.index("mehr als") + 12, "text": "mehr als 700",
             "value": 700, "low": 701, "high": None, "approximate": False, "unit": None, "category": "arrested"},
        ],
        "events": [
            {"id": "ev1", "type": "ASSAULT", "mode": None,
             "trigger": {"start": text.index("getötet"), "end": text.index("getötet") + 7, "text": "getötet"},
             "sentence": {"start": 0, "end": len(text)}, "actors": [], "targets": [], "location": "ent1",
             "time": "t1", "quantities": ["q1"],
             "source": {"kind": "media", "entity": "ent2", "text": "Das Staatsradio meldete"},
             "modality": "reported"},
            {"id": "ev2", "type": "COERCE", "mode": "arrest",
             "trigger": {"start": text.index("festgenommen"), "end": text.index("festgenommen") + 12,
                         "text": "festgenommen"},
             "sentence": {"start": 0, "end": len(text)}, "actors": [], "targets": [], "location": "ent1",
             "time": "t1", "quantities": ["q2"],
             "source": {"kind": "media", "entity": "ent2", "text": "Das Staatsradio meldete"},
             "modality": "reported"},
        ],
        "claims": [
            {"id": f"cl{n}", "claimant": {"kind": "media", "entity": "ent2", "text": "Das Staatsradio",
                                          "span": {"start": 0, "end": 15}, "key": "media:state-radio"},
             "cue": {"start": 16, "end": 23, "text": "meldete"}, "modality": "reported", "event": f"ev{n}",
             "quantity": f"q{n}", "quote": None, "evidence": {"start": 0, "end": len(text)}}
            for n in (1, 2)
        ],
    })
