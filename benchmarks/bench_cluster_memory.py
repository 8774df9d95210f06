"""Clustering at scale: N articles with K scored pairs each (N * K distinct pairs), within a memory budget.

Generates a synthetic scored-pair graph shaped like news (incidents of 1-17 articles with strong
pairs inside, plus many scored pairs across incidents that are mostly negative, a few of them
false links), clusters it with `caselink.cluster.cluster_graph`, and prints JSON: peak RSS, seconds,
case counts, ARI against the generated incidents, and the same for plain connected components (the
obvious alternative) on the same graph.

    python benchmarks/bench_cluster_memory.py                     # 1,000,000 articles, ~20 pairs each
    python benchmarks/bench_cluster_memory.py --articles 100000   # a quick run
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from caselink.cluster import cluster_graph
from caselink.config import ClusterConfig


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def generate(n: int, pairs_per_article: int, false_link_rate: float, seed: int):
    """Return (gold labels, rows, cols, weights) of a synthetic scored-pair graph."""
    rng = np.random.default_rng(seed)
    # Incident sizes roughly as in the GVA pool: many singletons and pairs, a long tail to 17.
    sizes_p = np.array([55, 28, 11, 3.6, 1.2, 0.4, 0.25, 0.2, 0.1, 0.07, 0.04, 0.03, 0.02, 0.01])
    size_values = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 17])
    sizes = rng.choice(size_values, size=n, p=sizes_p / sizes_p.sum())
    sizes = sizes[np.cumsum(sizes) <= n]
    sizes = np.append(sizes, np.ones(n - int(sizes.sum()), dtype=sizes.dtype))
    gold = np.repeat(np.arange(sizes.size), sizes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    # Inside each incident: a random ~70% of all member pairs is scored, mostly strongly positive.
    rows_in, cols_in = [], []
    for size in range(2, int(sizes.max()) + 1):
        first = starts[sizes == size]
        if first.size == 0:
            continue
        iu, ju = np.triu_indices(size, 1)
        rows_in.append((first[:, None] + iu[None, :]).ravel())
        cols_in.append((first[:, None] + ju[None, :]).ravel())
    r_in = np.concatenate(rows_in)
    c_in = np.concatenate(cols_in)
    keep = rng.random(r_in.size) < 0.7
    r_in, c_in = r_in[keep], c_in[keep]
    w_in = rng.normal(9.0, 5.0, r_in.size)
    # Across incidents: blocking noise, mostly negative; a small share are false links.
    n_out = max(0, n * pairs_per_article - r_in.size)
    r_out = rng.integers(0, n, n_out)
    # Hard negatives are near each other (same town, same week): pick partners nearby.
    c_out = np.clip(r_out + rng.integers(-5000, 5000, n_out), 0, n - 1)
    w_out = rng.normal(-6.0, 3.0, n_out)
    false = rng.random(n_out) < false_link_rate
    w_out[false] = rng.uniform(0.5, 12.0, int(false.sum()))
    rows = np.concatenate((r_in, r_out)).astype(np.int64)
    cols = np.concatenate((c_in, c_out)).astype(np.int64)
    weights = np.concatenate((w_in, w_out))
    return gold, rows, cols, weights


def ari(gold: np.ndarray, pred: np.ndarray) -> float:
    """Adjusted Rand index from integer labels."""

    def comb2(x: np.ndarray) -> float:
        x = x.astype(np.float64)
        return float((x * (x - 1) / 2).sum())

    _, g = np.unique(gold, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    pairs = g.astype(np.int64) * (int(p.max()) + 1) + p
    index = comb2(np.unique(pairs, return_counts=True)[1])
    a, b = comb2(np.bincount(g)), comb2(np.bincount(p))
    total = gold.size * (gold.size - 1) / 2
    expected = a * b / total
    top = (a + b) / 2
    return 1.0 if top == expected else round((index - expected) / (top - expected), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--pairs-per-article", type=int, default=20)
    parser.add_argument("--false-link-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget-mib", type=float, default=4096.0)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    gold, rows, cols, weights = generate(
        args.articles, args.pairs_per_article, args.false_link_rate, args.seed
    )
    generate_s = time.perf_counter() - start
    rss_after_generate = _peak_rss_mib()

    start = time.perf_counter()
    result = cluster_graph(args.articles, rows, cols, weights, ClusterConfig())
    cluster_s = time.perf_counter() - start
    rss_after_cluster = _peak_rss_mib()

    start = time.perf_counter()
    baseline = cluster_graph(
        args.articles,
        rows,
        cols,
        weights,
        ClusterConfig(
            method="components", bridge_threshold=0.5, max_component_size=max(2, args.articles)
        ),
    )
    baseline_s = time.perf_counter() - start
    diag = result.diagnostics
    report = {
        "articles": args.articles,
        "scored_pairs": int(rows.size),
        "scored_pairs_per_article": round(rows.size / args.articles, 2),
        "generate_s": round(generate_s, 2),
        "cluster_s": round(cluster_s, 2),
        "peak_rss_mib_after_generate": rss_after_generate,
        "peak_rss_mib": rss_after_cluster,
        "budget_mib": args.budget_mib,
        "within_budget": rss_after_cluster <= args.budget_mib,
        "cases": diag["cases"],
        "largest_case": diag["largest_case"],
        "largest_link_component": diag["largest_link_component"],
        "gold_incidents": int(np.unique(gold).size),
        "ari": ari(gold, result.labels),
        "baseline_connected_components": {
            "cluster_s": round(baseline_s, 2),
            "cases": baseline.diagnostics["cases"],
            "largest_case": baseline.diagnostics["largest_case"],
            "ari": ari(gold, baseline.labels),
        },
        "seconds_ratio_vs_components": round(cluster_s / max(baseline_s, 1e-9), 2),
        "diagnostics": diag,
    }
    print(json.dumps(report, indent=2))
    return 0 if report["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
