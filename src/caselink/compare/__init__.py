"""Field comparisons of candidate pairs.

Each comparison yields ordered levels Null -> Exact -> thresholds -> Else (see `levels`). Missing
values are the Null level, never a similarity of 0. `default_comparisons` builds the standard set from
a `CompareConfig`; `compare_pair` and `compare_pairs` apply it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from caselink._types import ArticleId
from caselink.compare.levels import NULL, Comparison, Outcome
from caselink.compare.scorers import name_similarity, set_overlap
from caselink.config import CompareConfig
from caselink.models import CandidatePair, ComparisonVector, Profile

__all__ = [
    "NULL",
    "Comparison",
    "compare_pair",
    "compare_pairs",
    "default_comparisons",
    "name_similarity",
    "set_overlap",
]


_Decider = Callable[[Profile, Profile], Outcome]


def _text(a: Profile, b: Profile) -> Outcome:
    if a.signature.num_shingles == 0 or b.signature.num_shingles == 0:
        return NULL, None, ""
    va = np.frombuffer(a.signature.hashvalues, dtype="<u4")
    vb = np.frombuffer(b.signature.hashvalues, dtype="<u4")
    jaccard = float(np.count_nonzero(va == vb)) / va.size
    for level, floor in enumerate((0.5, 0.2, 0.05)):
        if jaccard >= floor:
            return level, jaccard, f"jaccard {jaccard:.2f}"
    return 3, jaccard, f"jaccard {jaccard:.2f}"


def _exact_set(name: str) -> _Decider:
    def decide(a: Profile, b: Profile) -> Outcome:
        va, vb = set(a.fields.norms(name)), set(b.fields.norms(name))
        if not va or not vb:
            return NULL, None, ""
        shared = sorted(va & vb)
        if shared:
            return 0, 1.0, repr(shared[0])
        return 1, 0.0, f"{sorted(va)[0]!r} vs {sorted(vb)[0]!r}"

    return decide


def _officer(thresholds: Sequence[float]) -> _Decider:
    def decide(a: Profile, b: Profile) -> Outcome:
        na = [n for n in a.fields.norms("officers") if n]
        nb = [n for n in b.fields.norms("officers") if n]
        if not na or not nb:
            return NULL, None, ""
        best, pair = max((name_similarity(x, y), (x, y)) for x in na for y in nb)
        if best == 1.0:
            return 0, best, repr(pair[0])
        for level, floor in enumerate(thresholds, start=1):
            if best >= floor:
                return level, best, f"{pair[0]!r} ~ {pair[1]!r}"
        return len(thresholds) + 1, best, f"{na[0]!r} vs {nb[0]!r}"

    return decide


def _full_names(profile: Profile) -> frozenset[str]:
    fields = profile.fields
    return frozenset(n for n in (*fields.norms("officers"), *fields.norms("people")) if " " in n)


def _names(a: Profile, b: Profile) -> Outcome:
    pa, pb = _full_names(a), _full_names(b)
    if not pa or not pb:
        return NULL, None, ""
    shared = sorted(pa & pb)
    similarity = set_overlap(pa, pb)
    if len(shared) >= 2:
        return 0, similarity, ", ".join(repr(s) for s in shared[:3])
    if shared:
        return 1, similarity, repr(shared[0])
    return 2, similarity, ""


def _place(a: Profile, b: Profile) -> Outcome:
    pa, pb = set(a.fields.norms("places")), set(b.fields.norms("places"))
    cities_a = {p for p in pa if p.count("|") == 2}
    cities_b = {p for p in pb if p.count("|") == 2}
    if cities_a & cities_b:
        return 0, 1.0, repr(sorted(cities_a & cities_b)[0].split("|")[0])
    regions_a = {p.split("|", 1)[1] for p in cities_a} | {p for p in pa if p.count("|") == 1}
    regions_b = {p.split("|", 1)[1] for p in cities_b} | {p for p in pb if p.count("|") == 1}
    if not regions_a or not regions_b:
        return NULL, None, ""
    if regions_a & regions_b:
        return 1, 0.5, repr(sorted(regions_a & regions_b)[0])
    return 2, 0.0, ""


def _day_of(norm: str) -> dt.date | None:
    try:
        return (
            dt.date.fromisoformat(norm)
            if len(norm) == 10
            else dt.date.fromisoformat(norm[:7] + "-15")
        )
    except ValueError:
        return None


def _days_levels(days: int, bounds: Sequence[int]) -> int:
    return next((i for i, bound in enumerate(bounds) if days <= bound), len(bounds))


def _event_date(bounds: Sequence[int]) -> _Decider:
    def decide(a: Profile, b: Profile) -> Outcome:
        da = [d for d in map(_day_of, a.fields.norms("event_dates")) if d]
        db = [d for d in map(_day_of, b.fields.norms("event_dates")) if d]
        if not da or not db:
            return NULL, None, ""
        days = min(abs((x - y).days) for x in da for y in db)
        return _days_levels(days, bounds), None, f"{days} days apart"

    return decide


_PUBLISHED_DAYS = (2, 14, 60)


def _published(a: Profile, b: Profile) -> Outcome:
    if a.published is None or b.published is None:
        return NULL, None, ""
    days = abs((a.published - b.published).days)
    return _days_levels(days, _PUBLISHED_DAYS), None, f"published {days} days apart"


def default_comparisons(config: CompareConfig | None = None) -> tuple[Comparison, ...]:
    """Return the standard comparisons, in the order of every `ComparisonVector`."""
    cfg = config or CompareConfig()
    days = cfg.date_days
    return (
        Comparison("text", ("near copy", "shared passages", "some shared text", "else"), _text),
        Comparison("agency", ("exact", "else"), _exact_set("agencies")),
        Comparison(
            "officer",
            ("exact", *(f"similar >= {t:g}" for t in cfg.name_thresholds), "else"),
            _officer(cfg.name_thresholds),
        ),
        Comparison("place", ("same city", "same state", "else"), _place),
        Comparison("names", ("2+ shared", "1 shared", "else"), _names),
        Comparison(
            "event_date",
            (*(f"within {d} days" for d in days), "else"),
            _event_date(days),
        ),
        Comparison(
            "published", (*(f"within {d} days" for d in _PUBLISHED_DAYS), "else"), _published
        ),
        Comparison("reference", ("exact", "else"), _exact_set("references")),
        Comparison("outcome", ("exact", "else"), _exact_set("outcomes")),
        Comparison("allegation", ("exact", "else"), _exact_set("allegations")),
    )


def compare_pair(
    a: Profile, b: Profile, comparisons: Sequence[Comparison], rules: Iterable[str] = ()
) -> ComparisonVector:
    """Compare two profiles with every comparison."""
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
    """Compare every candidate pair."""
    comparisons = default_comparisons(config)
    return [compare_pair(profiles[p.a], profiles[p.b], comparisons, p.rules) for p in pairs]
