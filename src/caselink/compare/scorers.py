"""Similarity scorers on the 0-1 scale, in the RapidFuzz scorer protocol.

``scorer(a, b, *, score_cutoff=None) -> float``; results below ``score_cutoff`` are returned as 0.
Inputs are expected normalised already (lower case, single spaces), so no ``processor`` is applied.
Every scorer here is symmetric and gives 1 for two equal non-empty values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rapidfuzz import fuzz

__all__ = [
    "count_similarity",
    "days_similarity",
    "name_similarity",
    "set_overlap",
    "signature_similarity",
    "terms_cosine",
]

SURNAME_ONLY = 0.9
"""Similarity of a bare surname and a full name with that surname ("turner" ~ "andrew turner")."""

INITIAL = 0.95
"""Similarity of two names that differ only by an initial ("a turner" ~ "andrew turner")."""


def _cut(score: float, score_cutoff: float | None) -> float:
    return score if score_cutoff is None or score >= score_cutoff else 0.0


def initials_agree(x: str, y: str) -> bool:
    """Whether two given names can be the same, one being the other's initial."""
    return (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def name_similarity(a: str, b: str, *, score_cutoff: float | None = None) -> float:
    """Similarity of two person names: token-order-insensitive and name-aware.

    A bare surname matching a full name scores `SURNAME_ONLY`; an initial matching a given name
    (same surname) scores `INITIAL`. Symmetric; ``name_similarity(x, x) == 1``.

    Examples:
        >>> name_similarity("andrew turner", "turner andrew")
        1.0
        >>> name_similarity("turner", "andrew turner")
        0.9
        >>> name_similarity("a turner", "andrew turner")
        0.95
    """
    if a == b:
        return 1.0
    ta, tb = a.split(), b.split()
    if not ta or not tb:
        return 0.0
    score = fuzz.token_sort_ratio(a, b, processor=None) / 100.0
    if ta[-1] == tb[-1]:
        if len(ta) == 1 or len(tb) == 1:
            score = max(score, SURNAME_ONLY)
        elif initials_agree(ta[0], tb[0]):
            score = max(score, INITIAL)
    return _cut(score, score_cutoff)


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


def signature_similarity(a: bytes, b: bytes, *, score_cutoff: float | None = None) -> float:
    """Estimated Jaccard similarity of two MinHash signatures: the share of equal 32-bit values.

    Examples:
        >>> one, two, three = (bytes([v, 0, 0, 0]) for v in (1, 2, 3))
        >>> signature_similarity(one + two, one + three)
        0.5
    """
    if len(a) != len(b) or not a:
        return 1.0 if a == b else 0.0
    va = memoryview(a).cast("I")
    vb = memoryview(b).cast("I")
    same = sum(1 for x, y in zip(va, vb, strict=True) if x == y)
    return _cut(same / len(va), score_cutoff)


def terms_cosine(
    a: Sequence[tuple[str, float]],
    b: Sequence[tuple[str, float]],
    *,
    score_cutoff: float | None = None,
) -> float:
    """Cosine similarity of two sparse term vectors given as ``(term, weight)`` pairs.

    Examples:
        >>> terms_cosine([("a", 0.6), ("b", 0.8)], [("b", 1.0)])
        0.8
    """
    wb = dict(b)
    dot = sum(w * wb.get(t, 0.0) for t, w in a)
    na = math.sqrt(sum(w * w for _t, w in a))
    nb = math.sqrt(sum(w * w for w in wb.values()))
    if na == 0.0 or nb == 0.0:
        return 0.0
    return _cut(min(1.0, max(0.0, dot / (na * nb))), score_cutoff)


def days_similarity(a: int, b: int, *, score_cutoff: float | None = None) -> float:
    """Closeness of two day numbers: ``1 / (1 + |a - b|)``.

    Examples:
        >>> days_similarity(10, 13)
        0.25
    """
    return _cut(1.0 / (1.0 + abs(a - b)), score_cutoff)


def count_similarity(a: int, b: int, *, score_cutoff: float | None = None) -> float:
    """Closeness of two non-negative counts: 1 when equal, else ``1 - |a - b| / max(a, b)``.

    Examples:
        >>> count_similarity(2, 3)
        0.6666666666666667
    """
    if a == b:
        return 1.0
    return _cut(1.0 - abs(a - b) / max(a, b), score_cutoff)
