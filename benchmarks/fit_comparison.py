"""Fit the weights of one comparison on the TRAIN files, given every other comparison.

The shipped models were calibrated before the ``ages`` and ``street`` comparisons existed. Rather
than refit them (which moves every other weight), this fits only the new comparison's levels: a
logistic regression of the labels of the training candidate pairs on the shipped model's match
weight *without* that comparison as a fixed offset, one intercept per file (each corpus has its own
candidate match rate) and one coefficient per level (Null is 0). The coefficients, in bits, are
what the shipped models' m/u for the comparison encode (``scale * log2(m / u)``), so its weights
are conditional on the other comparisons (ages overlap with people, streets with places).

    python benchmarks/fit_comparison.py ages ../shared/data/gvc/train.jsonl \\
        ../data-splits/gva_pool_train.jsonl ../shared/data/ecbplus/train.jsonl

Prints JSON: the pooled fit and one fit per file (files that never reach a level give large,
meaningless coefficients for it).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).parent))
from _scoring_data import load
from caselink.config import Config
from caselink.score import default_model, score_matrix


def _fit(
    offset: NDArray[np.float64],
    level: NDArray[np.int64],
    group: NDArray[np.int64],
    label: NDArray[np.float64],
    levels: int,
) -> list[float]:
    """Per-level coefficients in bits of ``logit = offset + intercept[group] + coef[level]``."""
    groups = int(group.max()) + 1
    column = np.where(level < 0, levels, level)  # Null -> a fixed 0 coefficient

    def loss(beta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        coef = np.r_[beta[groups:], 0.0]
        z = offset + beta[:groups][group] + coef[column]
        p = 1.0 / (1.0 + np.exp(-z))
        residual = p - label
        grad = np.r_[
            np.bincount(group, residual, minlength=groups),
            np.bincount(column, residual, minlength=levels + 1)[:levels],
        ]
        return float(np.sum(np.logaddexp(0.0, z) - label * z)), grad

    result = minimize(loss, np.zeros(groups + levels), jac=True, method="L-BFGS-B")
    return [round(float(c) / math.log(2), 3) for c in result.x[groups:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("comparison", help="the comparison's name, e.g. ages")
    parser.add_argument("files", nargs="+", type=Path, help="labelled TRAIN files (JSONL)")
    args = parser.parse_args(argv)
    config = Config()
    offsets, levels, groups, labels = [], [], [], []
    names: tuple[str, ...] = ()
    for number, path in enumerate(args.files):
        data = load(path, config)
        model = default_model(data["level_labels"], config.score)
        cand = data["cand"]
        scored = score_matrix(
            cand.names,
            cand.levels,
            model,
            frequencies=cand.frequencies,
            references=data["references"],
            config=config.score,
        )
        column = list(cand.names).index(args.comparison)
        without = scored.match_weight - scored.weights[:, column]
        offsets.append(without * math.log(2))
        levels.append(cand.levels[:, column].astype(np.int64))
        groups.append(np.full(len(without), number, dtype=np.int64))
        labels.append(data["is_match"].astype(np.float64))
        names = data["level_labels"][args.comparison]
    n = len(names)
    result: dict[str, object] = {
        "comparison": args.comparison,
        "levels": list(names),
        "pooled_bits": _fit(
            np.concatenate(offsets),
            np.concatenate(levels),
            np.concatenate(groups),
            np.concatenate(labels),
            n,
        ),
        "per_file_bits": {
            str(path): _fit(offsets[i], levels[i], np.zeros_like(levels[i]), labels[i], n)
            for i, path in enumerate(args.files)
        },
        "candidate_pairs": int(sum(len(x) for x in labels)),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
