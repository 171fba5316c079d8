"""The fuse stage: merging rules, determinism, incremental updates, split, figures and conflicts."""

from __future__ import annotations

import gc
import json
from datetime import date

import pytest

from lagebild import fuse
from lagebild.dates import parse_partial_date
from lagebild.fuse import store as fuse_store
from lagebild.fuse.cluster import Mention, cluster_mentions
from lagebild.fuse.figures import summarise
from lagebild.model import Article, Report
from lagebild.store import Store

PLACES = {
    "Bischkek": {"name": "Bishkek", "country": "KG", "lat": 42.87, "lon": 74.59, "geonames_id": 1528675,
                 "kind": "capital"},
    "Osch": {"name": "Osh", "country": "KG", "lat": 40.53, "lon": 72.8, "geonames_id": 1527534, "kind": "city"},
    "Kirgistan": {"name": "Kyrgyzstan", "country": "KG", "lat": 41.5, "lon": 75.0, "geonames_id": 1527747,
                  "kind": "country"},
}


def report(aid: str, published: str, *events: dict, source: str = "Steppenkurier") -> Report:
    """A report whose text is just its words; each event: type, mode, place, day, figure, claimant."""
    text, entities, times, quantities, out = "", [], [], [], []

    def span(word: str) -> dict:
        nonlocal text
        start = len(text)
        text += word + " "
        return {"start": start, "end": start + len(word), "text": word}

    for n, ev in enumerate(events, 1):
        trigger = span(ev.get("trigger", "Unruhen"))
        location = time = None
        if ev.get("place"):
            location = f"loc{n}"
            entities.append({"id": location, "label": "LOC", "name": ev["place"], "mentions": [span(ev["place"])],
                             "place": PLACES[ev["place"]]})
        if ev.get("day"):
            time = f"t{n}"
            s = span(ev["day"])
            times.append({"id": time, **s, "value": ev["day"], "earliest": ev["day"], "latest": ev["day"],
                          "granularity": "day"})
        actors = []
        for k, name in enumerate(ev.get("actors", ())):
            actors.append(f"act{n}_{k}")
            entities.append({"id": actors[-1], "label": "PER", "name": name, "mentions": [span(name)]})
        qids = []
        if ev.get("figure"):
            category, low, high = ev["figure"]
            qids.append(f"q{n}")
            s = span(f"{low}")
            quantities.append({"id": qids[-1], **s, "value": low, "low": low, "high": high, "approximate": False,
                               "unit": None, "category": category})
        claimant = None
        if ev.get("claimant"):
            claimant = f"src{n}"
            entities.append({"id": claimant, "label": "ORG", "name": ev["claimant"], "mentions": [span(ev["claimant"])]})
        out.append({"id": f"ev{n}", "type": ev.get("type", "PROTEST"), "mode": ev.get("mode", "riot"),
                    "trigger": trigger, "sentence": {"start": 0, "end": trigger["end"]}, "actors": actors,
                    "targets": [], "location": location, "time": time, "quantities": qids,
                    "source": {"kind": "official" if claimant else "author", "entity": claimant, "text": None},
                    "modality": ev.get("modality", "reported" if claimant else "asserted")})
    return Report.model_validate({
        "schema": "lagebild.report/2",
        "article": Article(id=aid, lang="de", source=source, title=aid, text=text,
                           published=parse_partial_date(published)),
        "entities": entities, "times": times, "quantities": quantities, "quotes": [], "events": out})


def corpus() -> list[Report]:
    """Unrest in Bishkek reported over a week, a separate clash in Osh, and an unrelated arrest."""
    return [
        report("a1", "2023-03-18", {"place": "Bischkek", "day": "2023-03-17", "figure": ("killed", 14, None),
                                    "claimant": "Staatsradio"}),
        report("a2", "2023-03-19", {"place": "Kirgistan", "figure": ("killed", 9, None),
                                    "claimant": "Innenministerium"}),
        report("a3", "2023-03-20", {"place": "Osch", "day": "2023-03-20", "figure": ("killed", 2, 2),
                                    "claimant": "Behörden"}),
        report("a4", "2023-03-24", {"place": "Bischkek", "figure": ("killed", 90, 90),
                                    "claimant": "Gesundheitsministerium"},
               {"type": "COERCE", "mode": "arrest", "place": "Bischkek", "day": "2023-03-23"}),
        report("a5", "2023-03-24", {"figure": ("killed", 151, None), "claimant": "Opposition"},
               source="Central Asia Wire"),
    ]


def snapshot(store: Store) -> dict:
    """The fuse tables as comparable sets; a cluster is named by its members (its id depends on history:
    ids persist from earlier runs, so the ingest order decides which id a cluster keeps)."""
    rows = store.con.execute("SELECT * FROM cluster_members").fetchall()
    name: dict[str, str] = {}
    for c, a, e, _, _ in sorted(rows, key=lambda r: (r[1], r[2])):
        name.setdefault(c, f"{a}/{e}")
    return {
        "clusters": sorted((name[r[0]], *r[1:]) for r in store.con.execute("SELECT * FROM clusters").fetchall()),
        "members": sorted((name[c], a, e, p) for c, a, e, _, p in rows),
        "figures": sorted((name[r[0]], *r[1:]) for r in store.con.execute("SELECT * FROM cluster_figures").fetchall()),
    }


def members(store: Store) -> dict[tuple[str, str], str]:
    return {(a, e): c for c, a, e in store.con.execute(
        "SELECT cluster_id, article_id, event_id FROM cluster_members").fetchall()}


def ingest(store: Store, reports: list[Report]) -> dict[str, int]:
    """What `ingest_paths` does per batch: write, then fuse what was stored."""
    store.write(reports)
    return fuse.fuse(store, [r.article.id for r in reports])


@pytest.fixture
def store(tmp_path) -> Store:
    with Store(tmp_path / "fuse.duckdb") as s:
        yield s


def test_reports_of_the_same_event_merge_and_others_stay_apart(store):
    ingest(store, corpus())
    got = members(store)
    unrest = got[("a1", "ev1")]
    assert got[("a2", "ev1")] == unrest  # country-only place within the same country
    assert got[("a4", "ev1")] == unrest  # undated: up to 7 days before publication
    assert got[("a5", "ev1")] == unrest  # no place: strong match on type and mode
    assert got[("a3", "ev1")] != unrest  # Osh is not Bishkek
    assert got[("a4", "ev2")] not in {unrest, got[("a3", "ev1")]}
    row = store.query("SELECT * FROM clusters WHERE id = ?", [unrest])[0]
    assert row["place_name"] == "Bishkek" and row["country"] == "KG"
    assert (row["mention_count"], row["article_count"]) == (4, 4)
    assert row["earliest"] == row["latest"] == date(2023, 3, 17)
    assert row["first_reported"] == date(2023, 3, 18) and row["last_reported"] == date(2023, 3, 24)
    assert row["label"] == "PROTEST in Bishkek, 2023-03-17"


def test_reasons_are_recorded(store):
    ingest(store, corpus())
    rows = store.query("SELECT article_id, reasons FROM cluster_members WHERE cluster_id = "
                       "(SELECT cluster_id FROM cluster_members WHERE article_id = 'a1')")
    reasons = {r["article_id"]: json.loads(r["reasons"]) for r in rows}
    assert reasons["a2"]["joined"] == "first mention"  # undated, so its interval starts earliest
    assert reasons["a1"]["joined"] == "merged" and "same country KG" in reasons["a1"]["place"]
    assert reasons["a1"]["type"] == "same type PROTEST" and reasons["a1"]["mode"] == "same mode riot"
    assert reasons["a4"]["place"].startswith("same place Bishkek")
    assert "undated" in reasons["a4"]["dates"]
    assert "strong match on mode" in reasons["a5"]["place"]
    assert reasons["a5"]["with"] == {"article_id": "a2", "event_id": "ev1"}


def test_the_same_mentions_give_the_same_clusters_in_any_ingest_order(tmp_path):
    snapshots = []
    for name, order in (("fwd", corpus()), ("rev", corpus()[::-1]), ("mixed", [corpus()[i] for i in (2, 4, 0, 3, 1)])):
        with Store(tmp_path / f"{name}.duckdb") as s:
            for one in order:
                ingest(s, [one])
            snapshots.append(snapshot(s))
    assert snapshots[0] == snapshots[1] == snapshots[2]


def test_cluster_mentions_ignores_input_order():
    ms = [Mention(f"a{i}", "ev1", "PROTEST", "riot", "asserted", date(2023, 3, 10 + i % 3), date(2023, 3, 12),
                  True, country="KG") for i in range(8)]
    first = [[m.key for m in c.members] for c in cluster_mentions(ms)]
    second = [[m.key for m in c.members] for c in cluster_mentions(ms[::-1])]
    assert first == second and len(first) == 1


def test_stored_mentions_load_in_the_canonical_order(store):
    store.write(corpus())
    loaded = fuse_store.load_mentions(store.con, ["PROTEST", "COERCE"])
    got = [m.key for m in loaded.mentions]
    assert got == [m.key for m in sorted(loaded.mentions, key=lambda m: m.order)]
    assert got[0] == ("a2", "ev1")  # undated: its interval starts 7 days before publication, before a1's day
    assert len(got) == 6


def test_loading_and_clustering_leave_no_reference_cycles(store):
    """Both run with the cyclic collector paused: that is safe only while they make no cycles."""
    store.write(corpus())
    gc.collect()
    loaded = fuse_store.load_mentions(store.con, ["PROTEST", "COERCE"])
    clusters = cluster_mentions(loaded.mentions)
    assert len(clusters) == 3
    del loaded, clusters
    assert gc.collect() == 0


def test_re_running_changes_nothing(store):
    ingest(store, corpus())
    before = snapshot(store)
    counts = fuse.fuse(store)
    assert counts["written"] == counts["removed"] == 0 and counts["unchanged"] == counts["clusters"]
    assert snapshot(store) == before


def test_a_new_article_updates_only_affected_clusters(store, tmp_path):
    ingest(store, corpus()[:4])
    untouched = store.query("SELECT * FROM clusters WHERE type = 'COERCE'")
    extra = report("a5", "2023-03-24", {"figure": ("killed", 151, None), "claimant": "Opposition"})
    counts = ingest(store, [extra])
    assert counts["written"] == 1 and counts["removed"] == 0  # the unrest cluster only
    assert store.query("SELECT * FROM clusters WHERE type = 'COERCE'") == untouched
    with Store(tmp_path / "full.duckdb") as full:
        ingest(full, corpus()[:4] + [extra])
        assert snapshot(full) == snapshot(store)


def test_a_changed_article_leaves_no_stale_members(store):
    ingest(store, corpus())
    ingest(store, [report("a2", "2023-03-19", {"type": "COERCE", "mode": "arrest", "place": "Osch",
                                               "day": "2023-03-19"})])
    got = members(store)
    assert got[("a2", "ev1")] != got[("a1", "ev1")]
    assert len(got) == 6 and store.query("SELECT count(*) AS n FROM cluster_figures WHERE article_id = 'a2' "
                                         "AND category = 'killed'")[0]["n"] == 0


def test_split_keeps_the_mention_apart_after_re_fusing(store):
    ingest(store, corpus())
    unrest = members(store)[("a1", "ev1")]
    new_id = fuse.split(store, unrest, "a4", "ev1")
    got = members(store)
    assert got[("a4", "ev1")] == new_id != got[("a1", "ev1")]
    assert len(got) == 6  # nothing lost
    pinned = store.query("SELECT pinned, reasons FROM cluster_members WHERE article_id = 'a4' AND event_id = 'ev1'")
    assert pinned[0]["pinned"] == "split" and json.loads(pinned[0]["reasons"])["joined"] == "split by user"
    fuse.fuse(store)
    ingest(store, [corpus()[3]])  # re-ingesting the article keeps the pin too
    again = members(store)
    assert again[("a4", "ev1")] == new_id and again[("a1", "ev1")] == got[("a1", "ev1")]
    assert store.query("SELECT mention_count FROM clusters WHERE id = ?", [new_id])[0]["mention_count"] == 1


def test_figures_history_and_conflicts(store):
    ingest(store, corpus())
    summary = fuse.figures_summary(store, members(store)[("a1", "ev1")])
    killed = summary["killed"]
    assert [(c["source_name"], c["low"], c["reported"]) for c in killed["claims"]] == [
        ("Staatsradio", 14, date(2023, 3, 18)), ("Innenministerium", 9, date(2023, 3, 19)),
        ("Gesundheitsministerium", 90, date(2023, 3, 24)), ("Opposition", 151, date(2023, 3, 24))]
    assert killed["range"] == {"low": 9, "high": None}
    assert set(killed["latest_by_source"]) == {"staatsradio", "innenministerium", "gesundheitsministerium",
                                               "opposition"}
    # 90 vs >150 a day apart is a conflict; 14 (18.03.) vs 90 (24.03.) is an update, not a conflict
    assert [c["sources"] for c in killed["conflicts"]] == [["gesundheitsministerium", "opposition"]]
    assert killed["export_figure"] == 90  # ACLED: most conservative current figure


def test_figures_are_never_collapsed():
    claims = [{"article_id": "x", "quantity_id": f"q{i}", "value": v, "low": v, "high": v, "source_name": s,
               "source_kind": "official", "reported": date(2023, 3, d)}
              for i, (v, s, d) in enumerate([(14, "A", 18), (20, "A", 19), (25, "B", 19)])]
    summary = summarise(claims)
    assert len(summary["claims"]) == 3
    assert summary["latest_by_source"]["a"]["value"] == 20
    assert [c["sources"] for c in summary["conflicts"]] == [["a", "b"]]
    assert summary["range"] == {"low": 14, "high": 25}


def test_actors_must_share_a_key(store):
    ingest(store, [report("b1", "2023-03-18", {"type": "PROTEST", "mode": "demonstrate", "day": "2023-03-17",
                                                 "actors": ["Abdyrachmanow"]}),
                   report("b2", "2023-03-18", {"type": "PROTEST", "mode": "demonstrate", "day": "2023-03-17",
                                                 "actors": ["Abdyrakhmanov"]}),
                   report("b3", "2023-03-18", {"type": "PROTEST", "mode": "demonstrate", "day": "2023-03-17",
                                                 "actors": ["Tokturova"]})])
    got = members(store)
    assert got[("b1", "ev1")] == got[("b2", "ev1")] != got[("b3", "ev1")]


def test_negated_mentions_do_not_merge_with_asserted_ones(store):
    ingest(store, [report("n1", "2023-03-19", {"type": "MOBILIZE", "mode": "troops", "day": "2023-03-19"}),
                   report("n2", "2023-03-19", {"type": "MOBILIZE", "mode": "troops", "day": "2023-03-19",
                                               "modality": "negated"})])
    got = members(store)
    assert got[("n1", "ev1")] != got[("n2", "ev1")]
