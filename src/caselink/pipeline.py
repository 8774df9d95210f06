"""`resolve`: the one orchestrator, composed only of the public stage functions.

    articles -> normalize -> extract, shingle -> block -> compare -> score -> cluster -> canonical

Every stage can also be run alone; this module only wires them together, times them and writes the
run manifest.

How the data flows, so that a million articles fit on one machine (``Config(workers=n)`` runs the
per-article work and the pair chunks on ``n`` processes, with the same result as one):

- per article, on the workers: boilerplate sentence hashes (counted here, in arrays); then clean,
  shingle, extract and document terms in one pass; then term vectors. Texts read lazily
  (`read_articles(..., lazy=True)`) are read by the workers from the file, never by this process.
- kept per article: its fields, signature and term vector (`Profile`), until blocking and the
  profile table have read them; then only the fields, term vector and shingle count (`_Kept`).
- pairs: blocking returns columns (`Candidates`); each chunk of pairs is compared and scored on a
  worker, which sends back one match weight per pair. Clustering reads the columns.
- contributions, and the values behind their levels, are worked out when a pair is read
  (`ScoredPairs`, `_PairExplainer`): nothing per pair is built that nobody reads.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import importlib.metadata
import logging
import platform
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink import __version__
from caselink._parallel import effective_workers, iter_batches, parallel_map
from caselink._progress import track
from caselink._types import ArticleId
from caselink.blocking import (
    block_counts,
    blocking_stats,
    candidate_columns,
    lsh_params,
)
from caselink.canonical import build_case
from caselink.cluster import cluster_articles, density_shift
from caselink.compare import (
    Comparison,
    ProfileTable,
    compare_batch,
    compare_pair,
    default_comparisons,
    encode,
    term_frequencies,
)
from caselink.config import Config, NormalizeConfig
from caselink.extract import extract_fields
from caselink.ingest import Ingested, JsonlArticles, read_records
from caselink.models import (
    Article,
    ArticleFields,
    CandidatePair,
    Candidates,
    CleanText,
    Contribution,
    Profile,
    Resolution,
    ScoredPair,
    ScoredPairs,
    Signature,
    TermVector,
    pair_probabilities,
)
from caselink.normalize import (
    Boilerplate,
    HashedBoilerplate,
    boilerplate_hashes,
    clean_text,
    count_boilerplate,
    find_boilerplate,
)
from caselink.score import (
    MatchModel,
    ScoredMatrix,
    default_model,
    fit_run_model,
    random_pairs,
    score_matrix,
    tf_references,
)
from caselink.shingle import signature_scheme, signatures
from caselink.terms import TermModel, document_terms, fit_terms, term_vector

__all__ = [
    "FittedState",
    "LinkedProfiles",
    "explain_links",
    "fit_state",
    "link_profiles",
    "profile_articles",
    "resolve",
    "score_candidates",
    "score_columns",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

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


_Rows = NDArray[np.integer[Any]]
"""Row numbers of pairs (32-bit in `Candidates`, 64-bit where numpy computes with them)."""

_PAIR_CHUNK = 65_536
"""Pairs compared and scored together: bounds the per-comparison level and weight arrays."""


def _chunks(size: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + _PAIR_CHUNK, size)) for lo in range(0, size, _PAIR_CHUNK)]


@attrs.frozen(eq=False)
class _Scorer:
    """What scoring a pair of table rows needs: the table, comparisons, model and TF references."""

    table: ProfileTable
    comparisons: tuple[Comparison, ...]
    model: MatchModel
    references: Mapping[str, float]
    config: Config

    def score(
        self, a: _Rows, b: _Rows, *, threads: int = 1
    ) -> tuple[NDArray[np.int8], ScoredMatrix]:
        """The levels and the scores of pairs of rows ``(a[k], b[k])``."""
        matrix = compare_batch(
            self.table, a.astype(np.int64), b.astype(np.int64), self.comparisons, workers=threads
        )
        scores = score_matrix(
            matrix.names,
            matrix.levels,
            self.model,
            frequencies=matrix.frequencies,
            references=self.references,
            config=self.config.score,
        )
        return matrix.levels, scores

    def match_weights(self, candidates: Candidates) -> NDArray[np.float64]:
        """The match weight of every candidate, compared and scored a chunk at a time.

        Only one number per pair is kept: the levels and per-comparison weights of a chunk are
        dropped once its pairs are scored (contributions are rebuilt when a pair is read).
        """
        cfg = self.config
        bounds = _chunks(len(candidates))
        if effective_workers(cfg.workers) == 1 or len(bounds) < 2:
            parts = [
                self.score(candidates.a[lo:hi], candidates.b[lo:hi], threads=cfg.workers)[
                    1
                ].match_weight
                for lo, hi in track(bounds, desc="score", total=len(bounds), progress=cfg.progress)
            ]
        else:
            # Chunks of pairs on worker processes, which share the table by fork; each sends back
            # one weight per pair.
            parts = parallel_map(
                _chunk_weights,
                bounds,
                shared=(self, candidates.a, candidates.b),
                batch_size=1,
                min_items=2,
                **_pool(cfg, "score"),
            )
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)

    def contributions(self, a: _Rows, b: _Rows) -> list[tuple[Contribution, ...]]:
        """Level-label contributions of pairs of rows; equal ones are one shared object."""
        labels = [c.labels for c in self.comparisons]
        names = [c.name for c in self.comparisons]
        shared: dict[tuple[int, int, float], Contribution] = {}
        out: list[tuple[Contribution, ...]] = []
        for lo, hi in _chunks(a.size):
            levels, scores = self.score(a[lo:hi], b[lo:hi])
            for row_levels, row_weights in zip(
                levels.tolist(), scores.weights.tolist(), strict=True
            ):
                found = []
                for j, (level, weight) in enumerate(zip(row_levels, row_weights, strict=True)):
                    if level < 0:
                        continue
                    key = (j, level, weight)
                    contribution = shared.get(key)
                    if contribution is None:
                        contribution = shared[key] = Contribution(
                            names[j], labels[j][level], weight
                        )
                    found.append(contribution)
                out.append(tuple(found))
        return out


def _chunk_weights(
    bounds: tuple[int, int], scorer: _Scorer, a: _Rows, b: _Rows
) -> NDArray[np.float64]:
    """The match weights of candidates ``bounds[0]:bounds[1]`` (one chunk, on a worker)."""
    lo, hi = bounds
    return scorer.score(a[lo:hi], b[lo:hi])[1].match_weight


def _spanning_forest(a: _Rows, b: _Rows, weight: NDArray[np.float64]) -> NDArray[np.int64]:
    """The maximum spanning forest of edges ``(a, b)`` by weight (ties by ``(a, b)``), as edge indexes.

    Node numbers must follow the article ids' order, so ties break by pair key.
    """
    order = np.lexsort((b, a, -weight))
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    chosen = []
    for k, x, y in zip(order.tolist(), a[order].tolist(), b[order].tolist(), strict=True):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
            chosen.append(k)
    return np.sort(np.array(chosen, dtype=np.int64))


@attrs.frozen(eq=False)
class _PairExplainer:
    """Rebuilds the contributions of scored pairs when they are read (a `ContributionSource`).

    The numbers come from the batch path (the same levels and weights the run scored with); the values
    behind the levels ("same officer 'Andrew Turner'") come from the one-pair reference comparison,
    about 100 times costlier, so by default only the links a reader follows get them: the maximum
    spanning forest of ``links`` (every linked article's strongest tie into its case, at most one
    pair per article, found when a detail is first wanted).

    Attributes:
        scorer: compares and scores rows of the run's profile table.
        profiles: the profiles, for the one-pair comparison.
        candidates: the scored pairs (rows of the table).
        match_weight: their match weights.
        links: the pairs whose spanning forest is detailed by default (indexes into candidates).
    """

    scorer: _Scorer
    profiles: Mapping[ArticleId, Profile]
    candidates: Candidates
    match_weight: NDArray[np.float64]
    links: NDArray[np.int64] = attrs.field(factory=lambda: np.zeros(0, dtype=np.int64))
    _forest: list[frozenset[int]] = attrs.field(factory=list, init=False, repr=False)

    def _detailed(self, index: NDArray[np.int64]) -> list[int]:
        if not self._forest:
            c, links = self.candidates, self.links
            chosen = _spanning_forest(c.a[links], c.b[links], self.match_weight[links])
            self._forest.append(frozenset(links[chosen].tolist()))
        forest = self._forest[0]
        return [k for k, i in enumerate(index.tolist()) if i in forest]

    def contributions(
        self, index: NDArray[np.int64], *, details: bool | None = None
    ) -> list[tuple[Contribution, ...]]:
        """See `caselink.models.ContributionSource`."""
        a, b = self.candidates.a[index], self.candidates.b[index]
        found = self.scorer.contributions(a, b)
        if details is False:
            return found
        wanted = range(index.size) if details else self._detailed(index)
        ids = self.candidates.ids
        for k in wanted:
            x, y = ids[int(a[k])], ids[int(b[k])]
            vector = compare_pair(self.profiles[x], self.profiles[y], self.scorer.comparisons)
            detail = {c.name: c.detail for c in vector.comparisons}
            found[k] = tuple(attrs.evolve(c, detail=detail.get(c.name, "")) for c in found[k])
        return found


def _spanning_links(links: Iterable[ScoredPair]) -> list[ScoredPair]:
    """The maximum spanning forest of ``links`` by match weight (ties by pair key), in key order."""
    listed = sorted(links, key=lambda p: p.key)
    node: dict[ArticleId, int] = {}
    for pair in listed:
        node.setdefault(pair.a, 0)
        node.setdefault(pair.b, 0)
    node = {aid: i for i, aid in enumerate(sorted(node))}
    chosen = _spanning_forest(
        np.array([node[p.a] for p in listed], dtype=np.int64),
        np.array([node[p.b] for p in listed], dtype=np.int64),
        np.array([p.match_weight for p in listed], dtype=np.float64),
    )
    return [listed[k] for k in chosen.tolist()]


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
    level labels. (`resolve` does the same lazily, when a link is read.)

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


def _tracked(items: Sequence[_T], desc: str, cfg: Config) -> Iterator[_T]:
    """``items`` with a progress bar (and ETA) when the config shows progress."""
    return track(items, desc=desc, total=len(items), progress=cfg.progress)


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
    table: ProfileTable, candidates: Candidates, comparisons: Sequence[Comparison], cfg: Config
) -> MatchModel:
    """The run's model: the default, EM-fitted on the corpus when ``[score] fit = "em"``."""
    level_labels = {c.name: c.labels for c in comparisons}
    fitted = default_model(level_labels, cfg.score)
    if cfg.score.fit == "em":
        names = [c.name for c in comparisons]
        levels = [
            compare_batch(
                table,
                candidates.a[lo:hi].astype(np.int64),
                candidates.b[lo:hi].astype(np.int64),
                comparisons,
            ).levels
            for lo, hi in _chunks(len(candidates))
        ]
        candidate_levels = (
            np.concatenate(levels) if levels else np.zeros((0, len(names)), dtype=np.int8)
        )
        ra, rb = random_pairs(table.size, cfg.score.random_pairs, cfg.score.seed)
        random_levels = compare_batch(table, ra, rb, comparisons).levels
        fitted = fit_run_model(
            names, level_labels, candidate_levels, random_levels, fitted, config=cfg.score
        )
    return fitted


@attrs.frozen(eq=False)
class _Linked:
    """The pairwise stages' working state: the table, the candidates and their match weights."""

    scorer: _Scorer
    candidates: Candidates
    match_weight: NDArray[np.float64]
    frequencies: Mapping[str, Mapping[str, float]]

    @property
    def probability(self) -> NDArray[np.float64]:
        """The match probability of every candidate."""
        return pair_probabilities(self.match_weight)

    def pairs(
        self, profiles: Mapping[ArticleId, Profile], links: NDArray[np.int64] | None = None
    ) -> ScoredPairs:
        """The scored pairs, contributions built when read (``links``: the pairs to detail)."""
        chosen = links if links is not None else np.zeros(0, dtype=np.int64)
        explainer = _PairExplainer(
            self.scorer, profiles, self.candidates, self.match_weight, chosen
        )
        return ScoredPairs(self.candidates, self.match_weight, self.probability, explainer)


def _link(
    ordered: Sequence[Profile],
    cfg: Config,
    timer: _Timer,
    *,
    counts: Mapping[str, int] | None = None,
    model: MatchModel | None = None,
    state: FittedState | None = None,
) -> _Linked:
    """Block, compare and score profiles given in id order: the pairwise stages of `resolve`.

    Candidates stay columns and only a match weight per pair is kept, so memory grows with the
    pairs by a few bytes each, never by objects.
    """
    with timer.stage("blocking"):
        if counts is None:
            counts = block_counts(_tracked(ordered, "block counts", cfg), cfg.blocking)
        candidates = candidate_columns(
            _tracked(ordered, "blocking", cfg), cfg.blocking, counts=counts
        )
    with timer.stage("compare"):
        comparisons = default_comparisons(cfg.compare)
        table = encode(ordered)
        if state is not None:
            table = _state_table(table, comparisons, state)
    with timer.stage("score"):
        if model is None:
            model = (
                state.model
                if state is not None
                else _fit_model(table, candidates, comparisons, cfg)
            )
        frequencies = (
            state.frequencies if state is not None else term_frequencies(table, comparisons)
        )
        scorer = _Scorer(table, tuple(comparisons), model, tf_references(frequencies), cfg)
        weights = scorer.match_weights(candidates)
    return _Linked(scorer, candidates, weights, frequencies)


def _work(ordered: Sequence[Article]) -> tuple[Sequence[Any], JsonlArticles | None]:
    """What the article workers are sent: positions when the texts stay on disk, else the articles.

    A worker reads texts kept on disk itself (`JsonlArticles`), so they never pass through here.
    """
    if isinstance(ordered, JsonlArticles):
        return range(len(ordered)), ordered
    return ordered, None


def _load(items: list[Any], source: JsonlArticles | None) -> list[Article]:
    return source.take(items) if source is not None else items


def _heads(ordered: Sequence[Article]) -> Sequence[Article]:
    """The articles as far as ids, titles, dates and outlets go (no texts read from disk)."""
    return ordered.heads if isinstance(ordered, JsonlArticles) else ordered


def _article_batch(
    items: list[Any],
    source: JsonlArticles | None,
    boilerplate: Boilerplate | HashedBoilerplate,
    cfg: Config,
) -> list[tuple[CleanText, ArticleFields, Signature, tuple[str, ...]]]:
    """The per-article stages of a batch, in a worker: clean, shingle, extract, document terms."""
    articles = _load(items, source)
    cleaned = [clean_text(a, boilerplate, cfg.normalize) for a in articles]
    sigs = signatures(cleaned, cfg.shingle)
    return [
        (c, extract_fields(a, cfg.extract), s, document_terms(c))
        for a, c, s in zip(articles, cleaned, sigs, strict=True)
    ]


def _term_vector(item: tuple[CleanText, str], model: TermModel) -> tuple[tuple[str, float], ...]:
    return term_vector(item[0], model, title=item[1])


def _hash_batch(
    items: list[Any], source: JsonlArticles | None, cfg: NormalizeConfig
) -> list[NDArray[np.uint64]]:
    return [boilerplate_hashes(a.text, cfg) for a in _load(items, source)]


def _boilerplate(ordered: Sequence[Article], cfg: Config) -> HashedBoilerplate:
    """The corpus's boilerplate, its sentences hashed on the workers and counted here."""
    items, source = _work(ordered)
    hashes = list(
        iter_batches(_hash_batch, items, shared=(source, cfg.normalize), **_pool(cfg, "normalize"))
    )
    return count_boilerplate(_heads(ordered), cfg.normalize, hashes=hashes)


def _profiles(
    ordered: Sequence[Article],
    boilerplate: Boilerplate | HashedBoilerplate,
    terms: TermModel | None,
    cfg: Config,
) -> tuple[list[CleanText], list[ArticleFields], dict[ArticleId, Profile], TermModel]:
    """Clean, extract and shingle on the workers (one pass), fit the terms here, then vectorise.

    Each article travels to a worker once for the text stages; term vectors need the corpus's
    document frequencies first, so they are a second, lighter pass.
    """
    cleaned: list[CleanText] = []
    fields: list[ArticleFields] = []
    sigs: list[Signature] = []

    def documents() -> Iterator[tuple[str, ...]]:
        # Each article's distinct terms (about a hundred strings) are counted as they arrive and
        # never held for the whole corpus.
        items, source = _work(ordered)
        done = iter_batches(
            _article_batch, items, shared=(source, boilerplate, cfg), **_pool(cfg, "extract")
        )
        for clean, found, sig, document in done:
            cleaned.append(clean)
            fields.append(found)
            sigs.append(sig)
            yield document

    if terms is None:
        term_model = fit_terms((), cfg.terms, documents=documents())
    else:
        term_model = terms
        collections.deque(documents(), maxlen=0)
    vectors = parallel_map(
        _term_vector,
        [(c, a.title) for c, a in zip(cleaned, _heads(ordered), strict=True)],
        shared=(term_model,),
        **_pool(cfg, "terms"),
    )
    profiles = {
        a.id: Profile(a.id, a.published, a.source, f, s, v)
        for a, f, s, v in zip(_heads(ordered), fields, sigs, vectors, strict=True)
    }
    return cleaned, fields, profiles, term_model


@attrs.frozen(eq=False)
class _Kept:
    """What a run keeps of each article's profile once the pairwise stages have read it.

    The profile table holds the signatures and the comparable values; with the fields and term
    vectors kept here, any profile can be rebuilt exactly when a pair is explained.
    """

    articles: Sequence[Article]
    fields: Sequence[ArticleFields]
    terms: Sequence[TermVector]
    shingles: NDArray[np.int32]

    @classmethod
    def of(
        cls,
        articles: Sequence[Article],
        fields: Sequence[ArticleFields],
        profiles: Sequence[Profile],
    ) -> _Kept:
        """Keep the parts of ``profiles`` (in the order of ``articles``) that the table lacks."""
        shingles = np.array([p.signature.num_shingles for p in profiles], dtype=np.int32)
        return cls(articles, fields, [p.terms for p in profiles], shingles)

    def profiles(self, table: ProfileTable) -> _RebuiltProfiles:
        """The profiles, rebuilt on demand from these parts and ``table`` (same rows)."""
        return _RebuiltProfiles(self, table)


class _RebuiltProfiles(Mapping[ArticleId, Profile]):
    """Profiles by article id, each rebuilt when read (see `_Kept`)."""

    def __init__(self, kept: _Kept, table: ProfileTable) -> None:
        self._kept = kept
        self._table = table

    def _row(self, article_id: object) -> int | None:
        if not isinstance(article_id, str):
            return None
        ids = self._table.ids
        i = bisect.bisect_left(ids, article_id)
        return i if i < len(ids) and ids[i] == article_id else None

    def __getitem__(self, article_id: ArticleId) -> Profile:
        i = self._row(article_id)
        if i is None:
            raise KeyError(article_id)
        kept = self._kept
        article, count = kept.articles[i], int(kept.shingles[i])
        # The table holds a signature only when it has shingles (a short text has none to compare).
        values = self._table.signatures[i].astype("<u4").tobytes() if count else b""
        signature = Signature(article_id, values, count)
        return Profile(
            article_id, article.published, article.source, kept.fields[i], signature, kept.terms[i]
        )

    def __contains__(self, article_id: object) -> bool:
        return self._row(article_id) is not None

    def __iter__(self) -> Iterator[ArticleId]:
        return iter(self._table.ids)

    def __len__(self) -> int:
        return len(self._table.ids)


def _in_id_order(articles: Sequence[Article]) -> Sequence[Article]:
    """The articles sorted by id (texts kept on disk stay there)."""
    if isinstance(articles, JsonlArticles):
        heads = articles.heads
        return articles.in_order(sorted(range(len(heads)), key=lambda i: heads[i].id))
    return sorted(articles, key=lambda a: a.id)


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
    linked = _link(ordered_profiles, cfg, _Timer(), counts=counts, model=model)
    shift = density_shift(linked.probability, cfg.cluster)
    table = linked.scorer.table
    tf_counts = {
        c.name: {
            v: int(d)
            for v, d in zip(table.sets[c.tf_field].vocab, table.sets[c.tf_field].df, strict=True)
        }
        for c in linked.scorer.comparisons
        if c.tf_field is not None
    }
    return FittedState(
        boilerplate, linked.scorer.model, term_model, counts, tf_counts, len(ordered), shift
    )


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
    candidates scores as in the run. Pairs come back sorted by key, with level-label contributions
    (`explain_links` adds the values behind them).

    Examples:
        >>> score_candidates([], {}, fit_state([Article("a", "", "Some text.")]))
        []
    """
    return list(score_columns(Candidates.from_pairs(candidates), profiles, state, config))


def score_columns(
    candidates: Candidates,
    profiles: Mapping[ArticleId, Profile],
    state: FittedState,
    config: Config | None = None,
) -> ScoredPairs:
    """`score_candidates` on columns: no object per pair, contributions built when a pair is read.

    Examples:
        >>> state = fit_state([Article("a", "", "Some text.")])
        >>> len(score_columns(Candidates.from_pairs([]), {}, state))
        0
    """
    cfg = config or Config()
    comparisons = default_comparisons(cfg.compare)
    table = _state_table(encode([profiles[aid] for aid in candidates.ids]), comparisons, state)
    scorer = _Scorer(table, tuple(comparisons), state.model, tf_references(state.frequencies), cfg)
    weights = scorer.match_weights(candidates)
    return _Linked(scorer, candidates, weights, state.frequencies).pairs(profiles)


@attrs.frozen
class LinkedProfiles:
    """The pairwise stages' output for a set of profiles (see `link_profiles`).

    Attributes:
        candidates: the candidate pairs from blocking, as columns.
        pairs: every candidate, compared and scored (contributions built when a pair is read).
        model: the scoring model used (the given one, or the default, fitted on the run with EM
            when ``score.fit == "em"``).
        frequencies: the term frequencies behind the TF adjustment.
        timings_s: seconds of the ``blocking``, ``compare`` and ``score`` stages.
    """

    candidates: Candidates
    pairs: ScoredPairs = attrs.field(eq=False)
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
        >>> len(linked.candidates), len(linked.pairs)
        (0, 0)
    """
    cfg = config or Config()
    timer = _Timer()
    ordered = sorted(profiles, key=lambda p: p.article_id)
    linked = _link(ordered, cfg, timer, model=model)
    by_id = {p.article_id: p for p in ordered}
    return LinkedProfiles(
        linked.candidates,
        linked.pairs(by_id),
        linked.scorer.model,
        linked.frequencies,
        timer.seconds,
    )


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
        ordered = _in_id_order(batch.articles)
        heads = _heads(ordered)
    with timer.stage("normalize"):
        boilerplate = state.boilerplate if state is not None else _boilerplate(ordered, cfg)
    with timer.stage("extract"):  # clean, extract, shingle and term vectors
        cleaned, fields, profiles, term_model = _profiles(
            ordered, boilerplate, state.terms if state is not None else None, cfg
        )
        short_texts = sum(1 for c in cleaned if c.short)
        del cleaned
    ordered_profiles = [profiles.pop(a.id) for a in heads]
    del profiles
    kept = _Kept.of(heads, fields, ordered_profiles)
    linked = _link(
        ordered_profiles,
        cfg,
        timer,
        counts=state.counts if state is not None else None,
        model=model,
        state=state,
    )
    # Profiles are rebuilt from the table when a pair is explained: a million of them do not fit.
    del ordered_profiles
    profiles_again = kept.profiles(linked.scorer.table)
    candidates, probability = linked.candidates, linked.probability
    fields_by_id = {f.article_id: f for f in fields}
    with timer.stage("cluster"):
        clustering = cluster_articles(
            candidates.ids,
            linked.pairs(profiles_again),
            cfg.cluster,
            fields=fields_by_id,
            shift=state.density_shift if state is not None else None,
            workers=cfg.workers,
            progress=cfg.progress,
        )
        incidents = list(clustering.incidents)
    with timer.stage("canonical"):
        by_id = {a.id: a for a in heads}
        cases = [
            build_case(incident, by_id, fields_by_id, cfg.canonical)
            for incident in _tracked(incidents, "canonical", cfg)
        ]
    with timer.stage("links"):
        case_row = np.empty(len(ordered), dtype=np.int64)
        row = {aid: i for i, aid in enumerate(candidates.ids)}
        for number, case in enumerate(cases):
            case_row[[row[aid] for aid in case.article_ids]] = number
        is_link = (probability >= cfg.cluster.threshold) & (
            case_row[candidates.a] == case_row[candidates.b]
        )
        pairs = linked.pairs(profiles_again, np.flatnonzero(is_link))
        links = pairs.subset(is_link)
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
        "model": linked.scorer.model.to_dict(),
        "term_frequencies": {name: len(values) for name, values in linked.frequencies.items()},
        "versions": _versions(),
        "counts": {
            "articles": len(ordered),
            "rejects": len(batch.rejects),
            "repeats": batch.repeats,
            "short_texts": short_texts,
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
        pairs=pairs,
        links=links,
        rejects=batch.rejects,
        manifest=manifest,
    )
