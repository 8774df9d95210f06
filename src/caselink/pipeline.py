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

from caselink import __version__
from caselink.blocking import block_candidates, blocking_stats, lsh_params
from caselink.canonical import build_cases
from caselink.cluster import cluster_incidents
from caselink.compare import compare_pairs, default_comparisons
from caselink.config import Config
from caselink.extract import extract_fields
from caselink.ingest import Ingested, read_records
from caselink.models import Article, ArticleFields, CleanText, Profile, Resolution
from caselink.normalize import Boilerplate, clean_text, find_boilerplate
from caselink.score import MatchModel, default_model, score_pairs
from caselink.shingle import signature

__all__ = ["FittedState", "fit_state", "profile_articles", "resolve"]

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


@attrs.frozen
class FittedState:
    """The corpus-level state fitted once and then held fixed: what makes runs repeatable and incremental.

    `resolve` fits it from the articles it is given; the case store fits it on its first batch (or
    takes one supplied) and keeps it, so that adding a corpus in batches ends where one `resolve`
    with the same state ends.

    Attributes:
        boilerplate: the sentences removed before matching.
        model: the scoring model.
        terms: the term model for rare-term vectors (document frequencies), as JSON-ready data;
            empty until a term model is in use.
    """

    boilerplate: Boilerplate
    model: MatchModel
    terms: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)


def fit_state(
    articles: Iterable[Article], config: Config | None = None, *, model: MatchModel | None = None
) -> FittedState:
    """Fit the corpus-level state on ``articles``: boilerplate, and the model unless one is given.

    Examples:
        >>> state = fit_state([Article("a", "", "Some text.")])
        >>> state.boilerplate.size
        0
    """
    cfg = config or Config()
    ordered = sorted(articles, key=lambda a: a.id)
    boilerplate = find_boilerplate(ordered, cfg.normalize)
    labels = {c.name: c.labels for c in default_comparisons(cfg.compare)}
    return FittedState(boilerplate, model or default_model(labels, cfg.score))


def profile_articles(
    articles: Sequence[Article], state: FittedState, config: Config | None = None
) -> tuple[list[CleanText], list[ArticleFields], dict[str, Profile]]:
    """Run the per-article stages (clean, extract, shingle) under a fixed state.

    Returns:
        The cleaned texts and fields in the order of ``articles``, and the profiles by article id.
    """
    cfg = config or Config()
    cleaned = [clean_text(a, state.boilerplate, cfg.normalize) for a in articles]
    fields = [extract_fields(a, cfg.extract) for a in articles]
    signatures = [signature(c, cfg.shingle) for c in cleaned]
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s)
        for a, f, s in zip(articles, fields, signatures, strict=True)
    }
    return cleaned, fields, profiles


def resolve(
    articles: Ingested | Iterable[Article | Mapping[str, Any]],
    config: Config | None = None,
    *,
    model: MatchModel | None = None,
    state: FittedState | None = None,
) -> Resolution:
    """Resolve articles into cases.

    Args:
        articles: the output of `read_articles`, or any iterable of `Article` objects or mappings
            (mappings are validated; bad ones become rejects).
        config: the run's configuration; the defaults work out of the box.
        model: a fitted scoring model; the built-in default model when omitted.
        state: a fixed corpus-level state (boilerplate, model, term model), e.g. a case store's
            `CaseStore.state`; fitted from ``articles`` when omitted. ``model`` wins over its model.

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
        boilerplate = (
            state.boilerplate if state is not None else find_boilerplate(ordered, cfg.normalize)
        )
        cleaned = [clean_text(a, boilerplate, cfg.normalize) for a in ordered]
    with timer.stage("extract"):
        fields = [extract_fields(a, cfg.extract) for a in ordered]
    with timer.stage("shingle"):
        signatures = [signature(c, cfg.shingle) for c in cleaned]
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s)
        for a, f, s in zip(ordered, fields, signatures, strict=True)
    }
    with timer.stage("blocking"):
        candidates = block_candidates(list(profiles.values()), cfg.blocking)
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        vectors = compare_pairs(candidates, profiles, cfg.compare)
    with timer.stage("score"):
        fitted = (
            model
            or (state.model if state is not None else None)
            or default_model({c.name: c.labels for c in comparisons}, cfg.score)
        )
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
