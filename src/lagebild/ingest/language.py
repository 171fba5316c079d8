"""Language identification with py3langid, whose model ships inside the package (no download)."""

from __future__ import annotations

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many characters the detector is unreliable, so we never reject on it.
MIN_CHARS_TO_REJECT = 200
REJECT_CONFIDENCE = 0.99


class LanguageDetector:
    """Detects the language; a text clearly in an unsupported language is reported as that language."""

    def __init__(self, supported: tuple[str, ...]) -> None:
        self.supported = supported
        self._open: LanguageIdentifier | None = None
        self._restricted: LanguageIdentifier | None = None

    def _load(self) -> tuple[LanguageIdentifier, LanguageIdentifier]:
        if self._open is None or self._restricted is None:
            self._open = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            self._restricted = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            self._restricted.set_languages(list(self.supported))
        return self._open, self._restricted

    def detect(self, text: str) -> str:
        """ISO 639-1 code of the text's language."""
        open_model, restricted = self._load()
        sample = text[:2000]
        lang, confidence = open_model.classify(sample)
        if lang in self.supported:
            return lang
        if len(sample) >= MIN_CHARS_TO_REJECT and confidence >= REJECT_CONFIDENCE:
            return lang
        return restricted.classify(sample)[0]
