"""Import spaCy without its command line: `import spacy` also imports `spacy.cli` (requests, weasel, httpx, jinja2),
about a quarter of spaCy's import time, for the one name `spacy.info`, which lagebild never calls.

`defer_spacy_cli()` (run when `lagebild` is imported) installs a finder that, when spaCy is first imported, lets
its `from .cli.info import info` find a stand-in. The stand-in is removed as soon as spaCy's own module has run,
so a later `import spacy.cli` (spaCy's training and download commands) imports the real one, and `spacy.info` still
works: it imports the real function when called. Where spaCy was imported before lagebild, nothing changes.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

CLI_INFO = "spacy.cli.info"


def _info(*args: Any, **kwargs: Any) -> Any:
    """spaCy's `spacy.info`, imported on first call."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    """spaCy's own loader, run with the stand-in for `spacy.cli.info` in place, and put back afterwards."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        stand_in = ModuleType(CLI_INFO, "Stand-in for spacy.cli.info while spaCy is imported (lagebild).")
        stand_in.info = _info  # type: ignore[attr-defined]
        sys.modules.setdefault(CLI_INFO, stand_in)
        try:
            self.loader.exec_module(module)
        finally:
            if sys.modules.get(CLI_INFO) is stand_in:
                del sys.modules[CLI_INFO]
            module.__loader__ = self.loader
            if module.__spec__ is not None:
                module.__spec__.loader = self.loader


class _SpacyFinder(importlib.abc.MetaPathFinder):
    """Finds `spacy` as the other finders do, once, and wraps its loader."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if name != "spacy":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


def defer_spacy_cli() -> None:
    """Let the first `import spacy` of this process skip spaCy's command line (nothing if spaCy is imported)."""
    if "spacy" in sys.modules or any(isinstance(f, _SpacyFinder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _SpacyFinder())
