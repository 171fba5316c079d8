"""Readers and a writer at once: the web app keeps answering while an ingest in another process holds the store."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from lagebild.errors import StoreLocked  # noqa: E402
from lagebild.store import Store  # noqa: E402
from lagebild.store.snapshot import RETRY_LOCKED_S  # noqa: E402
from lagebild.views.web import create_app  # noqa: E402

from test_api import demo_store  # noqa: E402  (tests/ is on sys.path: no package)

CLI = str(Path(sys.executable).with_name("lagebild"))
HOLD_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
print("held", flush=True)
time.sleep(float(sys.argv[3]))
con.close()
"""
TEXT = ("Am Freitag nahm die Polizei in Osch {n} Demonstranten fest, wie das Innenministerium mitteilte. "
        "Nach Angaben von Augenzeugen wurden mindestens {m} Menschen verletzt.")


def _store_copy(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path / "live.duckdb"
    shutil.copy(demo_store(tmp_path_factory.getbasetemp()), path)
    return path


def _hold_lock(path: Path, mode: str, seconds: float) -> subprocess.Popen:
    """Another process holding the store's lock (mode "write" or "read") for `seconds`."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), mode, str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _locked(path: Path) -> bool:
    try:
        Store(path, read_only=True, lock_wait=0).close()
    except StoreLocked:
        return True
    return False


def _leaks(text: str, path: Path, pid: int) -> list[str]:
    """Whatever in a response names a file or a process."""
    found = [needle for needle in (str(path), path.name, str(path.parent), "PID", "pid ", str(pid)) if needle in text]
    return found + (["a path"] if "/tmp" in text or ".duckdb" in text else [])


def test_reads_keep_working_while_an_ingest_writes(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = _store_copy(tmp_path, tmp_path_factory)
    client = TestClient(create_app(path))
    before = client.get("/api/articles", params={"limit": 1000}).json()["count"]
    source = tmp_path / "wire.jsonl"
    source.write_text("".join(json.dumps({"id": f"w{i}", "lang": "de", "published": "2023-03-18",
                                          "text": TEXT.format(n=40 + i, m=i + 2)}) + "\n" for i in range(60)),
                      encoding="utf-8")
    ingest = subprocess.Popen([CLI, "ingest", str(source), "--db", str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200", "LAGEBILD_LOG": "info"})
    answered, during_lock = 0, 0
    try:
        while ingest.poll() is None:
            held_before = _locked(path)
            for url in ("/api/articles", "/api/clusters", "/api/events?limit=5", "/", "/api/places"):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code, response.text[:200])
                answered += 1
            if held_before and _locked(path):
                during_lock += 1  # the lock was held before and after these requests: they ran while it wrote
            time.sleep(0.05)
        out, err = ingest.communicate(timeout=60)
    finally:
        if ingest.poll() is None:
            ingest.kill()
    assert ingest.returncode == 0, err
    assert "60 stored" in err
    # ingest progress goes to the lagebild logger (LAGEBILD_LOG=info): a line per batch, one for fuse
    assert "INFO lagebild.views.cli: ingest live.duckdb: 60 stored, 0 unchanged, 0 rejected so far" in err
    assert "INFO lagebild.views.cli: ingest live.duckdb: fused the events of 60 articles" in err
    assert during_lock >= 1, f"the ingest never held the lock while requests ran ({answered} answered)"
    time.sleep(RETRY_LOCKED_S)  # a copy found locked is kept that long before the store is tried again
    after = client.get("/api/articles", params={"limit": 1000}).json()["count"]
    assert before < after == before + 60  # once the ingest has finished, reads see what it wrote


def test_an_ingest_waits_for_readers_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store(path).close()
    reader = _hold_lock(path, "read", 1.5)
    try:
        with pytest.raises(StoreLocked, match="in use by another process") as refused:
            Store(path, lock_wait=0)
        assert "\n" not in str(refused.value) and "PID" not in str(refused.value)
        started = time.monotonic()
        with Store(path) as store:  # waits until the reader lets go
            assert store.counts()["articles"] == 0
        assert time.monotonic() - started > 0.2
    finally:
        reader.wait(timeout=30)


def test_busy_and_internal_errors_name_no_path_or_process(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    path = _store_copy(tmp_path, tmp_path_factory)
    writer = _hold_lock(path, "write", 60)
    try:
        client = TestClient(create_app(path), raise_server_exceptions=False)
        assert client.app.state.snapshots.current is None  # started during a write: there is no copy yet
        for headers in ({"accept": "application/json"}, {"accept": "text/html"}):
            busy = client.get("/api/articles" if "json" in headers["accept"] else "/", headers=headers)
            assert busy.status_code == 503 and busy.headers["retry-after"].isdigit()
            assert "try again" in busy.text
            assert not _leaks(busy.text, path, writer.pid), busy.text
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert client.get("/api/articles").status_code == 200  # the writer is gone: this request takes the first copy

    import lagebild.views.web.data as data

    secret = f"{path} held by PID {os.getpid()}"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(secret)

    original, data.articles_page = data.articles_page, broken
    try:
        with caplog.at_level(logging.ERROR, logger="lagebild"):
            failed = client.get("/api/articles")
    finally:
        data.articles_page = original
    assert failed.status_code == 500 and failed.json() == {"detail": "internal error"}
    assert not _leaks(failed.text, path, os.getpid())
    [record] = [r for r in caplog.records if r.name.startswith("lagebild.") and r.levelno == logging.ERROR]
    assert "/api/articles" in record.getMessage() and record.exc_info and secret in str(record.exc_info[1])


def test_log_level_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from lagebild.logs import level_from_env

    monkeypatch.delenv("LAGEBILD_LOG", raising=False)
    assert level_from_env() == logging.WARNING  # quiet by default: ingest progress only when asked for
    for name, level in (("info", logging.INFO), ("DEBUG", logging.DEBUG), ("loud", logging.WARNING)):
        monkeypatch.setenv("LAGEBILD_LOG", name)
        assert level_from_env() == level


def test_a_snapshot_includes_what_only_the_write_ahead_log_holds(tmp_path: Path) -> None:
    from lagebild.store.snapshot import ReadSnapshots, wal_path

    path = tmp_path / "s.duckdb"
    Store(path).close()
    crash = ("import os, sys, duckdb\ncon = duckdb.connect(sys.argv[1])\n"
             "con.execute('CREATE TABLE probe AS SELECT 42 AS answer')\nos._exit(0)\n")
    subprocess.run([sys.executable, "-c", crash, str(path)], check=True, timeout=60)
    assert wal_path(path).exists()  # the process died before a checkpoint: the row is only in the log
    snapshots = ReadSnapshots(path, directory=tmp_path)
    try:
        with snapshots.open() as store:
            assert store.query("SELECT answer FROM probe") == [{"answer": 42}]
        assert snapshots.current is not None and snapshots.current.parent.parent == tmp_path
    finally:
        snapshots.close()
    assert not any(p.name.startswith("lagebild-snapshot-") for p in tmp_path.iterdir())
