"""Text -> shingles -> MinHash signatures.

Shingles are word (or character) k-grams of the lowercased cleaned text. A word is a maximal run of
ASCII letters, digits and ``_`` or of non-ASCII characters. Each shingle is hashed to 32 bits by
`shingle_hash`, which is identical on every platform and process (Python's ``hash()`` is salted per
process and must never be used here):

* ``"fast64"`` (default): every word's UTF-8 bytes are hashed with a 64-bit polynomial hash, the words
  of a shingle are folded together with a second polynomial, and MurmurHash3's 64-bit finaliser mixes
  the result, whose top 32 bits are the shingle hash. Because word hashes come from prefix sums, a
  whole batch of texts is hashed with a handful of numpy operations and no Python loop per shingle.
* ``"xxh32"``: 32-bit xxHash (seed 0) of the shingle's UTF-8 bytes, one Python call per shingle.

Signatures then apply datasketch's ``affine32`` permutation scheme (datasketch >= 2.0) with the run's
``seed`` and ``num_perm``, vectorised with numpy: a signature is value for value the one
``datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=shingle_hash)`` gives for the same
shingles (a test checks it). Persisted signatures must record ``shingle_hash``, ``scheme``, ``seed``
and ``num_perm`` (see `signature_scheme`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import xxhash
from datasketch import MinHash

from caselink._hashing import fmix32, fmix64
from caselink.config import ShingleConfig
from caselink.errors import IncompatibleSignatureError
from caselink.models import CleanText, Signature

__all__ = [
    "estimate_jaccard",
    "shingle_hash",
    "shingle_hashes",
    "shingles",
    "signature",
    "signature_array",
    "signature_matrix",
    "signature_scheme",
    "signatures",
]

_WORD = re.compile(r"[0-9a-z_\u0080-\U0010ffff]+")
_EMPTY = np.uint32(0xFFFFFFFF)
_M64 = (1 << 64) - 1
# Odd 64-bit constants: word length and lane multipliers, and the word-fold base.
_C1 = 0x9E3779B97F4A7C15
_C2 = 0xFF51AFD7ED558CCD
_Q = 0xC2B2AE3D27D4EB4F
_LANE_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_WORD_BYTES = np.zeros(256, dtype=bool)
_WORD_BYTES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789_", dtype=np.uint8)] = True
_WORD_BYTES[0x80:] = True
# Texts are hashed in chunks, and permuted in blocks of shingles, so the arrays stay in cache.
_CHUNK_BYTES = 1 << 17
_BLOCK_SHINGLES = 4096


def _units(text: str, config: ShingleConfig) -> list[str]:
    if config.unit == "word":
        return _WORD.findall(text.lower())
    return list(" ".join(text.lower().split()))


def shingles(text: str, config: ShingleConfig | None = None) -> list[str]:
    """Return the distinct k-gram shingles of ``text``, in first-seen order.

    Examples:
        >>> shingles("The officer was dismissed", ShingleConfig(k=2))
        ['the officer', 'officer was', 'was dismissed']
    """
    cfg = config or ShingleConfig()
    units = _units(text, cfg)
    sep = " " if cfg.unit == "word" else ""
    grams = [sep.join(units[i : i + cfg.k]) for i in range(max(len(units) - cfg.k + 1, 0))]
    return list(dict.fromkeys(grams))


def _fmix64_int(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _word_hash_int(word: bytes) -> int:
    h = (len(word) * _C1) & _M64
    for lane_start in range(0, len(word), 8):
        lane = int.from_bytes(word[lane_start : lane_start + 8], "little")
        h = ((h ^ lane) * _C2) & _M64
        h ^= h >> 32
    return h


def shingle_hash(shingle: str | bytes, config: ShingleConfig | None = None) -> int:
    """Return the 32-bit hash of one shingle: the reference the vectorised path is tested against.

    Args:
        shingle: the shingle (words joined by single spaces), as text or UTF-8 bytes.
        config: picks ``shingle_hash`` (``"fast64"`` or ``"xxh32"``).

    Examples:
        >>> shingle_hash("officer was dismissed") == shingle_hash(b"officer was dismissed")
        True
        >>> 0 <= shingle_hash("officer was dismissed") < 2**32
        True
    """
    cfg = config or ShingleConfig()
    data = shingle.encode("utf-8") if isinstance(shingle, str) else shingle
    if cfg.shingle_hash == "xxh32":
        return int(xxhash.xxh32_intdigest(data))
    folded = 0
    for word in data.split(b" "):
        folded = (folded * _Q + _word_hash_int(word)) & _M64
    return _fmix64_int(folded) >> 32


def signature_scheme(config: ShingleConfig | None = None) -> dict[str, Any]:
    """Return everything that determines a signature's values, for storing beside signatures.

    Examples:
        >>> signature_scheme()["scheme"]
        'affine32'
    """
    cfg = config or ShingleConfig()
    return {
        "unit": cfg.unit,
        "k": cfg.k,
        "shingle_hash": cfg.shingle_hash,
        "scheme": cfg.scheme,
        "seed": cfg.seed,
        "num_perm": cfg.num_perm,
    }


def shingle_hashes(text: str, config: ShingleConfig | None = None) -> np.ndarray:
    """Return the hash of every distinct shingle of ``text``, as a ``uint32`` array (in no set order)."""
    cfg = config or ShingleConfig()
    if cfg.unit == "word" and cfg.shingle_hash == "fast64":
        hashes, _ = _fast_word_hashes([text], cfg.k)
        return hashes
    grams = shingles(text, cfg)
    return np.fromiter((shingle_hash(g, cfg) for g in grams), dtype=np.uint32, count=len(grams))


def _fast_word_hashes(texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``fast64`` word-shingle hashes of several texts.

    Words are read as little-endian 8-byte lanes straight from the joined UTF-8 buffer (an
    unaligned strided view), so all work after finding word boundaries is per word, not per byte.

    Returns:
        The hashes, grouped by text in input order (sorted within a text), and the count per text.
    """
    encoded = [t.lower().encode("utf-8") for t in texts]
    # A space between texts: words never run across a text boundary.
    joined = b" ".join(encoded)
    counts = np.zeros(len(texts), dtype=np.int64)
    buf = np.frombuffer(joined, dtype=np.uint8)
    flags = np.zeros(buf.size + 2, dtype=np.int8)
    flags[1:-1] = _WORD_BYTES[buf]
    edges = np.diff(flags)
    starts = np.flatnonzero(edges == 1)
    n_grams = starts.size - k + 1
    if n_grams <= 0:
        return np.empty(0, dtype=np.uint32), counts
    lengths = (np.flatnonzero(edges == -1) - starts).astype(np.uint64)
    padded = joined + bytes(8)
    lanes = np.ndarray((buf.size,), dtype="<u8", buffer=padded, strides=(1,))
    words = lengths * np.uint64(_C1)
    c2, shift = np.uint64(_C2), np.uint64(32)
    offset = 0
    active = np.arange(starts.size)
    while active.size:
        left = np.minimum(lengths[active] - np.uint64(offset), np.uint64(8)).astype(np.intp)
        h = words[active] ^ (lanes[starts[active] + offset] & _LANE_MASKS[left])
        h *= c2
        h ^= h >> shift
        words[active] = h
        offset += 8
        active = active[lengths[active] > offset]
    text_starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum([len(e) + 1 for e in encoded[:-1]], out=text_starts[1:])
    owner = np.searchsorted(text_starts, starts, side="right") - 1
    folded = words[:n_grams].copy()
    q = np.uint64(_Q)
    for j in range(1, k):
        folded *= q
        folded += words[j : j + n_grams]
    same_text = owner[:n_grams] == owner[k - 1 :]
    hashes = fmix64(folded[same_text]) >> shift
    keys = (owner[:n_grams][same_text].astype(np.uint64) << shift) | hashes
    keys.sort()
    distinct = np.ones(keys.size, dtype=bool)
    distinct[1:] = keys[1:] != keys[:-1]
    keys = keys[distinct]
    counts = np.bincount((keys >> shift).astype(np.int64), minlength=len(texts))
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32), counts


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters datasketch draws for ``affine32`` with this seed."""
    perms = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    a, b = (np.asarray(p, dtype=np.uint32) for p in perms)
    return a, b


def _min_permuted(mixed: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """Write ``min((a * mixed + b) mod 2**32)`` per permutation into ``out`` (cache-sized blocks)."""
    out.fill(_EMPTY)
    block = np.empty((min(mixed.size, 1024), a.size), dtype=np.uint32)
    for start in range(0, mixed.size, 1024):
        part = mixed[start : start + 1024]
        view = block[: part.size]
        np.multiply(part[:, None], a[None, :], out=view)
        view += b
        np.minimum(out, view.min(axis=0), out=out)


def _min_permuted_rows(
    mixed: np.ndarray, counts: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:
    """Per text, the minimum of every permutation over its run of ``mixed`` hashes.

    Whole texts are grouped into blocks of about `_BLOCK_SHINGLES` hashes; each block is permuted
    as a ``(num_perm, block)`` matrix and reduced per text along its contiguous rows.
    """
    rows = np.flatnonzero(counts)
    ends = np.cumsum(counts)
    # One reused buffer: a fresh multi-megabyte array per block costs more in page faults than the maths.
    buffer = np.empty(a.size * max(_BLOCK_SHINGLES, int(counts.max(initial=0))), dtype=np.uint32)
    first = 0
    while first < rows.size:
        last = first + 1
        begin = ends[rows[first]] - counts[rows[first]]
        while last < rows.size and ends[rows[last]] - begin <= _BLOCK_SHINGLES:
            last += 1
        stop = ends[rows[last - 1]]
        block = buffer[: a.size * (stop - begin)].reshape(a.size, stop - begin)
        np.multiply(a[:, None], mixed[None, begin:stop], out=block)
        block += b[:, None]
        offsets = ends[rows[first:last]] - counts[rows[first:last]] - begin
        out[rows[first:last]] = np.minimum.reduceat(block, offsets, axis=1).T
        first = last


def signature_array(hashes: np.ndarray, config: ShingleConfig | None = None) -> np.ndarray:
    """Return the MinHash values of a set of shingle hashes (all ``0xFFFFFFFF`` for an empty set)."""
    cfg = config or ShingleConfig()
    values = np.full(cfg.num_perm, _EMPTY, dtype=np.uint32)
    if hashes.size == 0:
        return values
    a, b = _permutations(cfg.num_perm, cfg.seed)
    with np.errstate(over="ignore"):
        _min_permuted(fmix32(hashes.astype(np.uint32)), a, b, values)
    return values


def signature_matrix(
    texts: Sequence[str], config: ShingleConfig | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the signatures of many texts as one ``(len(texts), num_perm)`` ``uint32`` matrix.

    This is the fast path: with word shingles and the ``poly64`` hash, texts are hashed in chunks
    with numpy and no Python loop per shingle. Empty texts get all-``0xFFFFFFFF`` rows.

    Returns:
        The signature matrix and the number of distinct shingles per text.

    Examples:
        >>> matrix, counts = signature_matrix(["one two three four", "five six"])
        >>> matrix.shape, counts.tolist()
        ((2, 128), [2, 0])
    """
    cfg = config or ShingleConfig()
    n = len(texts)
    matrix = np.full((n, cfg.num_perm), _EMPTY, dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    if cfg.unit != "word" or cfg.shingle_hash != "fast64":
        for i, text in enumerate(texts):
            hashes = shingle_hashes(text, cfg)
            matrix[i] = signature_array(hashes, cfg)
            counts[i] = hashes.size
        return matrix, counts
    a, b = _permutations(cfg.num_perm, cfg.seed)
    start = 0
    while start < n:
        stop, size = start, 0
        while stop < n and (stop == start or size + len(texts[stop]) <= _CHUNK_BYTES):
            size += len(texts[stop])
            stop += 1
        hashes, chunk_counts = _fast_word_hashes(texts[start:stop], cfg.k)
        counts[start:stop] = chunk_counts
        with np.errstate(over="ignore"):
            _min_permuted_rows(fmix32(hashes), chunk_counts, a, b, matrix[start:stop])
        start = stop
    return matrix, counts


def signatures(
    cleaned: Sequence[CleanText], config: ShingleConfig | None = None
) -> list[Signature]:
    """Return the signatures of many cleaned texts; texts flagged short get empty signatures.

    Examples:
        >>> [s.num_shingles for s in signatures([CleanText("a", "one two three four")])]
        [2]
    """
    cfg = config or ShingleConfig()
    texts = ["" if c.short else c.text for c in cleaned]
    matrix, counts = signature_matrix(texts, cfg)
    rows = matrix.astype("<u4", copy=False)
    return [
        Signature(c.article_id, rows[i].tobytes(), int(counts[i])) for i, c in enumerate(cleaned)
    ]


def signature(clean: CleanText, config: ShingleConfig | None = None) -> Signature:
    """Return the MinHash signature of a cleaned article; short texts get an empty signature.

    Examples:
        >>> sig = signature(CleanText("a", "one two three four five six"))
        >>> sig.num_shingles, len(sig.hashvalues)
        (4, 512)
    """
    return signatures([clean], config)[0]


def estimate_jaccard(a: Signature, b: Signature) -> float | None:
    """Estimate the Jaccard similarity of two signatures; ``None`` when either text was too short.

    Raises:
        IncompatibleSignatureError: when the signatures have different lengths.
    """
    if len(a.hashvalues) != len(b.hashvalues):
        msg = (
            f"signatures of {a.article_id!r} and {b.article_id!r} have {len(a.hashvalues) // 4} and "
            f"{len(b.hashvalues) // 4} permutations; make both with the same [shingle] num_perm and seed"
        )
        raise IncompatibleSignatureError(msg)
    if a.num_shingles == 0 or b.num_shingles == 0:
        return None
    va = np.frombuffer(a.hashvalues, dtype="<u4")
    vb = np.frombuffer(b.hashvalues, dtype="<u4")
    return float(np.count_nonzero(va == vb)) / va.size
