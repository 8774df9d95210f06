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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from caselink import __version__
from caselink._parallel import parallel_map
from caselink._progress import track
from caselink._types import ArticleId
from caselink.blocking import block_candidates, blocking_stats, lsh_params
from caselink.canonical import build_cases
from caselink.cluster import cluster_articles
from caselink.compare import (
    Comparison,
    ComparisonMatrix,
    compare_batch,
    compare_pair,
    default_comparisons,
    encode,
    term_frequencies,
)
from caselink.config import Config
from caselink.extract import extract_fields
from caselink.ingest import Ingested, read_records
from caselink.models import (
    Article,
    CandidatePair,
    Contribution,
    Profile,
    Resolution,
    ScoredPair,
)
from caselink.normalize import clean_text, find_boilerplate
from caselink.score import (
    MatchModel,
    default_model,
    fit_run_model,
    random_pairs,
    score_matrix,
    score_pairs,
    tf_references,
)
from caselink.shingle import signature_scheme, signatures
from caselink.terms import fit_terms, term_vectors

__all__ = ["LinkedProfiles", "link_profiles", "resolve"]

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


_DETAIL_FLOOR = 0.25
"""Pairs scored at least this probable get the values behind each level in their explanations
(the one-pair reference path costs about 100 times the batch path, so it is kept for the pairs a
reader is likely to ask about); others are explained by level labels."""


def _scored_pairs(
    candidates: Sequence[CandidatePair],
    profiles: Mapping[ArticleId, Profile],
    comparisons: Sequence[Comparison],
    matrix: ComparisonMatrix,
    *,
    model: MatchModel,
    frequencies: Mapping[str, Mapping[str, float]],
    cfg: Config,
) -> list[ScoredPair]:
    """Score every candidate with the batch path, attaching details to the pairs worth explaining.

    Pairs at or above `_DETAIL_FLOOR` go through the one-pair reference as well, which gives the
    same numbers plus the values that decided each level.
    """
    scores = score_matrix(
        matrix.names,
        matrix.levels,
        model,
        frequencies=matrix.frequencies,
        references=tf_references(frequencies),
        config=cfg.score,
    )
    explain = np.flatnonzero(scores.probability >= _DETAIL_FLOOR).tolist()
    vectors = [
        compare_pair(
            profiles[candidates[k].a], profiles[candidates[k].b], comparisons, candidates[k].rules
        )
        for k in track(explain, desc="explain", total=len(explain), progress=cfg.progress)
    ]
    detailed = dict(zip(explain, score_pairs(vectors, model, frequencies, cfg.score), strict=True))
    labels = [c.labels for c in comparisons]
    out = []
    for k, pair in enumerate(candidates):
        found = detailed.get(k)
        if found is not None:
            out.append(found)
            continue
        levels = matrix.levels[k]
        contributions = [
            Contribution(name, labels[j][level], float(scores.weights[k, j]))
            for j, (name, level) in enumerate(zip(matrix.names, levels.tolist(), strict=True))
            if level >= 0
        ]
        out.append(
            ScoredPair(
                pair.a,
                pair.b,
                float(scores.match_weight[k]),
                float(scores.probability[k]),
                contributions,
                pair.rules,
            )
        )
    return out


def _pool(cfg: Config, desc: str) -> dict[str, Any]:
    """Keyword arguments of `parallel_map` for one stage: workers and progress from the config."""
    return {"workers": cfg.workers, "progress": cfg.progress, "desc": desc}


@attrs.frozen
class LinkedProfiles:
    """The pairwise stages' output for a set of profiles (see `link_profiles`).

    Attributes:
        candidates: the candidate pairs from blocking.
        pairs: every candidate, compared and scored.
        model: the scoring model used (the given one, or the default, fitted on the run with EM
            when ``score.fit == "em"``).
        frequencies: the term frequencies behind the TF adjustment.
        timings_s: seconds of the ``blocking``, ``compare`` and ``score`` stages.
    """

    candidates: list[CandidatePair]
    pairs: list[ScoredPair]
    model: MatchModel
    frequencies: Mapping[str, Mapping[str, float]]
    timings_s: dict[str, float]


def link_profiles(
    profiles: Iterable[Profile], config: Config | None = None, *, model: MatchModel | None = None
) -> LinkedProfiles:
    """Block, compare and score articles given by their profiles, as `resolve` does.

    The pairwise part of `resolve`, for engines that build the profiles elsewhere (the Spark
    engine builds them on executors). Profiles are taken in id order, whatever the input order.

    Args:
        profiles: one profile per article (ids unique).
        config: the run's configuration.
        model: a fitted scoring model; the built-in default model when omitted.

    Returns:
        The candidates, the scored pairs, the model and the stage timings.

    Examples:
        >>> linked = link_profiles([])
        >>> linked.candidates, linked.pairs
        ([], [])
    """
    cfg = config or Config()
    timer = _Timer()
    ordered = sorted(profiles, key=lambda p: p.article_id)
    by_id = {p.article_id: p for p in ordered}
    with timer.stage("blocking"):
        candidates = block_candidates(ordered, cfg.blocking)
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        table = encode(ordered)
        row = table.index()
        rows_a = np.array([row[c.a] for c in candidates], dtype=np.int64)
        rows_b = np.array([row[c.b] for c in candidates], dtype=np.int64)
        matrix = compare_batch(table, rows_a, rows_b, comparisons, workers=cfg.workers)
    with timer.stage("score"):
        level_labels = {c.name: c.labels for c in comparisons}
        if model is not None:
            fitted = model
        else:
            fitted = default_model(level_labels, cfg.score)
            if cfg.score.fit == "em":
                ra, rb = random_pairs(table.size, cfg.score.random_pairs, cfg.score.seed)
                random_levels = compare_batch(table, ra, rb, comparisons).levels
                fitted = fit_run_model(
                    matrix.names,
                    level_labels,
                    matrix.levels,
                    random_levels,
                    fitted,
                    config=cfg.score,
                )
        frequencies = term_frequencies(table, comparisons)
        scored = _scored_pairs(
            candidates,
            by_id,
            comparisons,
            matrix,
            model=fitted,
            frequencies=frequencies,
            cfg=cfg,
        )
    return LinkedProfiles(candidates, scored, fitted, frequencies, timer.seconds)


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
        sigs = signatures(cleaned, cfg.shingle)
    with timer.stage("terms"):
        term_model = fit_terms(cleaned, cfg.terms)
        term_vecs = term_vectors(cleaned, term_model, titles=[a.title for a in ordered])
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s, v)
        for a, f, s, v in zip(ordered, fields, sigs, term_vecs, strict=True)
    }
    linked = link_profiles(list(profiles.values()), cfg, model=model)
    timer.seconds.update(linked.timings_s)
    candidates, scored, fitted, frequencies = (
        linked.candidates,
        linked.pairs,
        linked.model,
        linked.frequencies,
    )
    with timer.stage("cluster"):
        clustering = cluster_articles(
            [a.id for a in ordered], scored, cfg.cluster, profiles=profiles
        )
        incidents = list(clustering.incidents)
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
            "signature_scheme": signature_scheme(cfg.shingle),
            "term_model_docs": term_model.n_docs,
            "term_vocabulary": len(term_model.df),
        },
        "model": fitted.to_dict(),
        "term_frequencies": {name: len(values) for name, values in frequencies.items()},
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
        "cluster": dict(clustering.diagnostics),
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
