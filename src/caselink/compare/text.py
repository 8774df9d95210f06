"""Text comparisons: MinHash Jaccard of shingles, and cosine of rare-term vectors."""

from __future__ import annotations

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values
from caselink.compare.scorers import signature_similarity, terms_cosine
from caselink.compare.table import IntArray, ProfileTable
from caselink.models import Profile

__all__ = ["minhash_comparison", "terms_comparison"]

JACCARD_FLOORS = (0.5, 0.2, 0.05)
COSINE_FLOORS = (0.5, 0.3, 0.15)


def _level(value: float, floors: tuple[float, ...]) -> int:
    return next((i for i, f in enumerate(floors) if value >= f), len(floors))


def _minhash(a: Profile, b: Profile) -> Outcome:
    sa, sb = a.signature, b.signature
    if sa.num_shingles == 0 or sb.num_shingles == 0 or len(sa.hashvalues) != len(sb.hashvalues):
        return NULL, None, "", None
    jaccard = signature_similarity(sa.hashvalues, sb.hashvalues)
    return _level(jaccard, JACCARD_FLOORS), jaccard, f"text overlap {jaccard:.2f}", None


def _minhash_batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
    sig = table.signatures
    if sig.shape[1] == 0:
        return np.full(ia.size, NULL, dtype=np.int8), no_values(ia.size)
    jaccard = np.empty(ia.size, dtype=np.float64)
    step = 2048  # a chunk of pairs at a time: both gathered blocks stay in cache
    for lo in range(0, ia.size, step):
        hi = lo + step
        same = np.count_nonzero(sig[ia[lo:hi]] == sig[ib[lo:hi]], axis=1)
        jaccard[lo:hi] = same / sig.shape[1]
    levels = np.full(ia.size, len(JACCARD_FLOORS), dtype=np.int8)
    for level in range(len(JACCARD_FLOORS) - 1, -1, -1):
        levels[jaccard >= JACCARD_FLOORS[level]] = level
    levels[~(table.has_signature[ia] & table.has_signature[ib])] = NULL
    return levels, no_values(ia.size)


def _terms(a: Profile, b: Profile) -> Outcome:
    if not a.terms or not b.terms:
        return NULL, None, "", None
    cosine = terms_cosine(a.terms, b.terms)
    shared = sorted({t for t, _w in a.terms} & {t for t, _w in b.terms})
    detail = f"rare terms {cosine:.2f}" + (f" ({', '.join(shared[:3])})" if shared else "")
    return _level(cosine, COSINE_FLOORS), cosine, detail, None


def _terms_batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
    terms = table.terms
    present = np.diff(terms.indptr) > 0
    if terms.shape[1] == 0:
        return np.full(ia.size, NULL, dtype=np.int8), no_values(ia.size)
    dots = np.asarray(terms[ia].multiply(terms[ib]).sum(axis=1)).ravel()
    norms = np.sqrt(np.asarray(terms.multiply(terms).sum(axis=1)).ravel())
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.clip(dots / (norms[ia] * norms[ib]), 0.0, 1.0)
    levels = np.full(ia.size, len(COSINE_FLOORS), dtype=np.int8)
    for level in range(len(COSINE_FLOORS) - 1, -1, -1):
        levels[cosine >= COSINE_FLOORS[level]] = level
    levels[~(present[ia] & present[ib])] = NULL
    return levels, no_values(ia.size)


def minhash_comparison() -> Comparison:
    """Shared wording: estimated Jaccard similarity of the MinHash signatures."""
    labels = ("near copy", "shared passages", "some shared text", "else")
    return Comparison("text", labels, _minhash, _minhash_batch)


def terms_comparison() -> Comparison:
    """Shared rare vocabulary: cosine of the rare-term TF-IDF vectors (`Profile.terms`)."""
    labels = (*(f"cosine >= {f:g}" for f in COSINE_FLOORS), "else")
    return Comparison("terms", labels, _terms, _terms_batch)
