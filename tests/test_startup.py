"""Start-up: what `lagebild extract` loads before its first article, and that the shortcuts keep what they replace
(spaCy imported without its command line, data files validated once per content, the place cache's name starts)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from lagebild.errors import DataError
from lagebild.extract import datacheck
from lagebild.extract.place_cache import read_cached, write_cached
from lagebild.extract.places import PlaceIndex, PlaceRecord, PlaceResolver, name_starts_of

SKIPPED = ("requests", "weasel", "httpx", "jinja2", "spacy.cli", "duckdb", "pyarrow", "feedparser", "trafilatura", "pyspark")


def test_the_pipeline_imports_spacy_without_its_command_line() -> None:
    """Importing the extractor leaves out spaCy's command line (and what only it needs); importing it later works."""
    script = (
        "import sys, json\n"
        "from lagebild.pipeline import Extractor\n"
        f"loaded = [m for m in {SKIPPED!r} if m in sys.modules]\n"
        "import spacy, spacy.cli\n"
        "from spacy.cli import download\n"
        "print(json.dumps([loaded, spacy.cli.info.__module__, callable(spacy.info), callable(download)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [[], "spacy.cli.info", True, True]


def test_spacy_imported_before_lagebild_is_left_alone() -> None:
    """Where spaCy came first, lagebild changes nothing about it."""
    script = "import spacy, sys\nimport lagebild.pipeline\nprint('spacy.cli' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def _files(tmp_path, data: object) -> tuple:
    schema = tmp_path / "s.schema.json"
    schema.write_text(json.dumps({"type": "object", "required": ["words"],
                                  "properties": {"words": {"type": "array", "items": {"type": "string"}}}}))
    path = tmp_path / "d.json"
    path.write_text(json.dumps(data))
    return path, schema


def test_a_data_file_is_validated_once_per_content(tmp_path, monkeypatch) -> None:
    """The first load validates and leaves a marker; the same bytes again skip the walk; new bytes are validated."""
    import jsonschema

    monkeypatch.setenv("LAGEBILD_CACHE", str(tmp_path / "cache"))
    path, schema = _files(tmp_path, {"words": ["a"]})
    assert datacheck.load_validated(path, schema) == {"words": ["a"]}
    assert datacheck.marker_path(path.read_bytes(), schema.read_bytes()).exists()
    calls: list[object] = []
    real = jsonschema.validate
    monkeypatch.setattr(jsonschema, "validate", lambda data, s: calls.append(data) or real(data, s))
    assert datacheck.load_validated(path, schema) == {"words": ["a"]}
    assert calls == []  # the marker stood for the validation
    path.write_text(json.dumps({"words": [1]}))
    with pytest.raises(DataError, match="d.json"):
        datacheck.load_validated(path, schema)
    assert len(calls) == 1 and not datacheck.marker_path(path.read_bytes(), schema.read_bytes()).exists()


def test_a_changed_schema_validates_again(tmp_path, monkeypatch) -> None:
    """The marker covers the schema's bytes too: a stricter schema rejects a file that passed the old one."""
    monkeypatch.setenv("LAGEBILD_CACHE", str(tmp_path / "cache"))
    path, schema = _files(tmp_path, {"words": ["a"], "extra": 1})
    datacheck.load_validated(path, schema)
    stricter = json.loads(schema.read_text())
    stricter["additionalProperties"] = False
    schema.write_text(json.dumps(stricter))
    with pytest.raises(DataError):
        datacheck.load_validated(path, schema)


def test_the_place_cache_keeps_the_name_starts(tmp_path) -> None:
    """The first words of long names come back from the cache as computing them from the names gives."""
    index = PlaceIndex()
    index.add("Bosnien und Herzegowina", PlaceRecord(name="Bosnien und Herzegowina", kind="country", country="BA"))
    index.add("Kyjiw", PlaceRecord(name="Kyiv", kind="capital", country="UA"))
    write_cached(tmp_path / "places.pickle", index)
    read = read_cached(tmp_path / "places.pickle")
    assert read is not None and read.starts == name_starts_of(index.names) == {"bosnien", "bosnien und"}
    resolver = PlaceResolver(cached=False)
    resolver._index = read
    assert resolver.name_starts == {"bosnien", "bosnien und"}


def test_array_sentences_guess_as_spacys_sentencizer() -> None:
    """The array `predict` gives spaCy's guesses: marks, punctuation runs, a text that starts or ends with them."""
    import spacy
    from spacy.pipeline import Sentencizer

    from lagebild.lang.array_sentences import ArraySentences

    nlp = spacy.blank("de")
    sentencizer = Sentencizer(punct_chars=[".", "!", "?", "…"])
    texts = ["", "!", ". . a", "Ja. Nein!? Doch … und ... so", "„Geht es?“, fragte er. (Nein.) Dann: 3. Mai!",
             "ohne Satzzeichen am Ende", "?! ?! Wer"]
    docs = [nlp.make_doc(text) for text in texts]
    fast = ArraySentences(sentencizer)
    assert fast.predict(docs) == sentencizer.predict(docs)
    assert [fast.predict([doc]) for doc in docs] == [sentencizer.predict([doc]) for doc in docs]
    sentencizer.punct_chars = {";"}  # changed after the first call: read again
    assert fast.predict(docs) == sentencizer.predict(docs)


def test_the_pipeline_uses_array_sentences() -> None:
    """The loaded pipeline's sentencizer predicts from arrays."""
    from lagebild.config import Settings
    from lagebild.lang import Pipelines

    nlp = Pipelines(Settings.from_env()).get("de")
    predict = nlp.get_pipe("sentencizer").predict
    assert getattr(predict, "__qualname__", "") == "ArraySentences.predict"
