"""End-to-end quality on a labelled JSONL file, printed (and optionally written) as JSON.

Runs `caselink.resolve` on the articles with every label stripped (``incident_id``, ``gold`` and
``meta`` are removed before the pipeline sees a line), then scores the cases against the labels:
ARI, pairwise P/R/F1, B-cubed P/R/F1, V-measure, candidate pairs, pair completeness (the share of
same-incident pairs that blocking proposed), the largest predicted against the largest gold case,
peak RSS and seconds. The same scored pairs are also clustered by plain connected components (the
obvious alternative) and its ARI is reported beside ours with the ratio.

    python benchmarks/quality.py ../shared/data/gvc/dev.jsonl
    python benchmarks/quality.py ../data-splits/gva_pool_dev.jsonl --out gva_dev.json --config cfg.toml

A missing data file is skipped with a message (exit status 0), so the benchmark runs on a fresh clone.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import attrs

from caselink import Config, read_records, resolve
from caselink.cluster import cluster_incidents
from caselink.evaluate import adjusted_rand_index, b_cubed, pairwise, v_measure


def _comb2(n: int) -> int:
    return n * (n - 1) // 2


def scores(gold: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    """Every cluster metric of a prediction, rounded."""
    pw, b3, vm = pairwise(gold, pred), b_cubed(gold, pred), v_measure(gold, pred)
    values = {
        "ARI": adjusted_rand_index(gold, pred),
        "pair_P": pw["precision"],
        "pair_R": pw["recall"],
        "pair_F1": pw["f1"],
        "B3_P": b3["precision"],
        "B3_R": b3["recall"],
        "B3_F1": b3["f1"],
        "homogeneity": vm["homogeneity"],
        "completeness": vm["completeness"],
        "V": vm["v_measure"],
    }
    return {k: round(x, 4) for k, x in values.items()}


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def run(path: Path, config: Config) -> dict[str, Any]:
    """Resolve the labelled file with labels stripped and score the result."""
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    gold = {str(r["id"]): str(r["incident_id"]) for r in rows}
    for row in rows:
        for key in ("incident_id", "gold", "meta"):
            row.pop(key, None)
    start = time.perf_counter()
    resolution = resolve(read_records(rows), config)
    seconds = time.perf_counter() - start
    pred = resolution.assignments()
    missing = sorted(set(gold) - set(pred))
    pred.update({aid: f"missing:{aid}" for aid in missing})

    same_incident = Counter(gold.values())
    n_gold_pairs = sum(_comb2(v) for v in same_incident.values())
    found = sum(
        1 for p in resolution.pairs if p.a in gold and p.b in gold and gold[p.a] == gold[p.b]
    )

    baseline_cfg = attrs.evolve(
        config.cluster,
        method="components",
        bridge_threshold=config.cluster.threshold,
        cannot_link=(),
        conflict_levels=(),
        max_component_size=max(2, len(gold)),
        density_weight=0.0,
    )
    base_incidents = cluster_incidents(
        [a.id for a in resolution.articles], resolution.pairs, baseline_cfg
    )
    base_pred = {a: i.incident_id for i in base_incidents for a in i.article_ids}
    base_pred.update({aid: f"missing:{aid}" for aid in missing})
    ours = scores(gold, pred)
    base = scores(gold, base_pred)
    pred_sizes = Counter(pred[d] for d in gold)
    return {
        "data": str(path),
        "articles": len(gold),
        "gold_cases": len(same_incident),
        "predicted_cases": len(pred_sizes),
        **ours,
        "largest_gold_case": max(same_incident.values()),
        "largest_predicted_case": max(pred_sizes.values()),
        "largest_ratio": round(max(pred_sizes.values()) / max(same_incident.values()), 2),
        "candidate_pairs": len(resolution.pairs),
        "pair_completeness": round(found / n_gold_pairs, 4) if n_gold_pairs else 1.0,
        "missing_from_prediction": len(missing),
        "seconds": round(seconds, 2),
        "peak_rss_mib": _peak_rss_mib(),
        "baseline_connected_components": base,
        "ari_ratio_vs_components": round(ours["ARI"] / base["ARI"], 2) if base["ARI"] > 0 else None,
        "cluster": resolution.manifest.get("cluster", {}),
        "timings_s": resolution.manifest.get("timings_s", {}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="End-to-end clustering quality on labelled JSONL.")
    parser.add_argument("data", type=Path, help="labelled JSONL (id, text, ..., incident_id)")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument("--config", type=Path, help="a caselink config file (.json or .toml)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(
            json.dumps({"skipped": f"data file {str(args.data)!r} not found; nothing to measure"})
        )
        return 0
    config = Config.from_file(args.config) if args.config else Config()
    report = run(args.data, config)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
