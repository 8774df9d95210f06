"""End-to-end scale benchmark: caselink against a plain datasketch pipeline on the same generated corpus.

    python benchmarks/scale.py --sizes 10000 100000 --workers 2 --corpus-dir /tmp/caselink-corpus
    python benchmarks/scale.py --sizes 10000 --engines local spark baseline

For every size it generates a corpus with `generate_corpus.py` (reused when already there), then runs
each engine in its own child process, one after the other, and prints one JSON document:

- ``local``: `caselink.resolve` on ``read_articles(path, lazy=True)`` (texts read from disk by the
  workers, as the CLI reads JSONL) with ``Config(workers=..., progress=False)``: articles/s, per-stage seconds
  (from the run manifest, plus reading the file), candidate pairs, peak RSS, ARI and pairwise
  precision/recall/F1 against the generator's gold labels;
- ``spark``: `caselink.spark.resolve` on ``local[workers]`` (same measures; RSS includes the JVM);
- ``baseline``: what a user would otherwise run, plain datasketch: word 3-gram shingles of title and
  text, ``MinHash.bulk`` with its defaults (128 permutations, SHA-1), ``MinHashLSH(threshold=0.5)``,
  connected components of the LSH candidate graph. Each article is queried before it is inserted, so
  every candidate pair is found once and no signature is kept after insertion.

Ratios (caselink / baseline) are reported for throughput, ARI and pairwise F1. Peak RSS
(``peak_rss_gib``) is the peak of the proportional set size (PSS) summed over the child process and its
descendants (workers, the JVM), sampled every second: forked workers share their parent's pages, which a
plain RSS sum (``peak_rss_sum_gib``, also reported) counts once per process. The kernel's high-water
marks (``ru_maxrss``) of the main process and of its largest worker are reported beside them, and so
are the CPU seconds of the main process and of its workers (``cpu_seconds``; the JVM's are not
included for Spark) and the machine's load average before and after each engine ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_corpus  # noqa: E402 - the sibling script, importable once HERE is on the path

_PAGE = os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------------------------------
# Quality: ARI and pairwise P/R/F1 from the contingency table (linear in the number of articles).


def _comb2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def partition_scores(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """ARI and pairwise precision/recall/F1 of ``predicted`` against ``gold`` over gold's articles."""
    ids = sorted(gold)
    g_index: dict[str, int] = {}
    p_index: dict[str, int] = {}
    g = np.fromiter((g_index.setdefault(gold[i], len(g_index)) for i in ids), dtype=np.int64)
    # An article missing from the prediction is its own cluster.
    p = np.fromiter(
        (p_index.setdefault(predicted.get(i, "\0" + i), len(p_index)) for i in ids), dtype=np.int64
    )
    cells = np.unique(g * (p.max() + 1) + p, return_counts=True)[1]
    same_both = _comb2(cells)
    same_gold = _comb2(np.bincount(g))
    same_pred = _comb2(np.bincount(p))
    total = len(ids) * (len(ids) - 1) / 2
    expected = same_gold * same_pred / total if total else 0.0
    maximum = (same_gold + same_pred) / 2
    ari = (same_both - expected) / (maximum - expected) if maximum != expected else 1.0
    precision = same_both / same_pred if same_pred else 1.0
    recall = same_both / same_gold if same_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "ARI": round(ari, 4),
        "pair_precision": round(precision, 4),
        "pair_recall": round(recall, 4),
        "pair_F1": round(f1, 4),
        "pred_clusters": len(p_index),
        "gold_clusters": len(g_index),
        "largest_pred_cluster": int(np.bincount(p).max()) if len(p) else 0,
        "largest_gold_cluster": int(np.bincount(g).max()) if len(g) else 0,
    }


def read_gold(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["id"]: row["incident_id"] for row in map(json.loads, handle)}


# --------------------------------------------------------------------------------------------------
# Engines (each runs in a child process and prints one JSON line).


def _local_config(workers: int) -> Any:
    """The local engine's config: ``--config`` (passed to the child as an environment variable)
    or the defaults, with ``workers`` and no progress bars."""
    import attrs

    from caselink import Config

    path = os.environ.get("CASELINK_SCALE_CONFIG")
    base = Config.from_file(path) if path else Config()
    return attrs.evolve(base, workers=workers, progress=False)


def run_local(corpus: Path, workers: int) -> dict[str, Any]:
    from caselink import read_articles, resolve

    started_at = time.time()
    start = time.perf_counter()
    # Texts stay on disk until the workers read them (as `caselink resolve` reads JSONL).
    batch = read_articles(corpus / "articles.jsonl", lazy=True)
    read_s = time.perf_counter() - start
    resolution = resolve(batch, _local_config(workers))
    seconds = time.perf_counter() - start
    assignments = resolution.assignments()
    manifest = resolution.manifest
    # Blocking against the gold labels (after the clock stops): what the candidates can reach.
    from caselink.blocking import blocking_stats

    candidates = resolution.pairs.candidates
    stats = blocking_stats(candidates, len(assignments), read_gold(corpus / "gold.jsonl"))
    return {
        "seconds": round(seconds, 2),
        "stage_seconds": {"read": round(read_s, 2), **manifest["timings_s"]},
        "started_at": started_at,
        "candidate_pairs": manifest["counts"]["candidate_pairs"],
        "blocking": {
            key: stats[key]
            for key in (
                "pairs_per_article",
                "pair_completeness",
                "pair_completeness_per_rule",
                "pairs_per_rule",
                "gold_cases_connected",
            )
        },
        "assignments": assignments,
    }


_SPARK_COUNTS = frozenset(
    ("articles", "boilerplate_sentences", "term_vocabulary", "candidate_pairs", "links")
)
"""Keys of `caselink.spark.resolve`'s ``stats`` that are counts, not seconds."""


def run_spark(corpus: Path, workers: int) -> dict[str, Any]:
    from pyspark.sql import SparkSession

    import caselink.spark
    from caselink import Config

    # Python workers must run this interpreter, where caselink is installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(f"local[{workers}]")
        .appName("caselink-scale")
        .config("spark.driver.memory", "6g")
        .config("spark.sql.shuffle.partitions", str(max(8, workers * 4)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    start = time.perf_counter()
    frame = spark.read.json(str(corpus / "articles.jsonl"), schema=caselink.spark.article_schema())
    stats: dict[str, float] = {}
    cases = caselink.spark.resolve(frame, Config(progress=False), stats=stats)
    assignments = {row["article_id"]: row["case_id"] for row in cases.toLocalIterator()}
    seconds = time.perf_counter() - start
    spark.stop()
    return {
        "seconds": round(seconds, 2),
        "stage_seconds": {k: round(v, 2) for k, v in stats.items() if k not in _SPARK_COUNTS},
        "candidate_pairs": int(stats.get("candidate_pairs", -1)),
        "counts": {k: int(v) for k, v in stats.items() if k in _SPARK_COUNTS},
        "assignments": assignments,
    }


def _baseline_docs(path: Path) -> Iterator[tuple[str, list[bytes]]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            words = f"{row.get('title') or ''} {row['text']}".lower().split()
            grams = {" ".join(words[i : i + 3]).encode("utf-8") for i in range(len(words) - 2)}
            yield row["id"], sorted(grams)


def run_baseline(corpus: Path, workers: int, chunk: int = 5_000) -> dict[str, Any]:
    del workers  # the plain pipeline is single-process, as users run it
    from datasketch import MinHash, MinHashLSH
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    ids: list[str] = []
    rows: list[int] = []
    cols: list[int] = []
    stage = {"minhash": 0.0, "lsh": 0.0}
    docs = _baseline_docs(corpus / "articles.jsonl")
    while True:
        block = [d for _, d in zip(range(chunk), docs, strict=False)]
        if not block:
            break
        t0 = time.perf_counter()
        hashes = MinHash.bulk([grams for _, grams in block])
        t1 = time.perf_counter()
        for (aid, _), minhash in zip(block, hashes, strict=True):
            position = len(ids)
            ids.append(aid)
            for other in lsh.query(minhash):
                rows.append(position)
                cols.append(other)
            lsh.insert(position, minhash, check_duplication=False)
        stage["minhash"] += t1 - t0
        stage["lsh"] += time.perf_counter() - t1
    t0 = time.perf_counter()
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(ids),) * 2)
    _n, labels = connected_components(graph, directed=False)
    stage["components"] = time.perf_counter() - t0
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "stage_seconds": {k: round(v, 2) for k, v in stage.items()},
        "candidate_pairs": len(rows),
        "assignments": {aid: str(label) for aid, label in zip(ids, labels, strict=True)},
    }


ENGINES = {"local": run_local, "spark": run_spark, "baseline": run_baseline}


def child_main(engine: str, corpus: Path, workers: int) -> None:
    result = ENGINES[engine](corpus, workers)
    assignments = result.pop("assignments")
    with (corpus / f"assignments-{engine}.jsonl").open("w", encoding="utf-8") as handle:
        for aid in sorted(assignments):
            handle.write(json.dumps([aid, assignments[aid]]) + "\n")
    result["quality"] = partition_scores(read_gold(corpus / "gold.jsonl"), assignments)
    # CPU time of this process and its reaped workers: fairer than wall time on a shared machine.
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    result["cpu_seconds"] = {
        "main": round(own.ru_utime + own.ru_stime, 1),
        "workers": round(children.ru_utime + children.ru_stime, 1),
    }
    # The kernel's high-water marks (KiB on Linux): this process, and its largest reaped child.
    result["maxrss_gib"] = {
        "main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3),
        "largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20, 3),
    }
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------------
# Parent: corpus, child processes, memory sampling, ratios.


def _pss(pid: int) -> int | None:
    """Proportional set size of one process in bytes (shared pages split between their users)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _descendants(root: int) -> set[int]:
    """``root`` and every process below it, from /proc/PID/task/TID/children (no full /proc scan)."""
    tree: set[int] = set()
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in tree:
            continue
        tree.add(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        return 0


def _tree_memory(root: int) -> tuple[int, int]:
    """(summed RSS, summed PSS) in bytes of ``root`` and all its descendants (Linux /proc).

    Forked workers share the parent's pages copy-on-write, so summed RSS counts those pages once
    per process; PSS splits them and is the honest total.
    """
    tree = _descendants(root)
    total_rss = sum(_rss(pid) for pid in tree)
    total_pss = sum(_pss(pid) or _rss(pid) for pid in tree)
    return total_rss, total_pss


def run_child(engine: str, corpus: Path, workers: int, timeout: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", engine, "--corpus", str(corpus)]
    command += ["--workers", str(workers)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    peak_rss_sum = 0
    timeline: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_rss_sum
        while not done.is_set():
            rss_sum, pss_sum = _tree_memory(process.pid)
            peak, peak_rss_sum = max(peak, pss_sum), max(peak_rss_sum, rss_sum)
            timeline.append((time.time(), pss_sum))
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        done.set()
        return {"error": f"timed out after {timeout:.0f} s", "peak_rss_gib": round(peak / 2**30, 2)}
    finally:
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    if process.returncode != 0:
        return {
            "error": f"exit status {process.returncode}",
            "peak_rss_gib": round(peak / 2**30, 2),
        }
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds_with_startup"] = round(wall, 2)
    result["peak_rss_gib"] = round(peak / 2**30, 3)
    result["peak_rss_sum_gib"] = round(peak_rss_sum / 2**30, 3)
    result["peak_pss_by_stage_gib"] = _stage_peaks(result, timeline)
    return result


def _stage_peaks(result: dict[str, Any], timeline: list[tuple[float, int]]) -> dict[str, float]:
    """The process tree's peak PSS within each stage (to the second; engines that say when they began)."""
    if "started_at" not in result:
        return {}
    peaks = {}
    lo = float(result.pop("started_at"))
    for name, seconds in result.get("stage_seconds", {}).items():
        hi = lo + float(seconds)
        inside = [pss for t, pss in timeline if lo <= t <= hi + 1.0]
        if inside:
            peaks[name] = round(max(inside) / 2**30, 2)
        lo = hi
    return peaks


def ensure_corpus(directory: Path, size: int, seed: int) -> dict[str, Any]:
    target = directory / f"corpus-{size}-seed{seed}"
    summary_file = target / "summary.json"
    if summary_file.is_file():
        summary: dict[str, Any] = json.loads(summary_file.read_text(encoding="utf-8"))
        return summary
    summary = generate_corpus.write_corpus(size, seed, target)
    summary_file.write_text(json.dumps(summary) + "\n", encoding="utf-8")
    return summary


def _partition(path: Path) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for aid, cid in map(json.loads, handle):
            groups.setdefault(cid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * _PAGE / 2**30, 1),
        },
        "workers": args.workers,
        "seed": args.seed,
        "runs": [],
    }
    for size in args.sizes:
        corpus = ensure_corpus(args.corpus_dir, size, args.seed)
        run: dict[str, Any] = {"articles": size, "corpus": corpus}
        for engine in args.engines:
            print(f"scale: {engine} on {size} articles ...", file=sys.stderr, flush=True)
            load_before = os.getloadavg()
            result = run_child(engine, Path(corpus["out"]), args.workers, args.timeout)
            # Other jobs on the machine slow every engine; the load says how much.
            result["load_average"] = {
                "before": [round(x, 2) for x in load_before],
                "after": [round(x, 2) for x in os.getloadavg()],
            }
            if "seconds" in result:
                result["articles_per_s"] = round(size / result["seconds"], 1)
                result["us_per_article"] = round(1e6 * result["seconds"] / size, 1)
            run[engine] = result
            print(f"scale: {engine}: {json.dumps(result)}", file=sys.stderr, flush=True)
        if "seconds" in run.get("local", {}) and "seconds" in run.get("spark", {}):
            folder = Path(corpus["out"])
            run["spark_partition_equals_local"] = _partition(
                folder / "assignments-spark.jsonl"
            ) == _partition(folder / "assignments-local.jsonl")
        base = run.get("baseline", {})
        for engine in ("local", "spark"):
            mine = run.get(engine, {})
            if "seconds" in mine and "seconds" in base:
                run[f"{engine}_vs_baseline"] = {
                    "throughput_ratio": _ratio(mine["articles_per_s"], base["articles_per_s"]),
                    "ARI_difference": round(mine["quality"]["ARI"] - base["quality"]["ARI"], 4),
                    "pair_F1_ratio": _ratio(mine["quality"]["pair_F1"], base["quality"]["pair_F1"]),
                    "peak_rss_ratio": _ratio(mine["peak_rss_gib"], base["peak_rss_gib"]),
                }
        report["runs"].append(run)
    _growth(report)
    return report


def _growth(report: dict[str, Any]) -> None:
    """Time per article at the largest size relative to the one before (the cost-growth target)."""
    sized = [r for r in report["runs"] if "us_per_article" in r.get("local", {})]
    if len(sized) >= 2:
        small, large = sized[-2], sized[-1]
        report["cost_growth"] = {
            "from": small["articles"],
            "to": large["articles"],
            "time_per_article_ratio": _ratio(
                large["local"]["us_per_article"], small["local"]["us_per_article"]
            ),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--engines", nargs="+", default=["local", "baseline"], choices=ENGINES)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus-dir", type=Path, default=Path("/tmp/caselink-corpus"))
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per engine run")
    parser.add_argument("--out", type=Path, help="also write the JSON report here")
    parser.add_argument(
        "--config", type=Path, help="a caselink config file (TOML/JSON) for the local engine"
    )
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.config:
        # The engines run in child processes, which inherit the environment.
        os.environ["CASELINK_SCALE_CONFIG"] = str(args.config.resolve())
    if args.child:
        child_main(args.child, args.corpus, args.workers)
        return 0
    report = benchmark(args)
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
