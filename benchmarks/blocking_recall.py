"""Blocking quality on a labelled JSONL file: pair completeness, pairs per article and per rule.

Runs the pipeline's own stages up to blocking (normalize, extract, shingle, terms, block) with the
default config (or a JSON config) and prints `blocking_stats` as JSON, with the stage timings.

    python benchmarks/blocking_recall.py ../shared/data/gvc/dev.jsonl
    python benchmarks/blocking_recall.py /work/data-splits/gva_pool_dev.jsonl --stream-batch 500
    python benchmarks/blocking_recall.py /tmp/caselink-corpus/corpus-100000-seed1/articles.jsonl \
        --gold /tmp/caselink-corpus/corpus-100000-seed1/gold.jsonl

Pair completeness is also given by the days between the two articles of each gold pair (follow-ups
weeks later are the hard part as a corpus grows).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from caselink.blocking import (
    CandidateIndex,
    block_candidates,
    block_counts,
    blocking_stats,
    lsh_params,
)
from caselink.config import Config
from caselink.extract import extract_fields
from caselink.models import Article, CandidatePair, Profile
from caselink.normalize import clean_text, find_boilerplate
from caselink.shingle import signatures
from caselink.terms import fit_terms, term_vectors

_INPUT_KEYS = ("id", "title", "text", "published", "source", "url")


def load(path: Path, gold_path: Path | None = None) -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    if gold_path is not None:
        with gold_path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    gold[str(row["id"])] = str(row["incident_id"])
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            article = Article.from_mapping({k: row.get(k) for k in _INPUT_KEYS if k in row})
            articles.append(article)
            if gold_path is None:
                gold[article.id] = str(row["incident_id"])
    return articles, gold


def streaming_check(
    profiles: list[Profile], config: Config, batch: int, pairs: list[CandidatePair]
) -> dict[str, object]:
    """Feed the profiles in shuffled batches to a CandidateIndex and compare with the batch run."""
    import random

    order = list(profiles)
    random.Random(0).shuffle(order)
    index = CandidateIndex(config.blocking, counts=block_counts(profiles, config.blocking))
    start = time.perf_counter()
    streamed = []
    for lo in range(0, len(order), batch):
        streamed.extend(index.add(order[lo : lo + batch]))
    seconds = time.perf_counter() - start
    return {
        "batch_size": batch,
        "batches": (len(order) + batch - 1) // batch,
        "union_equals_batch": sorted(streamed) == pairs,
        "seconds": round(seconds, 3),
    }


_GAPS = ((0, 1), (2, 7), (8, 13), (14, 31), (32, 63), (64, 127), (128, None))


def completeness_by_gap(
    profiles: list[Profile], gold: dict[str, str], pairs: list[CandidatePair]
) -> dict[str, dict[str, float]]:
    """Share of gold pairs, and the candidates' completeness, by days between the two articles."""
    found = {p.key for p in pairs}
    members: dict[str, list[Profile]] = {}
    for profile in profiles:
        members.setdefault(gold[profile.article_id], []).append(profile)
    totals = dict.fromkeys(_GAPS, 0)
    hits = dict.fromkeys(_GAPS, 0)
    for group in members.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                if x.published is None or y.published is None:
                    continue
                gap = abs((x.published - y.published).days)
                span = next(s for s in _GAPS if s[0] <= gap and (s[1] is None or gap <= s[1]))
                totals[span] += 1
                hits[span] += (
                    min(x.article_id, y.article_id),
                    max(x.article_id, y.article_id),
                ) in found
    all_pairs = sum(totals.values()) or 1
    return {
        f"{lo}-{hi if hi is not None else ''}": {
            "share_of_gold": round(totals[(lo, hi)] / all_pairs, 3),
            "completeness": round(hits[(lo, hi)] / totals[(lo, hi)], 3)
            if totals[(lo, hi)]
            else 1.0,
        }
        for lo, hi in _GAPS
    }


def run(
    path: Path, config: Config, stream_batch: int | None = None, gold_path: Path | None = None
) -> dict[str, object]:
    articles, gold = load(path, gold_path)
    ordered = sorted(articles, key=lambda a: a.id)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    boilerplate = find_boilerplate(ordered, config.normalize)
    cleaned = [clean_text(a, boilerplate, config.normalize) for a in ordered]
    timings["normalize"] = time.perf_counter() - start
    start = time.perf_counter()
    fields = [extract_fields(a, config.extract) for a in ordered]
    timings["extract"] = time.perf_counter() - start
    start = time.perf_counter()
    sigs = signatures(cleaned, config.shingle)
    timings["shingle"] = time.perf_counter() - start
    start = time.perf_counter()
    model = fit_terms(cleaned, config.terms)
    vectors = term_vectors(cleaned, model, titles=[a.title for a in ordered])
    timings["terms"] = time.perf_counter() - start
    profiles = [
        Profile(a.id, a.published, a.source, f, s, v)
        for a, f, s, v in zip(ordered, fields, sigs, vectors, strict=True)
    ]
    start = time.perf_counter()
    pairs = block_candidates(profiles, config.blocking)
    timings["blocking"] = time.perf_counter() - start
    stats = blocking_stats(pairs, len(ordered), gold)
    extra: dict[str, object] = {
        "completeness_by_gap_days": completeness_by_gap(profiles, gold, pairs)
    }
    if stream_batch:
        extra["streaming"] = streaming_check(profiles, config, stream_batch, pairs)
    return {
        "file": str(path),
        "lsh_bands_rows": lsh_params(config.blocking.lsh_threshold, config.shingle.num_perm),
        "short_texts": sum(1 for c in cleaned if c.short),
        "boilerplate_sentences": boilerplate.size,
        **stats,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        **extra,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="+", type=Path, help="labelled JSONL files (with incident_id)"
    )
    parser.add_argument("--config", type=Path, help="a caselink config file (JSON or TOML)")
    parser.add_argument(
        "--gold", type=Path, help="labels as JSONL of {id, incident_id} (generated corpora)"
    )
    parser.add_argument(
        "--stream-batch",
        type=int,
        default=0,
        help="also feed shuffled batches of this size to a CandidateIndex and check the union",
    )
    args = parser.parse_args(argv)
    config = Config.from_file(args.config) if args.config else Config()
    results = []
    for path in args.files:
        if not path.is_file():
            print(json.dumps({"file": str(path), "skipped": "file not found"}))
            continue
        results.append(run(path, config, args.stream_batch, args.gold))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
