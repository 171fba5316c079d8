"""Language detection on our own multilingual sample (tests/data/langid_sample.tsv): how often is each sentence
kept in the right supported language, or rejected naming its own language?

    .venv/bin/python benchmarks/bench_langid.py     # writes benchmarks/results/langid.json
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lagebild.config import SUPPORTED_LANGUAGES
from lagebild.ingest.language import LanguageDetector

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "langid_sample.tsv"


def measure() -> dict:
    """Accuracy of the detector's decision (keep as de/en, or reject as the detected language) on the sample."""
    detector = LanguageDetector(SUPPORTED_LANGUAGES)
    rows = [line.rstrip("\n").split("\t") for line in SAMPLE.read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
    right_name, right_decision, errors = 0, 0, []
    per_lang: Counter[str] = Counter()
    for gold, text in rows:
        found = detector.detect(text)
        right_name += found == gold
        per_lang[gold] += found == gold
        right_decision += (found in SUPPORTED_LANGUAGES) == (gold in SUPPORTED_LANGUAGES) and \
            (gold not in SUPPORTED_LANGUAGES or found == gold)
        if found != gold:
            errors.append({"gold": gold, "found": found, "text": text})
    return {"command": "python benchmarks/bench_langid.py", "sentences": len(rows),
            "languages": len({gold for gold, _ in rows}),
            "language_accuracy": round(right_name / len(rows), 3),
            "keep_or_reject_accuracy": round(right_decision / len(rows), 3),
            "per_language_correct": dict(sorted(per_lang.items())), "errors": errors}


if __name__ == "__main__":
    result = measure()
    out = ROOT / "benchmarks" / "results" / "langid.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "per_language_correct"}, indent=1, ensure_ascii=False))
