"""Crash safety: an ingest killed by a signal at random points, inside store writes and inside fuse.

Each trial forks a child that runs `ingest` and is killed (SIGKILL, so no clean-up runs): either by itself at the
k-th of the calls below, chosen at random, or by the parent after a random delay. Then the store must open with no
orphan rows, and an uninterrupted re-run must give a store identical to a run that was never killed, rejects
table included, with every event in a cluster.

The reports of the clean reference run are replayed in the trials instead of running spaCy again: what is tested
is the store and fuse, and replaying keeps the ten trials of the default run to seconds.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest
from ingest_harness import ARTICLES, dump, orphans, shared_pipelines, unclustered, write_input

from lagebild.errors import StoreError
from lagebild.fuse import store as fuse_store
from lagebild.model import Article
from lagebild.pipeline import Extractor
from lagebild.store import Store
from lagebild.store import store as store_module
from lagebild.views.cli import RejectLog, ingest_paths

# Where a kill may land: (module, function, phase). Store._insert runs inside the batch transaction and
# fuse_store._insert inside fuse's transaction.
HOOKS = [
    (store_module.Store, "write", "store"),
    (store_module.Store, "_insert", "store"),
    (store_module.Store, "unfused", "fuse"),
    (fuse_store, "load_mentions", "fuse"),
    (fuse_store, "cluster_rows", "fuse"),
    (fuse_store, "_insert", "fuse"),
    (store_module.Store, "mark_fused", "fuse"),
]
SEED = int(os.environ.get("LAGEBILD_CRASH_SEED", "14"))


@pytest.fixture
def setup(tmp_path, settings, monkeypatch):
    """Four articles and two broken lines, two records per batch; a clean reference run, with its calls traced."""
    shared_pipelines(monkeypatch)
    small = replace(settings, batch_size=2, store_batch_size=2)
    source = write_input(tmp_path / "in.jsonl", articles=[ARTICLES[i] for i in (0, 1, 3, 4)], rejects=2)
    reference = tmp_path / "reference.duckdb"
    trace: list[str] = []
    reports: dict[str, object] = {}
    real_batch = Extractor._run_batch

    def recording(self, batch):
        results = real_batch(self, batch)
        reports.update((item.id, result) for item, result in zip(batch, results) if isinstance(item, Article))
        return results

    with monkeypatch.context() as patch:
        _instrument(patch, None, trace)
        patch.setattr(Extractor, "_run_batch", recording)
        started = time.monotonic()
        ingest_paths([str(source)], replace(small, db_path=reference), RejectLog(None))
        duration = time.monotonic() - started
    monkeypatch.setattr(Extractor, "_run_batch",
                        lambda self, batch: [reports[i.id] if isinstance(i, Article) else i for i in batch])
    return small, source, dump(reference), tmp_path, trace, duration


def _instrument(monkeypatch, kill_at: int | None, trace: list[str]) -> None:
    """Wrap each hook: record its call, and SIGKILL this process at call number `kill_at`."""
    for owner, name, phase in HOOKS:
        real = getattr(owner, name)

        def wrapped(*args, _real=real, _label=f"{phase}:{name}", **kwargs):
            trace.append(_label)
            if kill_at is not None and len(trace) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapped)


def _run_child(settings, source: Path, monkeypatch, kill_at: int | None = None, kill_after: float | None = None,
               timeout: float = 120) -> int:
    """Fork an ingest; return the signal that ended it (0 if it finished)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            with monkeypatch.context() as patch:
                _instrument(patch, kill_at, [])
                ingest_paths([str(source)], settings, RejectLog(None))
        finally:
            os._exit(0)
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the ingest child hung")
        time.sleep(0.02)


def _check_after_kill(db: Path) -> None:
    """The store opens (unless the kill came before its schema was committed: then it is empty, not broken)."""
    if not db.exists():
        return
    try:
        with Store(db, read_only=True):  # opens, and is a lagebild store
            pass
    except StoreError as err:
        assert "is empty" in str(err), err
        return
    found = orphans(db)
    assert found == dict.fromkeys(found, 0)


def _trials(setup, monkeypatch, hook_kills: int | None, timer_kills: int) -> dict[str, int]:
    """Kill at `hook_kills` random hook calls (a third of them in fuse; None: at every call once) and at
    `timer_kills` random moments of a run."""
    settings, source, reference, tmp_path, trace, _ = setup
    rng = random.Random(SEED)
    in_fuse = [i + 1 for i, label in enumerate(trace) if label.startswith("fuse:")]
    in_store = [i + 1 for i, label in enumerate(trace) if label.startswith("store:")]
    if hook_kills is None:
        points = in_fuse + in_store
    else:
        fuse_share = max(3, hook_kills // 3)
        points = rng.sample(in_fuse, min(fuse_share, len(in_fuse))) + \
            rng.sample(in_store, min(hook_kills - fuse_share, len(in_store)))
    started = time.monotonic()  # how long a run takes here, for the timer's window
    ingest_paths([str(source)], replace(settings, db_path=tmp_path / "timing.duckdb"), RejectLog(None))
    duration = time.monotonic() - started
    seen = {"hook": 0, "fuse": 0, "timer": 0, "killed": 0}
    trials = [("hook", k) for k in points] + [("timer", rng.uniform(0.0, duration)) for _ in range(timer_kills)]
    for number, (kind, where) in enumerate(trials):
        db = tmp_path / f"trial{number}.duckdb"
        run = replace(settings, db_path=db)
        if kind == "hook":
            ended = _run_child(run, source, monkeypatch, kill_at=int(where))
            assert ended == signal.SIGKILL, f"the ingest was not killed at call {where} ({trace[int(where) - 1]})"
            seen["fuse"] += trace[int(where) - 1].startswith("fuse:")
        else:
            ended = _run_child(run, source, monkeypatch, kill_after=where)
        seen[kind] += 1
        seen["killed"] += ended == signal.SIGKILL
        _check_after_kill(db)
        ingest_paths([str(source)], run, RejectLog(None))  # the re-run, uninterrupted
        assert unclustered(db) == 0, f"trial {number} ({kind} {where}): events left out of clusters"
        assert dump(db) == reference, f"trial {number} ({kind} {where}): the re-run differs from a clean run"
    return seen


def test_killed_ingests_leave_a_store_that_a_rerun_completes(setup, monkeypatch):
    seen = _trials(setup, monkeypatch, hook_kills=10, timer_kills=0)
    assert seen == {"hook": 10, "fuse": 3, "timer": 0, "killed": 10}


@pytest.mark.slow
def test_many_killed_ingests(setup, monkeypatch):
    """A kill at every one of the traced calls, and 25 at random moments."""
    seen = _trials(setup, monkeypatch, hook_kills=None, timer_kills=25)
    print(f"\ncrash trials: {seen}")
    assert seen["hook"] == len(setup[4]) and seen["killed"] >= len(setup[4]) + 10
