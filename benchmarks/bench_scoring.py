"""Scoring speed: pairs per second for the full comparison set, batch path vs one pair at a time.

The batch path is `compare_batch` (numpy over integer-coded fields, rapidfuzz ``cpdist`` for names)
plus `score_matrix`; the alternative is the reference path, `compare_pair` + `score_pairs`, on a
sample. Profiles come from a labelled file when one is given (real field densities), else from a
synthetic generator. Prints JSON.

    python benchmarks/bench_scoring.py [--data ../data-splits/gva_pool_dev.jsonl] [--pairs 300000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from caselink.compare import (
    compare_batch,
    compare_pair,
    default_comparisons,
    encode,
    term_frequencies,
)
from caselink.models import ArticleFields, Mention, Profile, Signature
from caselink.score import default_model, random_pairs, score_matrix, score_pairs, tf_references


def synthetic_profiles(n: int, seed: int = 1) -> list[Profile]:
    """Profiles with field densities like local news: a few names, places and dates each."""
    rng = np.random.default_rng(seed)
    surnames = [f"surname{i}" for i in range(3000)]
    towns = [f"town{i}|S{i % 50}|US" for i in range(800)]

    def mentions(values: list[str], role: str | None = None) -> list[Mention]:
        return [Mention(v, v, 0, 1, role) for v in values]

    out = []
    for i in range(n):
        aid = f"s{i:07d}"
        names = [
            f"first{rng.integers(300)} {surnames[int(rng.zipf(1.3)) % 3000]}"
            for _ in range(rng.integers(0, 6))
        ]
        day = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
        fields = ArticleFields(
            aid,
            agencies=mentions([f"agency{rng.integers(400)}"] if rng.random() < 0.5 else []),
            officers=mentions(names[:1] if rng.random() < 0.1 else []),
            people=mentions(names),
            places=mentions(
                [towns[int(rng.zipf(1.2)) % 800] for _ in range(rng.integers(0, 4))], "city"
            ),
            event_dates=mentions([day.isoformat()] if rng.random() < 0.4 else []),
            outcomes=mentions(["charged"] if rng.random() < 0.3 else []),
            allegations=mentions(["firearms discharge"] if rng.random() < 0.8 else []),
            killed=int(rng.integers(0, 3)) if rng.random() < 0.3 else None,
            injured=int(rng.integers(0, 3)) if rng.random() < 0.3 else None,
        )
        hashvalues = rng.integers(0, 2**32, size=128, dtype=np.uint32).astype("<u4").tobytes()
        terms = sorted({f"term{int(rng.zipf(1.5)) % 5000}" for _ in range(8)})
        weights = rng.random(len(terms)) + 0.1
        weights /= np.linalg.norm(weights)
        out.append(
            Profile(
                aid,
                day,
                f"outlet{rng.integers(300)}",
                fields,
                Signature(aid, hashvalues, 50),
                tuple(zip(terms, weights.tolist(), strict=True)),
            )
        )
    return out


def real_profiles(path: Path) -> list[Profile]:
    """Profiles of a labelled file through the pipeline's stages (labels dropped)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from _scoring_data import load

    return list(load(path)["profiles"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--pairs", type=int, default=300_000)
    parser.add_argument("--reference-pairs", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    source = "synthetic"
    if args.data is not None and args.data.exists():
        profiles, source = real_profiles(args.data), str(args.data.name)
    else:
        profiles = synthetic_profiles(5_000)
    comparisons = default_comparisons()
    labels = {c.name: c.labels for c in comparisons}
    model = default_model(labels)
    start = time.perf_counter()
    table = encode(profiles)
    encode_s = time.perf_counter() - start
    refs = tf_references(term_frequencies(table, comparisons))
    ia, ib = random_pairs(table.size, args.pairs, seed=3)
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        matrix = compare_batch(table, ia, ib, comparisons, workers=args.workers)
        scored = score_matrix(
            matrix.names, matrix.levels, model, frequencies=matrix.frequencies, references=refs
        )
        best = min(best, time.perf_counter() - start)
    k = min(args.reference_pairs, ia.size)
    freqs = term_frequencies(table, comparisons)
    start = time.perf_counter()
    vectors = [
        compare_pair(profiles[i], profiles[j], comparisons)
        for i, j in zip(ia[:k].tolist(), ib[:k].tolist(), strict=True)
    ]
    reference = score_pairs(vectors, model, freqs)
    reference_s = time.perf_counter() - start
    agree = float(
        np.mean(np.isclose([p.match_weight for p in reference], scored.match_weight[:k], atol=1e-9))
    )
    batch_rate = ia.size / best
    reference_rate = k / reference_s
    print(
        json.dumps(
            {
                "benchmark": "scoring",
                "profiles": table.size,
                "source": source,
                "comparisons": len(comparisons),
                "pairs": int(ia.size),
                "batch_seconds": round(best, 4),
                "batch_pairs_per_s": round(batch_rate),
                "encode_seconds": round(encode_s, 4),
                "reference_pairs": k,
                "reference_pairs_per_s": round(reference_rate),
                "speedup": round(batch_rate / reference_rate, 1),
                "reference_agreement": agree,
                "cores": os.cpu_count(),
                "workers": args.workers,
                "python": platform.python_version(),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
