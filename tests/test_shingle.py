"""Signatures: equal to datasketch's, deterministic across processes, close to exact Jaccard."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import xxhash
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

from caselink.config import ShingleConfig
from caselink.errors import IncompatibleSignatureError
from caselink.models import CleanText, Signature
from caselink.shingle import (
    estimate_jaccard,
    shingle_hash,
    shingle_hashes,
    shingles,
    signature,
    signature_matrix,
    signatures,
)

WORDS = ["police", "officer", "dismissed", "hearing", "court", "town", "leeds", "met", "kent"]
words = st.lists(
    st.sampled_from([*WORDS, "turner", "Straße", "naïve", "x" * 19]), min_size=3, max_size=60
)
separators = st.sampled_from([" ", ", ", ". ", " - ", "\n", "  (", "' "])


@st.composite
def messy_texts(draw: st.DrawFn) -> str:
    """Texts with mixed case, punctuation, non-ASCII words and long words."""
    tokens = draw(words)
    seps = draw(st.lists(separators, min_size=len(tokens), max_size=len(tokens)))
    return "".join(
        s + t.capitalize() if i % 3 == 0 else s + t
        for i, (s, t) in enumerate(zip(seps, tokens, strict=True))
    )


@given(messy_texts(), st.integers(0, 2**20), st.sampled_from((32, 128)), st.integers(1, 4))
def test_signature_equals_datasketch(text: str, seed: int, num_perm: int, k: int) -> None:
    """The vectorised signature equals datasketch.MinHash(scheme='affine32') fed the reference shingle hash."""
    cfg = ShingleConfig(k=k, seed=seed, num_perm=num_perm)
    reference = MinHash(
        num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=lambda s: shingle_hash(s, cfg)
    )
    grams = shingles(text, cfg)
    reference.update_batch([s.encode() for s in grams])
    sig = signature(CleanText("a", text), cfg)
    ours = np.frombuffer(sig.hashvalues, dtype="<u4")
    assert sig.num_shingles == len({shingle_hash(g, cfg) for g in grams})
    if grams:
        assert np.array_equal(ours, reference.hashvalues.astype(np.uint32))


@given(words, st.integers(0, 2**20))
def test_xxh32_signature_equals_datasketch(tokens: list[str], seed: int) -> None:
    """With shingle_hash='xxh32' the signature equals datasketch fed xxHash32 of each shingle."""
    cfg = ShingleConfig(k=2, seed=seed, num_perm=64, shingle_hash="xxh32")
    text = " ".join(tokens)
    reference = MinHash(num_perm=64, seed=seed, scheme="affine32", hashfunc=xxhash.xxh32_intdigest)
    reference.update_batch([s.encode() for s in shingles(text, cfg)])
    ours = np.frombuffer(signature(CleanText("a", text), cfg).hashvalues, dtype="<u4")
    assert np.array_equal(ours, reference.hashvalues.astype(np.uint32))


@given(st.lists(messy_texts() | st.just(""), min_size=1, max_size=12))
def test_batch_equals_one_by_one(texts: list[str]) -> None:
    """signature_matrix over a batch gives each text the signature it gets alone (no leakage across texts)."""
    cfg = ShingleConfig(num_perm=32)
    matrix, counts = signature_matrix(texts, cfg)
    for i, text in enumerate(texts):
        alone, alone_counts = signature_matrix([text], cfg)
        assert np.array_equal(matrix[i], alone[0])
        assert counts[i] == alone_counts[0] == shingle_hashes(text, cfg).size


@given(st.sets(st.integers(0, 300), min_size=1), st.sets(st.integers(0, 300), min_size=1))
def test_estimate_close_to_exact_jaccard(a: set[int], b: set[int]) -> None:
    """With 256 permutations the estimate is within 0.2 of the exact Jaccard (about 6 standard errors)."""
    cfg = ShingleConfig(k=1, num_perm=256)
    sig_a = signature(CleanText("a", " ".join(f"w{i}" for i in sorted(a))), cfg)
    sig_b = signature(CleanText("b", " ".join(f"w{i}" for i in sorted(b))), cfg)
    exact = len(a & b) / len(a | b)
    estimate = estimate_jaccard(sig_a, sig_b)
    assert estimate is not None
    assert abs(estimate - exact) <= 0.2


def test_short_text_has_empty_signature() -> None:
    """A text flagged short is not shingled and compares as unknown (None), not as 0."""
    short, other = signatures(
        [
            CleanText("a", "tiny text of a few words", short=True),
            CleanText("b", "one two three four five"),
        ]
    )
    assert short.num_shingles == 0
    assert estimate_jaccard(short, other) is None


def test_mismatched_signatures_raise() -> None:
    """Signatures with different num_perm cannot be compared; the message says how to fix it."""
    a = Signature("a", bytes(4 * 16), 3)
    b = Signature("b", bytes(4 * 32), 3)
    with pytest.raises(IncompatibleSignatureError, match="num_perm"):
        estimate_jaccard(a, b)


def test_char_shingles_use_reference_path() -> None:
    """Character shingles hash through the scalar reference and still match datasketch."""
    cfg = ShingleConfig(unit="char", k=4, num_perm=32)
    text = "Officer dismissed in Leeds"
    reference = MinHash(
        num_perm=32, seed=cfg.seed, scheme="affine32", hashfunc=lambda s: shingle_hash(s, cfg)
    )
    reference.update_batch([s.encode() for s in shingles(text, cfg)])
    ours = np.frombuffer(signature(CleanText("a", text), cfg).hashvalues, dtype="<u4")
    assert np.array_equal(ours, reference.hashvalues.astype(np.uint32))


def test_signature_identical_across_processes_and_hash_seeds() -> None:
    """Two interpreters with different PYTHONHASHSEED make the same signature bytes."""
    code = (
        "from caselink.shingle import signature; from caselink.models import CleanText;"
        "print(signature(CleanText('a', 'the officer was dismissed without notice today')).hashvalues.hex())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "12345")
    }
    assert len(outputs) == 1
