"""The report schema v2: the contract between stages. Change it only on purpose, with a version bump.

`schema/report-v2.schema.json` is generated from these models (`lagebild schema`) and a test keeps
the two in step. `schema/report-v1.schema.json` is the previous version, kept for readers of old
stores; `lagebild.migrate` turns a v1 report into a v2 one.

All offsets (`start`, `end`) count Unicode code points into `article.text` (Python string indices),
never bytes or UTF-16 units. All ids derive from content (article id, kind, offsets, type), never
from position, so re-extracting an unchanged article gives the same ids.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .config import SCHEMA_ID
from .dates import DateInterval, Granularity

OFFSETS = "Unicode code point offset into article.text"


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
    """A piece of the article text: code point offsets and the text between them."""

    start: int = Field(ge=0, description=OFFSETS)
    end: int = Field(ge=0, description=OFFSETS + " (exclusive)")
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
    start: int = Field(description=OFFSETS)
    end: int = Field(description=OFFSETS + " (exclusive)")
    text: str
    value: str = Field(description='TIMEX3 value: "2022-01-07", "2022-01", "2019", "P3D", "PRESENT_REF", ...')
    earliest: date | None = None
    latest: date | None = None
    granularity: Granularity


QuantityCategory = Literal["killed", "injured", "arrested", "troops", "participants", "displaced", "other"]


ScopeLevel = Literal["city", "region", "nation"]
ScopeGroup = Literal["civilians", "police", "military", "insurgents", "protesters", "officials", "journalists"]


class Scope(_Strict):
    """What a figure counts over: the place (and how wide it is) and the group of people counted."""

    place: str | None = Field(None, description="entity id of the place the figure counts, if named")
    level: ScopeLevel | None = Field(None, description='"nation" for "landesweit"/"nationwide"; else the place\'s kind')
    group: ScopeGroup | None = Field(None, description="the victim or actor group counted, if said")


class Quantity(_Strict):
    id: str
    start: int = Field(description=OFFSETS)
    end: int = Field(description=OFFSETS + " (exclusive)")
    text: str
    value: float | None
    low: float | None = Field(description="inclusive lower bound; null if unbounded")
    high: float | None = Field(description="inclusive upper bound; null if unbounded")
    approximate: bool = False
    unit: str | None = None
    category: QuantityCategory = "other"
    scope: Scope = Field(default_factory=lambda: Scope(place=None, level=None, group=None))


class Quote(_Strict):
    id: str
    start: int = Field(description=OFFSETS)
    end: int = Field(description=OFFSETS + " (exclusive)")
    text: str
    kind: Literal["direct", "indirect"]
    speaker: str | None = Field(None, description="entity id")
    speaker_text: str | None = None
    cue: str | None = None


class Trigger(_Strict):
    start: int = Field(description=OFFSETS)
    end: int = Field(description=OFFSETS + " (exclusive)")
    text: str


class Offsets(_Strict):
    start: int = Field(ge=0, description=OFFSETS)
    end: int = Field(ge=0, description=OFFSETS + " (exclusive)")


SourceKind = Literal["named", "official", "media", "witness", "rumor", "author"]


class Source(_Strict):
    kind: SourceKind
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
    quantities: list[str] = Field([], description="ids of the figures that count this event; a figure counts one event")
    source: Source = Field(description="the claimant of the event's first claim (see `claims`)")
    modality: Modality = Field(description="the modality of the event's first claim (see `claims`)")


class Claimant(_Strict):
    """Who makes a claim."""

    kind: SourceKind
    entity: str | None = Field(None, description="entity id of the claimant, if it is a recognised entity")
    text: str | None = Field(None, description="the claimant as written (its mention, or the phrase it resolves to)")
    span: Offsets | None = Field(None, description="where the claimant is named for this claim; null for the author "
                                                   "and for anonymous rumours")
    key: str = Field(description='canonical claimant key, the same across case, inflection, language and '
                                 'anaphora: "official:health-ministry", "media:state-radio", "named:<name>", '
                                 '"rumor", "author:<source>"')


class Claim(_Strict):
    """One assertion by one claimant: an event, optionally one figure about it, with its modality and evidence."""

    id: str
    claimant: Claimant
    cue: Span | None = Field(None, description="the reporting cue (verb, 'according to', ...), if any")
    modality: Modality
    event: str = Field(description="event id")
    quantity: str | None = Field(None, description="quantity id of the figure claimed, if any")
    quote: str | None = Field(None, description="quote id the claim is made in, if any")
    evidence: Offsets = Field(description="the sentence the claim is made in")


class Generator(_Strict):
    """What produced a report; a stored report whose generator differs can be re-extracted."""

    lagebild: str = Field(description="lagebild version")
    model: str | None = Field(None, description="name and version of the base spaCy pipeline")
    lexicon: str = Field(description="hash of the language's data files (lang/<code>/)")


class Report(_Strict):
    """Everything lagebild found in one article. Offsets are Unicode code points into `article.text`."""

    model_config = ConfigDict(extra="forbid", title="lagebild report v2")

    schema_: Literal["lagebild.report/2"] = Field(SCHEMA_ID, alias="schema")
    generator: Generator | None = Field(None, description="null for reports migrated from v1")
    article: Article
    entities: list[Entity] = []
    times: list[Time] = []
    quantities: list[Quantity] = []
    quotes: list[Quote] = []
    events: list[Event] = []
    claims: list[Claim] = []

    def to_json_dict(self) -> dict:
        """The report as plain JSON-ready data, with the schema key spelled `schema`."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json_line(self) -> str:
        """The report as one line of JSON (no newline), as `lagebild extract` writes it."""
        return json.dumps(self.to_json_dict(), ensure_ascii=False)


def report_json_schema() -> dict:
    """The JSON Schema of a report, as published in `schema/report-v2.schema.json`."""
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lagebild.invalid/schema/report-v2.schema.json"
    schema["description"] = ("Everything lagebild found in one article. Every offset (start, end) counts Unicode "
                             "code points into article.text; end is exclusive. Ids derive from content.")
    return schema
