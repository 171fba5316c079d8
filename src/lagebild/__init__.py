"""lagebild: turn news reports into a sourced situation picture.

    from lagebild import Extractor, Article
    report = Extractor().report(Article(id="a1", lang="de", text="Am Freitag demonstrierten in Bischkek ..."))
"""

from .config import Settings
from .model import Article, Report
from .pipeline import Extractor

__version__ = "0.1.0"
__all__ = ["Article", "Extractor", "Report", "Settings", "__version__"]
