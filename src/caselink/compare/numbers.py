"""Count comparisons: people killed, people injured."""

from __future__ import annotations

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values
from caselink.compare.scorers import count_similarity
from caselink.compare.table import IntArray, ProfileTable
from caselink.models import Profile

__all__ = ["count_comparison"]


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
