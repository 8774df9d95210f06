"""Field comparisons of candidate pairs.

Each comparison yields ordered levels Null -> Exact -> thresholds -> Else (see `levels`). Missing
values are the Null level, never a similarity of 0. `default_comparisons` builds the standard set from
a `CompareConfig`. Two paths apply it:

- `compare_pair` / `compare_pairs`: one pair at a time over `Profile` objects, with the values that
  decided each level (for explanations). This is the reference implementation.
- `compare_batch`: many pairs at once over a `ProfileTable` (numpy, ``rapidfuzz.process.cpdist``),
  returning only level and term-frequency arrays; the tests check it agrees with the reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink._types import ArticleId
from caselink.compare.categories import (
    ALLEGATIONS,
    OUTCOMES,
    allegation_comparison,
    compatible_outcomes,
    outcome_comparison,
    set_comparison,
    source_comparison,
)
from caselink.compare.dates import event_date_comparison, published_comparison
from caselink.compare.levels import NULL, Comparison
from caselink.compare.names import officer_comparison, people_comparison
from caselink.compare.numbers import ages_comparison, count_comparison
from caselink.compare.places import place_comparison
from caselink.compare.scorers import (
    count_similarity,
    days_similarity,
    name_similarity,
    set_overlap,
    signature_similarity,
    terms_cosine,
)
from caselink.compare.table import ProfileTable, encode_profiles
from caselink.compare.text import minhash_comparison, terms_comparison
from caselink.config import CompareConfig
from caselink.models import CandidatePair, ComparisonVector, Profile

__all__ = [
    "NULL",
    "Comparison",
    "ComparisonMatrix",
    "ProfileTable",
    "compare_batch",
    "compare_pair",
    "compare_pairs",
    "compatible_outcomes",
    "count_similarity",
    "days_similarity",
    "default_comparisons",
    "encode",
    "name_similarity",
    "set_overlap",
    "signature_similarity",
    "term_frequencies",
    "terms_cosine",
]


def default_comparisons(config: CompareConfig | None = None) -> tuple[Comparison, ...]:
    """Return the standard comparisons, in the order of every `ComparisonVector`.

    Examples:
        >>> [c.name for c in default_comparisons()][:4]
        ['text', 'terms', 'agency', 'oversight']
    """
    cfg = config or CompareConfig()
    return (
        minhash_comparison(),
        terms_comparison(),
        set_comparison("agency", "agencies", "force", tf=True, title=True),
        set_comparison("oversight", "oversight_bodies", "oversight body", title=True),
        officer_comparison(cfg.name_thresholds),
        people_comparison(),
        place_comparison(),
        event_date_comparison(cfg.date_days),
        published_comparison(),
        set_comparison("reference", "references", "reference"),
        outcome_comparison(),
        allegation_comparison(),
        count_comparison("killed"),
        count_comparison("injured"),
        source_comparison(),
        ages_comparison(),
        set_comparison("street", "streets", "street", title=True),
    )


def encode(profiles: Sequence[Profile]) -> ProfileTable:
    """Encode profiles for `compare_batch` (rows in the order given).

    Examples:
        >>> encode([]).size
        0
    """
    return encode_profiles(profiles, {"outcomes": OUTCOMES, "allegations": ALLEGATIONS})


def compare_pair(
    a: Profile, b: Profile, comparisons: Sequence[Comparison], rules: Iterable[str] = ()
) -> ComparisonVector:
    """Compare two profiles with every comparison (the reference implementation)."""
    if b.article_id < a.article_id:
        a, b = b, a
    return ComparisonVector(
        a.article_id, b.article_id, tuple(c(a, b) for c in comparisons), tuple(rules)
    )


def compare_pairs(
    pairs: Iterable[CandidatePair],
    profiles: Mapping[ArticleId, Profile],
    config: CompareConfig | None = None,
) -> list[ComparisonVector]:
    """Compare every candidate pair, one at a time, keeping the values behind each level."""
    comparisons = default_comparisons(config)
    return [compare_pair(profiles[p.a], profiles[p.b], comparisons, p.rules) for p in pairs]


@attrs.frozen(eq=False)
class ComparisonMatrix:
    """The levels of many pairs under many comparisons, as arrays.

    Attributes:
        names: the comparison names (columns).
        levels: ``int8`` array, pairs x comparisons; ``-1`` is Null.
        frequencies: ``float64`` array of the same shape: the relative document frequency of the
            shared value behind a level, ``nan`` where there is none (for term-frequency adjustment).
    """

    names: tuple[str, ...]
    levels: NDArray[np.int8]
    frequencies: NDArray[np.float64]


def compare_batch(
    table: ProfileTable,
    rows_a: NDArray[np.int64],
    rows_b: NDArray[np.int64],
    comparisons: Sequence[Comparison],
    *,
    workers: int = 1,
) -> ComparisonMatrix:
    """Compare many pairs of table rows with every comparison, vectorised.

    Args:
        table: the encoded profiles (`encode`).
        rows_a: the first row of each pair.
        rows_b: the second row of each pair.
        comparisons: the comparisons, in column order.
        workers: threads over chunks of pairs (the result does not depend on it).

    Examples:
        >>> from caselink.models import ArticleFields, Signature
        >>> ps = [Profile(i, None, "x.com", ArticleFields(i), Signature(i, b"", 0)) for i in "ab"]
        >>> m = compare_batch(encode(ps), np.array([0]), np.array([1]), default_comparisons())
        >>> dict(zip(m.names, m.levels[0].tolist()))["source"]
        0
    """
    ia = np.asarray(rows_a, dtype=np.int64)
    ib = np.asarray(rows_b, dtype=np.int64)
    levels = np.empty((ia.size, len(comparisons)), dtype=np.int8)
    frequencies = np.empty((ia.size, len(comparisons)), dtype=np.float64)

    def run(lo: int, hi: int) -> None:
        for j, comparison in enumerate(comparisons):
            levels[lo:hi, j], frequencies[lo:hi, j] = comparison.batch(table, ia[lo:hi], ib[lo:hi])

    chunks = max(1, min(workers, ia.size // 10_000))
    bounds = np.linspace(0, ia.size, chunks + 1).astype(int).tolist()
    if chunks == 1:
        run(0, ia.size)
    else:
        table.warm()
        # numpy releases the GIL in its kernels, so threads over chunks of pairs use every core.
        with ThreadPoolExecutor(max_workers=chunks) as pool:
            list(pool.map(run, bounds[:-1], bounds[1:]))
    return ComparisonMatrix(tuple(c.name for c in comparisons), levels, frequencies)


def term_frequencies(
    table: ProfileTable, comparisons: Sequence[Comparison]
) -> dict[str, dict[str, float]]:
    """For each term-frequency-adjusted comparison, the relative document frequency of each value.

    These are the frequencies of the corpus being resolved: a town named in 1 of 1,000 articles has
    frequency 0.001.
    """
    n = max(table.size, 1)
    out: dict[str, dict[str, float]] = {}
    for c in comparisons:
        if c.tf_field is not None:
            field = table.sets[c.tf_field]
            out[c.name] = {v: int(d) / n for v, d in zip(field.vocab, field.df, strict=True)}
    return out
