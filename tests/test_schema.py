"""The published JSON Schema is the contract: it matches the models and validates real output."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest

from lagebild.dates import parse_partial_date
from lagebild.model import Article, report_json_schema
from lagebild.pipeline import Extractor

from factories import sample_report

SCHEMA = json.loads((files("lagebild") / "schema" / "report-v2.schema.json").read_text(encoding="utf-8"))
SCHEMA_V1 = json.loads((files("lagebild") / "schema" / "report-v1.schema.json").read_text(encoding="utf-8"))


def test_published_schema_matches_the_models():
    assert report_json_schema() == SCHEMA, "models changed: regenerate with `lagebild schema` and bump the version"


def test_schema_version_is_pinned():
    assert SCHEMA["properties"]["schema"]["const"] == "lagebild.report/2"
    assert SCHEMA_V1["properties"]["schema"]["const"] == "lagebild.report/1"


def test_schema_states_the_unit_of_offsets():
    assert "Unicode code points" in SCHEMA["description"]
    for name in ("Span", "Offsets", "Quantity", "Quote", "Time", "Trigger"):
        assert "code point" in SCHEMA["$defs"][name]["properties"]["start"]["description"], name


def test_claims_are_in_the_schema_with_their_fields():
    claim = SCHEMA["$defs"]["Claim"]["properties"]
    assert set(claim) == {"id", "claimant", "cue", "modality", "event", "quantity", "quote", "evidence"}
    assert set(SCHEMA["$defs"]["Claimant"]["properties"]) == {"kind", "entity", "text", "span", "key"}
    assert set(SCHEMA["$defs"]["Generator"]["properties"]) == {"lagebild", "model", "lexicon"}


def test_hand_built_report_validates():
    jsonschema.validate(sample_report().to_json_dict(), SCHEMA)


def test_extracted_report_validates(settings):
    article = Article(id="x", lang="de", text="Am Freitag demonstrierten in Bischkek mehr als 700 Menschen.",
                      published=parse_partial_date("2023-03"))
    report = Extractor(settings).report(article).to_json_dict()
    jsonschema.validate(report, SCHEMA)
    assert report["article"]["published"] == {"text": "2023-03", "value": "2023-03", "earliest": "2023-03-01",
                                              "latest": "2023-03-31", "granularity": "month"}


def test_invalid_report_is_refused_by_the_schema():
    data = sample_report().to_json_dict()
    data["quantities"][0]["category"] = "lots"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)
