"""Fit the shipped scoring model on the TRAIN files only and write it as package data.

u from random pairs of each training corpus (pooled), m from every labelled matching pair (pooled),
the candidate match rate from the labelled candidate pairs, then Platt scaling of the match weight on
the candidate pairs.

    python benchmarks/fit_model.py ../shared/data [--splits ../data-splits] [--out src/caselink/data/model.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import attrs
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _scoring_data import load, stack
from caselink.score import (
    calibrate,
    estimate_m_labelled,
    estimate_u,
    model_from,
    score_matrix,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("--splits", type=Path, default=Path("../data-splits"))
    parser.add_argument("--out", type=Path, default=Path("src/caselink/data/model.json"))
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
    model = model_from(names, labels, m, u, prior_weight=prior, meta=meta)
    weights = np.concatenate(
        [
            score_matrix(
                names,
                p["cand"].levels,
                model,
                frequencies=p["cand"].frequencies,
                references=p["references"],
            ).match_weight
            for p in parts
        ]
    )
    slope, intercept = calibrate(weights, stack([p["is_match"] for p in parts]))
    model = attrs.evolve(
        model,
        prior_weight=slope * model.prior_weight + intercept,
        scale=slope,
        meta={
            **meta,
            "candidate_pairs": int(weights.size),
            "platt_slope": round(slope, 4),
            "platt_intercept": round(intercept, 4),
        },
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(
        json.dumps(
            {
                "wrote": str(args.out),
                "pairs": int(weights.size),
                "scale": slope,
                "prior_weight": model.prior_weight,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
