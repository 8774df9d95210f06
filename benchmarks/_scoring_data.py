"""Shared helpers of the scoring benchmarks: labelled file -> profiles, candidates, level matrices."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from caselink.blocking import CandidateIndex
from caselink.compare import compare_batch, default_comparisons, encode, term_frequencies
from caselink.config import Config
from caselink.ingest import read_records
from caselink.pipeline import fit_state, profile_articles
from caselink.score import default_model, random_pairs, tf_references


def load(path: str | Path, config: Config | None = None) -> dict[str, Any]:
    """Run the stages up to comparison on a labelled file, with the labels kept aside."""
    cfg = config or Config()
    rows = [
        json.loads(line)
        for line in Path(path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    gold = {str(r["id"]): str(r["incident_id"]) for r in rows}
    for r in rows:
        for key in ("incident_id", "gold", "meta"):
            r.pop(key, None)
    batch = read_records(rows)
    ordered = sorted(batch.articles, key=lambda a: a.id)
    comparisons = default_comparisons(cfg.compare)
    # The pipeline's own path (boilerplate, rare-term vectors, blocking counts), so the levels are
    # exactly those `resolve` scores; the model is fixed, so no EM runs while fitting the state.
    model = default_model({c.name: c.labels for c in comparisons}, cfg.score)
    state = fit_state(ordered, cfg, model=model)
    _cleaned, _fields, by_id = profile_articles(ordered, state, cfg)
    profiles = [by_id[a.id] for a in ordered]
    candidates = CandidateIndex(cfg.blocking, counts=state.counts).add(profiles)
    table = encode(profiles)
    index = table.index()
    ia = np.array([index[c.a] for c in candidates], dtype=np.int64)
    ib = np.array([index[c.b] for c in candidates], dtype=np.int64)
    cand = compare_batch(table, ia, ib, comparisons)
    ra, rb = random_pairs(table.size, cfg.score.random_pairs, cfg.score.seed)
    rand = compare_batch(table, ra, rb, comparisons)
    labels = np.array([gold[c.a] == gold[c.b] for c in candidates], dtype=bool)
    members: dict[str, list[int]] = {}
    for aid, label in gold.items():
        if aid in index:
            members.setdefault(label, []).append(index[aid])
    ga = [x for rows in members.values() for i, x in enumerate(rows) for _y in rows[i + 1 :]]
    gb = [y for rows in members.values() for i, _x in enumerate(rows) for y in rows[i + 1 :]]
    matches = compare_batch(
        table, np.array(ga, dtype=np.int64), np.array(gb, dtype=np.int64), comparisons
    )
    counts: dict[str, int] = {}
    for g in gold.values():
        counts[g] = counts.get(g, 0) + 1
    return {
        "profiles": profiles,
        "candidates": candidates,
        "comparisons": comparisons,
        "level_labels": {c.name: c.labels for c in comparisons},
        "names": cand.names,
        "cand": cand,
        "rand": rand,
        "matches": matches,
        "is_match": labels,
        "gold": gold,
        "gold_pairs": sum(v * (v - 1) // 2 for v in counts.values()),
        "references": tf_references(term_frequencies(table, comparisons)),
        "table": table,
    }


def best_f1(
    probability: np.ndarray, is_match: np.ndarray, gold_pairs: int | None = None
) -> dict[str, float]:
    """The best pairwise F1 over thresholds: among the candidates, and against every gold pair."""
    order = np.argsort(-probability, kind="stable")
    hits = np.cumsum(is_match[order])
    k = np.arange(1, order.size + 1)
    positives = max(int(is_match.sum()), 1)
    precision = hits / k
    recall = hits / positives
    f1 = np.where(
        precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0
    )
    best = int(np.argmax(f1)) if f1.size else 0
    out = {
        "f1_candidates": float(f1[best]) if f1.size else 0.0,
        "threshold": float(probability[order[best]]) if f1.size else 1.0,
    }
    if gold_pairs:
        recall_all = hits / gold_pairs
        f1_all = np.where(
            precision + recall_all > 0,
            2 * precision * recall_all / np.maximum(precision + recall_all, 1e-12),
            0,
        )
        out["f1_all_gold_pairs"] = float(f1_all.max()) if f1_all.size else 0.0
    return out


def at_threshold(probability: np.ndarray, is_match: np.ndarray, threshold: float) -> float:
    """Pairwise F1 among the candidates at a fixed probability threshold."""
    pred = probability >= threshold
    tp = int((pred & is_match).sum())
    if tp == 0:
        return 0.0
    p, r = tp / pred.sum(), tp / is_match.sum()
    return float(2 * p * r / (p + r))


def stack(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Concatenate level arrays (or label arrays) of several corpora."""
    return np.concatenate(parts, axis=0)
