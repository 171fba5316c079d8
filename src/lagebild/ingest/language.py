"""Language identification with py3langid, whose model ships inside the package (no download)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier


# A text is taken to be in an unsupported language only when the supported languages together get less than this
# probability. A text that says nothing (a number, one word) gives each of py3langid's ~100 languages about 0.007,
# so it stays with the best supported language; a clear French or Polish sentence gives them almost 0.
REJECT_BELOW = 0.01
# The opening of a news text identifies its language; reading more only costs time.
SAMPLE_CHARS = 600


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once per process (about 2 s), and imported only then (it brings numpy)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageDetector:
    """Detects the language; a text clearly in an unsupported language is reported as that language."""

    def __init__(self, supported: tuple[str, ...]) -> None:
        self.supported = supported

    def detect(self, text: str) -> str:
        """ISO 639 code of the text's language: the best supported one unless the text is clearly in another."""
        ranking = _identifier().rank(text[:SAMPLE_CHARS])
        best = ranking[0][0]
        supported_mass = sum(p for lang, p in ranking if lang in self.supported)
        if best in self.supported or supported_mass < REJECT_BELOW:
            return best
        return next(lang for lang, _ in ranking if lang in self.supported)
