"""Text -> shingles -> MinHash signatures.

Shingles are word (or character) k-grams of the cleaned text, hashed with 32-bit xxHash (seed 0),
which is fast and identical on every platform and process (Python's ``hash()`` is salted per
process and must never be used here). Signatures apply datasketch's ``affine32`` permutation scheme
(datasketch >= 2.0) with the run's ``seed`` and ``num_perm``, vectorised with numpy; a test checks
them against ``datasketch.MinHash`` value for value.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import xxhash
from datasketch import MinHash

from caselink.config import ShingleConfig
from caselink.errors import IncompatibleSignatureError
from caselink.models import CleanText, Signature

__all__ = ["estimate_jaccard", "shingle_hashes", "shingles", "signature", "signature_array"]

_WORD = re.compile(r"\w+")
_EMPTY = np.uint32(0xFFFFFFFF)


def shingles(text: str, config: ShingleConfig | None = None) -> list[str]:
    """Return the distinct k-gram shingles of ``text``, in first-seen order.

    Examples:
        >>> shingles("The officer was dismissed", ShingleConfig(k=2))
        ['the officer', 'officer was', 'was dismissed']
    """
    cfg = config or ShingleConfig()
    if cfg.unit == "word":
        units = _WORD.findall(text.lower())
        grams = [" ".join(units[i : i + cfg.k]) for i in range(max(len(units) - cfg.k + 1, 0))]
    else:
        flat = " ".join(text.lower().split())
        grams = [flat[i : i + cfg.k] for i in range(max(len(flat) - cfg.k + 1, 0))]
    return list(dict.fromkeys(grams))


def shingle_hashes(text: str, config: ShingleConfig | None = None) -> np.ndarray:
    """Return the 32-bit xxHash of every distinct shingle, as a ``uint32`` array."""
    grams = shingles(text, config)
    return np.fromiter(
        (xxhash.xxh32_intdigest(g.encode("utf-8")) for g in grams),
        dtype=np.uint32,
        count=len(grams),
    )


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters datasketch draws for ``affine32`` with this seed."""
    perms = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    a, b = (np.asarray(p, dtype=np.uint32) for p in perms)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, the fixed bijection datasketch applies before permuting."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = hv ^ (hv >> np.uint32(16))
    return mixed


def signature_array(hashes: np.ndarray, config: ShingleConfig | None = None) -> np.ndarray:
    """Return the MinHash values of a set of shingle hashes (all ``0xFFFFFFFF`` for an empty set)."""
    cfg = config or ShingleConfig()
    if hashes.size == 0:
        return np.full(cfg.num_perm, _EMPTY, dtype=np.uint32)
    a, b = _permutations(cfg.num_perm, cfg.seed)
    with np.errstate(over="ignore"):
        mixed = _fmix32(hashes.astype(np.uint32))
        permuted = mixed[:, None] * a[None, :] + b[None, :]
    values: np.ndarray = permuted.min(axis=0).astype(np.uint32)
    return values


def signature(clean: CleanText, config: ShingleConfig | None = None) -> Signature:
    """Return the MinHash signature of a cleaned article; short texts get an empty signature.

    Examples:
        >>> sig = signature(CleanText("a", "one two three four five six"))
        >>> sig.num_shingles, len(sig.hashvalues)
        (4, 512)
    """
    cfg = config or ShingleConfig()
    hashes = np.empty(0, dtype=np.uint32) if clean.short else shingle_hashes(clean.text, cfg)
    values = signature_array(hashes, cfg)
    return Signature(clean.article_id, values.astype("<u4").tobytes(), int(hashes.size))


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
