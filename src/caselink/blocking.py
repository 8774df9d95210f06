"""Candidate generation: MinHash LSH for shared text, rare-term neighbours and field keys for shared facts.

Same-case articles rarely share text, so LSH (which finds copies and syndication) is joined by:

* **rare-term neighbours**: pairs whose rare-term vectors (`Profile.terms`) have a cosine of at least
  ``term_threshold``, or at least ``term_date_threshold`` when they were published at most
  ``term_date_days`` apart (rules ``terms`` and ``terms_date``); computed with an inverted index over
  the vectors' terms, never over all pairs. Terms carried by more than ``max_term_postings`` articles
  are left out of the index (they cost the most and say the least). Pairs published more than
  ``term_long_gap_days`` apart (or undated) reach the ``terms`` threshold on the terms carried by at most
  ``max_plain_term_postings`` articles alone: the same counts of a term hold more unrelated stories
  the longer the span (on the generated 100k corpus, 4.9 of its 8.1 million candidate pairs came
  from ``terms``, 2.9 million of them more than two years apart, and no matching pair was more
  than 182 days apart), while a term that rare still finds a late follow-up.
* **rare-term neighbours within a date window** (rule ``terms_window``): a term left out for being
  common corpus-wide is posted again under its article's date windows (``2 * term_window_days``
  wide, two grids offset by half a window) where at most ``max_window_postings`` articles carry it.
  Pairs published at most ``term_window_days`` apart whose cosine over the terms rare corpus-wide or
  within a window they share reaches ``term_window_threshold`` are candidates. Over years of news a
  story's surname, town and force pass any absolute cap, yet within days they are rare: without this
  rule pair completeness on the generated corpus fell from 0.98 (10k articles) to 0.23 (100k).
* **field keys**: the same named officer or person, the same reference number, the same agency or place
  within a publication-date window. A key carried by more than ``max_block_size`` articles is not used
  (``max_name_block_size`` for names and references, which are specific enough to hold a large
  case's articles), so no block grows quadratically (its pairs are left to the neighbour rules);
  names and references also have keys within a date window, which stay usable in a corpus large
  enough to make the plain key common. A name across all dates blocks only up to
  ``max_plain_name_block_size`` articles, and within about a year (``name_long_window_days``) up
  to ``max_name_block_size``: over years of news one full name names several people (on the
  generated million-article corpus, 9,270 names over nine years, every name was under the old
  cap of 300 and proposed 99 of 109 million pairs), while one person's case rarely spans more.
* LSH buckets shared by more than ``max_bucket_size`` articles are not used either: they hold stock
  text rather than copies of one story, and their pairs grow with the square of their size.

Every rule is a property of the pair alone, given fixed counts of keys and terms: the candidate set does
not depend on input order, and a `CandidateIndex` fed in batches (query, then insert) returns, over all
batches, exactly the pairs of one batch run with the same counts. `block_candidates` is that batch run,
with the counts taken from the batch itself.

The LSH band layout ``(b, r)`` is chosen by `lsh_params` so that pairs a little above the threshold
are found with probability >= 0.985 (datasketch's ``MinHashLSH`` layout misses 13% of them). Band
keys are 32-bit hashes of the band values (a rare collision only adds a pair that verification then
rejects); LSH candidates count only when their estimated Jaccard reaches
``verify_threshold``. The index keeps one byte per permutation (b-bit MinHash, b = 8) to verify, sorted
numpy segments for band keys and term postings (merged like a log-structured tree), and no Python object
per band or posting. A case store finds the stored articles a new one may pair with through
`usable_field_keys` and `usable_term_keys`, the keys these rules can pair on under fixed counts.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import xxhash

from caselink._hashing import fmix64
from caselink._types import ArticleId
from caselink.config import BlockingConfig
from caselink.errors import IncompatibleSignatureError, InputError
from caselink.models import CandidatePair, Candidates, Profile

__all__ = [
    "RULES",
    "CandidateIndex",
    "block_candidates",
    "block_counts",
    "blocking_stats",
    "candidate_columns",
    "field_keys",
    "lsh_params",
    "usable_field_keys",
    "usable_term_keys",
]

logger = logging.getLogger(__name__)

_NO_DAY = np.iinfo(np.int32).min
_TERM_PREFIX = "term:"
_BAND_PREFIX = "band:"
_WINDOW_PREFIX = "termwin:"
_M32 = np.uint64(0xFFFFFFFF)


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, *, min_recall: float = 0.985) -> tuple[int, int]:
    """Return the ``(bands, rows)`` layout of the LSH index for a Jaccard threshold.

    datasketch's ``MinHashLSH`` balances false positives against false negatives around the threshold,
    which leaves pairs just above it likely to be missed (at threshold 0.5 and 128 permutations its
    ``(25, 5)`` finds a pair of Jaccard 0.6 with probability 0.87). Here, among the layouts with
    ``bands * rows <= num_perm``, the one with the least false-positive mass below the threshold is
    chosen among those that find a pair of Jaccard ``threshold + 0.1`` with probability at least
    ``min_recall`` (falling back to the most sensitive layout when none does).

    Examples:
        >>> lsh_params(0.5, 128)
        (31, 4)
    """
    target = min(threshold + 0.1, 0.99)
    grid = np.linspace(0.0, threshold, 201)
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] = (-1.0, 1, 1)
    for rows in range(1, num_perm + 1):
        for bands in range(1, num_perm // rows + 1):
            recall = 1.0 - (1.0 - target**rows) ** bands
            if recall < min_recall:
                fallback = max(fallback, (recall, bands, rows))
                continue
            false_mass = float(np.mean(1.0 - (1.0 - grid**rows) ** bands)) * threshold
            if best is None or (false_mass, bands) < best[:2]:
                best = (false_mass, bands, rows)
            break  # more bands with the same rows only add false positives
    if best is None:
        return fallback[1], fallback[2]
    return best[1], best[2]


def field_keys(profile: Profile, config: BlockingConfig | None = None) -> list[str]:
    """Return the field blocking keys of one article (rule name, a colon, the value).

    Examples:
        >>> from caselink.models import ArticleFields, Mention, Signature
        >>> f = ArticleFields("a", references=[Mention("2017/097039", "2017/097039", 0, 11)])
        >>> field_keys(Profile("a", None, None, f, Signature("a", b"", 0)), BlockingConfig())
        ['reference:2017/097039']
    """
    cfg = config or BlockingConfig()
    fields = profile.fields
    keys = [f"reference:{norm}" for norm in fields.norms("references")]
    names = (*fields.norms("officers"), *fields.norms("people"))
    keys += [f"name:{norm}" for norm in dict.fromkeys(names) if " " in norm]
    if profile.published is not None:
        day = profile.published.toordinal()

        def windows(width: int) -> tuple[str, str]:
            # Two overlapping windows, so articles just across a window edge still meet.
            return f"{day // width}", f"{(day + width // 2) // width}h"

        # A reference or name too common to block on in the whole corpus (a long case's
        # reference, a common name in a million articles) still blocks within a date window, and
        # a name also within about a year (``:y`` keys): one full name over years of news names
        # several people, within a year mostly one.
        plain = list(keys)
        keys += [f"{key}:{w}" for key in plain for w in windows(max(cfg.date_window_days, 1))]
        if cfg.name_long_window_days:
            keys += [
                f"{key}:y{w}"
                for key in plain
                if key.startswith("name:")
                for w in windows(cfg.name_long_window_days)
            ]
        for rule, field, window in (
            ("agency", "agencies", cfg.date_window_days),
            ("place", "places", cfg.place_window_days),
        ):
            buckets = windows(max(window, 1))
            keys += [f"{rule}:{norm}:{b}" for norm in fields.norms(field) for b in buckets]
    return list(dict.fromkeys(keys))


def _field_cap(key: str, config: BlockingConfig) -> int:
    """The most articles a field key may be carried by and still block (names and references more)."""
    if key.startswith("name:") and key.count(":") == 1:
        return config.max_plain_name_block_size  # a name across all dates
    if key.startswith(("name:", "reference:")):
        return config.max_name_block_size
    return config.max_block_size


def usable_field_keys(
    profile: Profile, config: BlockingConfig, counts: Mapping[str, int]
) -> list[str]:
    """The field keys of ``profile`` that block given fixed ``counts`` (those within their cap).

    A case store indexes these to find the stored articles a new one can pair with.

    Examples:
        >>> from caselink.models import ArticleFields, Mention, Signature
        >>> f = ArticleFields("a", references=[Mention("2017/097039", "2017/097039", 0, 11)])
        >>> p = Profile("a", None, None, f, Signature("a", b"", 0))
        >>> usable_field_keys(p, BlockingConfig(), {"reference:2017/097039": 500})
        []
    """
    return [k for k in field_keys(profile, config) if counts.get(k, 0) <= _field_cap(k, config)]


def usable_term_keys(
    profile: Profile, config: BlockingConfig, counts: Mapping[str, int]
) -> list[str]:
    """The term keys ``profile`` can pair on given fixed ``counts``.

    A term within the posting cap is its own key; a term over it (with ``term_window_days`` set)
    is keyed within each of the article's date windows where it is rare, as ``term@<window>``.
    Two articles can be term neighbours only when they share one of these keys, so a case store
    indexes them to find the stored articles a new one can pair with.

    Examples:
        >>> from caselink.models import ArticleFields, Signature
        >>> p = Profile("a", None, None, ArticleFields("a"), Signature("a", b"", 0), (("leeds", 1.0),))
        >>> usable_term_keys(p, BlockingConfig(), {"term:leeds": 900})
        []
    """
    keys = []
    over = []
    for term, _ in profile.terms:
        if counts.get(_TERM_PREFIX + term, 0) <= config.max_term_postings:
            keys.append(term)
        else:
            over.append(term)
    if over and config.term_window_days and profile.published is not None:
        hashes = np.array([_hash32(t) for t in over], dtype=np.uint32)
        days = np.full(len(over), profile.published.toordinal(), dtype=np.int64)
        windows = _window_keys(hashes, days, 2 * config.term_window_days)
        for term, row in zip(over, windows.tolist(), strict=True):
            keys += [
                f"{term}@{k:08x}"
                for k in row
                if counts.get(f"{_WINDOW_PREFIX}{k:08x}", 0) <= config.max_window_postings
            ]
    return keys


def block_counts(
    profiles: Iterable[Profile], config: BlockingConfig | None = None
) -> dict[str, int]:
    """Count how many articles carry each field key and each term (as ``"term:<term>"``).

    LSH buckets are counted too (as ``"band:<key>"``), but only those too large to use
    (``max_bucket_size``): any band key missing from the counts is rare; so are terms within date
    windows (as ``"termwin:<key>"``, only those over ``max_window_postings``). These counts decide which
    keys, terms and buckets are too common to block on. `block_candidates` takes them
    from its own input; give a `CandidateIndex` the counts of a reference corpus to make its batches
    add up exactly to one batch run.

    Examples:
        >>> block_counts([])
        {}
    """
    cfg = config or BlockingConfig()
    counts: Counter[str] = Counter()
    bands: list[np.ndarray] = []
    windows: list[np.ndarray] = []
    chunk: list[Profile] = []

    def flush() -> None:
        bands.append(_profile_band_keys(chunk, cfg))
        if cfg.term_window_days:
            windows.append(_profile_window_keys(chunk, cfg))

    for profile in profiles:
        counts.update(field_keys(profile, cfg))
        counts.update(_TERM_PREFIX + term for term, _ in profile.terms)
        chunk.append(profile)
        if len(chunk) == CandidateIndex.CHUNK:
            flush()
            chunk = []
    flush()
    # Only LSH buckets and term windows too large to use are counted: the others count as rare.
    for prefix, found, cap in (
        (_BAND_PREFIX, bands, cfg.max_bucket_size),
        (_WINDOW_PREFIX, windows, cfg.max_window_postings),
    ):
        keys, sizes = np.unique(
            np.concatenate([np.empty(0, np.uint32), *found]), return_counts=True
        )
        over = sizes > cap
        counts.update(
            {
                f"{prefix}{k:08x}": n
                for k, n in zip(keys[over].tolist(), sizes[over].tolist(), strict=True)
            }
        )
    return dict(counts)


def _profile_window_keys(batch: Sequence[Profile], config: BlockingConfig) -> np.ndarray:
    """The window keys of every term of every dated article in the batch (see `_window_keys`)."""
    hashes, sizes = _term_hashes(batch)
    days = np.repeat(_days_of(batch), sizes)
    dated = days != _NO_DAY
    keys: np.ndarray = _window_keys(hashes[dated], days[dated], 2 * config.term_window_days).ravel()
    return keys


def _days_of(batch: Sequence[Profile]) -> np.ndarray:
    return np.array(
        [p.published.toordinal() if p.published else _NO_DAY for p in batch], dtype=np.int32
    )


def _signature_rows(
    batch: Sequence[Profile], num_perm: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The batch's signatures as a ``(len(batch), num_perm)`` matrix, and which rows have one."""
    has_sig = np.array([p.signature.num_shingles > 0 for p in batch], dtype=bool)
    if num_perm is None:
        lengths = {
            len(p.signature.hashvalues) for p, has in zip(batch, has_sig, strict=True) if has
        }
        num_perm = max(lengths, default=0) // 4
    matrix = np.zeros((len(batch), num_perm), dtype=np.uint32)
    for i in np.flatnonzero(has_sig).tolist():
        if len(batch[i].signature.hashvalues) == 4 * num_perm:
            matrix[i] = np.frombuffer(batch[i].signature.hashvalues, dtype="<u4")
    return matrix, has_sig


def _profile_band_keys(batch: Sequence[Profile], config: BlockingConfig) -> np.ndarray:
    """The LSH band keys of every signature in the batch (the band number is mixed into each)."""
    matrix, has_sig = _signature_rows(batch)
    if matrix.shape[1] == 0 or not has_sig.any():
        return np.empty(0, dtype=np.uint32)
    bands, rows = lsh_params(config.lsh_threshold, matrix.shape[1])
    keys: np.ndarray = _band_keys(matrix[has_sig], bands, rows).ravel()
    return keys


@functools.lru_cache(maxsize=1 << 20)
def _hash32(text: str) -> int:
    return int(xxhash.xxh32_intdigest(text.encode("utf-8")))


def _term_hashes(batch: Sequence[Profile]) -> tuple[np.ndarray, np.ndarray]:
    """The 32-bit hashes of every term of the batch, and how many terms each profile has."""
    sizes = np.array([len(p.terms) for p in batch], dtype=np.int64)
    hashes = np.fromiter(
        (_hash32(t) for p in batch for t, _ in p.terms), dtype=np.uint32, count=int(sizes.sum())
    )
    return hashes, sizes


def _window_keys(terms: np.ndarray, days: np.ndarray, width: int) -> np.ndarray:
    """32-bit keys of each term within its article's two overlapping date windows, ``(n, 2)``.

    Two grids offset by half a window, so two articles at most ``width // 2`` days apart always
    share a window of one of them (as for the field keys' windows).
    """
    w = max(width, 1)
    day = days.astype(np.int64)
    window = np.stack([day // w * 2, (day + w // 2) // w * 2 + 1], axis=1).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (terms.astype(np.uint64)[:, None] << np.uint64(32)) | (window & _M32)
        keys: np.ndarray = (fmix64(mixed) >> np.uint64(32)).astype(np.uint32)
    return keys


def _band_keys(matrix: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """32-bit keys of every band of every signature row, ``(n, bands)``; the band number is mixed in."""
    n = matrix.shape[0]
    values = matrix[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    folded = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            folded = folded * np.uint64(0x9E3779B97F4A7C15) + values[:, :, j]
        folded += np.arange(bands, dtype=np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
        keys: np.ndarray = (fmix64(folded) >> np.uint64(32)).astype(np.uint32)
    return keys


class _Segments:
    """Sorted ``(key, doc, payload)`` runs, merged when a younger run grows as large as its elder."""

    def __init__(self, payload_dtype: type[np.generic] | None = None) -> None:
        self.keys: list[np.ndarray] = []
        self.docs: list[np.ndarray] = []
        self.payloads: list[np.ndarray] = []
        self.payload_dtype = payload_dtype

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for group in (self.keys, self.docs, self.payloads) for a in group)

    def add(self, keys: np.ndarray, docs: np.ndarray, payload: np.ndarray | None = None) -> None:
        order = np.argsort(keys)
        self.keys.append(keys[order])
        self.docs.append(docs[order].astype(np.uint32))
        if self.payload_dtype is not None and payload is not None:
            self.payloads.append(payload[order].astype(self.payload_dtype))
        while len(self.keys) > 1 and self.keys[-2].size <= 2 * self.keys[-1].size:
            self._merge_last_two()

    def _merge_last_two(self) -> None:
        keys = np.concatenate(self.keys[-2:])
        order = np.argsort(keys)
        self.keys[-2:] = [keys[order]]
        self.docs[-2:] = [np.concatenate(self.docs[-2:])[order]]
        if self.payloads:
            self.payloads[-2:] = [np.concatenate(self.payloads[-2:])[order]]

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Every stored entry whose key equals one of ``keys``.

        Returns:
            For each match: the position in ``keys``, the stored doc, and the stored payload.
        """
        positions, docs, payloads = [], [], []
        # Sorted needles make searchsorted walk the segment in order: several times faster.
        order = np.argsort(keys)
        needles = keys[order]
        for i, seg_keys in enumerate(self.keys):
            lo = np.searchsorted(seg_keys, needles, side="left")
            hi = np.searchsorted(seg_keys, needles, side="right")
            query, stored = _expand(lo, hi)
            positions.append(order[query])
            docs.append(self.docs[i][stored])
            if self.payloads:
                payloads.append(self.payloads[i][stored])
        if not positions:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty.astype(np.uint32), None
        return (
            np.concatenate(positions),
            np.concatenate(docs),
            np.concatenate(payloads) if payloads else None,
        )


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges ``[lo[i], hi[i])``, return (i, position) for every position in every range."""
    counts = hi - lo
    total = int(counts.sum())
    query = np.repeat(np.arange(lo.size), counts)
    if total == 0:
        return query, query
    starts = np.cumsum(counts) - counts
    stored = lo[query] + (np.arange(total) - starts[query])
    return query, stored


def _runs_pairs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions ``(p, q)``, ``p < q`` in sorted order, whose keys are equal."""
    order = np.argsort(keys)
    ordered = keys[order]
    n = ordered.size
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = ordered[1:] != ordered[:-1]
    run_id = np.cumsum(new_run) - 1
    run_end = np.flatnonzero(np.append(new_run[1:], True)) + 1
    after = run_end[run_id] - np.arange(n) - 1
    left, right = _expand(np.arange(n) + 1, np.arange(n) + 1 + after)
    return order[left], order[right]


RULES = ("agency", "lsh", "name", "place", "reference", "terms", "terms_date", "terms_window")
"""Every blocking rule, in the order of their bits in a rule mask (`Candidates.rules`)."""

_RULE_BIT = {rule: np.uint8(1 << i) for i, rule in enumerate(RULES)}


def _rule_names(mask: int) -> tuple[str, ...]:
    return tuple(rule for i, rule in enumerate(RULES) if mask >> i & 1)


def _union(found: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Pair codes found by several rules, each pair once with the bits of every rule that found it."""
    codes = np.concatenate(list(found.values())) if found else np.empty(0, np.uint64)
    bits = (
        np.concatenate(
            [np.full(c.size, _RULE_BIT[rule], dtype=np.uint8) for rule, c in found.items()]
        )
        if found
        else np.empty(0, np.uint8)
    )
    if codes.size == 0:
        return codes.astype(np.uint64), bits
    order = np.argsort(codes, kind="stable")
    codes, bits = codes[order], bits[order]
    first = np.ones(codes.size, dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    starts = np.flatnonzero(first)
    return codes[starts], np.bitwise_or.reduceat(bits, starts)


def _pair_codes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    lo = np.minimum(x, y).astype(np.uint64)
    hi = np.maximum(x, y).astype(np.uint64)
    codes: np.ndarray = (lo << np.uint64(32)) | hi
    return codes


class _HashCounts:
    """Counts keyed by hash, in sorted arrays (no Python object per key)."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint32)
        self.counts = np.empty(0, dtype=np.int64)

    def add(self, hashes: np.ndarray, counts: np.ndarray | None = None) -> None:
        values = np.ones(hashes.size, dtype=np.int64) if counts is None else counts
        keys = np.concatenate([self.hashes, hashes.astype(np.uint32)])
        self.hashes, inverse = np.unique(keys, return_inverse=True)
        merged = np.concatenate([self.counts, values])
        self.counts = np.bincount(inverse, weights=merged).astype(np.int64)

    def of(self, hashes: np.ndarray) -> np.ndarray:
        """The count of each hash (0 when never counted)."""
        if self.hashes.size == 0:
            return np.zeros(hashes.size, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hashes, hashes), self.hashes.size - 1)
        found: np.ndarray = np.where(self.hashes[at] == hashes, self.counts[at], 0)
        return found


class _Growing:
    """A numpy array that grows by a quarter, so its spare capacity stays small."""

    def __init__(self, dtype: type[np.generic], width: int = 0) -> None:
        shape = (16, width) if width else (16,)
        self.data = np.empty(shape, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        need = self.size + values.shape[0]
        if need > self.data.shape[0]:
            capacity = max(need, self.data.shape[0] + self.data.shape[0] // 4)
            grown = np.empty((capacity, *self.data.shape[1:]), dtype=self.data.dtype)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : need] = values
        self.size = need

    @property
    def view(self) -> np.ndarray:
        return self.data[: self.size]


def _sum_by_pair(codes: np.ndarray, products: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair code once, with the sum of its products (exact, so the same in any order).

    Every product is of two float16 weights: exact in float32 and a multiple of ``2**-48``; and the
    products of one pair (non-negative, L2-normalised vectors) add up to at most about 1, so float64
    holds every partial sum exactly and the order of addition cannot matter. Should that ever fail
    (a negative product or a sum of 16 or more), the products are added in order of value instead,
    which is stable too.
    """
    if codes.size == 0:
        return codes.astype(np.uint64), np.empty(0, dtype=np.float64)
    unique, inverse = np.unique(codes, return_inverse=True)
    wide = products.astype(np.float64)
    sums: np.ndarray = np.bincount(inverse.ravel(), weights=wide, minlength=unique.size)
    if wide.min() >= 0.0 and sums.max() < 16.0:
        return unique, sums
    order = np.lexsort((products, codes))
    codes, ordered = codes[order], wide[order]
    first = np.ones(codes.size, dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    return codes[first], np.add.reduceat(ordered, np.flatnonzero(first))


def _pair_days(days: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The days of the two articles of each pair code (``_NO_DAY`` for an unknown date)."""
    day_x = days[(codes >> np.uint64(32)).astype(np.int64)].astype(np.int64)
    day_y = days[(codes & _M32).astype(np.int64)].astype(np.int64)
    return day_x, day_y


def _day_gaps(days: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Days between the two articles of each pair code (a huge gap when either date is unknown)."""
    day_x, day_y = _pair_days(days, codes)
    gap: np.ndarray = np.abs(day_x - day_y)
    gap[(day_x == _NO_DAY) | (day_y == _NO_DAY)] = np.iinfo(np.int64).max
    return gap


def _term_matches(
    postings: _Segments, keys: np.ndarray, docs: np.ndarray, w: np.ndarray, terms: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Query postings with a chunk's keys and the chunk with itself, then post the chunk.

    Returns:
        Per match: the pair code, the product of the two weights, and the term's hash.
    """
    query, stored, stored_w = postings.lookup(keys)
    left, right = _runs_pairs(keys)
    old_w = stored_w.astype(np.float32) if stored_w is not None else np.empty(0, np.float32)
    x = np.concatenate([docs[query], docs[left]])
    y = np.concatenate([stored.astype(np.int64), docs[right]])
    products = np.concatenate([w[query] * old_w, w[left] * w[right]])
    found = np.concatenate([terms[query], terms[left]])
    postings.add(keys, docs, w)
    keep = x != y
    return _pair_codes(x[keep], y[keep]), products[keep], found[keep]


class CandidateIndex:
    """A streaming candidate index: `add` queries a batch against everything indexed, then inserts it.

    The pairs `add` returns over several batches are exactly the pairs `block_candidates` finds in one
    run over all of them, provided both use the same ``counts`` (see `block_counts`); without ``counts``
    the index counts keys and terms as it goes, and a key or term stops pairing once it becomes common.

    Args:
        config: the blocking settings.
        counts: fixed counts of field keys and terms (``"term:<term>"``), e.g. from a reference corpus.

    Examples:
        >>> from caselink.models import ArticleFields, Signature
        >>> def prof(aid, terms):
        ...     return Profile(aid, None, None, ArticleFields(aid), Signature(aid, b"", 0), terms)
        >>> index = CandidateIndex()
        >>> index.add([prof("a", (("gainesville", 0.8), ("mason", 0.6)))])
        []
        >>> [p.key for p in index.add([prof("b", (("mason", 1.0),))])]
        [('a', 'b')]
    """

    CHUNK = 2048
    """Articles processed together inside one `add` call."""

    def __init__(
        self, config: BlockingConfig | None = None, *, counts: Mapping[str, int] | None = None
    ) -> None:
        self.config = config or BlockingConfig()
        self._fixed_counts = counts
        self._live_counts: Counter[str] = Counter()
        # Term and LSH bucket counts live in sorted arrays keyed by 32-bit hashes (terms: the
        # term's hash; buckets: the band key itself), no Python object per key.
        self._term_counts = _HashCounts()
        self._band_counts = _HashCounts()
        self._window_counts = _HashCounts()
        if counts is not None:
            for prefix, found, read in (
                (_TERM_PREFIX, self._term_counts, _hash32),
                (_BAND_PREFIX, self._band_counts, lambda key: int(key, 16)),
                (_WINDOW_PREFIX, self._window_counts, lambda key: int(key, 16)),
            ):
                pairs = [
                    (read(k[len(prefix) :]), n) for k, n in counts.items() if k.startswith(prefix)
                ]
                found.add(
                    np.array([h for h, _ in pairs], dtype=np.uint32),
                    np.array([n for _, n in pairs], dtype=np.int64),
                )
        self._ids: list[ArticleId] = []
        self._position: dict[ArticleId, int] = {}
        self._days = _Growing(np.int32)
        self._num_perm: int | None = None
        self._sketch: _Growing | None = None
        self._has_sig = _Growing(np.bool_)
        self._bands: _Segments = _Segments()
        self._postings: _Segments = _Segments(np.float16)
        # Terms too common for the term index, posted within their date windows (term_window_days).
        self._window_postings: _Segments = _Segments(np.float16)
        self._blocks: dict[str, list[int]] = defaultdict(list)
        # Positions of discarded articles (`discard`): no pair naming one is returned.
        self._dead: set[int] = set()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> tuple[ArticleId, ...]:
        """The indexed articles, in the order they were added (the positions of `add_codes`)."""
        return tuple(self._ids)

    @property
    def nbytes(self) -> dict[str, int]:
        """Bytes held by the index's arrays, by part (Python ids and field blocks are estimated)."""
        sketch = self._sketch.data.nbytes if self._sketch is not None else 0
        ids = sum(49 + len(i) for i in self._ids) + 8 * len(self._ids) + 100 * len(self._position)
        blocks = sum(64 + 8 * len(v) + 56 for v in self._blocks.values())
        return {
            "lsh_bands": self._bands.nbytes,
            "sketches": sketch + self._has_sig.data.nbytes,
            "term_postings": self._postings.nbytes,
            "term_window_postings": self._window_postings.nbytes,
            "dates": self._days.data.nbytes,
            "ids": ids,
            "field_blocks": blocks,
        }

    def _count(self, key: str) -> int:
        if self._fixed_counts is not None:
            return self._fixed_counts.get(key, 0)
        return self._live_counts[key]

    def add(self, profiles: Sequence[Profile]) -> list[CandidatePair]:
        """Query the batch against the index and itself, insert it, and return the new candidate pairs.

        A large batch is processed in chunks of `CHUNK` articles, which bounds memory and, because
        the rules are properties of pairs, gives exactly the same pairs.

        Raises:
            InputError: when an article id is already indexed or repeated in the batch.
            IncompatibleSignatureError: when signature lengths differ from those already indexed.
        """
        codes, rules = self.add_codes(profiles)
        ids = self._ids
        found = [
            CandidatePair.of(ids[code >> 32], ids[code & 0xFFFFFFFF], _rule_names(mask))
            for code, mask in zip(codes.tolist(), rules.tolist(), strict=True)
        ]
        found.sort(key=lambda p: (p.a, p.b))
        return found

    def add_codes(self, profiles: Iterable[Profile]) -> tuple[np.ndarray, np.ndarray]:
        """`add` without one object per pair: the new pairs as index positions and rule bits.

        Returns:
            ``(codes, rules)``: per pair, ``(x << 32) | y`` with index positions ``x < y`` (the
            order articles were added in), sorted; and a bit mask over `RULES`.
        """
        codes: list[np.ndarray] = []
        rules: list[np.ndarray] = []
        batch: list[Profile] = []
        for profile in profiles:
            batch.append(profile)
            if len(batch) == self.CHUNK:
                found = self._add_chunk(batch)
                codes.append(found[0])
                rules.append(found[1])
                batch = []
        found = self._add_chunk(batch)
        codes.append(found[0])
        rules.append(found[1])
        # Chunks find disjoint pairs (each pair once, when its later article arrives).
        all_codes = np.concatenate(codes)
        order = np.argsort(all_codes, kind="stable")
        all_codes, all_rules = all_codes[order], np.concatenate(rules)[order]
        if self._dead:
            all_codes, all_rules = self._live(all_codes, all_rules)
        return all_codes, all_rules

    def _add_chunk(self, batch: list[Profile]) -> tuple[np.ndarray, np.ndarray]:
        if not batch:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint8)
        base = len(self._ids)
        for offset, profile in enumerate(batch):
            if profile.article_id in self._position:
                msg = (
                    f"article {profile.article_id!r} is already in the candidate index; "
                    "add every article once (deduplicate ids before blocking)"
                )
                raise InputError(msg, article_id=profile.article_id)
            self._position[profile.article_id] = base + offset
            self._ids.append(profile.article_id)
        keys = [field_keys(profile, self.config) for profile in batch]
        if self._fixed_counts is None:
            for profile_keys in keys:
                self._live_counts.update(profile_keys)
        self._days.extend(_days_of(batch))
        rules: dict[str, np.ndarray] = {}
        rules["lsh"] = self._add_lsh(batch, base)
        rules["terms"], rules["terms_date"], rules["terms_window"] = self._add_terms(batch, base)
        for rule, pairs in self._add_fields(keys, base).items():
            found = np.array(pairs, dtype=np.int64).reshape(-1, 2)
            rules[rule] = _pair_codes(found[:, 0], found[:, 1])
        return _union(rules)

    def _add_lsh(self, batch: list[Profile], base: int) -> np.ndarray:
        cfg = self.config
        lengths = {len(p.signature.hashvalues) for p in batch if p.signature.num_shingles > 0}
        has_sig = np.array([p.signature.num_shingles > 0 for p in batch], dtype=bool)
        if self._num_perm is None and lengths:
            self._num_perm = lengths.pop() // 4
            self._sketch = _Growing(np.uint8, self._num_perm)
            self._sketch.extend(np.zeros((base, self._num_perm), dtype=np.uint8))
        if self._num_perm is None or self._sketch is None:
            self._has_sig.extend(has_sig)
            return np.empty(0, dtype=np.uint64)
        if lengths - {self._num_perm * 4}:
            msg = (
                f"signatures of {sorted(n // 4 for n in lengths)} permutations cannot join an index of "
                f"{self._num_perm}; make every signature with the same [shingle] num_perm and seed"
            )
            raise IncompatibleSignatureError(msg)
        matrix, _has = _signature_rows(batch, self._num_perm)
        self._sketch.extend((matrix & 0xFF).astype(np.uint8))
        self._has_sig.extend(has_sig)
        bands, rows = lsh_params(cfg.lsh_threshold, self._num_perm)
        rows_with = np.flatnonzero(has_sig)
        keys = _band_keys(matrix[rows_with], bands, rows).ravel()
        docs = np.repeat(rows_with + base, bands).astype(np.int64)
        if self._fixed_counts is None:
            self._band_counts.add(keys)
        # A bucket shared by more articles than max_bucket_size holds stock text, not copies of one
        # story: it is not used (its pairs grow with the square of its size).
        usable = self._band_counts.of(keys) <= cfg.max_bucket_size
        keys, docs = keys[usable], docs[usable]
        query, stored, _ = self._bands.lookup(keys)
        left, right = _runs_pairs(keys)
        x = np.concatenate([docs[query], docs[left]])
        y = np.concatenate([stored.astype(np.int64), docs[right]])
        keep = x != y
        codes = np.unique(_pair_codes(x[keep], y[keep]))
        self._bands.add(keys, docs)
        return self._verified(codes)

    def _verified(self, codes: np.ndarray) -> np.ndarray:
        if codes.size == 0 or self._sketch is None:
            return codes
        sketch = self._sketch.view
        lo = (codes >> np.uint64(32)).astype(np.int64)
        hi = (codes & _M32).astype(np.int64)
        keep = np.empty(codes.size, dtype=bool)
        chance = 1.0 / 256.0
        for start in range(0, codes.size, 8192):
            part = slice(start, start + 8192)
            same = (sketch[lo[part]] == sketch[hi[part]]).mean(axis=1)
            # b-bit MinHash: 8-bit values also agree by chance 1/256 of the time.
            keep[part] = (same - chance) / (1.0 - chance) >= self.config.verify_threshold
        verified: np.ndarray = codes[keep]
        return verified

    def _add_terms(
        self, batch: list[Profile], base: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The pairs of the ``terms``, ``terms_date`` and ``terms_window`` rules."""
        cfg = self.config
        empty = np.empty(0, dtype=np.uint64)
        all_keys, sizes = _term_hashes(batch)
        if not all_keys.size:
            return empty, empty, empty
        all_docs = np.repeat(np.arange(base, base + len(batch), dtype=np.int64), sizes)
        # Stored as float16; compute with the stored value so batch and stream see the same weight.
        all_w = (
            np.fromiter((w for p in batch for _, w in p.terms), dtype=np.float32, count=sizes.sum())
            .astype(np.float16)
            .astype(np.float32)
        )
        if self._fixed_counts is None:
            self._term_counts.add(all_keys)
        usable = self._term_counts.of(all_keys) <= cfg.max_term_postings
        codes, products, terms = _term_matches(
            self._postings, all_keys[usable], all_docs[usable], all_w[usable], all_keys[usable]
        )
        near_codes = near_products = np.empty(0, dtype=np.float64)
        if cfg.term_window_days:
            near_codes, near_products = self._window_matches(all_keys, all_docs, all_w, usable)
        # Sum each pair's products in a fixed order (by value), so batch and stream agree to the bit.
        unique, cosine = _sum_by_pair(codes, products)
        days = self._days.view
        # Weights are stored as float16; the tolerance keeps a pair at the threshold on its side.
        tolerance = 1e-3
        gap = _day_gaps(days, unique)
        reached = cosine >= cfg.term_threshold - tolerance
        if cfg.term_long_gap_days:
            # Far apart in time, only the terms rare at any date count (see the module docstring).
            rare = self._term_counts.of(terms) <= cfg.max_plain_term_postings
            rare_codes, rare_cosine = _sum_by_pair(codes[rare], products[rare])
            far = reached & (gap > cfg.term_long_gap_days)
            rare_reached = np.zeros(unique.size, dtype=bool)
            where = np.searchsorted(unique, rare_codes)
            rare_reached[where] = rare_cosine >= cfg.term_threshold - tolerance
            reached &= ~far | rare_reached
        global_hits = unique[reached]
        date_hits = unique[
            (gap <= cfg.term_date_days) & (cosine >= cfg.term_date_threshold - tolerance)
        ]
        window_hits = empty
        if cfg.term_window_days:
            # The terms_window cosine also counts the terms rare only within the pair's window.
            both, local = _sum_by_pair(
                np.concatenate([codes, near_codes]), np.concatenate([products, near_products])
            )
            near = _day_gaps(days, both) <= cfg.term_window_days
            window_hits = both[near & (local >= cfg.term_window_threshold - tolerance)]
        return global_hits, date_hits, window_hits

    def _window_matches(
        self, keys: np.ndarray, docs: np.ndarray, w: np.ndarray, usable: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Matches on terms left out of the term index, within date windows where they are rare.

        Windows are ``2 * term_window_days`` wide on two offset grids, so two articles published at
        most ``term_window_days`` apart share at least one; a term shared in both grids counts once.
        """
        cfg = self.config
        days = self._days.view[docs]
        dated = days != _NO_DAY
        windows = _window_keys(keys, days, 2 * cfg.term_window_days)
        if self._fixed_counts is None:
            self._window_counts.add(windows[dated].ravel())
        rare = self._window_counts.of(windows.ravel()).reshape(-1, 2) <= cfg.max_window_postings
        rows, grid = np.nonzero((~usable & dated)[:, None] & rare)
        # A match in the second grid repeats one in the first when the term is rare in the first
        # grid's window too and both articles fall in that window: flagged here, dropped below.
        codes, products, repeats = _term_matches(
            self._window_postings,
            windows[rows, grid],
            docs[rows],
            w[rows],
            (grid == 1) & rare[rows, 0],
        )
        day_x, day_y = _pair_days(self._days.view, codes)  # both dated: only dated terms post here
        width = 2 * cfg.term_window_days
        keep = np.abs(day_x - day_y) <= cfg.term_window_days  # the rule's gap, checked early
        keep &= ~(repeats & (day_x // width == day_y // width))
        return codes[keep], products[keep]

    # ------------------------------------------------------------------ tombstones and persistence

    def discard(self, article_ids: Iterable[ArticleId]) -> None:
        """Tombstone indexed articles: they are in no pair from now on, and their ids may be added again.

        Their entries stay in the arrays (rewriting the sorted segments would cost more than a few
        dead entries); `add` and `add_codes` drop every pair naming a discarded position. An article
        whose content changed is discarded, then added again with its new profile (at a new
        position). With live counts (no ``counts`` given) a discarded article still counts.

        Raises:
            KeyError: for an id that is not indexed (or already discarded).
        """
        for article_id in article_ids:
            position = self._position.pop(article_id, None)
            if position is None:
                msg = f"article {article_id!r} is not in the candidate index; only indexed articles can be discarded"
                raise KeyError(msg)
            self._dead.add(position)

    def _live(self, codes: np.ndarray, rules: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        dead = np.fromiter(self._dead, dtype=np.uint64, count=len(self._dead))
        keep = ~(np.isin(codes >> np.uint64(32), dead) | np.isin(codes & _M32, dead))
        return codes[keep], rules[keep]

    def _parts(self) -> dict[str, _Segments | _Growing]:
        """The index's array parts by attribute name (so new parts are saved without new code)."""
        return {
            name: value
            for name, value in sorted(vars(self).items())
            if isinstance(value, _Segments | _Growing)
        }

    def export(self, start: int = 0) -> dict[str, np.ndarray]:
        """The entries of the articles indexed at positions ``start`` and later, as plain arrays.

        With `restore`, an index can be saved a batch at a time: export after each `add` from the
        position the batch started at (``len(index)`` before it), and restore from the exports in
        order. The arrays hold no Python objects (``numpy.savez`` writes them, ``numpy.load`` with
        ``allow_pickle=False`` reads them). Discarded positions are exported whole every time.

        Raises:
            ValueError: for an index without fixed ``counts`` (its live counts are not exported),
                or a ``start`` past the end.

        Examples:
            >>> index = CandidateIndex(counts={})
            >>> index.export()["start"].tolist(), index.export()["discarded"].tolist()
            ([0], [])
        """
        if self._fixed_counts is None:
            msg = "only a CandidateIndex built with fixed counts can be exported; pass counts= (see block_counts)"
            raise ValueError(msg)
        end = len(self._ids)
        if not 0 <= start <= end:
            msg = f"export start must be between 0 and {end} (the indexed articles), got {start}"
            raise ValueError(msg)
        out: dict[str, np.ndarray] = {"start": np.array([start], dtype=np.int64)}
        out["ids"], out["id_ends"] = _pack_strings(self._ids[start:])
        out["num_perm"] = np.array([self._num_perm or 0], dtype=np.int64)
        out["discarded"] = np.array(sorted(self._dead), dtype=np.int64)
        for name, part in self._parts().items():
            if isinstance(part, _Growing):
                out[name] = part.view[start:end].copy()
                continue
            for column, values in _segment_entries(part, start).items():
                out[f"{name}.{column}"] = values
        keys: list[str] = []
        docs: list[int] = []
        for key, members in self._blocks.items():
            if members and members[-1] >= start:
                tail = members[bisect.bisect_left(members, start) :]
                keys.extend([key] * len(tail))
                docs.extend(tail)
        out["blocks"], out["block_ends"] = _pack_strings(keys)
        out["block_docs"] = np.array(docs, dtype=np.int64)
        return out

    @classmethod
    def restore(
        cls,
        parts: Iterable[Mapping[str, np.ndarray]],
        config: BlockingConfig | None = None,
        *,
        counts: Mapping[str, int],
    ) -> CandidateIndex:
        """Rebuild an index from its exports (`export`), in the order they were made.

        The restored index returns exactly the pairs the original would for any later batch.

        Raises:
            ValueError: when the exports do not follow each other, or were written by an index
                with other parts (another caselink version): rebuild the index from the profiles.

        Examples:
            >>> index = CandidateIndex(counts={})
            >>> len(CandidateIndex.restore([index.export()], counts={}))
            0
        """
        index = cls(config, counts=counts)
        # Segment entries are gathered over every export and sorted once.
        pieces: dict[str, list[Mapping[str, np.ndarray]]] = defaultdict(list)
        for part in parts:
            index._restore_part(part, pieces)
        for name, found in pieces.items():
            segments = getattr(index, name)
            keys = np.concatenate([p["keys"] for p in found])
            if keys.size:
                docs = np.concatenate([p["docs"] for p in found])
                payloads = [p["payloads"] for p in found if "payloads" in p]
                segments.add(keys, docs, np.concatenate(payloads) if payloads else None)
        for position in index._dead:
            article_id = index._ids[position]
            if index._position.get(article_id) == position:
                del index._position[article_id]
        return index

    def _restore_part(
        self, part: Mapping[str, np.ndarray], pieces: dict[str, list[Mapping[str, np.ndarray]]]
    ) -> None:
        """Append one export to this index (segment entries go to ``pieces``, see `restore`)."""
        start = int(part["start"][0])
        if start != len(self._ids):
            msg = f"index exports must follow each other: expected one starting at {len(self._ids)}, got {start}"
            raise ValueError(msg)
        num_perm = int(part["num_perm"][0])
        if num_perm and self._num_perm is None:
            self._num_perm = num_perm
            self._sketch = _Growing(np.uint8, num_perm)
            self._sketch.extend(np.zeros((start, num_perm), dtype=np.uint8))
        own = self._parts()
        stored = {name.split(".", 1)[0] for name in part if name.startswith("_")}
        if stored != set(own):
            msg = (
                f"the index export holds parts {sorted(stored)}, this caselink's index has "
                f"{sorted(own)}; rebuild the index from the profiles"
            )
            raise ValueError(msg)
        for name, values in own.items():
            if isinstance(values, _Growing):
                values.extend(part[name])
            else:
                prefix = name + "."
                pieces[name].append(
                    {k[len(prefix) :]: v for k, v in part.items() if k.startswith(prefix)}
                )
        for offset, article_id in enumerate(_unpack_strings(part["ids"], part["id_ends"])):
            self._position[article_id] = start + offset
            self._ids.append(article_id)
        keys = _unpack_strings(part["blocks"], part["block_ends"])
        for key, doc in zip(keys, part["block_docs"].tolist(), strict=True):
            self._blocks[key].append(doc)
        self._dead.update(part["discarded"].tolist())

    def _add_fields(self, keys: list[list[str]], base: int) -> dict[str, list[tuple[int, int]]]:
        pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for offset, profile_keys in enumerate(keys):
            doc = base + offset
            for key in profile_keys:
                if self._count(key) > _field_cap(key, self.config):
                    continue
                rule = key.split(":", 1)[0]
                members = self._blocks[key]
                pairs[rule].extend((other, doc) for other in members)
                members.append(doc)
        return pairs


def _segment_entries(segments: _Segments, start: int) -> dict[str, np.ndarray]:
    """The entries of ``segments`` whose doc is ``start`` or later, by column."""
    keys, docs, payloads = [], [], []
    for i, seg_docs in enumerate(segments.docs):
        since = seg_docs >= start
        keys.append(segments.keys[i][since])
        docs.append(seg_docs[since])
        if segments.payloads:
            payloads.append(segments.payloads[i][since])
    out = {
        "keys": np.concatenate([np.empty(0, np.uint32), *keys]).astype(np.uint32),
        "docs": np.concatenate([np.empty(0, np.uint32), *docs]).astype(np.uint32),
    }
    if segments.payload_dtype is not None:
        out["payloads"] = np.concatenate([np.empty(0, segments.payload_dtype), *payloads]).astype(
            segments.payload_dtype
        )
    return out


def _pack_strings(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 byte array and the end offset of each."""
    encoded = [v.encode("utf-8") for v in values]
    ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), ends


def _unpack_strings(data: np.ndarray, ends: np.ndarray) -> list[str]:
    raw = data.tobytes()
    stops = ends.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip([0, *stops], stops, strict=False)]


def candidate_columns(
    profiles: Iterable[Profile], config: BlockingConfig | None = None, *, counts: Mapping[str, int]
) -> Candidates:
    """Every candidate pair of profiles given in id order, as columns (no object per pair).

    Args:
        profiles: the profiles, sorted by article id (an iterable is consumed once, so a
            stream of profiles built chunk by chunk never has to be held whole).
        config: the blocking settings.
        counts: the key and term counts that decide what is too common to block on
            (`block_counts`), taken over the whole corpus.

    Raises:
        ValueError: when the profiles are not in increasing id order.

    Examples:
        >>> candidate_columns([], counts={}).pairs()
        []
    """
    cfg = config or BlockingConfig()
    index = CandidateIndex(cfg, counts=counts)
    codes, rules = index.add_codes(profiles)
    return Candidates(
        index.ids,
        (codes >> np.uint64(32)).astype(np.int64),
        (codes & _M32).astype(np.int64),
        rules,
        RULES,
    )


def block_candidates(
    profiles: Sequence[Profile], config: BlockingConfig | None = None
) -> list[CandidatePair]:
    """Return every candidate pair, each with the rules that proposed it, sorted by key.

    The counts of keys and terms come from ``profiles`` themselves, and profiles are indexed in id order,
    so the result does not depend on the input order.

    Examples:
        >>> block_candidates([])
        []
    """
    cfg = config or BlockingConfig()
    ordered = sorted(profiles, key=lambda p: p.article_id)
    return candidate_columns(ordered, cfg, counts=block_counts(ordered, cfg)).pairs()


def _connected_share(
    gold: Mapping[ArticleId, str], x: list[ArticleId], y: list[ArticleId]
) -> float:
    """Share of multi-article gold cases whose articles the found gold pairs connect into one piece.

    This is the ceiling for any clustering of these candidates: a case split here cannot be rebuilt.
    """
    from scipy.sparse import coo_matrix  # noqa: PLC0415 - only labelled statistics need it
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    node = {aid: i for i, aid in enumerate(gold)}
    rows = np.array([node[a] for a in x], dtype=np.int64)
    cols = np.array([node[b] for b in y], dtype=np.int64)
    graph = coo_matrix((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(len(node),) * 2)
    _n, piece = connected_components(graph.tocsr(), directed=False)
    pieces: dict[str, set[int]] = defaultdict(set)
    for aid, label in gold.items():
        pieces[label].add(int(piece[node[aid]]))
    sizes: Counter[str] = Counter(gold.values())
    multi = [label for label, n in sizes.items() if n > 1]
    return sum(1 for label in multi if len(pieces[label]) == 1) / len(multi) if multi else 1.0


def blocking_stats(
    pairs: Candidates | Sequence[CandidatePair],
    n_articles: int,
    gold: Mapping[ArticleId, str] | None = None,
) -> dict[str, Any]:
    """Summarise candidate generation: pairs per rule, overlaps, reduction ratio and pair completeness.

    Args:
        pairs: the candidates, as columns or as `CandidatePair` objects.
        n_articles: how many articles were blocked.
        gold: optional gold labels (article id -> incident); adds pair completeness overall and per rule,
            how many gold pairs each rule alone finds, and the share of gold cases the found pairs
            connect (the ceiling for clustering these candidates).

    Examples:
        >>> stats = blocking_stats([CandidatePair("a", "b", ("lsh",))], 3, {"a": "1", "b": "1", "c": "2"})
        >>> stats["pair_completeness"], stats["pairs_per_rule"]
        (1.0, {'lsh': 1})
    """
    columns = pairs if isinstance(pairs, Candidates) else Candidates.from_pairs(pairs)
    names = columns.rule_names
    masks, mask_counts = np.unique(columns.rules, return_counts=True)
    per_rule: Counter[str] = Counter()
    overlaps: Counter[str] = Counter()
    for mask, n in zip(masks.tolist(), mask_counts.tolist(), strict=True):
        rules = columns.rule_tuple(mask)
        per_rule.update(dict.fromkeys(rules, n))
        if len(rules) > 1:
            overlaps["+".join(rules)] += n
    found = len(columns)
    total = n_articles * (n_articles - 1) // 2
    stats: dict[str, Any] = {
        "articles": n_articles,
        "candidate_pairs": found,
        "pairs_per_article": found / n_articles if n_articles else 0.0,
        "pairs_per_rule": dict(sorted(per_rule.items())),
        "rule_overlaps": dict(sorted(overlaps.items())),
        "reduction_ratio": 1.0 - found / total if total else 1.0,
    }
    if gold is not None:
        labels = {label: i for i, label in enumerate(sorted(set(gold.values())))}
        label = np.array([labels.get(gold.get(aid, ""), -1) for aid in columns.ids], dtype=np.int64)
        la, lb = label[columns.a], label[columns.b]
        hit = (la >= 0) & (la == lb)
        sizes = np.bincount(np.array([labels[v] for v in gold.values()], dtype=np.int64))
        true_pairs = int((sizes * (sizes - 1) // 2).sum())
        hit_rules = columns.rules[hit]
        hits = int(hit.sum())
        by_rule = {
            name: int(np.count_nonzero(hit_rules & np.uint8(1 << i)))
            for i, name in enumerate(names)
        }
        single = hit_rules[(hit_rules != 0) & ((hit_rules & (hit_rules - np.uint8(1))) == 0)]
        only: Counter[str] = Counter()
        for mask, n in zip(*np.unique(single, return_counts=True), strict=True):
            only[columns.rule_tuple(int(mask))[0]] += int(n)
        stats["gold_pairs"] = true_pairs
        stats["gold_pairs_found"] = hits
        stats["pair_completeness"] = hits / true_pairs if true_pairs else 1.0
        stats["pair_completeness_per_rule"] = {
            rule: round(by_rule[rule] / true_pairs, 4) if true_pairs else 1.0
            for rule in sorted(per_rule)
        }
        stats["gold_pairs_only_this_rule"] = dict(sorted(only.items()))
        stats["pair_precision"] = hits / found if found else 0.0
        ids = columns.ids
        stats["gold_cases_connected"] = _connected_share(
            gold,
            [ids[x] for x in columns.a[hit].tolist()],
            [ids[y] for y in columns.b[hit].tolist()],
        )
    return stats
