"""Similarity scorers on the 0-1 scale, in the RapidFuzz scorer protocol.

``scorer(a, b, *, score_cutoff=None) -> float``; results below ``score_cutoff`` are returned as 0.
Inputs are expected normalised already (lower case, single spaces), so no ``processor`` is applied.
"""

from __future__ import annotations

from rapidfuzz import fuzz

__all__ = ["name_similarity", "set_overlap"]


def _cut(score: float, score_cutoff: float | None) -> float:
    return score if score_cutoff is None or score >= score_cutoff else 0.0


def name_similarity(a: str, b: str, *, score_cutoff: float | None = None) -> float:
    """Similarity of two person names: token-order-insensitive, and a bare surname matches a full name.

    Symmetric; ``name_similarity(x, x) == 1``.

    Examples:
        >>> name_similarity("andrew turner", "turner andrew")
        1.0
        >>> round(name_similarity("turner", "andrew turner"), 2)
        0.9
    """
    if a == b:
        return 1.0
    full = fuzz.token_sort_ratio(a, b, processor=None) / 100.0
    ta, tb = a.split(), b.split()
    if ta and tb and (len(ta) == 1 or len(tb) == 1) and ta[-1] == tb[-1]:
        full = max(full, 0.9)
    return _cut(full, score_cutoff)


def set_overlap(
    a: frozenset[str], b: frozenset[str], *, score_cutoff: float | None = None
) -> float:
    """Overlap coefficient: shared items over the smaller set's size (1 for two empty sets).

    Examples:
        >>> set_overlap(frozenset({"a", "b"}), frozenset({"b"}))
        1.0
    """
    if not a or not b:
        return 1.0 if a == b else 0.0
    return _cut(len(a & b) / min(len(a), len(b)), score_cutoff)
