"""Where the pair errors of a labelled file come from, printed as JSON.

Runs `caselink.resolve` with the default config (or ``--config``) on the file with its labels
stripped, then sorts every pair of articles that the prediction gets wrong:

- **missed** (same gold incident, predicted apart): *not a candidate* (blocking never proposed
  it), *scored below link* (probability under ``cluster.threshold``) or *linked but split*; each
  also by whether the two articles sit in the same link component (connected by links above the
  threshold), i.e. whether average linkage, the cannot-links or the missing-pair penalty split
  them, or no chain of links ever joined them. Pairs a cannot-link rule forbids are counted too.
- **false merges** (different incidents, predicted together): linked, scored below link, or
  never compared (joined through other articles).

For the missed pairs scored below link it counts the comparison levels that took more than half
a bit off, and the median match weight; for the linked false merges the levels that added more
than half a bit. For every gold incident split inside one link component it lists the predicted
pieces and the average match weight between them as average linkage sees it (pairs never scored
at ``cluster.missing_weight``).

    python benchmarks/pair_errors.py ../shared/data/ecbplus/train.jsonl
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from caselink import Config, read_records, resolve
from caselink.cluster import conflict_keys, find_conflict, pair_bits
from caselink.evaluate import adjusted_rand_index, pairwise


def _components(
    ids: list[str], row_of: dict[str, int], pairs: dict[tuple[str, str], Any], threshold: float
) -> Any:
    """The link component of each article (pairs at ``threshold`` or above are links)."""
    links = [(row_of[a], row_of[b]) for (a, b), p in pairs.items() if p.probability >= threshold]
    if not links:
        return np.arange(len(ids))
    x, y = (np.array(v, dtype=np.int64) for v in zip(*links, strict=True))
    graph = coo_matrix((np.ones(x.size), (x, y)), shape=(len(ids), len(ids)))
    return connected_components(graph, directed=False)[1]


def run(path: Path, config: Config) -> dict[str, Any]:
    """Resolve the file with labels stripped and sort its pair errors (see the module docstring)."""
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    gold = {str(r["id"]): str(r["incident_id"]) for r in rows}
    for row in rows:
        for key in ("incident_id", "gold", "meta"):
            row.pop(key, None)
    resolution = resolve(read_records(rows), config)
    pred = resolution.assignments()
    pairs = {p.key: p for p in resolution.pairs}
    threshold = config.cluster.threshold
    ids = sorted(gold)
    row_of = {a: i for i, a in enumerate(ids)}
    component = _components(ids, row_of, pairs, threshold)
    keys = {f.article_id: conflict_keys(f) for f in resolution.fields}
    missed: Counter[str] = Counter()
    pulled_down: Counter[str] = Counter()
    below: list[float] = []
    merged: Counter[str] = Counter()
    pushed_up: Counter[str] = Counter()
    for a, b in itertools.combinations(ids, 2):
        same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
        pair = pairs.get((a, b))
        if same_gold and not same_pred:
            where = "same component" if component[row_of[a]] == component[row_of[b]] else "apart"
            if pair is None:
                kind = "not a candidate"
            elif pair.probability < threshold:
                kind = "scored below link"
                below.append(pair.match_weight)
                pulled_down.update(
                    f"{c.name}:{c.label}" for c in pair.contributions if c.weight < -0.5
                )
            else:
                kind = "linked but split"
            missed[f"{kind} ({where})"] += 1
            if a in keys and b in keys and find_conflict(keys[a], keys[b], config.cluster):
                missed["of which cannot-linked"] += 1
        elif same_pred and not same_gold:
            if pair is None:
                merged["never compared"] += 1
            elif pair.probability < threshold:
                merged["scored below link"] += 1
            else:
                merged["linked"] += 1
                pushed_up.update(
                    f"{c.name}:{c.label}" for c in pair.contributions if c.weight > 0.5
                )
    pw = pairwise(gold, pred)
    return {
        "data": str(path),
        "ARI": round(adjusted_rand_index(gold, pred), 4),
        "pair_P": round(pw["precision"], 4),
        "pair_R": round(pw["recall"], 4),
        "missed_pairs": sum(v for k, v in missed.items() if not k.startswith("of which")),
        "missed": dict(missed.most_common()),
        "missed_below_link_median_weight": round(statistics.median(below), 2) if below else None,
        "missed_below_link_pulled_down_by": dict(pulled_down.most_common(12)),
        "false_merged_pairs": sum(merged.values()),
        "false_merges": dict(merged.most_common()),
        "false_links_pushed_up_by": dict(pushed_up.most_common(12)),
        "split_inside_components": _splits(
            ids, gold=gold, pred=pred, component=component, pairs=pairs, config=config
        ),
    }


def _splits(
    ids: list[str],
    *,
    gold: dict[str, str],
    pred: dict[str, str],
    component: Any,
    pairs: dict[tuple[str, str], Any],
    config: Config,
) -> list[dict[str, Any]]:
    """Gold incidents split inside one link component: the pieces and the average between them."""
    members: defaultdict[int, list[str]] = defaultdict(list)
    for i, aid in enumerate(ids):
        members[int(component[i])].append(aid)
    out = []
    for articles in members.values():
        pieces: defaultdict[str, list[str]] = defaultdict(list)
        for aid in articles:
            pieces[pred[aid]].append(aid)
        ordered = sorted(pieces.values())
        between = []
        for i, j in itertools.combinations(range(len(ordered)), 2):
            xs, ys = ordered[i], ordered[j]
            if not any(gold[x] == gold[y] for x in xs for y in ys):
                continue
            weights = []
            for x in xs:
                for y in ys:
                    pair = pairs.get((min(x, y), max(x, y)))
                    weights.append(
                        float(pair_bits(np.array([pair.probability]))[0])
                        if pair is not None
                        else config.cluster.missing_weight
                    )
            between.append({"pieces": [i, j], "average_bits": round(float(np.mean(weights)), 2)})
        if between:
            out.append(
                {
                    "component_size": len(articles),
                    "pieces": [dict(Counter(gold[a] for a in piece)) for piece in ordered],
                    "between": between,
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sort the pair errors of a labelled JSONL file.")
    parser.add_argument("data", type=Path, help="labelled JSONL (id, text, ..., incident_id)")
    parser.add_argument("--config", type=Path, help="a caselink config file (.json or .toml)")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(json.dumps({"skipped": f"data file {str(args.data)!r} not found"}))
        return 0
    config = Config.from_file(args.config) if args.config else Config()
    print(json.dumps(run(args.data, config), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
