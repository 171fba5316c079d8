"""The extraction process's memory settings: numpy asks for no transparent huge pages unless the user says so."""

from __future__ import annotations

import numpy
import pytest

from lagebild import malloc


def test_numpy_stops_asking_for_huge_pages(monkeypatch):
    monkeypatch.delenv(malloc.HUGEPAGE_OVERRIDE, raising=False)
    switch = numpy._core.multiarray._set_madvise_hugepage
    before = switch(True)
    try:
        assert malloc.no_huge_pages() is True
        assert switch(False) is False  # what no_huge_pages left
    finally:
        switch(before)


@pytest.mark.parametrize("value", ["0", "1"])
def test_numpys_own_variable_wins(monkeypatch, value):
    monkeypatch.setenv(malloc.HUGEPAGE_OVERRIDE, value)
    switch = numpy._core.multiarray._set_madvise_hugepage
    before = switch(True)
    try:
        assert malloc.no_huge_pages() is False
        assert switch(before) is True  # untouched
    finally:
        switch(before)
