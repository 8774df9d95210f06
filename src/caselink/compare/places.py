"""Place comparison: same town, same county, same region (state, nation), or neither.

Reads the gazetteer norms of `caselink.compare.table.cities`, `counties` and `regions`.
"""

from __future__ import annotations

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values, titled
from caselink.compare.table import IntArray, ProfileTable, cities, counties, regions
from caselink.models import Profile

__all__ = ["place_comparison"]


def _town(norm: str) -> str:
    return titled(norm.split("|", 1)[0])


def _place(a: Profile, b: Profile) -> Outcome:
    ca, cb = set(cities(a)), set(cities(b))
    if ca & cb:
        shared = sorted(ca & cb)
        return 0, 1.0, f"same town {_town(shared[0])!r}", "\t".join(shared)
    ka, kb = set(counties(a)), set(counties(b))
    if ka & kb:
        return 1, 0.75, f"same county {_town(sorted(ka & kb)[0])!r}", None
    ra, rb = set(regions(a)), set(regions(b))
    if ra & rb:
        return 2, 0.5, f"same region {sorted(ra & rb)[0]!r}", None
    if (ka and kb) or (ra and rb):
        return 3, 0.0, "different places", None
    return NULL, None, "", None


def _shared(
    table: ProfileTable, name: str, ia: IntArray, ib: IntArray
) -> tuple[IntArray, IntArray]:
    """Per pair: how many values are shared, and the document frequency of the rarest one."""
    field = table.sets[name]
    pair, code = field.shared(ia, ib)
    count = np.bincount(pair, minlength=ia.size)
    df = np.full(ia.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(df, pair, field.df[code])
    return count, df


def _place_batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
    towns, town_df = _shared(table, "cities", ia, ib)
    shared_counties, _df = _shared(table, "counties", ia, ib)
    shared_regions, _df = _shared(table, "regions", ia, ib)
    kc, rc = table.sets["counties"].counts, table.sets["regions"].counts
    comparable = ((kc[ia] > 0) & (kc[ib] > 0)) | ((rc[ia] > 0) & (rc[ib] > 0))
    levels = np.where(comparable, 3, NULL).astype(np.int8)
    levels[shared_regions > 0] = 2
    levels[shared_counties > 0] = 1
    levels[towns > 0] = 0
    freq = no_values(ia.size)
    freq[towns > 0] = town_df[towns > 0] / max(table.size, 1)
    return levels, freq


def place_comparison() -> Comparison:
    """Same town (weighted by how rare it is in the corpus), same county, same region, or else.

    Null unless both articles name a county, or both a region (a town implies its region).
    """
    return Comparison(
        "place",
        ("same town", "same county", "same region", "else"),
        _place,
        _place_batch,
        tf_field="cities",
    )
