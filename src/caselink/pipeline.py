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
from caselink.blocking import (
    CandidateIndex,
    block_candidates,
    block_counts,
    blocking_stats,
    lsh_params,
)
from caselink.canonical import build_cases
from caselink.cluster import cluster_articles, density_shift
from caselink.compare import (
    Comparison,
    ComparisonMatrix,
    ProfileTable,
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
    ArticleFields,
    CandidatePair,
    CleanText,
    Contribution,
    Profile,
    Resolution,
    ScoredPair,
)
from caselink.normalize import Boilerplate, clean_text, find_boilerplate
from caselink.score import (
    MatchModel,
    default_model,
    fit_run_model,
    random_pairs,
    score_matrix,
    tf_references,
)
from caselink.shingle import signature_scheme, signatures
from caselink.terms import TermModel, fit_terms, term_vectors

__all__ = [
    "FittedState",
    "LinkedProfiles",
    "explain_links",
    "fit_state",
    "link_profiles",
    "profile_articles",
    "resolve",
    "score_candidates",
]

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


def _scored_pairs(
    candidates: Sequence[CandidatePair],
    comparisons: Sequence[Comparison],
    matrix: ComparisonMatrix,
    *,
    model: MatchModel,
    frequencies: Mapping[str, Mapping[str, float]],
    cfg: Config,
) -> list[ScoredPair]:
    """Score every candidate with the batch path; contributions carry level labels, not details.

    Equal contributions (same comparison, level and weight) are one shared object, which keeps
    millions of pairs small; `explain_links` adds the values behind the levels where they are read.
    """
    scores = score_matrix(
        matrix.names,
        matrix.levels,
        model,
        frequencies=matrix.frequencies,
        references=tf_references(frequencies),
        config=cfg.score,
    )
    labels = [c.labels for c in comparisons]
    names = matrix.names
    shared: dict[tuple[int, int, float], Contribution] = {}
    out = []
    all_levels = matrix.levels.tolist()
    all_weights = scores.weights.tolist()
    match_weights = scores.match_weight.tolist()
    probabilities = scores.probability.tolist()
    for k, pair in enumerate(candidates):
        contributions = []
        for j, (level, weight) in enumerate(zip(all_levels[k], all_weights[k], strict=True)):
            if level < 0:
                continue
            key = (j, level, weight)
            found = shared.get(key)
            if found is None:
                found = shared[key] = Contribution(names[j], labels[j][level], weight)
            contributions.append(found)
        out.append(
            ScoredPair(
                pair.a, pair.b, match_weights[k], probabilities[k], contributions, pair.rules
            )
        )
    return out


def _spanning_links(links: Iterable[ScoredPair]) -> list[ScoredPair]:
    """The maximum spanning forest of ``links`` by match weight (ties by pair key), in key order.

    Every article joined by links keeps its strongest path into its case, in at most one pair per
    article: the pairs `explain_links` details.
    """
    parent: dict[ArticleId, ArticleId] = {}

    def root(x: ArticleId) -> ArticleId:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    forest = []
    for pair in sorted(links, key=lambda p: (-p.match_weight, p.key)):
        ra, rb = root(pair.a), root(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            forest.append(pair)
    return sorted(forest, key=lambda p: p.key)


def explain_links(
    pairs: Sequence[ScoredPair],
    profiles: Mapping[ArticleId, Profile],
    config: Config | None = None,
    *,
    same_case: Mapping[ArticleId, str] | None = None,
) -> list[ScoredPair]:
    """Return ``pairs`` with the values behind each level attached to the links a reader follows.

    The batch path scores with level labels only ("officer exact"); the one-pair reference
    comparison finds the values too ("same officer 'Andrew Turner'") at about 100 times the cost.
    It runs on the maximum spanning forest of the links (pairs at the clustering threshold, within
    one case when ``same_case`` maps articles to cases): every linked article's strongest tie into
    its case, at most one pair per article, so the cost stays linear in the articles however dense
    the cases are. Only details change: the numbers stay the batch path's. Other pairs keep their
    level labels.

    Examples:
        >>> explain_links([], {})
        []
    """
    cfg = config or Config()
    links = [
        p
        for p in pairs
        if p.probability >= cfg.cluster.threshold
        and (same_case is None or same_case[p.a] == same_case[p.b])
    ]
    chosen = _spanning_links(links)
    if not chosen:
        return list(pairs)
    comparisons = default_comparisons(cfg.compare)
    detailed = {}
    for pair in track(chosen, desc="explain", total=len(chosen), progress=cfg.progress):
        vector = compare_pair(profiles[pair.a], profiles[pair.b], comparisons)
        details = {c.name: c.detail for c in vector.comparisons}
        contributions = [
            attrs.evolve(c, detail=details.get(c.name, "")) for c in pair.contributions
        ]
        detailed[pair.key] = attrs.evolve(pair, contributions=contributions)
    return [detailed.get(p.key, p) for p in pairs]


def _pool(cfg: Config, desc: str) -> dict[str, Any]:
    """Keyword arguments of `parallel_map` for one stage: workers and progress from the config."""
    return {"workers": cfg.workers, "progress": cfg.progress, "desc": desc}


@attrs.frozen(eq=False)
class _StateTable(ProfileTable):
    """A `ProfileTable` whose document frequencies are a fitted state's (`_state_table`)."""

    documents: int = 0

    @property
    def size(self) -> int:
        """The number of documents the frequencies count (the fitted corpus, not these rows)."""
        return self.documents


@attrs.frozen(eq=False)
class FittedState:
    """The corpus-level state fitted once and then held fixed: what makes runs repeatable and incremental.

    `resolve` fits it from the articles it is given; the case store fits it on its first batch (or
    takes one supplied) and keeps it. Given one state, every decision about a pair (candidate or
    not, levels, weight, probability) depends on the two articles alone, so adding a corpus to a
    store in batches ends exactly where one ``resolve(corpus, state=store.state)`` ends.

    Attributes:
        boilerplate: the sentences removed before matching.
        model: the scoring model (EM-fitted on the corpus when ``[score] fit = "em"``).
        terms: the term model behind the rare-term vectors (document frequencies).
        counts: how many articles carry each blocking key and term (`block_counts`): keys and terms
            more common than the blocking caps are not blocked on; unseen ones count 0.
        tf_counts: per term-frequency-adjusted comparison, each value's document count.
        documents: the number of articles the counts were taken from.
        density_shift: the clustering's density correction in bits (`caselink.cluster.density_shift`)
            measured on the fitted corpus, so a part of the corpus re-clusters like the whole.
    """

    boilerplate: Boilerplate
    model: MatchModel
    terms: TermModel
    counts: Mapping[str, int] = attrs.field(factory=dict)
    tf_counts: Mapping[str, Mapping[str, int]] = attrs.field(factory=dict)
    documents: int = 0
    density_shift: float = 0.0

    @property
    def frequencies(self) -> dict[str, dict[str, float]]:
        """Relative document frequencies, as `caselink.compare.term_frequencies` gives them."""
        n = max(self.documents, 1)
        return {
            name: {v: int(d) / n for v, d in table.items()}
            for name, table in self.tf_counts.items()
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the state as JSON-ready data (sorted, so the output is stable)."""
        return {
            "boilerplate": [
                [source, sorted(sentences)]
                for source, sentences in sorted(
                    self.boilerplate.by_source.items(),
                    key=lambda kv: (kv[0] is not None, kv[0] or ""),
                )
            ],
            "model": self.model.to_dict(),
            "terms": self.terms.to_dict(),
            "counts": dict(sorted(self.counts.items())),
            "tf_counts": {k: dict(sorted(v.items())) for k, v in sorted(self.tf_counts.items())},
            "documents": self.documents,
            "density_shift": self.density_shift,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FittedState:
        """Rebuild a state written by `to_dict`."""
        boilerplate = Boilerplate({source: frozenset(s) for source, s in data["boilerplate"]})
        return cls(
            boilerplate,
            MatchModel.from_dict(data["model"]),
            TermModel.from_dict(data["terms"]),
            {str(k): int(v) for k, v in data["counts"].items()},
            {
                str(name): {str(k): int(v) for k, v in table.items()}
                for name, table in data["tf_counts"].items()
            },
            int(data["documents"]),
            float(data.get("density_shift", 0.0)),
        )


def _state_table(
    table: ProfileTable, comparisons: Sequence[Comparison], state: FittedState
) -> ProfileTable:
    """``table`` with the state's document counts and size, so batch frequencies are the state's."""
    sets = dict(table.sets)
    for c in comparisons:
        if c.tf_field is None or c.tf_field not in sets:
            continue
        counts = state.tf_counts.get(c.name, {})
        field = sets[c.tf_field]
        df = np.array([counts.get(v, 0) for v in field.vocab], dtype=np.int64)
        sets[c.tf_field] = attrs.evolve(field, df=df)
    values: dict[str, Any] = {
        str(a.alias): getattr(table, a.name) for a in attrs.fields(ProfileTable) if a.init
    }
    values["sets"] = sets
    return _StateTable(**values, documents=state.documents)


def _fit_model(
    table: ProfileTable,
    matrix: ComparisonMatrix,
    comparisons: Sequence[Comparison],
    cfg: Config,
) -> MatchModel:
    """The run's model: the default, EM-fitted on the corpus when ``[score] fit = "em"``."""
    level_labels = {c.name: c.labels for c in comparisons}
    fitted = default_model(level_labels, cfg.score)
    if cfg.score.fit == "em":
        ra, rb = random_pairs(table.size, cfg.score.random_pairs, cfg.score.seed)
        random_levels = compare_batch(table, ra, rb, comparisons).levels
        fitted = fit_run_model(
            matrix.names, level_labels, matrix.levels, random_levels, fitted, config=cfg.score
        )
    return fitted


def _compare(
    candidates: Sequence[CandidatePair],
    profiles: Sequence[Profile],
    comparisons: Sequence[Comparison],
    cfg: Config,
    state: FittedState | None,
) -> tuple[ProfileTable, ComparisonMatrix]:
    table = encode(profiles)
    if state is not None:
        table = _state_table(table, comparisons, state)
    row = table.index()
    rows_a = np.array([row[c.a] for c in candidates], dtype=np.int64)
    rows_b = np.array([row[c.b] for c in candidates], dtype=np.int64)
    return table, compare_batch(table, rows_a, rows_b, comparisons, workers=cfg.workers)


def _profiles(
    ordered: Sequence[Article],
    boilerplate: Boilerplate,
    terms: TermModel | None,
    cfg: Config,
) -> tuple[list[CleanText], list[ArticleFields], dict[ArticleId, Profile], TermModel]:
    cleaned = parallel_map(
        clean_text, ordered, shared=(boilerplate, cfg.normalize), **_pool(cfg, "normalize")
    )
    fields = parallel_map(extract_fields, ordered, shared=(cfg.extract,), **_pool(cfg, "extract"))
    sigs = signatures(cleaned, cfg.shingle)
    term_model = terms if terms is not None else fit_terms(cleaned, cfg.terms)
    term_vecs = term_vectors(cleaned, term_model, titles=[a.title for a in ordered])
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s, v)
        for a, f, s, v in zip(ordered, fields, sigs, term_vecs, strict=True)
    }
    return cleaned, fields, profiles, term_model


def fit_state(
    articles: Iterable[Article], config: Config | None = None, *, model: MatchModel | None = None
) -> FittedState:
    """Fit the corpus-level state on ``articles``, exactly as `resolve` fits it for its own input.

    ``resolve(articles, config)`` and ``resolve(articles, config, state=fit_state(articles, config))``
    give the same result.

    Examples:
        >>> state = fit_state([Article("a", "", "Some text.")])
        >>> state.boilerplate.size, state.documents
        (0, 1)
    """
    cfg = config or Config()
    ordered = sorted(articles, key=lambda a: a.id)
    boilerplate = find_boilerplate(ordered, cfg.normalize)
    _cleaned, _fields, profiles, term_model = _profiles(ordered, boilerplate, None, cfg)
    ordered_profiles = [profiles[a.id] for a in ordered]
    counts = block_counts(ordered_profiles, cfg.blocking)
    comparisons = default_comparisons(cfg.compare)
    table = encode(ordered_profiles)
    candidates = CandidateIndex(cfg.blocking, counts=counts).add(ordered_profiles)
    _table, matrix = _compare(candidates, ordered_profiles, comparisons, cfg, None)
    if model is None:
        model = _fit_model(table, matrix, comparisons, cfg)
    scored = _scored_pairs(
        candidates,
        comparisons,
        matrix,
        model=model,
        frequencies=term_frequencies(table, comparisons),
        cfg=cfg,
    )
    shift = density_shift([p.probability for p in scored], cfg.cluster)
    tf_counts = {
        c.name: {
            v: int(d)
            for v, d in zip(table.sets[c.tf_field].vocab, table.sets[c.tf_field].df, strict=True)
        }
        for c in comparisons
        if c.tf_field is not None
    }
    return FittedState(boilerplate, model, term_model, counts, tf_counts, len(ordered), shift)


def profile_articles(
    articles: Sequence[Article], state: FittedState, config: Config | None = None
) -> tuple[list[CleanText], list[ArticleFields], dict[ArticleId, Profile]]:
    """Run the per-article stages (clean, extract, shingle, term vectors) under a fixed state.

    Returns:
        The cleaned texts and fields in the order of ``articles``, and the profiles by article id.
    """
    cfg = config or Config()
    cleaned, fields, profiles, _terms = _profiles(articles, state.boilerplate, state.terms, cfg)
    return cleaned, fields, profiles


def score_candidates(
    candidates: Sequence[CandidatePair],
    profiles: Mapping[ArticleId, Profile],
    state: FittedState,
    config: Config | None = None,
) -> list[ScoredPair]:
    """Compare and score candidate pairs under a fixed state, exactly as `resolve` does with it.

    Each pair's score depends only on its two profiles and the state, so any subset of a run's
    candidates scores as in the run.

    Examples:
        >>> score_candidates([], {}, fit_state([Article("a", "", "Some text.")]))
        []
    """
    cfg = config or Config()
    comparisons = default_comparisons(cfg.compare)
    needed = sorted({aid for c in candidates for aid in (c.a, c.b)})
    if not needed:
        return []
    _table, matrix = _compare(
        candidates, [profiles[aid] for aid in needed], comparisons, cfg, state
    )
    return _scored_pairs(
        candidates,
        comparisons,
        matrix,
        model=state.model,
        frequencies=state.frequencies,
        cfg=cfg,
    )


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
    with timer.stage("blocking"):
        candidates = block_candidates(ordered, cfg.blocking)
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        table, matrix = _compare(candidates, ordered, comparisons, cfg, None)
    with timer.stage("score"):
        fitted = model if model is not None else _fit_model(table, matrix, comparisons, cfg)
        frequencies = term_frequencies(table, comparisons)
        scored = _scored_pairs(
            candidates,
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
    with timer.stage("extract"):  # clean, extract, shingle and term vectors
        cleaned, fields, profiles, term_model = _profiles(
            ordered, boilerplate, state.terms if state is not None else None, cfg
        )
    ordered_profiles = [profiles[a.id] for a in ordered]
    with timer.stage("blocking"):
        counts = state.counts if state is not None else block_counts(ordered_profiles, cfg.blocking)
        candidates = CandidateIndex(cfg.blocking, counts=counts).add(ordered_profiles)
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        table, matrix = _compare(candidates, ordered_profiles, comparisons, cfg, state)
    with timer.stage("score"):
        if model is not None:
            fitted = model
        elif state is not None:
            fitted = state.model
        else:
            fitted = _fit_model(table, matrix, comparisons, cfg)
        frequencies = (
            state.frequencies if state is not None else term_frequencies(table, comparisons)
        )
        scored = _scored_pairs(
            candidates,
            comparisons,
            matrix,
            model=fitted,
            frequencies=frequencies,
            cfg=cfg,
        )
    with timer.stage("cluster"):
        clustering = cluster_articles(
            [a.id for a in ordered],
            scored,
            cfg.cluster,
            profiles=profiles,
            shift=state.density_shift if state is not None else None,
        )
        incidents = list(clustering.incidents)
    with timer.stage("canonical"):
        by_id = {a.id: a for a in ordered}
        cases = build_cases(incidents, by_id, {f.article_id: f for f in fields}, cfg.canonical)
    case_of = {aid: case.case_id for case in cases for aid in case.article_ids}
    with timer.stage("explain"):
        scored = explain_links(scored, profiles, cfg, same_case=case_of)
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
