"""A small hand-built crisis for the page tests: one attack near Pemba told by several claimants who disagree."""

from __future__ import annotations

from pathlib import Path

from lagebild.dates import parse_partial_date
from lagebild.fuse import fuse
from lagebild.model import Article, Report
from lagebild.store import Store

PEMBA = {"name": "Pemba", "country": "MZ", "lat": -12.97, "lon": 40.52, "geonames_id": 1026014, "kind": "city"}
OSH = {"name": "Osh", "country": "KG", "lat": 40.53, "lon": 72.80, "geonames_id": 1527534, "kind": "city"}


def report(article_id: str, published: str, outlet: str, claimant: str, low: int | None, high: int | None,
           place: dict = PEMBA, actor: str = "Rebellen", url: str | None = None, type_: str = "ASSAULT",
           mode: str | None = "kill", category: str = "killed") -> Report:
    """One article: '<claimant> sagte, <actor> hätten in <place> am Montag <n> Menschen getötet.'"""
    figure = f"{low}" if low == high else (f"mindestens {low}" if high is None else f"bis zu {high}")
    text = (f"{claimant} sagte, {actor} hätten in {place['name']} am Montag {figure} Menschen getötet. "
            "Weitere Angaben gab es nicht.")
    where, who, act = text.index(place["name"]), text.index(claimant), text.index(actor)
    qstart = text.index(figure)
    trigger = text.index("getötet")
    return Report.model_validate({
        "schema": "lagebild.report/2",
        "article": Article(id=article_id, lang="de", source=outlet, title=f"{outlet}: Angriff bei {place['name']}",
                           text=text, url=url, published=parse_partial_date(published)),
        "entities": [
            {"id": "e1", "label": "LOC", "name": place["name"],
             "mentions": [{"start": where, "end": where + len(place["name"]), "text": place["name"]}], "place": place},
            {"id": "e2", "label": "ORG", "name": claimant,
             "mentions": [{"start": who, "end": who + len(claimant), "text": claimant}]},
            {"id": "e3", "label": "ORG", "name": actor,
             "mentions": [{"start": act, "end": act + len(actor), "text": actor}]},
        ],
        "times": [{"id": "t1", "start": text.index("am Montag"), "end": text.index("am Montag") + 9,
                   "text": "am Montag", "value": "2024-05-06", "earliest": "2024-05-06", "latest": "2024-05-06",
                   "granularity": "day"}],
        "quantities": [{"id": "q1", "start": qstart, "end": qstart + len(figure), "text": f"{figure} Menschen",
                        "value": low if low == high else None, "low": low, "high": high, "approximate": False,
                        "unit": "Menschen", "category": category}],
        "events": [{"id": "ev1", "type": type_, "mode": mode,
                    "trigger": {"start": trigger, "end": trigger + 7, "text": "getötet"},
                    "sentence": {"start": 0, "end": text.index(".") + 1}, "actors": ["e3"], "targets": [],
                    "location": "e1", "time": "t1", "quantities": ["q1"],
                    "source": {"kind": "official", "entity": "e2", "text": f"{claimant} sagte"},
                    "modality": "reported"}],
    })


def crisis_reports() -> list[Report]:
    """Four reports of one attack (three claimants who disagree), and one quiet event elsewhere."""
    return [
        report("pemba-1", "2024-05-06", "Rádio Moçambique", "Bezirksverwalter", 19, 19,
               url="https://example.org/pemba-1"),
        report("pemba-2", "2024-05-07", "Canal Norte", "Rotes Kreuz", 27, None, url="javascript:alert(1)"),
        report("pemba-3", "2024-05-07", "=HYPERLINK(\"http://x\")", "Regierung", 22, 22),
        report("pemba-4", "2024-05-09", "Canal Norte", "Rotes Kreuz", 30, None),
        report("feed/2024?x#1 ü%", "2024-05-08", "Steppe Wire", "Polizei", 2, 2, place=OSH, actor="Demonstranten",
               type_="PROTEST", mode=None, category="injured"),
    ]


def crisis_store(path: Path) -> Path:
    """The crisis written to a store and fused."""
    if not path.exists():
        with Store(path) as store:
            store.write(crisis_reports())
            fuse(store)
    return path


MONTEPUEZ = {"name": "Montepuez", "country": "MZ", "lat": -13.13, "lon": 38.99, "geonames_id": 1037125, "kind": "city"}


def keyed(made: Report, key: str, scope: dict | None = None) -> Report:
    """The report with one claim by its claimant under a canonical key, its figure optionally scoped."""
    data = made.model_dump(mode="json", by_alias=True)
    claimant = data["entities"][1]
    if scope:
        data["quantities"][0]["scope"] = scope
    data["claims"] = [{"id": "cl1", "claimant": {"kind": "official", "entity": "e2", "text": claimant["name"],
                                                 "key": key},
                       "modality": "reported", "event": "ev1", "quantity": "q1", "evidence": data["events"][0]["sentence"]}]
    return Report.model_validate(data)


def crisis_wide_reports() -> list[Report]:
    """Two attacks told by the same claimants under other names, with a nationwide tally, and a protest elsewhere."""
    red_cross, government = "official:red-cross", "official:government"
    return [
        keyed(report("w-pemba-1", "2024-05-07", "Canal Norte", "Rotes Kreuz", 27, None), red_cross),
        keyed(report("w-pemba-2", "2024-05-09", "Canal Norte", "Rotes Kreuz", 30, None), red_cross),
        keyed(report("w-pemba-3", "2024-05-07", "Rádio Moçambique", "Regierung", 22, 22), government),
        keyed(report("w-mont-1", "2024-05-10", "Wire", "Red Cross", 5, 5, place=MONTEPUEZ), red_cross),
        keyed(report("w-mont-2", "2024-05-10", "Wire", "die Regierung", None, 6, place=MONTEPUEZ), government),
        keyed(report("w-mont-3", "2024-05-11", "Wire", "Regierung", 100, None, place=MONTEPUEZ), government,
              {"level": "nation"}),
        keyed(report("w-osh-1", "2024-05-08", "Steppe Wire", "Polizei", 2, 2, place=OSH, actor="Demonstranten",
                     type_="PROTEST", mode=None, category="injured"), "official:police"),
    ]


def crisis_wide_store(path: Path) -> Path:
    """The crisis-wide reports written to a store and fused."""
    if not path.exists():
        with Store(path) as store:
            store.write(crisis_wide_reports())
            fuse(store)
    return path
