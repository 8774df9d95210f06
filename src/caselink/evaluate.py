"""Evaluation against gold labels.

Pairwise and B-cubed P/R/F1, ARI, V-measure, pair completeness, and a threshold sweep over scored
pairs.

Every function takes plain mappings (article id -> cluster label), so it scores any clustering, not
only caselink's. Articles missing from the prediction count as singletons.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from caselink._types import ArticleId
from caselink.models import ScoredPair, pair_key

__all__ = [
    "adjusted_rand_index",
    "b_cubed",
    "evaluate",
    "pair_completeness",
    "pairwise",
    "threshold_sweep",
    "v_measure",
]


def _prf(tp: float, fp: float, fn: float) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _aligned(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> list[tuple[str, str]]:
    return [(g, pred.get(aid, f"\0singleton:{aid}")) for aid, g in sorted(gold.items())]


def _c2(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 over the pairs of same-cluster articles.

    Examples:
        >>> pairwise({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "x"})["recall"]
        1.0
    """
    rows = _aligned(gold, pred)
    both = sum(_c2(n) for n in Counter(rows).values())
    in_gold = sum(_c2(n) for n in Counter(g for g, _ in rows).values())
    in_pred = sum(_c2(n) for n in Counter(p for _, p in rows).values())
    return _prf(both, in_pred - both, in_gold - both)


def b_cubed(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (per-article averages).

    Examples:
        >>> b_cubed({"a": "1", "b": "2"}, {"a": "x", "b": "y"})["f1"]
        1.0
    """
    rows = _aligned(gold, pred)
    if not rows:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    joint = Counter(rows)
    gsize = Counter(g for g, _ in rows)
    psize = Counter(p for _, p in rows)
    precision = sum(joint[(g, p)] / psize[p] for g, p in rows) / len(rows)
    recall = sum(joint[(g, p)] / gsize[g] for g, p in rows) / len(rows)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def adjusted_rand_index(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> float:
    """The adjusted Rand index (1 for identical partitions, about 0 for chance).

    Examples:
        >>> adjusted_rand_index({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "y"})
        1.0
    """
    rows = _aligned(gold, pred)
    n = len(rows)
    index = sum(_c2(v) for v in Counter(rows).values())
    a = sum(_c2(v) for v in Counter(g for g, _ in rows).values())
    b = sum(_c2(v) for v in Counter(p for _, p in rows).values())
    total = _c2(n)
    if total == 0:
        return 1.0
    expected = a * b / total
    maximum = (a + b) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def _entropy(counts: Iterable[int], n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts if c)


def v_measure(gold: Mapping[ArticleId, str], pred: Mapping[ArticleId, str]) -> dict[str, float]:
    """Homogeneity, completeness and their harmonic mean, the V-measure.

    Examples:
        >>> v_measure({"a": "1", "b": "2"}, {"a": "x", "b": "y"})["v_measure"]
        1.0
    """
    rows = _aligned(gold, pred)
    n = len(rows)
    if n == 0:
        return {"homogeneity": 1.0, "completeness": 1.0, "v_measure": 1.0}
    joint = Counter(rows)
    gc, pc = Counter(g for g, _ in rows), Counter(p for _, p in rows)
    h_g, h_p = _entropy(gc.values(), n), _entropy(pc.values(), n)
    h_g_given_p = -sum(c / n * math.log(c / pc[p]) for (_g, p), c in joint.items())
    h_p_given_g = -sum(c / n * math.log(c / gc[g]) for (g, _p), c in joint.items())
    homogeneity = 1.0 if h_g == 0 else 1.0 - h_g_given_p / h_g
    completeness = 1.0 if h_p == 0 else 1.0 - h_p_given_g / h_p
    denominator = homogeneity + completeness
    v = 2 * homogeneity * completeness / denominator if denominator else 0.0
    return {"homogeneity": homogeneity, "completeness": completeness, "v_measure": v}


def pair_completeness(
    pairs: Iterable[tuple[ArticleId, ArticleId]], gold: Mapping[ArticleId, str]
) -> float:
    """Blocking recall: the share of gold same-case pairs among the candidate pairs.

    Examples:
        >>> pair_completeness([("a", "b")], {"a": "1", "b": "1", "c": "1"})
        0.3333333333333333
    """
    total = sum(_c2(n) for n in Counter(gold.values()).values())
    if total == 0:
        return 1.0
    found = {pair_key(a, b) for a, b in pairs if a in gold and b in gold and gold[a] == gold[b]}
    return len(found) / total


def threshold_sweep(
    pairs: Sequence[ScoredPair],
    gold: Mapping[ArticleId, str],
    thresholds: Sequence[float] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99),
) -> list[dict[str, float]]:
    """Pairwise precision, recall and F1 of the scored pairs linked at each probability threshold.

    Recall counts every gold pair, so pairs that blocking never proposed count as missed.

    Examples:
        >>> rows = threshold_sweep([ScoredPair("a", "b", 3.0, 0.9, ())], {"a": "1", "b": "1"}, [0.5, 0.95])
        >>> [(r["threshold"], r["f1"]) for r in rows]
        [(0.5, 1.0), (0.95, 0.0)]
    """
    total = sum(_c2(n) for n in Counter(gold.values()).values())
    rows = []
    for threshold in thresholds:
        linked = [p for p in pairs if p.probability >= threshold]
        tp = sum(1 for p in linked if p.a in gold and p.b in gold and gold[p.a] == gold[p.b])
        rows.append(
            {"threshold": threshold, "pairs": len(linked), **_prf(tp, len(linked) - tp, total - tp)}
        )
    return rows


def evaluate(
    gold: Mapping[ArticleId, str],
    pred: Mapping[ArticleId, str],
    pairs: Sequence[ScoredPair] = (),
) -> dict[str, Any]:
    """Every metric at once: pairwise, B-cubed, ARI, V-measure, pair completeness and a sweep.

    Examples:
        >>> round(evaluate({"a": "1", "b": "1"}, {"a": "x", "b": "x"})["ari"], 3)
        1.0
    """
    shared = dict(gold)
    return {
        "articles": len(shared),
        "gold_cases": len(set(shared.values())),
        "predicted_cases": len({pred.get(a, f"\0{a}") for a in shared}),
        "pairwise": pairwise(shared, pred),
        "b_cubed": b_cubed(shared, pred),
        "ari": adjusted_rand_index(shared, pred),
        "v_measure": v_measure(shared, pred),
        "pair_completeness": pair_completeness(((p.a, p.b) for p in pairs), shared),
        "threshold_sweep": threshold_sweep(pairs, shared) if pairs else [],
    }
