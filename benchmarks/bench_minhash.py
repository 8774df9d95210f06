"""MinHash speed and index size: caselink vs plain datasketch defaults, same run, same generated corpus.

Measures, on one core (CPU time of this process, so other load on the machine does not count):

* signatures per second for ~3 KB articles: `caselink.shingle.signature_matrix` (word 3-grams, fast64
  hash, affine32) vs plain datasketch (`MinHash.bulk` with its default SHA-1 hash over the same
  shingles);
* streaming query-then-insert per second at threshold 0.5: `CandidateIndex.add` in batches vs
  datasketch `MinHashLSH(threshold=0.5)` with one `query` and one `insert` per article;
* resident bytes per article: caselink's index at ``--index-size`` articles (array bytes plus an
  estimate for ids), and both indexes under tracemalloc at ``--compare-size`` articles;
* the full index with synthetic 50-term rare-term vectors (speed, pairs and bytes per article).

    python benchmarks/bench_minhash.py              # full run (100k-article index)
    python benchmarks/bench_minhash.py --quick      # smaller sizes, for a smoke test
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import time
import tracemalloc

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from caselink.blocking import CandidateIndex, lsh_params
from caselink.config import BlockingConfig, ShingleConfig
from caselink.models import ArticleFields, Profile, Signature
from caselink.shingle import shingles, signature_matrix

_DAY0 = dt.date(2020, 1, 1)


def make_corpus(n: int, seed: int = 7, target_chars: int = 3000) -> list[str]:
    """Zipf-distributed words over a 60k vocabulary; one article in ten is an edited copy of another."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = np.array(
        ["".join(rng.choice(letters, size=int(k))) for k in rng.integers(2, 11, 60_000)]
    )
    words_per_doc = target_chars // 4
    docs: list[str] = []
    for i in range(n):
        if i > 10 and rng.random() < 0.1:
            words = docs[int(rng.integers(0, i))].split(" ")
            for pos in rng.choice(len(words), size=len(words) // 10, replace=False):
                words[pos] = str(vocab[int(rng.integers(0, vocab.size))])
            docs.append(" ".join(words))
            continue
        ids = np.minimum(rng.zipf(1.2, size=words_per_doc), vocab.size) - 1
        text = " ".join(vocab[ids].tolist()).capitalize()
        docs.append(text[: text.rfind(" ", 0, target_chars)] + ".")
    return docs


def bench_signatures(docs: list[str], ds_docs: int) -> dict[str, float]:
    cfg = ShingleConfig()
    signature_matrix(docs[:50], cfg)
    start = time.process_time()
    signature_matrix(docs, cfg)
    ours = len(docs) / (time.process_time() - start)
    subset = docs[:ds_docs]
    start = time.process_time()
    sets = [[s.encode("utf-8") for s in shingles(d, cfg)] for d in subset]
    MinHash.bulk(sets, num_perm=cfg.num_perm)
    plain = len(subset) / (time.process_time() - start)
    return {
        "mean_article_chars": round(float(np.mean([len(d) for d in docs])), 1),
        "caselink_docs_per_s": round(ours, 1),
        "datasketch_docs_per_s": round(plain, 1),
        "ratio": round(ours / plain, 2),
    }


def _terms(n: int, seed: int = 11, k: int = 50) -> list[tuple[tuple[str, float], ...]]:
    """Synthetic rare-term vectors: k terms drawn from a 500k vocabulary, unit norm."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        ids = np.unique(rng.integers(0, 500_000, size=k))
        weights = rng.random(ids.size) + 0.1
        weights /= np.linalg.norm(weights)
        out.append(tuple((f"t{t}", round(float(w), 6)) for t, w in zip(ids, weights, strict=True)))
    return out


def _profiles(docs: list[str], *, with_terms: bool = False) -> list[Profile]:
    matrix, counts = signature_matrix(docs)
    rows = matrix.astype("<u4", copy=False)
    terms = _terms(len(docs)) if with_terms else [()] * len(docs)
    out = []
    for i in range(len(docs)):
        aid = f"a{i:07d}"
        sig = Signature(aid, rows[i].tobytes(), int(counts[i]))
        day = _DAY0 + dt.timedelta(days=i // 300)
        out.append(Profile(aid, day, None, ArticleFields(aid), sig, terms[i]))
    return out


def bench_streaming(profiles: list[Profile], ds_docs: int, batch: int) -> dict[str, float]:
    cfg = BlockingConfig(lsh_threshold=0.5)
    index = CandidateIndex(cfg)
    found = 0
    start = time.process_time()
    for lo in range(0, len(profiles), batch):
        found += len(index.add(profiles[lo : lo + batch]))
    ours = len(profiles) / (time.process_time() - start)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = [np.frombuffer(p.signature.hashvalues, dtype="<u4") for p in profiles[:ds_docs]]
    lean = [LeanMinHash(seed=1, hashvalues=h.astype(np.uint64), scheme="affine32") for h in hashes]
    ds_found = 0
    start = time.process_time()
    for i, m in enumerate(lean):
        ds_found += len(lsh.query(m))
        lsh.insert(str(i), m)
    plain = len(lean) / (time.process_time() - start)
    return {
        "threshold": 0.5,
        "caselink_bands_rows": list(lsh_params(0.5, 128)),
        "datasketch_bands_rows": [int(lsh.b), int(lsh.r)],
        "batch_size": batch,
        "caselink_docs_per_s": round(ours, 1),
        "datasketch_docs_per_s": round(plain, 1),
        "ratio": round(ours / plain, 2),
        "caselink_pairs": found,
        "datasketch_raw_candidates_first_n": ds_found,
    }


def _traced(build) -> int:  # type: ignore[no-untyped-def]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del keep
    return after - before


def bench_with_terms(profiles: list[Profile], batch: int) -> dict[str, object]:
    """The full index (LSH, term postings, dates) with 50-term vectors per article."""
    index = CandidateIndex(BlockingConfig(lsh_threshold=0.5))
    found = 0
    start = time.process_time()
    for lo in range(0, len(profiles), batch):
        found += len(index.add(profiles[lo : lo + batch]))
    seconds = time.process_time() - start
    parts = index.nbytes
    return {
        "articles": len(profiles),
        "terms_per_article": 50,
        "docs_per_s": round(len(profiles) / seconds, 1),
        "pairs_per_article": round(found / len(profiles), 2),
        "bytes_per_article": round(sum(parts.values()) / len(profiles), 1),
        "parts_per_article": {k: round(v / len(profiles), 1) for k, v in parts.items()},
    }


def bench_memory(profiles: list[Profile], compare: int) -> dict[str, object]:
    cfg = BlockingConfig(lsh_threshold=0.5)
    index = CandidateIndex(cfg)
    for lo in range(0, len(profiles), 5000):
        index.add(profiles[lo : lo + 5000])
    parts = index.nbytes
    subset = profiles[:compare]

    def build_ours() -> CandidateIndex:
        small = CandidateIndex(cfg)
        small.add(subset)
        return small

    def build_datasketch() -> MinHashLSH:
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        for p in subset:
            h = np.frombuffer(p.signature.hashvalues, dtype="<u4").astype(np.uint64)
            lsh.insert(p.article_id, LeanMinHash(seed=1, hashvalues=h, scheme="affine32"))
        return lsh

    ours_traced = _traced(build_ours) / len(subset)
    plain_traced = _traced(build_datasketch) / len(subset)
    return {
        "articles": len(profiles),
        "caselink_bytes_per_article": round(sum(parts.values()) / len(profiles), 1),
        "caselink_parts_per_article": {k: round(v / len(profiles), 1) for k, v in parts.items()},
        "traced_articles": len(subset),
        "caselink_traced_bytes_per_article": round(ours_traced, 1),
        "datasketch_traced_bytes_per_article": round(plain_traced, 1),
        "ratio_datasketch_to_caselink": round(plain_traced / ours_traced, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--index-size", type=int, default=100_000)
    parser.add_argument("--compare-size", type=int, default=10_000)
    args = parser.parse_args(argv)
    n_index = 5_000 if args.quick else args.index_size
    n_compare = 1_000 if args.quick else args.compare_size
    docs = make_corpus(max(n_index, n_compare))
    result: dict[str, object] = {"python": sys.version.split()[0]}
    result["signatures"] = bench_signatures(
        docs[: min(len(docs), 20_000)], ds_docs=min(2_000, n_compare)
    )
    profiles = _profiles(docs)
    result["streaming_query_then_insert"] = bench_streaming(
        profiles[:n_index], ds_docs=n_compare, batch=1_000
    )
    result["resident_index"] = bench_memory(profiles[:n_index], n_compare)
    del profiles
    result["index_with_term_vectors"] = bench_with_terms(
        _profiles(docs[:n_index], with_terms=True), batch=1_000
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
