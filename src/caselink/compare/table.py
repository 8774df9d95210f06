"""Profiles encoded as arrays, for comparing many pairs at once.

The one-pair comparators read `Profile` objects; the batch comparators read a `ProfileTable`, where
every multi-valued field is a ragged array of integer codes (one vocabulary per field) and every
single value is an integer array with ``-1`` for missing. Both paths derive their values through the
same helpers (`officer_names`, `people_names`, `cities`, `regions`, ...), and the tests check that they
agree pair by pair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from caselink._types import ArticleId
from caselink.models import Profile, event_day

__all__ = [
    "ProfileTable",
    "Ragged",
    "cities",
    "counties",
    "encode_profiles",
    "event_days",
    "officer_names",
    "participant_names",
    "people_names",
    "regions",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


def officer_names(profile: Profile) -> tuple[str, ...]:
    """The distinct named officers of an article (rank-only mentions have no name and are left out)."""
    return tuple(n for n in profile.fields.norms("officers") if n)


def people_names(profile: Profile) -> tuple[str, ...]:
    """Full names (two words or more) of everyone named, officers included.

    The people comparison leaves out names that both articles give as officers, which the officer
    comparison already counts, so one name never counts twice.
    """
    names = (*officer_names(profile), *profile.fields.norms("people"))
    return tuple(dict.fromkeys(n for n in names if " " in n))


PARTICIPANT_ROLES = frozenset({"victim", "suspect"})
"""The roles that make a named person a participant of the incident (not a reporter or spokesperson)."""


def participant_names(profile: Profile) -> tuple[str, ...]:
    """Full names of the people an article names as a victim or a suspect."""
    names = (m.norm for m in profile.fields.people if m.role in PARTICIPANT_ROLES)
    return tuple(dict.fromkeys(n for n in names if " " in n))


def officer_full_names(profile: Profile) -> tuple[str, ...]:
    """Officer names of two words or more."""
    return tuple(n for n in officer_names(profile) if " " in n)


def _places(profile: Profile) -> list[tuple[str, str | None]]:
    return [(m.norm, m.role) for m in profile.fields.places if m.norm]


def _split(norm: str) -> list[str]:
    return norm.split("|")


def cities(profile: Profile) -> tuple[str, ...]:
    """Towns and cities (``name|admin1|country``; role ``"city"``, or no role)."""
    found = [n for n, role in _places(profile) if n.count("|") == 2 and role in {None, "city"}]
    return tuple(dict.fromkeys(found))


def counties(profile: Profile) -> tuple[str, ...]:
    """Counties named (role ``"county"``) or implied by a British town whose admin1 is its county.

    A US county is ``"marion county|IN|US"``, a British one ``"nottinghamshire|GB"``; a British town
    ``"worksop|nottinghamshire|GB"`` implies ``"nottinghamshire|GB"`` (GeoNames codes such as
    ``ENG`` are upper case and are regions, not counties).
    """
    found = [n for n, role in _places(profile) if role == "county"]
    for town in cities(profile):
        _name, admin1, country = _split(town)
        if country == "GB" and admin1.islower():
            found.append(f"{admin1}|GB")
    return tuple(dict.fromkeys(found))


def regions(profile: Profile) -> tuple[str, ...]:
    """Regions (``admin1|country``: US states, UK nations) named or implied by a town or county."""
    found = []
    for n, role in _places(profile):
        parts = _split(n)
        if role in {"state", "region"} or (role is None and len(parts) == 2):
            found.append(n)
        elif len(parts) == 3 and role in {None, "city", "county"}:
            admin1, country = parts[1], parts[2]
            if not (country == "GB" and admin1.islower()):
                found.append(f"{admin1}|{country}")
    return tuple(dict.fromkeys(found))


def event_days(profile: Profile) -> tuple[int, ...]:
    """The distinct event dates of an article as proleptic ordinals."""
    days = (event_day(n) for n in profile.fields.norms("event_dates"))
    return tuple(sorted({d.toordinal() for d in days if d is not None}))


@attrs.frozen(eq=False)
class Ragged:
    """One multi-valued field of every profile: ``codes[indptr[i]:indptr[i + 1]]`` are row ``i``'s values.

    Attributes:
        indptr: row offsets, length ``rows + 1``.
        codes: value codes (vocabulary indexes, or raw integers such as day ordinals).
        vocab: the value of each code, when the codes index a vocabulary.
        df: the document frequency of each code (how many rows hold it), when ``vocab`` is given.
    """

    indptr: IntArray
    codes: IntArray
    vocab: tuple[str, ...] = ()
    df: IntArray = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    _cache: dict[str, IntArray] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    @property
    def counts(self) -> IntArray:
        """How many values each row holds."""
        return np.diff(self.indptr)

    def matrix(self) -> sparse.csr_matrix:
        """The rows as a 0/1 sparse matrix over the vocabulary."""
        rows = self.indptr.size - 1
        data = np.ones(self.codes.size, dtype=np.float64)
        return sparse.csr_matrix((data, self.codes, self.indptr), shape=(rows, len(self.vocab)))

    def cross(self, ia: IntArray, ib: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Every (value of a, value of b) combination of every pair.

        Returns:
            ``(pair, code_a, code_b)``: for each combination, the index of its pair in ``ia``/``ib``
            and the two codes.
        """
        counts = self.counts
        la, lb = counts[ia], counts[ib]
        k = la * lb
        total = int(k.sum())
        pair = np.repeat(np.arange(ia.size, dtype=np.int64), k)
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return pair, empty, empty
        start = np.cumsum(k) - k
        offset = np.arange(total, dtype=np.int64) - np.repeat(start, k)
        width = lb[pair]
        code_a = self.codes[self.indptr[ia[pair]] + offset // width]
        code_b = self.codes[self.indptr[ib[pair]] + offset % width]
        return pair, code_a, code_b

    def shared(self, ia: IntArray, ib: IntArray) -> tuple[IntArray, IntArray]:
        """Every value that rows ``ia[k]`` and ``ib[k]`` both hold.

        Expands only the ``a`` side and looks each ``(row b, value)`` key up in the sorted keys of
        the whole table, so the cost grows with the ``a`` side's values, not with their product.

        Returns:
            ``(pair, code)``: for each shared value, the index of its pair and its code.
        """
        counts = self.counts
        la = counts[ia]
        total = int(la.sum())
        pair = np.repeat(np.arange(ia.size, dtype=np.int64), la)
        if total == 0:
            return pair, np.zeros(0, dtype=np.int64)
        start = np.cumsum(la) - la
        offset = np.arange(total, dtype=np.int64) - np.repeat(start, la)
        code = self.codes[self.indptr[ia[pair]] + offset]
        keys = self._keys()
        width = np.int64(max(len(self.vocab), int(self.codes.max()) + 1))
        wanted = ib[pair] * width + code
        at = np.searchsorted(keys, wanted)
        at[at >= keys.size] = 0
        hit = keys[at] == wanted
        return pair[hit], code[hit]

    def _keys(self) -> IntArray:
        cached: IntArray | None = self._cache.get("keys")
        if cached is None:
            width = np.int64(max(len(self.vocab), int(self.codes.max()) + 1))
            rows = np.repeat(np.arange(self.indptr.size - 1, dtype=np.int64), self.counts)
            cached = np.sort(rows * width + self.codes)
            self._cache["keys"] = cached
        return cached


def ragged(rows: Sequence[Sequence[str]]) -> Ragged:
    """Encode rows of string values with a sorted vocabulary (so codes do not depend on row order)."""
    vocab = tuple(sorted({v for row in rows for v in row}))
    index = {v: i for i, v in enumerate(vocab)}
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(set(row)) for row in rows])
    codes = np.fromiter(
        (index[v] for row in rows for v in dict.fromkeys(row)),
        dtype=np.int64,
        count=int(indptr[-1]),
    )
    df = np.bincount(codes, minlength=len(vocab)).astype(np.int64)
    return Ragged(indptr, codes, vocab, df)


def ragged_ints(rows: Sequence[Sequence[int]]) -> Ragged:
    """Encode rows of integers as they are (no vocabulary)."""
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(row) for row in rows])
    codes = np.fromiter((v for row in rows for v in row), dtype=np.int64, count=int(indptr[-1]))
    return Ragged(indptr, codes)


def _bitmask(rows: Sequence[Sequence[str]], vocab: Sequence[str]) -> IntArray:
    bit = {v: 1 << i for i, v in enumerate(vocab)}
    return np.array([sum(bit.get(v, 0) for v in set(row)) for row in rows], dtype=np.int64)


@attrs.frozen(eq=False)
class ProfileTable:
    """Every profile's comparable values as arrays (see the module docstring).

    Build it with `encode_profiles`; rows follow the order of the profiles given.
    """

    ids: tuple[ArticleId, ...]
    signatures: NDArray[np.uint32]
    has_signature: NDArray[np.bool_]
    terms: sparse.csr_matrix
    sets: Mapping[str, Ragged]
    days: Ragged
    published: IntArray
    source: IntArray
    killed: IntArray
    injured: IntArray
    masks: Mapping[str, IntArray]

    @property
    def size(self) -> int:
        """The number of profiles."""
        return len(self.ids)

    def warm(self) -> None:
        """Build the lazily cached lookup keys now, before threads share the table."""
        for field in self.sets.values():
            if field.codes.size:
                field._keys()

    def index(self) -> dict[ArticleId, int]:
        """Map each article id to its row."""
        return {aid: i for i, aid in enumerate(self.ids)}


SET_FIELDS: Mapping[str, Callable[[Profile], Sequence[str]]] = {
    "agencies": lambda p: p.fields.norms("agencies"),
    "oversight_bodies": lambda p: p.fields.norms("oversight_bodies"),
    "officers": officer_names,
    "people": people_names,
    "participants": participant_names,
    "officer_full_names": officer_full_names,
    "cities": cities,
    "counties": counties,
    "regions": regions,
    "references": lambda p: p.fields.norms("references"),
    "ages": lambda p: p.fields.norms("ages"),
    "streets": lambda p: p.fields.norms("streets"),
}
"""The multi-valued string fields the batch comparators read, and how each is taken from a profile."""


def encode_profiles(
    profiles: Sequence[Profile], mask_vocab: Mapping[str, Sequence[str]] | None = None
) -> ProfileTable:
    """Encode profiles as arrays for `compare_batch`.

    Args:
        profiles: the profiles, in the row order wanted.
        mask_vocab: for small closed fields (``outcomes``, ``allegations``), the vocabulary whose
            bit positions encode each profile's values; values outside it are ignored.
    """
    n = len(profiles)
    num_perm = max((len(p.signature.hashvalues) // 4 for p in profiles), default=0)
    signatures = np.zeros((n, num_perm), dtype=np.uint32)
    has_signature = np.zeros(n, dtype=bool)
    for i, p in enumerate(profiles):
        if p.signature.num_shingles > 0 and len(p.signature.hashvalues) == 4 * num_perm:
            signatures[i] = np.frombuffer(p.signature.hashvalues, dtype="<u4")
            has_signature[i] = True
    term_vocab = sorted({t for p in profiles for t, _w in p.terms})
    term_index = {t: i for i, t in enumerate(term_vocab)}
    t_indptr = np.zeros(n + 1, dtype=np.int64)
    t_indptr[1:] = np.cumsum([len(p.terms) for p in profiles])
    t_cols = np.fromiter((term_index[t] for p in profiles for t, _w in p.terms), dtype=np.int64)
    t_data = np.fromiter((w for p in profiles for _t, w in p.terms), dtype=np.float64)
    terms = sparse.csr_matrix((t_data, t_cols, t_indptr), shape=(n, len(term_vocab)))
    sets = {name: ragged([get(p) for p in profiles]) for name, get in SET_FIELDS.items()}
    sources = [(p.source or "").strip().lower() for p in profiles]
    source_vocab = {s: i for i, s in enumerate(sorted(set(sources) - {""}))}
    vocab = mask_vocab or {}
    return ProfileTable(
        ids=tuple(p.article_id for p in profiles),
        signatures=signatures,
        has_signature=has_signature,
        terms=terms,
        sets=sets,
        days=ragged_ints([event_days(p) for p in profiles]),
        published=np.array(
            [p.published.toordinal() if p.published else -1 for p in profiles], dtype=np.int64
        ),
        source=np.array([source_vocab.get(s, -1) for s in sources], dtype=np.int64),
        killed=np.array(
            [-1 if p.fields.killed is None else p.fields.killed for p in profiles], dtype=np.int64
        ),
        injured=np.array(
            [-1 if p.fields.injured is None else p.fields.injured for p in profiles], dtype=np.int64
        ),
        masks={
            name: _bitmask([p.fields.norms(name) for p in profiles], values)
            for name, values in vocab.items()
        },
    )
