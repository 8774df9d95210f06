"""Number comparisons: people killed, people injured, the ages of the people in the story."""

from __future__ import annotations

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values
from caselink.compare.places import _shared
from caselink.compare.scorers import count_similarity
from caselink.compare.table import SET_FIELDS, IntArray, ProfileTable
from caselink.models import Profile

__all__ = ["ages_comparison", "count_comparison"]


def _decide(attribute: str) -> object:
    def decide(a: Profile, b: Profile) -> Outcome:
        x, y = getattr(a.fields, attribute), getattr(b.fields, attribute)
        if x is None or y is None:
            return NULL, None, "", None
        similarity = count_similarity(x, y)
        if x == y:
            return 0, similarity, f"{x} {attribute}", None
        if abs(x - y) == 1:
            return 1, similarity, f"{x} vs {y} {attribute}", None
        return 2, similarity, f"{x} vs {y} {attribute}", None

    return decide


def _batch(attribute: str) -> object:
    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        values: IntArray = getattr(table, attribute)
        x, y = values[ia], values[ib]
        gap = np.abs(x - y)
        levels = np.where(gap == 0, 0, np.where(gap == 1, 1, 2)).astype(np.int8)
        levels[(x < 0) | (y < 0)] = NULL
        return levels, no_values(ia.size)

    return batch


def count_comparison(attribute: str) -> Comparison:
    """Compare a casualty count (``"killed"`` or ``"injured"``): same, off by one, or different."""
    return Comparison(
        attribute,
        ("same", "off by one", "else"),
        _decide(attribute),  # type: ignore[arg-type]
        _batch(attribute),  # type: ignore[arg-type]
    )


def _ages(a: Profile, b: Profile) -> Outcome:
    get = SET_FIELDS["ages"]
    va, vb = set(get(a)), set(get(b))
    if not va or not vb:
        return NULL, None, "", None
    shared = sorted(va & vb, key=int)
    similarity = len(shared) / min(len(va), len(vb))
    if len(shared) >= 2:
        return 0, similarity, "both give the ages " + ", ".join(shared[:4]), None
    if shared:
        return 1, similarity, f"both give the age {shared[0]}", None
    ages_a, ages_b = ", ".join(sorted(va, key=int)[:3]), ", ".join(sorted(vb, key=int)[:3])
    return 2, similarity, f"different ages ({ages_a} vs {ages_b})", None


def _ages_batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
    shared, _df = _shared(table, "ages", ia, ib)
    counts = table.sets["ages"].counts
    levels = np.where(shared >= 2, 0, np.where(shared == 1, 1, 2)).astype(np.int8)
    levels[(counts[ia] == 0) | (counts[ib] == 0)] = NULL
    return levels, no_values(ia.size)


def ages_comparison() -> Comparison:
    """Ages of the people in the story ("Jane Roe, 23,"): two or more shared, one, or none.

    Local news gives the age of nearly everyone it names, and two shootings in one town and week
    rarely involve people of the same ages, while reports of one shooting repeat them; when both
    articles give ages and share none, the incidents most likely differ (fitted on the training
    candidates, conditional on the other comparisons: +2.3, +1.1 and -2.0 bits).
    """
    return Comparison("ages", ("2+ shared", "1 shared", "else"), _ages, _ages_batch)
