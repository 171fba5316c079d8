"""Shared fixtures: isolated settings, the dataset root (skip when absent), and the --runslow flag."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Most tests pin rule behaviour on the fast (CNN) model; tests/test_accurate.py asks for the accurate one itself.
# Subprocesses started by tests (the CLI) inherit this too.
os.environ.setdefault("LAGEBILD_MODEL", "fast")

from lagebild.config import Settings


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run slow tests (training, full evaluations)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a store in a temporary directory."""
    return Settings.from_env(db_path=tmp_path / "test.duckdb")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared dataset root; tests that need it skip cleanly when it is absent."""
    root = Settings.from_env().data_dir
    if not root.is_dir():
        pytest.skip(f"datasets not present at {root}")
    return root


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    """One extractor (German and English pipelines loaded once) for the tests that read whole reports."""
    from lagebild.pipeline import Extractor

    return Extractor(Settings.from_env())
