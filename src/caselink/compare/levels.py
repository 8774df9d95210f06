"""Comparison levels: Null -> Exact -> thresholds -> Else.

A `Comparison` maps a pair of profiles to one `FieldComparison`. Level ``-1`` is Null (a value is
missing on either side, which is not evidence either way); levels ``0..n-1`` run from the strongest
agreement to Else.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from caselink.models import NULL_LEVEL, FieldComparison, Profile

__all__ = ["NULL", "Comparison", "Outcome"]

NULL = NULL_LEVEL
"""The level index of the Null level."""

Outcome = tuple[int, float | None, str]
"""What a comparator returns: level index, similarity (0-1, ``None`` for Null) and a detail string."""


@attrs.frozen
class Comparison:
    """A named comparison with ordered level labels and the function that picks a level.

    Attributes:
        name: e.g. ``"officer"``.
        labels: level labels from strongest to Else, e.g. ``("exact", "fuzzy", "surname", "else")``.
        decide: ``decide(a, b) -> (level, similarity, detail)``; level ``-1`` means Null.
    """

    name: str
    labels: tuple[str, ...]
    decide: Callable[[Profile, Profile], Outcome] = attrs.field(eq=False, repr=False)

    def __call__(self, a: Profile, b: Profile) -> FieldComparison:
        """Compare two profiles and return the level reached."""
        level, similarity, detail = self.decide(a, b)
        if level == NULL:
            return FieldComparison(self.name, NULL, "null", None, detail)
        return FieldComparison(self.name, level, self.labels[level], similarity, detail)

    @property
    def num_levels(self) -> int:
        """The number of non-Null levels."""
        return len(self.labels)
