"""Comparisons of named entities and closed categories.

Force, oversight body, reference number, outcome (with compatible stages), allegation type, outlet.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values, titled
from caselink.compare.places import _shared
from caselink.compare.table import SET_FIELDS, IntArray, ProfileTable
from caselink.models import Profile

__all__ = [
    "OUTCOMES",
    "allegation_comparison",
    "compatible_outcomes",
    "outcome_comparison",
    "set_comparison",
    "source_comparison",
]


def set_comparison(
    name: str, field: str, noun: str, *, tf: bool = False, title: bool = False
) -> Comparison:
    """Exact agreement on any value of a multi-valued field (`SET_FIELDS`), else disagreement.

    Args:
        name: the comparison's name.
        field: the `SET_FIELDS` key it reads.
        noun: what the values are, for explanations ("force", "reference").
        tf: weigh agreement by how rare the shared value is.
        title: show values in title case in explanations (names of forces and bodies).
    """
    get = SET_FIELDS[field]

    def decide(a: Profile, b: Profile) -> Outcome:
        va, vb = set(get(a)), set(get(b))
        if not va or not vb:
            return NULL, None, "", None
        shared = sorted(va & vb)
        if shared:
            shown = titled(shared[0]) if title else shared[0]
            return 0, 1.0, f"same {noun} {shown!r}", "\t".join(shared)
        return 1, 0.0, f"different {noun}s", None

    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        count, df = _shared(table, field, ia, ib)
        counts = table.sets[field].counts
        levels = np.where(count > 0, 0, 1).astype(np.int8)
        levels[(counts[ia] == 0) | (counts[ib] == 0)] = NULL
        freq = no_values(ia.size)
        if tf:
            freq[count > 0] = df[count > 0] / max(table.size, 1)
        return levels, freq

    return Comparison(name, ("exact", "else"), decide, batch, tf_field=field if tf else None)


OUTCOMES: tuple[str, ...] = (
    "under investigation",
    "charged",
    "convicted",
    "acquitted",
    "no case to answer",
    "cleared",
    "management advice",
    "written warning",
    "final written warning",
    "dismissed",
    "dismissed without notice",
    "barred list",
    "resigned",
)
"""The outcome norms the extractor produces, as bit positions of the outcome masks."""

# Which outcomes can be reports of one case at different stages (or in other words): an
# investigation can end any way; a charge ends in a verdict; a dismissal puts the officer on the
# barred list; a resignation before a hearing can still end in a barred-list finding.
_STAGES: dict[str, tuple[str, ...]] = {
    "under investigation": OUTCOMES,
    "charged": ("convicted", "acquitted", "dismissed", "dismissed without notice", "barred list"),
    "convicted": ("dismissed", "dismissed without notice", "barred list"),
    "no case to answer": ("cleared",),
    "dismissed": ("dismissed without notice", "barred list"),
    "dismissed without notice": ("barred list",),
    "resigned": ("barred list", "dismissed without notice"),
    "written warning": ("final written warning",),
}


def compatible_outcomes() -> Mapping[str, frozenset[str]]:
    """For each outcome, the outcomes another report of the same case may give (symmetric)."""
    pairs = {(x, y) for x, ys in _STAGES.items() for y in ys}
    pairs |= {(y, x) for x, y in pairs}
    return {o: frozenset(y for x, y in pairs if x == o) | {o} for o in OUTCOMES}


def outcome_comparison() -> Comparison:
    """Outcome: the same outcome, compatible stages of one case, or a contradiction."""
    compatible = compatible_outcomes()
    bits = {o: 1 << i for i, o in enumerate(OUTCOMES)}
    compat_bits = {o: sum(bits[c] for c in cs) for o, cs in compatible.items()}

    def decide(a: Profile, b: Profile) -> Outcome:
        va = {o for o in a.fields.norms("outcomes") if o in bits}
        vb = {o for o in b.fields.norms("outcomes") if o in bits}
        if not va or not vb:
            return NULL, None, "", None
        if va & vb:
            return 0, 1.0, f"same outcome {sorted(va & vb)[0]!r}", None
        for x in sorted(va):
            for y in sorted(vb):
                if y in compatible[x]:
                    return 1, 0.5, f"outcomes {x!r} then {y!r}", None
        return 2, 0.0, f"outcomes {sorted(va)[0]!r} vs {sorted(vb)[0]!r}", None

    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        mask = table.masks["outcomes"]
        reach = np.zeros_like(mask)
        for o, bit in bits.items():
            reach |= np.where(mask & bit, compat_bits[o], 0)
        ma, mb = mask[ia], mask[ib]
        levels = np.where(ma & mb, 0, np.where(reach[ia] & mb, 1, 2)).astype(np.int8)
        levels[(ma == 0) | (mb == 0)] = NULL
        return levels, no_values(ia.size)

    return Comparison("outcome", ("same", "compatible", "conflicting"), decide, batch)


ALLEGATIONS: tuple[str, ...] = (
    "sexual misconduct",
    "violence",
    "dishonesty",
    "discrimination",
    "data misuse",
    "driving",
    "death or serious injury",
    "firearms discharge",
)
"""The allegation types the extractor produces, as bit positions of the allegation masks."""


def allegation_comparison() -> Comparison:
    """Allegation type: any type in common, else none in common."""
    bits = {o: 1 << i for i, o in enumerate(ALLEGATIONS)}

    def decide(a: Profile, b: Profile) -> Outcome:
        va = {o for o in a.fields.norms("allegations") if o in bits}
        vb = {o for o in b.fields.norms("allegations") if o in bits}
        if not va or not vb:
            return NULL, None, "", None
        if va & vb:
            return 0, 1.0, f"both about {sorted(va & vb)[0]}", None
        return 1, 0.0, "different allegations", None

    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        ma, mb = table.masks["allegations"][ia], table.masks["allegations"][ib]
        levels = np.where(ma & mb, 0, 1).astype(np.int8)
        levels[(ma == 0) | (mb == 0)] = NULL
        return levels, no_values(ia.size)

    return Comparison("allegation", ("exact", "else"), decide, batch)


def source_comparison() -> Comparison:
    """Outlet: the same outlet, or different outlets (different outlets are the usual case)."""

    def decide(a: Profile, b: Profile) -> Outcome:
        sa, sb = (a.source or "").strip().lower(), (b.source or "").strip().lower()
        if not sa or not sb:
            return NULL, None, "", None
        if sa == sb:
            return 0, 1.0, f"same outlet {sa!r}", None
        return 1, 0.0, "different outlets", None

    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        sa, sb = table.source[ia], table.source[ib]
        levels = np.where(sa == sb, 0, 1).astype(np.int8)
        levels[(sa < 0) | (sb < 0)] = NULL
        return levels, no_values(ia.size)

    return Comparison("source", ("same", "different"), decide, batch)
