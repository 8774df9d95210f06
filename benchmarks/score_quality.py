"""Quality of the scoring stage alone: pairwise F1 of the scored candidate pairs.

For each labelled file, the candidates come from the default pipeline stages; each model scores them
and the report gives the best F1 over thresholds (among candidates, and against every gold pair, which
also counts pairs blocking missed) and F1 at probability 0.5. Models:

- ``hand``: hand-set m/u, prior -6, with term-frequency adjustment (the default ``calibrated``
  model ranks pairs the same way; see ``calibrated`` for its F1 at 0.5);
- ``calibrated``: the default: hand-set m/u with Platt calibration fitted on the TRAIN files;
- ``hand_no_tf``: the same without term-frequency adjustment;
- ``trained``: m/u fitted with labels on the TRAIN files (package data), Platt-calibrated;
- ``em_flat``: no labels at all: u from the file's random pairs, m and prior by EM from a flat start;
- ``em_flat_free_u``: the same, with u re-estimated by EM on the candidates as well;
- ``em_hand_free_u``: no labels: EM for m, u and prior from the hand-set m/u;
- ``em_run``: ``fit="em"``, the run-time EM starting from the calibrated model, with its safeguards;
- ``oracle``: m and prior fitted with the file's own labels (an upper bound, not a method).

    python benchmarks/score_quality.py ../shared/data/gvc/dev.jsonl [more files ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _scoring_data import at_threshold, best_f1, load
from caselink.config import ScoreConfig
from caselink.score import (
    estimate_m_em,
    estimate_m_labelled,
    estimate_u,
    fit_run_model,
    hand_model,
    model_from,
    score_matrix,
    trained_model,
)


def _flat_start(names, labels, u):  # type: ignore[no-untyped-def]
    m = {}
    for n in names:
        k = len(labels[n])
        w = np.array([2.0 ** (-i) for i in range(k)])
        w[-1] = w[:-1].sum() * 0.3
        m[n] = w / w.sum()
    return model_from(names, labels, m, u, prior_weight=-1.0, meta={"fit": "flat start"})


def evaluate_file(path: Path) -> dict[str, object]:
    """Every model's scores on one labelled file."""
    d = load(path)
    names, labels = d["names"], d["level_labels"]
    levels, freqs, y = d["cand"].levels, d["cand"].frequencies, d["is_match"]
    u_run = estimate_u(names, d["rand"].levels, labels)
    m_oracle, prior_oracle = estimate_m_labelled(names, levels, y, labels)
    models = {
        "hand": (hand_model(labels), ScoreConfig()),
        "hand_no_tf": (hand_model(labels), ScoreConfig(tf_weight=0.0)),
        "calibrated": (trained_model(labels, "calibrated"), ScoreConfig()),
        "trained": (trained_model(labels), ScoreConfig()),
        "em_flat": (
            estimate_m_em(names, levels, _flat_start(names, labels, u_run))[0],
            ScoreConfig(),
        ),
        "em_flat_free_u": (
            estimate_m_em(names, levels, _flat_start(names, labels, u_run), fix_u=False)[0],
            ScoreConfig(),
        ),
        "em_hand_free_u": (
            estimate_m_em(names, levels, hand_model(labels), fix_u=False)[0],
            ScoreConfig(),
        ),
        "em_run": (
            fit_run_model(
                names,
                labels,
                levels,
                d["rand"].levels,
                trained_model(labels, "calibrated"),
                config=ScoreConfig(fit="em"),
            ),
            ScoreConfig(),
        ),
        "oracle": (
            model_from(names, labels, m_oracle, u_run, prior_weight=prior_oracle),
            ScoreConfig(),
        ),
    }
    out: dict[str, object] = {
        "file": f"{path.parent.name}/{path.name}",
        "candidates": int(y.size),
        "candidate_matches": int(y.sum()),
        "gold_pairs": d["gold_pairs"],
    }
    for name, (model, cfg) in models.items():
        p = score_matrix(
            names, levels, model, frequencies=freqs, references=d["references"], config=cfg
        ).probability
        best = best_f1(p, y, d["gold_pairs"])
        out[name] = {
            "best_f1_candidates": round(best["f1_candidates"], 4),
            "best_f1_all_gold_pairs": round(best["f1_all_gold_pairs"], 4),
            "f1_at_0.5": round(at_threshold(p, y, 0.5), 4),
            **({"run_fit": model.meta.get("run_fit")} if name == "em_run" else {}),
        }
    return out


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv]
    missing = [str(f) for f in files if not f.exists()]
    if not files or missing:
        print(json.dumps({"skipped": f"labelled files missing: {missing or 'none given'}"}))
        return 0
    print(json.dumps([evaluate_file(f) for f in files], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
