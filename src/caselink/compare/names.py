"""Name comparisons: named officers (fuzzy, name-aware) and other people (shared full names)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from caselink.compare.levels import NULL, BatchResult, Comparison, Outcome, no_values, titled
from caselink.compare.scorers import INITIAL, SURNAME_ONLY, name_similarity
from caselink.compare.table import (
    IntArray,
    ProfileTable,
    officer_full_names,
    officer_names,
    participant_names,
    people_names,
)
from caselink.models import Profile

__all__ = ["name_similarities", "officer_comparison", "people_comparison"]


def _display(name: str) -> str:
    return repr(titled(name))


def _officer(thresholds: Sequence[float]) -> object:
    def decide(a: Profile, b: Profile) -> Outcome:
        na, nb = officer_names(a), officer_names(b)
        if not na or not nb:
            return NULL, None, "", None
        best, x, y = max((name_similarity(x, y), x, y) for x in na for y in nb)
        if best == 1.0:
            exact = sorted(set(na) & set(nb))
            return 0, best, f"same officer {_display(x)}", "\t".join(exact)
        for level, floor in enumerate(thresholds, start=1):
            if best >= floor:
                return level, best, f"officers {_display(x)} ~ {_display(y)}", None
        return (
            len(thresholds) + 1,
            best,
            f"different officers ({_display(na[0])}, {_display(nb[0])})",
            None,
        )

    return decide


def name_similarities(vocab: Sequence[str], xs: IntArray, ys: IntArray) -> NDArray[np.float64]:
    """`name_similarity` of many pairs of names given as codes into ``vocab``, vectorised.

    Agrees with `name_similarity` on every pair (the tests check it).
    """
    if xs.size == 0:
        return np.zeros(0, dtype=np.float64)
    tokens = [v.split() for v in vocab]
    last = {t: i for i, t in enumerate(sorted({tok[-1] for tok in tokens if tok}))}
    surname = np.array([last[tok[-1]] if tok else -1 for tok in tokens], dtype=np.int64)
    single = np.array([len(tok) == 1 for tok in tokens], dtype=bool)
    keys, inverse = np.unique(xs * len(vocab) + ys, return_inverse=True)
    ux, uy = keys // len(vocab), keys % len(vocab)
    strings = np.array(vocab, dtype=object)
    score = (
        process.cpdist(
            strings[ux], strings[uy], scorer=fuzz.token_sort_ratio, processor=None, workers=1
        ).astype(np.float64)
        / 100.0
    )
    same_surname = (surname[ux] == surname[uy]) & (surname[ux] >= 0)
    surname_only = same_surname & (single[ux] | single[uy])
    score[surname_only] = np.maximum(score[surname_only], SURNAME_ONLY)
    # Initials: only a handful of pairs share a surname, so a small loop is fine here.
    for k in np.flatnonzero(same_surname & ~surname_only):
        ta, tb = tokens[ux[k]], tokens[uy[k]]
        if (len(ta[0]) == 1 and tb[0].startswith(ta[0])) or (
            len(tb[0]) == 1 and ta[0].startswith(tb[0])
        ):
            score[k] = max(score[k], INITIAL)
    score[ux == uy] = 1.0
    return np.asarray(score[inverse], dtype=np.float64)


def _officer_batch(thresholds: Sequence[float]) -> object:
    def batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
        field = table.sets["officers"]
        counts = field.counts
        levels = np.full(ia.size, NULL, dtype=np.int8)
        freq = no_values(ia.size)
        pair, ca, cb = field.cross(ia, ib)
        if pair.size == 0:
            return levels, freq
        sim = name_similarities(field.vocab, ca, cb)
        best = np.zeros(ia.size, dtype=np.float64)
        np.maximum.at(best, pair, sim)
        present = (counts[ia] > 0) & (counts[ib] > 0)
        levels[present] = len(thresholds) + 1
        for level in range(len(thresholds), 0, -1):
            levels[present & (best >= thresholds[level - 1])] = level
        exact = present & (best == 1.0)
        levels[exact] = 0
        # Frequency of the rarest exactly shared name.
        df = field.df[ca].astype(np.float64) / max(table.size, 1)
        df[ca != cb] = np.inf
        rarest = np.full(ia.size, np.inf)
        np.minimum.at(rarest, pair, df)
        freq[exact] = rarest[exact]
        freq[np.isinf(freq)] = np.nan
        return levels, freq

    return batch


def officer_comparison(thresholds: Sequence[float] = (0.92, 0.8)) -> Comparison:
    """Named officers: exact, fuzzy at each threshold (initials and surname-only count), else."""
    labels = ("exact", *(f"similar >= {t:g}" for t in thresholds), "else")
    return Comparison(
        "officer",
        labels,
        _officer(thresholds),  # type: ignore[arg-type]
        _officer_batch(thresholds),  # type: ignore[arg-type]
        tf_field="officers",
    )


def _people(a: Profile, b: Profile) -> Outcome:
    pa, pb = set(people_names(a)), set(people_names(b))
    if not pa or not pb:
        return NULL, None, "", None
    officers = set(officer_full_names(a)) & set(officer_full_names(b))
    pa, pb = pa - officers, pb - officers
    if not pa or not pb:
        return NULL, None, "", None
    shared = sorted(pa & pb)
    similarity = len(shared) / min(len(pa), len(pb))
    if len(shared) >= 2:
        return 0, similarity, "both name " + ", ".join(_display(s) for s in shared[:3]), None
    if shared:
        return 1, similarity, f"both name {_display(shared[0])}", shared[0]
    va, vb = participant_names(a), participant_names(b)
    if va and vb:
        return (
            2,
            similarity,
            f"different victims or suspects ({_display(va[0])}, {_display(vb[0])})",
            None,
        )
    return 3, similarity, "no other person named in both", None


def _people_batch(table: ProfileTable, ia: IntArray, ib: IntArray) -> BatchResult:
    field = table.sets["people"]
    counts = field.counts
    pair, code = field.shared(ia, ib)
    officers = table.sets["officer_full_names"]
    o_pair, o_code = officers.shared(ia, ib)
    # Drop the shared names that both articles give as officers.
    o_count = np.bincount(o_pair, minlength=ia.size)
    if o_pair.size:
        lookup = {name: i for i, name in enumerate(field.vocab)}
        o_people = np.array([lookup[officers.vocab[c]] for c in o_code], dtype=np.int64)
        width = np.int64(len(field.vocab) + 1)
        drop = np.isin(pair * width + code, o_pair * width + o_people)
        pair, code = pair[~drop], code[~drop]
    shared = np.bincount(pair, minlength=ia.size)
    levels = np.where(shared >= 2, 0, np.where(shared == 1, 1, 3)).astype(np.int8)
    # Nobody in common while both name victims or suspects: most likely two incidents.
    participants = table.sets["participants"].counts
    levels[(levels == 3) & (participants[ia] > 0) & (participants[ib] > 0)] = 2
    levels[(counts[ia] - o_count <= 0) | (counts[ib] - o_count <= 0)] = NULL
    freq = no_values(ia.size)
    df = np.full(ia.size, np.nan)
    df[pair] = field.df[code] / max(table.size, 1)
    one = levels == 1
    freq[one] = df[one]
    return levels, freq


def people_comparison() -> Comparison:
    """Other people named in full (victims, witnesses, relatives): how many are shared.

    Sharing nobody is split in two: when both articles name victims or suspects (and share no one),
    the incidents most likely differ (``"different participants"``); otherwise reports of one case
    often just quote different people (``"else"``).
    """
    return Comparison(
        "people",
        ("2+ shared", "1 shared", "different participants", "else"),
        _people,
        _people_batch,
        tf_field="people",
    )
