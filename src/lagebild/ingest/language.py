"""Language identification with py3langid, whose model ships inside the package (no download)."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many characters the detector is unreliable, so we never reject on it.
MIN_CHARS_TO_REJECT = 200
REJECT_CONFIDENCE = 0.99
# The opening of a news text identifies its language; reading more only costs time.
SAMPLE_CHARS = 600


class LanguageDetector:
    """Detects the language; a text clearly in an unsupported language is reported as that language."""

    def __init__(self, supported: tuple[str, ...]) -> None:
        self.supported = supported
        self._model: LanguageIdentifier | None = None

    def detect(self, text: str) -> str:
        """ISO 639-1 code of the text's language: the best supported one unless another is clearly meant."""
        if self._model is None:
            self._model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        sample = text[:SAMPLE_CHARS]
        ranking = self._model.rank(sample)
        best, confidence = ranking[0]
        if best in self.supported or (len(sample) >= MIN_CHARS_TO_REJECT and confidence >= REJECT_CONFIDENCE):
            return best
        return next(lang for lang, _ in ranking if lang in self.supported)
