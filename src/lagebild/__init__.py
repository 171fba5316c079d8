"""lagebild: turn news reports into a sourced situation picture.

    from lagebild import Extractor, Article
    report = Extractor().report(Article(id="a1", lang="de", text="Am Freitag demonstrierten in Bischkek ..."))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .lean_import import defer_spacy_cli

defer_spacy_cli()  # before any lagebild module imports spaCy: skip spaCy's command line (about a quarter of its import)

from .config import Settings  # noqa: E402
from .model import Article, Report  # noqa: E402

if TYPE_CHECKING:
    from .pipeline import Extractor

__version__ = "0.1.0"
__all__ = ["Article", "Extractor", "Report", "Settings", "__version__"]


def __getattr__(name: str) -> Any:
    """`Extractor` on first use: importing it loads spaCy, which a process that only reads or writes never needs."""
    if name == "Extractor":
        from .pipeline import Extractor

        return Extractor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
