"""Fit the shipped scoring models on the TRAIN files only and write them as package data.

``trained_model.json``: u from random pairs of each training corpus (pooled), m from every labelled
matching pair (pooled), the candidate match rate from the labelled candidate pairs, then Platt scaling
of the match weight on the candidate pairs. ``calibrated_model.json``: the hand-set m/u with Platt
scaling fitted the same way (same ranking as the default, probabilities calibrated on train).

    python benchmarks/fit_model.py ../shared/data [--splits ../data-splits] [--out src/caselink/data]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _scoring_data import load, stack
from caselink.score import (
    MatchModel,
    calibrate,
    estimate_m_labelled,
    estimate_u,
    hand_model,
    model_from,
    score_matrix,
)


def _calibrated(model: MatchModel, parts: list[dict[str, Any]]) -> MatchModel:
    """Platt-scale a model's match weights on the training candidates."""
    weights = np.concatenate(
        [
            score_matrix(
                p["names"],
                p["cand"].levels,
                model,
                frequencies=p["cand"].frequencies,
                references=p["references"],
            ).match_weight
            for p in parts
        ]
    )
    slope, intercept = calibrate(weights, stack([p["is_match"] for p in parts]))
    return attrs.evolve(
        model,
        prior_weight=slope * model.prior_weight + intercept,
        scale=slope,
        meta={
            **model.meta,
            "candidate_pairs": int(weights.size),
            "platt_slope": round(slope, 4),
            "platt_intercept": round(intercept, 4),
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--splits", type=Path, default=Path("../data-splits"))
    parser.add_argument("--out", type=Path, default=Path("src/caselink/data"))
    args = parser.parse_args()
    files = [
        args.data / "gvc/train.jsonl",
        args.data / "ecbplus/train.jsonl",
        args.splits / "gva_pool_train.jsonl",
    ]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        print(json.dumps({"skipped": f"training files missing: {missing}"}))
        return 0
    parts = [load(f) for f in files]
    names, labels = parts[0]["names"], parts[0]["level_labels"]
    u = estimate_u(names, stack([p["rand"].levels for p in parts]), labels)
    # m from every gold pair, not only the candidates: candidates were proposed for sharing a name
    # or a force, so among them agreement looks likelier than it is for matches at large.
    match_levels = stack([p["matches"].levels for p in parts])
    m, _rate = estimate_m_labelled(
        names, match_levels, np.ones(match_levels.shape[0], dtype=bool), labels
    )
    is_match = stack([p["is_match"] for p in parts])
    rate = (float(is_match.sum()) + 0.5) / (is_match.size + 1.0)
    prior = float(np.log2(rate / (1.0 - rate)))
    meta = {
        "fit": "labelled pairs",
        "train_files": [
            f.name if f.parent.name == "data-splits" else f"{f.parent.name}/{f.name}" for f in files
        ],
    }
    trained = _calibrated(model_from(names, labels, m, u, prior_weight=prior, meta=meta), parts)
    hand = hand_model(labels)
    hand = attrs.evolve(hand, meta={**hand.meta, "train_files": meta["train_files"]})
    calibrated = _calibrated(hand, parts)
    args.out.mkdir(parents=True, exist_ok=True)
    trained.save(args.out / "trained_model.json")
    calibrated.save(args.out / "calibrated_model.json")
    print(
        json.dumps(
            {
                "wrote": [
                    str(args.out / "trained_model.json"),
                    str(args.out / "calibrated_model.json"),
                ],
                "candidate_pairs": trained.meta["candidate_pairs"],
                "trained": {"scale": trained.scale, "prior_weight": trained.prior_weight},
                "calibrated": {"scale": calibrated.scale, "prior_weight": calibrated.prior_weight},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
