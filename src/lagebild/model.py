"""The report schema v1: the contract between stages. Change it only on purpose, with a version bump.

`schema/report-v1.schema.json` is generated from these models (`lagebild schema`) and
a test keeps the two in step.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .config import SCHEMA_ID
from .dates import DateInterval, Granularity


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Article(_Strict):
    """One input record after reading: the text that is analysed, with its metadata."""

    id: str
    lang: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    text: str
    published: DateInterval | None = None


class Span(_Strict):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Place(_Strict):
    name: str
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None
    kind: str | None = Field(None, description="country, capital, city, region, ...")


class Entity(_Strict):
    id: str
    label: Literal["PER", "ORG", "LOC", "MISC"]
    name: str = Field(description="canonical name")
    aliases: list[str] = []
    mentions: list[Span]
    place: Place | None = None


class Time(_Strict):
    id: str
    start: int
    end: int
    text: str
    value: str = Field(description='TIMEX3 value: "2022-01-07", "2022-01", "2019", "P3D", "PRESENT_REF", ...')
    earliest: date | None = None
    latest: date | None = None
    granularity: Granularity


QuantityCategory = Literal["killed", "injured", "arrested", "troops", "participants", "displaced", "other"]


class Quantity(_Strict):
    id: str
    start: int
    end: int
    text: str
    value: float | None
    low: float | None = Field(description="inclusive lower bound; null if unbounded")
    high: float | None = Field(description="inclusive upper bound; null if unbounded")
    approximate: bool = False
    unit: str | None = None
    category: QuantityCategory = "other"


class Quote(_Strict):
    id: str
    start: int
    end: int
    text: str
    kind: Literal["direct", "indirect"]
    speaker: str | None = Field(None, description="entity id")
    speaker_text: str | None = None
    cue: str | None = None


class Trigger(_Strict):
    start: int
    end: int
    text: str


class Offsets(_Strict):
    start: int
    end: int


class Source(_Strict):
    kind: Literal["named", "official", "media", "witness", "rumor", "author"]
    entity: str | None = None
    text: str | None = None


Modality = Literal["asserted", "reported", "rumored", "negated", "planned", "ordered", "hypothetical"]


class Event(_Strict):
    id: str
    type: str = Field(description="PLOVER event type, e.g. PROTEST, COERCE, ASSAULT")
    mode: str | None = None
    trigger: Trigger
    sentence: Offsets
    actors: list[str] = []
    targets: list[str] = []
    location: str | None = None
    time: str | None = None
    quantities: list[str] = []
    source: Source
    modality: Modality


class Report(_Strict):
    """Everything lagebild found in one article."""

    model_config = ConfigDict(extra="forbid", title="lagebild report v1")

    schema_: Literal["lagebild.report/1"] = Field(SCHEMA_ID, alias="schema")
    article: Article
    entities: list[Entity] = []
    times: list[Time] = []
    quantities: list[Quantity] = []
    quotes: list[Quote] = []
    events: list[Event] = []

    def to_json_dict(self) -> dict:
        """The report as plain JSON-ready data, with the schema key spelled `schema`."""
        return self.model_dump(mode="json", by_alias=True)


def report_json_schema() -> dict:
    """The JSON Schema of a report, as published in `schema/report-v1.schema.json`."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lagebild.invalid/schema/report-v1.schema.json"
    return schema
