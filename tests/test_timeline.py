"""The terminal timeline renders clusters with figures per source and marks conflicts."""

from __future__ import annotations

from rich.console import Console
from test_fuse import corpus, ingest

from lagebild.store import Store
from lagebild.views.timeline import figure_text, print_timeline


def render(store: Store, **filters) -> str:
    console = Console(record=True, width=250)
    print_timeline(store, console=console, **filters)
    return console.export_text()


def test_timeline_shows_clusters_figures_and_conflicts(tmp_path):
    with Store(tmp_path / "t.duckdb") as store:
        ingest(store, corpus())
        out = render(store)
        assert "3 events" in out
        assert "PROTEST/riot  Bishkek" in out and "PROTEST/riot  Osh" in out and "COERCE/arrest" in out
        assert ("killed: ≥14 (Staatsradio, 18.03.) → ≥9 (Innenministerium, 19.03.) → 90 (Gesundheitsministerium, "
                "24.03.) → ≥151 (Opposition, 24.03.)") in out
        assert "⚠ conflict: 90 (Gesundheitsministerium, 24.03.) vs ≥151 (Opposition, 24.03.)" in out
        assert "· 1 mention in 1 article," in out and "1 mentions" not in out and " 1 articles" not in out
        assert "Osh" in render(store, place="osh") and "Bishkek" not in render(store, place="osh")
        assert "COERCE" in render(store, type="coerce") and "PROTEST" not in render(store, type="coerce")
        assert "no event clusters match" in render(store, type="FIGHT")


def test_figure_text():
    assert figure_text({"low": 900, "high": 1100}) == "900–1,100"
    assert figure_text({"low": 14, "high": None}) == "≥14"
    assert figure_text({"low": 90, "high": 90}) == "90"
