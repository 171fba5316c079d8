"""The fast paths give exactly what the plain ones gave: the example reports byte for byte, `--jobs` in input order,
and each shortcut (one-pass time scan, substring name search, windowed mention look-ups) against its plain form."""

from __future__ import annotations

import gc
import json
import os
import random
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from lagebild.config import Settings
from lagebild.extract.entities import whole_word_uses
from lagebild.extract.guards import LoweredScan, matches_at
from lagebild.extract.quotes import Mentions
from lagebild.extract.times import TimeLexicon
from lagebild.ingest import RecordBuilder, read_inputs
from lagebild.lang import language_data
from lagebild.model import Article

GOLDEN = Path(__file__).parent / "data" / "example_reports.jsonl"
EXAMPLES = files("lagebild") / "examples"
CLI = str(Path(sys.executable).with_name("lagebild"))


def canonical(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, sort_keys=True)


def example_articles() -> list[Article]:
    return [a for a in read_inputs([str(EXAMPLES)], RecordBuilder(Settings.from_env())) if isinstance(a, Article)]


def test_example_reports_are_byte_identical_to_the_recorded_ones():
    """The reports of our example articles as recorded (regenerate only when extraction changes on purpose:
    LAGEBILD_UPDATE_GOLDEN=1). Recorded for schema v2 from code whose reports equal those of the claims-core branch
    without the speed work, byte for byte (`benchmarks/snapshot_reports.py`)."""
    from lagebild.pipeline import Extractor

    lines = [canonical(r.to_json_dict()) for r in Extractor(Settings.from_env()).reports(example_articles())]
    if os.environ.get("LAGEBILD_UPDATE_GOLDEN"):
        GOLDEN.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_two_jobs_give_the_recorded_reports_in_input_order_with_rejects_in_place(tmp_path, start):
    source = tmp_path / "mixed.jsonl"
    golden = GOLDEN.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line)["article"] for line in golden]
    lines = [json.dumps({**{k: r[k] for k in ("id", "lang", "text", "title", "source", "url") if r.get(k)},
                         **({"published": r["published"]["text"]} if r.get("published") else {})},
                        ensure_ascii=False) for r in records]
    lines.insert(3, "{not json")
    lines.insert(6, json.dumps({"id": "empty", "text": ""}))
    source.write_text("\n".join(lines * 2) + "\n", encoding="utf-8")
    done = subprocess.run([CLI, "extract", str(source), "--format", "jsonl", "--jobs", "2"], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "COLUMNS": "200", "LAGEBILD_WORKER_START": start})
    assert done.returncode == 1, done.stderr  # the two broken records, twice, are listed as rejects
    assert done.stderr.count("reject") == 4 and "Traceback" not in done.stderr
    assert [canonical(json.loads(line)) for line in done.stdout.splitlines()] == golden * 2


def test_workers_run_with_one_blas_thread_and_leave_the_parent_alone():
    from lagebild.workers import ParallelExtractor

    if "OPENBLAS_NUM_THREADS" in os.environ:
        pytest.skip("the user set OPENBLAS_NUM_THREADS, which the workers keep")
    with ParallelExtractor(Settings.from_env(), 2) as extractor:
        assert list(extractor.lines([])) == []  # forking workers start with the first stream
        assert extractor._pool is not None
        seen = extractor._pool.map(os.getenv, ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"])
    assert seen == ["1", "1", "1"]
    assert "OPENBLAS_NUM_THREADS" not in os.environ


def test_workers_fork_only_before_numpy_loads(monkeypatch):
    from lagebild.workers import start_method

    monkeypatch.setenv("LAGEBILD_WORKER_START", "spawn")
    assert start_method() == "spawn"
    monkeypatch.delenv("LAGEBILD_WORKER_START")
    assert "numpy" in sys.modules and start_method() == "spawn"  # its BLAS threads are fixed: fresh workers
    monkeypatch.delitem(sys.modules, "numpy")
    if sys.platform.startswith("linux"):
        assert start_method() == "fork"


def random_text(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


@pytest.mark.parametrize("suffixes", [(), ("s", "es"), ("", "n")])
def test_whole_word_uses_find_what_the_per_form_regex_found(suffixes):
    rng = random.Random(7)
    alphabet = "Abs e-_.(é2 \n"
    for _ in range(400):
        text = random_text(rng, alphabet, rng.randint(0, 60))
        form = random_text(rng, "Abe", rng.randint(1, 3))
        tail = f"(?:{'|'.join(re.escape(s) for s in suffixes)})?" if suffixes else ""
        expected = [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(form)}{tail}(?![\w-])", text)]
        assert list(whole_word_uses(text, form, suffixes)) == expected, (text, form)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_pass_time_scan_finds_every_match_of_every_pattern(lang):
    lexicon = TimeLexicon(language_data(lang, "times.json"))
    texts = [a.text for a in example_articles()]
    texts.append("Am 3. März 2023 um 14 Uhr, zwei Tage später und im vergangenen Jahr; on Friday, March 3, 2023.")
    texts += ["AM MONTAGABEND UND AM 4. MAI; ON MONDAY MORNING, IN MARCH 2020", "Am Montag Morgen; on Monday, March 2"]
    texts += [text + suffix for text in texts[-3:] for suffix in (" Dienſtag", " Mıttwoch", " ΣΑΒΒΑΤΟ", " İstanbul")]
    for text in texts:
        starts = lexicon.starts.starts(text, text.lower())
        for _, pattern in lexicon.patterns:
            plain = [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
            assert [(m.span(), m.groupdict()) for m in matches_at(pattern, text, starts)] == plain


def test_mention_windows_equal_the_full_scans():
    rng = random.Random(3)
    items = []
    for _ in range(300):
        start = rng.randint(0, 2000)
        items.append((start, start + rng.randint(1, 30), f"e{rng.randint(0, 20)}", rng.choice(["PER", "ORG", "LOC"]),
                      "x"))
    mentions = Mentions(sorted(items))
    for _ in range(300):
        lo = rng.randint(0, 2100)
        hi = lo + rng.randint(0, 60)
        assert mentions.overlapping(lo, hi) == [m for m in mentions.items if m[0] < hi and lo < m[1]]
        assert mentions.starting_in(lo, hi) == [m for m in mentions.items if lo <= m[0] < hi]
        for labels in (("PER",), ("PER", "ORG")):
            before = [m for m in mentions.items if m[1] <= lo and m[3] in labels]
            assert mentions.last_ending_by(lo, labels) == (before[-1] if before else None)


@pytest.mark.slow
def test_ingest_with_two_jobs_stores_the_reports_one_job_stores(tmp_path):
    import duckdb

    stored = {}
    for jobs in ("1", "2"):
        db = tmp_path / f"jobs{jobs}.duckdb"
        done = subprocess.run([CLI, "ingest", str(EXAMPLES), "--db", str(db), "--jobs", jobs], capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        with duckdb.connect(str(db), read_only=True) as con:
            stored[jobs] = con.execute("SELECT id, report FROM articles ORDER BY id").fetchall()
    assert len(stored["2"]) == len(GOLDEN.read_text(encoding="utf-8").splitlines())
    assert stored["2"] == stored["1"]


def test_ingest_with_two_jobs_stores_what_one_job_stores_across_store_batches(tmp_path):
    from dataclasses import replace

    from lagebild.store import Store
    from lagebild.views.cli import RejectLog, ingest_paths

    records = [json.loads(line)["article"] for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    lines = [json.dumps({k: r[k] for k in ("id", "lang", "text") if r.get(k)}, ensure_ascii=False) for r in records]
    lines.insert(2, "{not json")
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines + lines[:3]) + "\n", encoding="utf-8")  # repeats in a later store batch
    stored = {}
    for jobs in (1, 2):
        settings = replace(Settings.from_env(db_path=tmp_path / f"jobs{jobs}.duckdb"), store_batch_size=3)
        counts = ingest_paths([str(source)], settings, RejectLog(None), jobs=jobs)
        with Store(settings.db_path) as store:
            rows = [store.con.execute(query).fetchall() for query in (
                "SELECT * EXCLUDE (ingested_at) FROM articles ORDER BY id", "SELECT * FROM events ORDER BY ALL")]
            members = store.con.execute("SELECT article_id, event_id FROM cluster_members ORDER BY ALL").fetchall()
        stored[jobs] = (counts, rows, members)
        again = ingest_paths([str(source)], settings, RejectLog(None), jobs=jobs)
        assert again == {"stored": 0, "unchanged": len(records) + 2, "rejected": 2}
    assert stored[2] == stored[1]
    assert stored[1][0] == {"stored": len(records), "unchanged": 2, "rejected": 2}


def test_lowered_scan_finds_what_the_case_insensitive_scan_finds():
    scan = LoweredScan(r"(?<!\w)(?=(?:am|im)\s+(?-i:Morgen|(?=[A-Z])[a-z]+)|\d+\.\s*mai)")
    assert scan.lowered is not None
    for text in ["Am Morgen", "IM Westen", "am morgen", "3. MAI und 4.Mai", "", "ſ im Osten", "İm Morgen", "Σ am X"]:
        expected = {m.start() for m in scan.pattern.finditer(text)}
        assert expected <= set(scan.starts(text, text.lower())), text
    assert scan.starts("am morgen", "am morgen") == [0]  # more offsets: case-sensitive groups ignore case here
    assert scan.unusual.search("Mıttag") and scan.unusual.search("ΣΑΒΒΑΤΟ") and not scan.unusual.search("Dienſtag")


def test_lowered_scan_needs_lower_case_patterns():
    assert LoweredScan(r"(?<!\w)Mai").lowered is None
    assert LoweredScan(r"(a)\1").lowered is None
    assert LoweredScan(r"[\x80-\U0010ffff]").lowered is None
    assert LoweredScan(r"(?<!\w)mai(?i:X)").lowered is not None
    assert LoweredScan(r"m(?<=(?=mai)(?s:.))").lowered is not None  # other inline flags are fine


def test_extraction_leaves_no_reference_cycles():
    from lagebild.pipeline import Extractor

    extractor = Extractor(Settings.from_env())
    articles = example_articles()
    list(extractor.reports(articles))  # loads what is loaded on first use (both languages' pipelines)
    gc.collect()
    gc.disable()
    try:
        reports = list(extractor.reports(articles))
        assert reports and gc.collect() == 0  # every Doc was freed by refcounting when its report was built
    finally:
        gc.enable()


def test_only_a_settling_extractor_freezes_what_it_loaded_after_its_first_batch():
    from lagebild.pipeline import GC_YOUNG_THRESHOLD, Extractor

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()  # other tests' forking extractors freeze too
    settings = Settings.from_env(batch_size=2)
    assert len(list(Extractor(settings).reports(example_articles()[:3]))) == 3
    assert gc.get_freeze_count() == frozen and gc.get_threshold() == threshold
    try:
        reports = list(Extractor(settings, settle_heap=True).reports(example_articles()[:3]))
        assert len(reports) == 3 and gc.get_freeze_count() > frozen and gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
