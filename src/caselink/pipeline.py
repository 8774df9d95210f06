"""`resolve`: the one orchestrator, composed only of the public stage functions.

    articles -> normalize -> extract, shingle -> block -> compare -> score -> cluster -> canonical

Every stage can also be run alone; this module only wires them together, times them and writes the
run manifest.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import platform
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from caselink import __version__
from caselink._parallel import parallel_batches, parallel_map
from caselink.blocking import block_candidates, blocking_stats, lsh_params
from caselink.canonical import build_cases
from caselink.cluster import cluster_incidents
from caselink.compare import compare_pairs, default_comparisons
from caselink.config import Config
from caselink.extract import extract_fields
from caselink.ingest import Ingested, read_records
from caselink.models import Article, Profile, Resolution
from caselink.normalize import clean_text, find_boilerplate
from caselink.score import MatchModel, default_model, score_pairs
from caselink.shingle import signature

__all__ = ["resolve"]

logger = logging.getLogger(__name__)

_DEPENDENCIES = ("attrs", "datasketch", "networkx", "numpy", "rapidfuzz", "scipy", "xxhash")


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 4)
        logger.info("stage %s took %.3f s", name, self.seconds[name])


def _versions() -> dict[str, str]:
    versions = {"caselink": __version__, "python": platform.python_version()}
    for name in _DEPENDENCIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def _pool(cfg: Config, desc: str) -> dict[str, Any]:
    """Keyword arguments of `parallel_map` for one stage: workers and progress from the config."""
    return {"workers": cfg.workers, "progress": cfg.progress, "desc": desc}


def resolve(
    articles: Ingested | Iterable[Article | Mapping[str, Any]],
    config: Config | None = None,
    *,
    model: MatchModel | None = None,
) -> Resolution:
    """Resolve articles into cases.

    Args:
        articles: the output of `read_articles`, or any iterable of `Article` objects or mappings
            (mappings are validated; bad ones become rejects).
        config: the run's configuration; the defaults work out of the box.
        model: a fitted scoring model; the built-in default model when omitted.

    Returns:
        The cases, the scored pairs behind them, the rejects and the run manifest.

    Examples:
        >>> res = resolve([
        ...     {"id": "a", "title": "PC Andrew Turner dismissed", "text": "The Met dismissed PC Andrew Turner."},
        ...     {"id": "b", "title": "Met officer sacked", "text": "PC Andrew Turner was dismissed by the Met."},
        ...     {"id": "c", "title": "Fire in Leeds", "text": "A fire broke out in Leeds."},
        ... ])
        >>> sorted(case.article_ids for case in res.cases)
        [('a', 'b'), ('c',)]
    """
    cfg = config or Config()
    timer = _Timer()
    with timer.stage("ingest"):
        batch = articles if isinstance(articles, Ingested) else read_records(articles)
        ordered = sorted(batch.articles, key=lambda a: a.id)
    with timer.stage("normalize"):
        boilerplate = find_boilerplate(ordered, cfg.normalize)
        cleaned = parallel_map(
            clean_text, ordered, shared=(boilerplate, cfg.normalize), **_pool(cfg, "normalize")
        )
    with timer.stage("extract"):
        fields = parallel_map(
            extract_fields, ordered, shared=(cfg.extract,), **_pool(cfg, "extract")
        )
    with timer.stage("shingle"):
        signatures = parallel_map(
            signature, cleaned, shared=(cfg.shingle,), **_pool(cfg, "shingle")
        )
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s)
        for a, f, s in zip(ordered, fields, signatures, strict=True)
    }
    with timer.stage("blocking"):
        candidates = block_candidates(list(profiles.values()), cfg.blocking)
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        vectors = parallel_batches(
            compare_pairs, candidates, shared=(profiles, cfg.compare), **_pool(cfg, "compare")
        )
    with timer.stage("score"):
        fitted = model or default_model({c.name: c.labels for c in comparisons}, cfg.score)
        scored = score_pairs(vectors, fitted)
    with timer.stage("cluster"):
        incidents = cluster_incidents([a.id for a in ordered], scored, cfg.cluster)
    with timer.stage("canonical"):
        by_id = {a.id: a for a in ordered}
        cases = build_cases(incidents, by_id, {f.article_id: f for f in fields}, cfg.canonical)
    case_of = {aid: case.case_id for case in cases for aid in case.article_ids}
    links = [
        p for p in scored if p.probability >= cfg.cluster.threshold and case_of[p.a] == case_of[p.b]
    ]
    bands, rows = lsh_params(cfg.blocking.lsh_threshold, cfg.shingle.num_perm)
    manifest = {
        "caselink_version": __version__,
        "config": cfg.to_dict(),
        "derived": {
            "lsh_bands": bands,
            "lsh_rows": rows,
            "boilerplate_sentences": boilerplate.size,
        },
        "model": fitted.to_dict(),
        "versions": _versions(),
        "counts": {
            "articles": len(ordered),
            "rejects": len(batch.rejects),
            "repeats": batch.repeats,
            "short_texts": sum(1 for c in cleaned if c.short),
            "candidate_pairs": len(candidates),
            "links": len(links),
            "cases": len(cases),
            "multi_article_cases": sum(1 for c in cases if len(c.article_ids) > 1),
        },
        "blocking": blocking_stats(candidates, len(ordered)),
        "timings_s": timer.seconds,
    }
    return Resolution(
        articles=ordered,
        fields=fields,
        cases=cases,
        pairs=scored,
        links=links,
        rejects=batch.rejects,
        manifest=manifest,
    )
