"""The command line's promise: an error is exactly one readable line on stderr and exit status 2.

The commands run in-process through the real entry point (`main`), which is what the `lagebild` script calls;
`test_cli.py` runs the script itself.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lagebild.views.cli import main

CLI = [str(Path(sys.executable).with_name("lagebild"))]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(monkeypatch, capsys):
    def call(*args: str, cwd: Path, stdin: str | None = None, columns: str = "80") -> Result:
        monkeypatch.chdir(cwd)
        monkeypatch.setenv("COLUMNS", columns)
        monkeypatch.setattr(sys, "argv", ["lagebild", *args])
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        with pytest.raises(SystemExit) as done:
            main()
        out = capsys.readouterr()
        return Result(done.value.code, out.out, out.err)
    return call


def assert_one_line_error(result: Result, *expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(("error ", "internal error ")) and "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr


@pytest.mark.parametrize("args,expected", [
    (("extract", "--format", "xml", "x.txt"), ("'xml' is not one of", "lagebild extract --help")),
    (("nosuchcommand",), ("No such command",)),
    (("extract",), ("Missing argument",)),
    (("ingest", "x.txt", "--bogus-option"), ("No such option",)),
    (("events", "--db", "nowhere.duckdb"), ("no store at nowhere.duckdb",)),
    (("events", "--since", "gestern"), ("--since",)),
    (("export", "--format", "parquet"), ("no store",)),
    (("extract", "--lang", "fr", "x.txt"), ("--lang 'fr' is not supported", "de, en")),
])
def test_errors_are_one_line_with_exit_status_2(run, tmp_path, args, expected):
    assert_one_line_error(run(*args, cwd=tmp_path), *expected)


def test_a_long_error_is_not_wrapped_onto_several_lines(run, tmp_path):
    long_name = "x" * 150 + ".duckdb"
    assert_one_line_error(run("events", "--db", long_name, cwd=tmp_path, columns="40"), long_name)


@pytest.mark.parametrize("option,value,valid", [
    ("--type", "RIOT", "PROTEST"), ("--modality", "rumoured", "rumored"), ("--source-kind", "agency", "official"),
])
def test_wrong_filter_values_name_the_valid_values(run, tmp_path, option, value, valid):
    for command in ("events", "export --format jsonl") if option != "--type" else ("events", "timeline"):
        result = run(*command.split(), option, value, "--db", "any.duckdb", cwd=tmp_path)
        assert_one_line_error(result, f"{option} '{value}' is not one of", valid)


def test_filter_values_are_case_insensitive(run, tmp_path):
    result = run("events", "--type", "coerce", "--modality", "REPORTED", "--db", "none.duckdb", cwd=tmp_path)
    assert_one_line_error(result, "no store at")  # the values passed; only the store is missing


def test_serve_on_a_busy_port_is_one_line_and_exit_2(run, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), "--db", "any.duckdb", cwd=tmp_path)
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "choose another --port")


def test_reject_lines_stay_one_line_each(run, tmp_path):
    weird = tmp_path / "zwei\nzeilen.txt"
    weird.write_text("", encoding="utf-8")
    result = run("extract", str(weird), cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "zwei\\nzeilen.txt" in line and "(R001)" in line


def test_french_article_is_a_coded_reject_and_lang_forces_a_language(run, tmp_path):
    text = "Des milliers de personnes ont manifesté vendredi à Bichkek contre le gouvernement."
    rejected = run("extract", "-", "--rejects", "r.jsonl", cwd=tmp_path, stdin=text)
    assert rejected.returncode == 1 and rejected.stdout.strip() == "[]"
    [reject] = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert reject["code"] == "R008" and "'fr'" in reject["reason"]
    forced = run("extract", "-", "--lang", "en", cwd=tmp_path, stdin=text)
    assert forced.returncode == 0 and json.loads(forced.stdout)["article"]["lang"] == "en"


def test_the_installed_script_prints_one_line_for_a_usage_error(tmp_path):
    result = subprocess.run([*CLI, "extract", "--format", "xml", "x.txt"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=600, env={**os.environ, "COLUMNS": "40"})
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
