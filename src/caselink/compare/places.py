"""Place comparison: same town, same region (state, county), or neither, via the gazetteer norms."""

from __future__ import annotations

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values, titled
from caselink.compare.table import IntArray, ProfileTable, cities, regions
from caselink.models import Profile

__all__ = ["place_comparison"]


def _town(norm: str) -> str:
    return titled(norm.split("|", 1)[0])


def _place(a: Profile, b: Profile) -> Outcome:
    ca, cb = set(cities(a)), set(cities(b))
    if ca & cb:
        shared = sorted(ca & cb)
        return 0, 1.0, f"same town {_town(shared[0])!r}", "\t".join(shared)
    ra, rb = set(regions(a)), set(regions(b))
    if not ra or not rb:
        return NULL, None, "", None
    if ra & rb:
        return 1, 0.5, f"same region {sorted(ra & rb)[0]!r}", None
    return 2, 0.0, "different places", None


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
    shared_regions, _df = _shared(table, "regions", ia, ib)
    rc = table.sets["regions"].counts
    levels = np.where(shared_regions > 0, 1, 2).astype(np.int8)
    levels[(rc[ia] == 0) | (rc[ib] == 0)] = NULL
    levels[towns > 0] = 0
    freq = no_values(ia.size)
    freq[towns > 0] = town_df[towns > 0] / max(table.size, 1)
    return levels, freq


def place_comparison() -> Comparison:
    """Same town (weighted by how rare the town is in the corpus), same region, or different."""
    return Comparison(
        "place",
        ("same town", "same region", "else"),
        _place,
        _place_batch,
        tf_field="cities",
    )
