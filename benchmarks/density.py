"""How linking quality moves with corpus density, measured on train files only.

A labelled file is resolved whole and on random subsets of its incidents (25 % and 50 %, two seeds
each), so the same kind of news is seen at several densities (more look-alike incidents of one town
and week in the larger corpora). For each run it reports the articles, candidate pairs per article,
candidate pairs per link (the density `caselink.cluster.density_shift` reads), the candidate match
rate, the intercept (bits) that would best calibrate the run's match weights on its candidates, and
the ARI, with the density correction on (the default) and off.

    python benchmarks/density.py ../shared/data/gvc/train.jsonl ../data-splits/gva_pool_train.jsonl

Fit on train, check on dev: this is how the correction's reference and weight were chosen, never on
the dev files. A missing data file is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from scipy.optimize import minimize_scalar

from caselink import Config, read_records, resolve

sys.path.insert(0, str(Path(__file__).parent))
from quality import ari


def _best_intercept(weights: np.ndarray, is_match: np.ndarray) -> float:
    """The shift (bits) of the match weights that maximises the likelihood of the labels."""
    z = weights * math.log(2.0)

    def loss(shift: float) -> float:
        s = z + shift * math.log(2.0)
        return float(np.sum(np.logaddexp(0, -s) * is_match + np.logaddexp(0, s) * (1 - is_match)))

    return float(minimize_scalar(loss, bounds=(-12.0, 12.0), method="bounded").x)


def _run(rows: list[dict[str, Any]], config: Config) -> dict[str, Any]:
    gold = {str(r["id"]): str(r["incident_id"]) for r in rows}
    clean = [{k: v for k, v in r.items() if k not in ("incident_id", "gold", "meta")} for r in rows]
    resolution = resolve(read_records(clean), config)
    pairs = resolution.pairs
    weights = np.array([p.match_weight for p in pairs], dtype=np.float64)
    is_match = np.array([gold[p.a] == gold[p.b] for p in pairs], dtype=np.float64)
    links = sum(1 for p in pairs if p.probability >= config.cluster.threshold)
    off = attrs.evolve(config, cluster=attrs.evolve(config.cluster, density_weight=0.0))
    return {
        "articles": len(rows),
        "candidates_per_article": round(len(pairs) / max(len(rows), 1), 2),
        "candidates_per_link": round(len(pairs) / max(links, 1), 2),
        "match_rate": round(float(is_match.mean()) if pairs else 0.0, 3),
        "best_intercept_bits": round(_best_intercept(weights, is_match), 2) if pairs else None,
        "density_shift_bits": resolution.manifest.get("cluster", {}).get("density_shift_bits"),
        "ARI": round(ari(gold, resolution.assignments()), 4),
        "ARI_without_correction": round(
            ari(gold, resolve(read_records(clean), off).assignments()), 4
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path, nargs="+")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    config = Config()
    out: list[dict[str, Any]] = []
    for path in args.data:
        if not path.exists():
            print(json.dumps({"skipped": f"{path} not found"}))
            continue
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        incidents = sorted({str(r["incident_id"]) for r in rows})
        for fraction in args.fractions:
            for seed in args.seeds if fraction < 1.0 else [0]:
                keep = set(random.Random(seed).sample(incidents, int(len(incidents) * fraction)))
                subset = [r for r in rows if str(r["incident_id"]) in keep]
                result = {"data": str(path), "fraction": fraction, "seed": seed}
                out.append({**result, **_run(subset, config)})
                print(json.dumps(out[-1]), file=sys.stderr)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
