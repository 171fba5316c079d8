"""Per-language pipelines: a trained base shipped in `lang/<code>/pipeline`, plus the extractors."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import spacy
from spacy.language import Language

from .. import extract  # noqa: F401  (registers the Doc extensions)
from ..accurate import component  # noqa: F401  (registers the accurate entity recogniser)
from ..config import EXTRACTOR_MODULES, MODELS, Settings
from ..errors import BadOption, ConfigError
from .array_sentences import use_array_sentences
from .greedy_ner import use_numpy_ner
from .lean_layers import use_lean_layers
from .lemmas import use_cached_lemmas

LANG_DIR = Path(__file__).parent


def language_data(lang: str, name: str) -> Path:
    """Path of a per-language data file (lexicons, patterns) shipped in `lang/<code>/`."""
    return LANG_DIR / lang / name


def base_pipeline(lang: str) -> Language:
    """The trained pipeline shipped for `lang`, or a blank one with a rule-based sentencizer."""
    if importlib.util.find_spec(f"{__name__}.{lang}") is not None:
        importlib.import_module(f"{__name__}.{lang}")  # registers the language's own functions
    trained = LANG_DIR / lang / "pipeline"
    if (trained / "config.cfg").exists():
        return spacy.load(trained)
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


def extractor_module(name: str):  # type: ignore[no-untyped-def]
    """The module that registers extractor `name` (a coded error if there is none)."""
    try:
        return importlib.import_module(EXTRACTOR_MODULES.get(name) or f"lagebild.extract.{name.removeprefix('lagebild_')}")
    except ModuleNotFoundError:
        raise ConfigError(f"unknown extractor {name!r}", "E006") from None


def extractor_has_data(name: str, lang: str) -> bool:
    """Whether the language ships every data file the extractor declares in its `LANGUAGE_DATA`."""
    module = extractor_module(name)
    return all(language_data(lang, file).exists() for file in getattr(module, "LANGUAGE_DATA", ()))


def check_order(extractors: tuple[str, ...]) -> None:
    """Every `doc._` attribute an extractor requires is assigned by one configured before it (E007 if not)."""
    assigned: set[str] = {"doc._.article"}
    for name in extractors:
        extractor_module(name)
        if not Language.has_factory(name):
            raise ConfigError(f"extractor {name!r} registers no spaCy factory", "E006")
        meta = Language.get_factory_meta(name)
        missing = [r for r in meta.requires if r.startswith("doc._.") and r not in assigned]
        if missing:
            before = [n for n in extractors if any(r in Language.get_factory_meta(n).assigns for r in missing)
                      if Language.has_factory(n)]
            hint = f"; put it after {', '.join(before)}" if before else "; no configured extractor assigns it"
            raise ConfigError(f"extractor {name!r} requires {', '.join(missing)}{hint}", "E007")
        assigned.update(meta.assigns)


class Pipelines:
    """Loads each language's full pipeline once, on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._loaded: dict[str, Language] = {}

    def get(self, lang: str) -> Language:
        if lang not in self._loaded:
            self._loaded[lang] = self.build(lang)
        return self._loaded[lang]

    def build(self, lang: str) -> Language:
        """The base pipeline plus each configured extractor whose language data exists for `lang`."""
        check_order(self.settings.extractors)
        nlp = base_pipeline(lang)
        use_cached_lemmas(nlp)  # the same lemmas, each edit tree applied once per word
        use_lean_layers(nlp)  # the same layer norms and maxouts, with fewer temporary arrays
        use_array_sentences(nlp)  # the same sentence starts, read from arrays instead of a Token per word
        if self.settings.model not in MODELS:
            raise BadOption(f"unknown model {self.settings.model!r}; choose from {', '.join(MODELS)}")
        if self.settings.model == "accurate":
            if "ner" in nlp.pipe_names:
                nlp.remove_pipe("ner")
            nlp.add_pipe("lagebild_accurate_ner")
        else:
            use_numpy_ner(nlp)  # the same entities as spaCy's loop, in a fifth of its CPU time
        for name in self.settings.extractors:
            if extractor_has_data(name, lang) and name not in nlp.pipe_names:
                nlp.add_pipe(name)
        return nlp
