"""Comparison levels: Null -> Exact -> thresholds -> Else.

A `Comparison` maps a pair of profiles to one `FieldComparison`. Level ``-1`` is Null (a value is
missing on either side, which is not evidence either way); levels ``0..n-1`` run from the strongest
agreement to Else.

Every comparison has two implementations: ``decide`` compares one pair of `Profile` objects and is
the reference; ``batch`` compares many pairs of rows of a `ProfileTable` with numpy and must give the
same levels (the tests check this pair by pair).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink.compare.table import IntArray, ProfileTable
from caselink.models import NULL_LEVEL, FieldComparison, Profile

__all__ = ["NULL", "Batch", "BatchResult", "Comparison", "Outcome"]

NULL = NULL_LEVEL
"""The level index of the Null level."""

Outcome = tuple[int, float | None, str, str | None]
"""What a comparator returns: level index, similarity (0-1, ``None`` for Null), a detail string and
the shared value behind an exact agreement (for term-frequency adjustment), or ``None``."""

BatchResult = tuple[NDArray[np.int8], NDArray[np.float64]]
"""What a batch comparator returns: the level of each pair and the relative document frequency of the
shared value behind the level (``nan`` when the level has none)."""

Batch = Callable[[ProfileTable, IntArray, IntArray], BatchResult]


@attrs.frozen
class Comparison:
    """A named comparison with ordered level labels and the functions that pick a level.

    Attributes:
        name: e.g. ``"officer"``.
        labels: level labels from strongest to Else, e.g. ``("exact", "fuzzy", "surname", "else")``.
        decide: ``decide(a, b) -> (level, similarity, detail, value)``; level ``-1`` means Null.
        batch: ``batch(table, rows_a, rows_b) -> (levels, frequencies)``, the vectorised twin.
        tf_field: the `ProfileTable` set whose value frequencies adjust this comparison's weights
            (``None``: no term-frequency adjustment).
        symmetric: whether ``decide(a, b)`` and ``decide(b, a)`` always reach the same level.
    """

    name: str
    labels: tuple[str, ...]
    decide: Callable[[Profile, Profile], Outcome] = attrs.field(eq=False, repr=False)
    batch: Batch = attrs.field(eq=False, repr=False)
    tf_field: str | None = None
    symmetric: bool = True

    def __call__(self, a: Profile, b: Profile) -> FieldComparison:
        """Compare two profiles and return the level reached."""
        level, similarity, detail, value = self.decide(a, b)
        if level == NULL:
            return FieldComparison(self.name, NULL, "null", None, detail)
        return FieldComparison(self.name, level, self.labels[level], similarity, detail, value)

    @property
    def num_levels(self) -> int:
        """The number of non-Null levels."""
        return len(self.labels)


def no_values(size: int) -> NDArray[np.float64]:
    """A frequency array meaning "no shared value" for every pair."""
    return np.full(size, np.nan, dtype=np.float64)


def threshold_levels(
    values: NDArray[np.float64], floors: tuple[float, ...], *, descending: bool = True
) -> NDArray[np.int8]:
    """Level of each value: the first floor it reaches (``>=`` when descending, ``<=`` when not)."""
    levels = np.full(values.shape, len(floors), dtype=np.int8)
    for level in range(len(floors) - 1, -1, -1):
        hit = values >= floors[level] if descending else values <= floors[level]
        levels[hit] = level
    return levels


_SMALL_WORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "the", "to"})


def titled(norm: str) -> str:
    """A normalised name for display: words capitalised, small words kept lower case.

    Examples:
        >>> titled("yavapai county sheriff's office of the year")
        "Yavapai County Sheriff's Office of the Year"
    """
    words = norm.split()
    return " ".join(
        w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
