"""`lagebild serve`: it says where it listens, takes --port 0, warns beyond loopback, and a busy port is one line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from lagebild.views.web.serve import bind, is_loopback, url_of

pytest.importorskip("uvicorn")
CLI = [str(Path(sys.executable).with_name("lagebild"))]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crisis import crisis_store

    return crisis_store(tmp_path_factory.mktemp("serve") / "crisis.duckdb")


def test_port_zero_prints_the_url_and_serves_it(store: Path) -> None:
    process = subprocess.Popen([*CLI, "serve", "--db", str(store), "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith(f"serving {store} on http://127.0.0.1:"), line
        url = line.split(" on ")[1].split(" ")[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert port > 0 and f"(port {port})" in line
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "api/clusters", timeout=5) as response:
                    assert response.status == 200 and b'"total":2' in response.read()
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert "warning" not in process.stderr.read()  # type: ignore[union-attr]


def test_a_busy_port_is_one_line_and_exit_2(store: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([*CLI, "serve", "--db", str(store), "--port", str(port)], capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0] and "Traceback" not in result.stderr


def test_binding_beyond_loopback_is_named() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    sock = bind("127.0.0.1", 0)
    try:
        assert url_of(sock).startswith("http://127.0.0.1:") and sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_serving_beyond_loopback_warns(store: Path) -> None:
    process = subprocess.Popen([*CLI, "serve", "--db", str(store), "--port", "0", "--host", "0.0.0.0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = process.stderr.readline()  # type: ignore[union-attr]
        assert warning.startswith("warning: listening on 0.0.0.0, beyond this machine")
        assert process.stdout.readline().startswith("serving ")  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=10)
