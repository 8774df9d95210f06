"""Signatures: equal to datasketch's, deterministic across processes, close to exact Jaccard."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import xxhash
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

from caselink.config import ShingleConfig
from caselink.models import CleanText
from caselink.shingle import estimate_jaccard, shingles, signature

words = st.lists(
    st.sampled_from(
        [
            "police",
            "officer",
            "dismissed",
            "hearing",
            "court",
            "town",
            "leeds",
            "met",
            "kent",
            "turner",
        ]
    ),
    min_size=3,
    max_size=60,
)


@given(words, st.integers(0, 2**20), st.sampled_from((32, 128)))
def test_signature_equals_datasketch(tokens: list[str], seed: int, num_perm: int) -> None:
    """Our vectorised signature equals datasketch.MinHash(scheme='affine32') fed the same hashes."""
    cfg = ShingleConfig(k=2, seed=seed, num_perm=num_perm)
    text = " ".join(tokens)
    reference = MinHash(
        num_perm=num_perm, seed=seed, scheme="affine32", hashfunc=xxhash.xxh32_intdigest
    )
    reference.update_batch([s.encode() for s in shingles(text, cfg)])
    ours = np.frombuffer(signature(CleanText("a", text), cfg).hashvalues, dtype="<u4")
    assert np.array_equal(ours, reference.hashvalues.astype(np.uint32))


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
    short = signature(CleanText("a", "tiny", short=True))
    other = signature(CleanText("b", "one two three four five"))
    assert short.num_shingles == 0
    assert estimate_jaccard(short, other) is None


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
