"""Clustering scored pairs into incidents without chaining.

Connected components over every link above a threshold chain different incidents of one town or
force into a giant case (on the GVA pool: ARI 0.0006, one component holding most articles). This
module keeps components only as the unit of work and decides, inside each, which articles form one
case:

1. **Components.** Pairs whose probability reaches ``threshold`` are links; the connected components
   of the link graph are found with ``scipy.sparse.csgraph`` (arrays, no Python object per edge).
   Everything below is local to one component, so an incremental store re-clusters only the
   components a new article touches.
2. **Cannot-links.** Two articles that state incompatible hard facts never share a case: different
   reference numbers, different named officers, different named victims or suspects, event dates
   far apart, incompatible casualty counts, different cities or agencies (each rule switchable in
   `ClusterConfig.cannot_link`). They come from the articles' extracted fields, checked for
   *every* pair of articles about to be merged (not only the scored pairs, because chains join
   articles that were never compared), and from pair contributions named in
   `ClusterConfig.conflict_levels`.
3. **Weak bridges.** A bridge of the link graph (an edge whose removal disconnects the component)
   that is weaker than ``bridge_threshold`` and has at least ``bridge_min_side`` articles on each
   side is cut: one middling link is not enough to join two groups.
4. **Average linkage.** Inside the component, clusters start as single articles and the pair of
   adjacent (linked) clusters with the highest *average match weight* is merged while that average,
   read as a probability, reaches ``merge_threshold`` and no cannot-link is violated. With
   ``missing_pairs="count"`` (the default) the average runs over every member pair, a pair never
   scored counting as ``missing_weight`` bits: blocking found nothing in common between them, which is
   evidence against. With ``missing_pairs="ignore"`` it runs over the scored pairs only, and a
   component whose links are all strong, with no constraint and no weak bridge, comes out exactly as
   its connected component.
5. **Oversized components.** A link component larger than ``max_component_size`` is a chain, not a
   case: its link threshold is raised ``threshold_step`` bits at a time until every piece fits, which
   bounds time and memory (1 million articles with 20 million scored pairs cluster in about 47 s
   with a peak of 1.8 GiB on a loaded 2-core machine; ``benchmarks/bench_cluster_memory.py``).

6. **Density.** The scores are calibrated on the training corpora; in a denser corpus (more
   look-alike incidents of one town and week) blocking proposes more candidates per true match, so
   the prior odds that a candidate is a match are lower. `density_shift` estimates candidates per
   match as ``candidates / links`` and takes ``density_weight`` bits (1: the prior odds halve when
   that ratio doubles) per doubling above ``density_reference`` from every scored pair before the
   steps above.

Why the density correction. Resolving train subsamples (25 %, 50 %, 100 % of the incidents) and
fitting the best intercept of the match weights on each shows it falling as the corpus grows
(GVA pool train: -1.8, -2.1, -2.4; GVC train: -1.3, -2.1, -2.6 nats) while the merge threshold stays
fixed, which over-merges dense corpora. Candidates per link tracks it without penalising corpora
whose candidates are mostly matches (ECB+ train: 1.7 per link; GVC train 3.6; GVA pool train 6.9;
the three pooled, where the calibration and thresholds were fitted: 3.0, the default reference).
With the reference taken from the 25 % pool subsample (3.66) and the theoretical weight of 1 bit,
the full train files move from 0.931 / 0.837 / 0.799 ARI (GVC / GVA pool / ECB+) to 0.931 / 0.866
/ 0.799, and the pool and GVC train files resolved together (1,229 articles) from 0.842 to 0.871;
with the default reference 3.0: 0.929 / 0.857 / 0.799 and 0.872.

Why average linkage with unscored pairs counted. Measured on the train files with the default
scores (ARI on GVC train / GVA pool train / ECB+ train; the bundled example corpus comes out exact
with every row):

====================================================================  ======  ======  ======
method                                                                GVC     GVA     ECB+
====================================================================  ======  ======  ======
connected components (the skeleton)                                   0.519   0.015   0.068
components + weak bridges (< 0.999) + cannot-links                   0.691   0.034   0.267
greedy additive merging (correlation clustering), unscored ignored    0.759   0.320   0.488
average linkage, unscored ignored                                     0.759   0.424   0.688
greedy additive merging, unscored pairs at -4 bits                    0.842   0.595   0.671
**average linkage, unscored pairs at -4 bits (default)**              0.842   0.629   0.750
the default without cannot-links                                      0.839   0.577   0.724
====================================================================  ======  ======  ======

Average linkage wins because one strong false link between two incidents is outvoted by the other
pairs between them, while additive merging lets a single very strong pair pull whole clusters
together, and it keeps the large, sparsely compared ECB+ clusters whole better. The merge threshold
(0.4) and missing weight (-4 bits) are round values from a small grid on the train files (-1 to -6
bits, 0.3 to 0.5): the neighbours are within 0.02 ARI, and -6 bits or 0.5 split cases of the example
corpus whose members were never all compared. Weak-bridge cuts change nothing measurable once
average linkage runs (they matter with ``missing_pairs="ignore"`` and the ``components`` method),
so the default cuts only bridges below 0.9. Of the cannot-link rules ``reference`` and
``event_date`` are on by default, the latter at 365 days. At 90 days it helped the skeleton's noisy
scores (GVA pool train 0.577 to 0.629 ARI), but with the merged extractor, rare-term vectors and
calibrated scores the train files barely move (mean ARI over GVC, pool and ECB+ train: 0.854 at 90
days, 0.855 off, 0.852 at 365, 0.857 at 180), while gaps under a year split real misconduct cases
whose follow-ups report a hearing or appeal many months after the incident (the example corpus's
Nottinghamshire case, 274 days). A year keeps those whole and still separates look-alike incidents
of other years. ``officer`` (spokespeople
are named officers too), ``city``/``agency`` (articles name places and forces beside the incident's)
and ``casualties`` (counts differ between first reports and follow-ups: with the rebuilt extractor
it drops GVA pool train from 0.676 to 0.382) cost more true pairs than they save and are off by
default. ``participant`` (different named victims or suspects, neither mentioned by the other
article) needs the rebuilt extractor's roles; there it gains on GVA pool train (0.692 to 0.723) but
loses on GVC (0.850 to 0.841) and ECB+ (0.698 to 0.669), so it is off by default too. The
event-date rule ignores articles whose own dates span more than ``max_event_gap_days`` (they also
date background events); the span counts year and month mentions too ("in 1993"), which on ECB+
train removes 39 of the 41 event-date conflicts between same-event articles (7,285 between
different events remain) and lifts its ARI from 0.799 to 0.806, the other train files unchanged.
The defaults were re-checked on the
pairs of the rebuilt scoring (``score`` branch, EM-fitted): 0.862 / 0.677 / 0.769 on the train files
against 0.508 / 0.069 / 0.053 for connected components, with every grid neighbour lower or within
0.01.

Case ids are a hash of the smallest member id, identical for any input order, process or worker
count; ties in the merge order are broken by article id, never by input order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from caselink._parallel import parallel_map
from caselink._types import ArticleId, CaseId
from caselink.config import ClusterConfig
from caselink.models import ArticleFields, Incident, Profile, ScoredPair, ScoredPairs

__all__ = [
    "Clustering",
    "ConflictKeys",
    "GraphClustering",
    "cluster_articles",
    "cluster_graph",
    "cluster_incidents",
    "conflict_keys",
    "density_shift",
    "find_conflict",
    "incident_id",
    "pair_bits",
]

_Int = npt.NDArray[np.int64]
_Float = npt.NDArray[np.float64]


def incident_id(article_ids: Iterable[ArticleId]) -> CaseId:
    """Return the id of the incident with these members: ``"case-"`` and a hash of the smallest id.

    Examples:
        >>> incident_id(["b", "a"]) == incident_id(["a", "b"])
        True
    """
    smallest = min(article_ids)
    return "case-" + hashlib.sha1(smallest.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def pair_bits(probability: npt.ArrayLike) -> _Float:
    """The match weight (log2 odds) of each probability, finite at 0 and 1: the weights clustered.

    Thresholds go through the same function (`_bits`), so a pair and a threshold with equal
    probabilities compare equal to the last bit (numpy's log2 and `math.log2` differ in the last
    bit for about 1 value in 2,500).

    Examples:
        >>> pair_bits([0.5, 0.2]).round(6).tolist()
        [0.0, -2.0]
    """
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-15, 1.0 - 1e-15)
    # In place: a run holds tens of millions of pairs, and each temporary is as large as the input.
    bits: _Float = np.subtract(1.0, p)
    np.divide(p, bits, out=bits)
    np.log2(bits, out=bits)
    return bits


def _bits(probability: float) -> float:
    """The match weight (log2 odds) of one probability (see `pair_bits`)."""
    return float(pair_bits(np.array([probability]))[0])


# ---------------------------------------------------------------------------------------------
# cannot-links from extracted fields


@attrs.frozen
class ConflictKeys:
    """The hard facts of one article that can rule out a shared case, in comparable form.

    Attributes:
        references: reference and case numbers.
        officers: named officers (full names only: a bare rank or surname is too weak to conflict).
        event_days: day-precision event dates as ordinals.
        date_span: days from the start of the earliest to the end of the latest date the article
            mentions at any precision (a year or month counts from its first to its last day).
        killed: people killed, when stated.
        injured: people injured, when stated.
        cities: city-level places (``"name|region|country"``).
        agencies: police forces and agencies.
        participants: ``(role, name)`` of the people named as victim or suspect (full names only).
        names: every full name the article gives (people and officers), to recognise a participant
            that the other article names in another role.
    """

    references: frozenset[str] = frozenset()
    officers: tuple[str, ...] = ()
    event_days: tuple[int, ...] = ()
    date_span: int = 0
    killed: int | None = None
    injured: int | None = None
    cities: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    participants: tuple[tuple[str, str], ...] = ()
    names: frozenset[str] = frozenset()

    def relevant(self, rules: Iterable[str]) -> bool:
        """Whether the article states a fact that one of these cannot-link rules reads."""
        fields = {
            "reference": self.references,
            "officer": self.officers,
            "participant": self.participants,
            "event_date": self.event_days,
            "casualties": self.killed is not None or self.injured is not None,
            "city": self.cities,
            "agency": self.agencies,
        }
        return any(bool(fields.get(rule)) for rule in rules)

    @property
    def empty(self) -> bool:
        """Whether the article states no hard fact at all (it can then conflict with nothing)."""
        return not (
            self.references
            or self.officers
            or self.event_days
            or self.cities
            or self.agencies
            or self.participants
            or self.killed is not None
            or self.injured is not None
        )


def _day(norm: str) -> int | None:
    if len(norm) != 10:
        return None
    try:
        return dt.date.fromisoformat(norm).toordinal()
    except ValueError:
        return None


def _date_range(norm: str) -> tuple[int, int] | None:
    """The first and last day (ordinals) of a ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` date norm."""
    try:
        if len(norm) == 10:
            day = dt.date.fromisoformat(norm).toordinal()
            return day, day
        if len(norm) == 7:
            first = dt.date.fromisoformat(norm + "-01")
            after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first.toordinal(), after.toordinal() - 1
        if len(norm) == 4:
            year = int(norm)
            return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    except ValueError:
        return None
    return None


def conflict_keys(fields: ArticleFields) -> ConflictKeys:
    """Return the hard facts of an article used for cannot-link rules.

    Examples:
        >>> from caselink.models import Mention
        >>> keys = conflict_keys(ArticleFields("a", references=[Mention("2017/1", "2017/1", 0, 6)]))
        >>> sorted(keys.references)
        ['2017/1']
    """
    days = (_day(n) for n in fields.norms("event_dates"))
    ranges = [r for n in fields.norms("event_dates") if (r := _date_range(n)) is not None]
    return ConflictKeys(
        references=frozenset(fields.norms("references")),
        officers=tuple(n for n in fields.norms("officers") if " " in n),
        event_days=tuple(sorted({d for d in days if d is not None})),
        date_span=max(r[1] for r in ranges) - min(r[0] for r in ranges) if ranges else 0,
        killed=fields.killed,
        injured=fields.injured,
        cities=frozenset(p for p in fields.norms("places") if p.count("|") == 2),
        agencies=frozenset(fields.norms("agencies")),
        participants=tuple(
            sorted(
                {
                    (m.role, m.norm)
                    for m in fields.people
                    if m.role in _PARTICIPANT_ROLES and " " in m.norm
                }
            )
        ),
        names=frozenset(
            n for n in (*fields.norms("people"), *fields.norms("officers")) if " " in n
        ),
    )


_PARTICIPANT_ROLES = frozenset({"victim", "suspect"})


def _casualties_conflict(a: ConflictKeys, b: ConflictKeys) -> bool:
    # A victim can die after the first report, so killed may rise while injured falls: only a
    # change that no such move explains is a conflict.
    if a.killed is not None and b.killed is not None:
        slack = max(a.injured or 0, b.injured or 0)
        if abs(a.killed - b.killed) > slack:
            return True
    if None in (a.killed, a.injured, b.killed, b.injured):
        return False
    total_a = (a.killed or 0) + (a.injured or 0)
    total_b = (b.killed or 0) + (b.injured or 0)
    return total_a != total_b


def _reference_conflict(a: ConflictKeys, b: ConflictKeys, _config: ClusterConfig) -> bool:
    return bool(a.references and b.references and a.references.isdisjoint(b.references))


def _officer_conflict(a: ConflictKeys, b: ConflictKeys, config: ClusterConfig) -> bool:
    if not (a.officers and b.officers):
        return False
    best = max(fuzz.token_sort_ratio(x, y, processor=None) for x in a.officers for y in b.officers)
    return best < 100.0 * config.officer_similarity


def _event_date_conflict(a: ConflictKeys, b: ConflictKeys, config: ClusterConfig) -> bool:
    gap = config.max_event_gap_days
    if not (a.event_days and b.event_days):
        return False
    # Articles that also date background events (earlier cases, trials, "in 1993"), at any
    # precision, do not pin their own.
    for k in (a, b):
        if max(k.date_span, k.event_days[-1] - k.event_days[0]) > gap:
            return False
    return _min_gap(a.event_days, b.event_days) > gap


def _known(name: str, names: frozenset[str], floor: float) -> bool:
    return name in names or any(
        fuzz.token_sort_ratio(name, other, processor=None) >= floor for other in names
    )


def _participant_conflict(a: ConflictKeys, b: ConflictKeys, config: ClusterConfig) -> bool:
    # Different victims (or suspects) named on both sides, and neither article mentions any of the
    # other's: a multi-victim incident whose reports each name another victim still passes when
    # one report also names the other's victim anywhere.
    floor = 100.0 * config.officer_similarity
    for role in _PARTICIPANT_ROLES:
        xs = [n for r, n in a.participants if r == role]
        ys = [n for r, n in b.participants if r == role]
        if (
            xs
            and ys
            and not any(_known(x, b.names, floor) for x in xs)
            and not any(_known(y, a.names, floor) for y in ys)
        ):
            return True
    return False


def _casualty_conflict(a: ConflictKeys, b: ConflictKeys, _config: ClusterConfig) -> bool:
    return _casualties_conflict(a, b)


def _city_conflict(a: ConflictKeys, b: ConflictKeys, _config: ClusterConfig) -> bool:
    return bool(a.cities and b.cities and a.cities.isdisjoint(b.cities))


def _agency_conflict(a: ConflictKeys, b: ConflictKeys, _config: ClusterConfig) -> bool:
    return bool(a.agencies and b.agencies and a.agencies.isdisjoint(b.agencies))


_RULES: dict[str, Callable[[ConflictKeys, ConflictKeys, ClusterConfig], bool]] = {
    "reference": _reference_conflict,
    "officer": _officer_conflict,
    "event_date": _event_date_conflict,
    "casualties": _casualty_conflict,
    "participant": _participant_conflict,
    "city": _city_conflict,
    "agency": _agency_conflict,
}


def find_conflict(a: ConflictKeys, b: ConflictKeys, config: ClusterConfig) -> str | None:
    """Return the first cannot-link rule (of ``config.cannot_link``) that two articles violate, or ``None``.

    Examples:
        >>> cfg = ClusterConfig()
        >>> one, two = ConflictKeys(references=frozenset({"1"})), ConflictKeys(references=frozenset({"2"}))
        >>> find_conflict(one, two, cfg)
        'reference'
        >>> find_conflict(one, ConflictKeys(), cfg) is None
        True
    """
    for name in config.cannot_link:
        if _RULES[name](a, b, config):
            return name
    return None


def _min_gap(xs: Sequence[int], ys: Sequence[int]) -> int:
    i = j = 0
    best = abs(xs[0] - ys[0])
    while i < len(xs) and j < len(ys):
        best = min(best, abs(xs[i] - ys[j]))
        if xs[i] < ys[j]:
            i += 1
        else:
            j += 1
    return best


# ---------------------------------------------------------------------------------------------
# the graph core: arrays in, labels out


@attrs.frozen
class GraphClustering:
    """The result of `cluster_graph`.

    Attributes:
        labels: for each node, the smallest node index of its cluster (so labels are canonical).
        split_by_constraint: for each node, whether its link component was split because a
            cannot-link blocked a merge the weights asked for.
        diagnostics: counts and sizes for the run manifest.
    """

    labels: _Int = attrs.field(eq=False)
    split_by_constraint: npt.NDArray[np.bool_] = attrs.field(eq=False)
    diagnostics: Mapping[str, Any]


_Cell = list[float]
"""Between two clusters: [sum of scored weights, number of scored pairs, number of links]."""


def _bridges(size: int, x: _Int, y: _Int) -> list[tuple[int, int]]:
    """The bridges of a simple undirected graph on nodes ``0 .. size - 1`` (iterative Tarjan).

    Each bridge is ``(u, v)`` with ``u < v``; linear in nodes and edges, no recursion limit.
    """
    ends = np.concatenate((x, y))
    order = np.argsort(ends, kind="stable")
    neighbours = np.concatenate((y, x))[order].tolist()
    indptr = np.concatenate(([0], np.cumsum(np.bincount(ends, minlength=size)))).tolist()
    disc = [-1] * size
    low = [0] * size
    clock = 0
    found = []
    for root in range(size):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        # Frames: (node, its parent, the next neighbour position to look at).
        stack = [(root, -1, indptr[root])]
        while stack:
            node, parent, at = stack[-1]
            if at < indptr[node + 1]:
                stack[-1] = (node, parent, at + 1)
                other = neighbours[at]
                if other == parent:
                    continue
                if disc[other] == -1:
                    disc[other] = low[other] = clock
                    clock += 1
                    stack.append((other, node, indptr[other]))
                elif disc[other] < low[node]:
                    low[node] = disc[other]
                continue
            stack.pop()
            if stack:
                above = stack[-1][0]
                low[above] = min(low[above], low[node])
                if low[node] > disc[above]:
                    found.append((min(above, node), max(above, node)))
    return found


def _bridge_sides(nodes: list[int], links: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Return each bridge of the link graph with the number of nodes on its smaller side."""
    local = {n: i for i, n in enumerate(nodes)}
    pairs = np.array([(local[u], local[v]) for u, v in links], dtype=np.int64).reshape(-1, 2)
    x, y = pairs[:, 0], pairs[:, 1]
    bridges = [(nodes[u], nodes[v]) for u, v in _bridges(len(nodes), x, y)]
    if not bridges:
        return {}
    bridges = [(min(u, v), max(u, v)) for u, v in bridges]
    # Contract the 2-edge-connected parts; the bridges then form a forest over the parts.
    cut = {(local[u], local[v]) for u, v in bridges}
    cut |= {(v, u) for u, v in cut}
    kept = np.array([(u, v) not in cut for u, v in zip(x.tolist(), y.tolist(), strict=True)])
    graph = coo_matrix(
        (np.ones(int(kept.sum()), dtype=np.int8), (x[kept], y[kept])), shape=(len(nodes),) * 2
    )
    _count, piece = connected_components(graph.tocsr(), directed=False)
    # Parts numbered by their smallest node, as a sorted list of parts would number them.
    first_node: dict[int, int] = {}
    for i, label in enumerate(piece.tolist()):
        first_node.setdefault(label, i)
    rank = {label: k for k, label in enumerate(sorted(first_node, key=first_node.__getitem__))}
    part_of = {nodes[i]: rank[label] for i, label in enumerate(piece.tolist())}
    size = np.bincount([rank[label] for label in piece.tolist()]).tolist()
    tree: dict[int, list[int]] = defaultdict(list)
    for u, v in bridges:
        tree[part_of[u]].append(part_of[v])
        tree[part_of[v]].append(part_of[u])
    parent = {0: -1}
    order = [0]
    for current in order:
        for nxt in sorted(tree[current]):
            if nxt not in parent:
                parent[nxt] = current
                order.append(nxt)
    below = list(size)
    for current in reversed(order[1:]):
        below[parent[current]] += below[current]
    total = len(nodes)
    sides = {}
    for u, v in bridges:
        pu, pv = part_of[u], part_of[v]
        child = pv if parent.get(pv) == pu else pu
        sides[(u, v)] = min(below[child], total - below[child])
    return sides


class _Component:
    """Average-linkage clustering of one link component (mutable state, local to `cluster_graph`)."""

    def __init__(
        self,
        nodes: list[int],
        edges: list[tuple[int, int, float]],
        cannot: set[tuple[int, int]],
        keys: Sequence[ConflictKeys | None] | None,
        config: ClusterConfig,
    ) -> None:
        self.config = config
        self.cannot = cannot
        self.keys = keys
        self.members: dict[int, list[int]] = {n: [n] for n in nodes}
        self.version = dict.fromkeys(nodes, 0)
        self.bridges = 0
        self.weak_bridges = 0
        self.blocked = 0
        link_w = _bits(config.threshold)
        links = {(i, j): w for i, j, w in edges if w >= link_w}
        if config.bridge_threshold > config.threshold and len(nodes) >= 2 * config.bridge_min_side:
            sides = _bridge_sides(nodes, links)
            self.bridges = len(sides)
            bridge_w = _bits(config.bridge_threshold)
            for edge, side in sides.items():
                if side >= config.bridge_min_side and links[edge] < bridge_w:
                    del links[edge]
                    self.weak_bridges += 1
        table: dict[int, dict[int, _Cell]] = {n: {} for n in nodes}
        # Each pair comes once (`cluster_graph` keeps one weight per pair), so a cell is one pair.
        for i, j, w in edges:
            linked = 1.0 if (i, j) in links else 0.0
            table[i][j] = [w, 1.0, linked]
            table[j][i] = [w, 1.0, linked]
        self.table = table
        self.merge_w = _bits(config.merge_threshold)
        self.missing = config.missing_weight if config.missing_pairs == "count" else None

    def _score(self, x: int, y: int, cell: _Cell) -> float:
        pairs = cell[1]
        total = cell[0]
        if self.missing is not None:
            pairs = float(len(self.members[x]) * len(self.members[y]))
            total += self.missing * (pairs - cell[1])
        if self.config.method == "components":
            # Single linkage: any link joins two clusters (cannot-links and weak bridges aside).
            return math.inf
        if self.config.method == "additive":
            # Greedy additive merging: the merge's gain in the correlation-clustering objective,
            # shifted so that it is positive exactly when the average reaches the threshold.
            return total - self.merge_w * pairs + self.merge_w
        return total / pairs

    def _conflict(self, xs: list[int], ys: list[int]) -> bool:
        if self.cannot:
            for x in xs:
                for y in ys:
                    if ((x, y) if x < y else (y, x)) in self.cannot:
                        return True
        keys = self.keys
        if keys is None:
            return False
        kx = [k for x in xs if (k := keys[x]) is not None and not k.empty]
        ky = [k for y in ys if (k := keys[y]) is not None and not k.empty]
        return any(find_conflict(a, b, self.config) is not None for a in kx for b in ky)

    def _candidates(self, x: int) -> list[tuple[float, int, int, int, int]]:
        # The hot loop of clustering: `_score` inlined for the default method, same arithmetic.
        if self.missing is None or self.config.method != "average":
            return [
                (-s, *((x, z) if x < z else (z, x)), *self._versions(x, z))
                for z, cell in self.table[x].items()
                if cell[2] > 0 and (s := self._score(x, z, cell)) >= self.merge_w
            ]
        found = []
        members, version, missing, merge_w = self.members, self.version, self.missing, self.merge_w
        size_x, version_x = len(members[x]), version[x]
        for z, cell in self.table[x].items():
            if cell[2] > 0:
                pairs = float(size_x * len(members[z]))
                s = (cell[0] + missing * (pairs - cell[1])) / pairs
                if s >= merge_w:
                    if x < z:
                        found.append((-s, x, z, version_x, version[z]))
                    else:
                        found.append((-s, z, x, version[z], version_x))
        return found

    def _versions(self, x: int, z: int) -> tuple[int, int]:
        a, b = (x, z) if x < z else (z, x)
        return self.version[a], self.version[b]

    def _merge(self, x: int, y: int) -> None:
        """Merge cluster ``y`` into ``x`` (``x < y``: the representative stays the smallest node)."""
        self.members[x].extend(self.members.pop(y))
        row_y = self.table.pop(y)
        row_x = self.table[x]
        row_x.pop(y, None)
        for z, cell in row_y.items():
            if z == x:
                continue
            mine = row_x.setdefault(z, [0.0, 0.0, 0.0])
            mine[0] += cell[0]
            mine[1] += cell[1]
            mine[2] += cell[2]
            other = self.table[z]
            del other[y]
            other[x] = list(mine)
        del self.version[y]
        self.version[x] += 1

    def run(self) -> list[list[int]]:
        """Cluster the component; return its clusters as lists of node indices."""
        heap = [c for x in self.members for c in self._candidates(x) if c[1] == x]
        heapq.heapify(heap)
        while heap:
            _neg, x, y, vx, vy = heapq.heappop(heap)
            if self.version.get(x) != vx or self.version.get(y) != vy:
                continue
            if self._conflict(self.members[x], self.members[y]):
                self.blocked += 1
                continue
            self._merge(x, y)
            for candidate in self._candidates(x):
                heapq.heappush(heap, candidate)
        return list(self.members.values())


def _components(
    num_nodes: int, lo: _Int, hi: _Int, link: npt.NDArray[np.bool_]
) -> tuple[_Int, _Int]:
    """Return each node's link component and each component's size."""
    graph = coo_matrix(
        (np.ones(int(link.sum()), dtype=np.int8), (lo[link], hi[link])),
        shape=(num_nodes, num_nodes),
    )
    _count, comp = connected_components(graph.tocsr(), directed=False)
    comp = comp.astype(np.int64)
    sizes = np.bincount(comp).astype(np.int64) if num_nodes else np.zeros(0, dtype=np.int64)
    return comp, sizes


def _inside_components(comp: _Int, rows: _Int, cols: _Int) -> _Int:
    """Positions of the pairs joining two distinct nodes of one component.

    Computed in slices, so the temporaries stay small beside the pair arrays.
    """
    found = []
    step = 1 << 22
    for start in range(0, rows.size, step):
        a, b = comp[rows[start : start + step]], comp[cols[start : start + step]]
        keep = (a == b) & (rows[start : start + step] != cols[start : start + step])
        found.append(np.flatnonzero(keep) + start)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _split_large(
    comp: _Int, sizes: _Int, edges: tuple[_Int, _Int, _Float], config: ClusterConfig
) -> tuple[_Int, _Int, int]:
    """Split components larger than ``max_component_size`` by raising their link threshold.

    A link component of thousands of articles is a chain, not a case; raising the threshold inside
    it (``threshold_step`` bits at a time) until every piece fits keeps the per-component work and
    memory bounded (dedupe does the same). Only the oversized component is touched, so the result
    stays local.

    Returns:
        The refined component labels, their sizes and how many components had to be split.
    """
    lo, hi, w = edges
    limit = config.max_component_size
    big = np.flatnonzero(sizes > limit)
    if big.size == 0:
        return comp, sizes, 0
    comp = comp.copy()
    base = _bits(config.threshold)
    # Each pending piece carries the pairs that can hold it together (its parent's, above the
    # parent's level), so a split never scans every pair of the corpus again.
    comp_lo = comp[lo]
    held = np.flatnonzero((comp_lo == comp[hi]) & (sizes[comp_lo] > limit))
    held = held[np.argsort(comp_lo[held], kind="stable")]
    bounds = np.searchsorted(comp_lo[held], np.append(big, big[-1] + 1))
    del comp_lo
    pending = [
        (int(label), base + config.threshold_step, held[bounds[i] : bounds[i + 1]])
        for i, label in enumerate(big.tolist())
    ]
    next_label = int(comp.max()) + 1
    while pending:
        label, level, around = pending.pop()
        nodes = np.flatnonzero(comp == label)
        el, eh = lo[around], hi[around]
        inside = around[(comp[el] == label) & (comp[eh] == label) & (w[around] >= level)]
        local = np.searchsorted(nodes, np.concatenate((lo[inside], hi[inside])))
        half = local.size // 2
        graph = coo_matrix(
            (np.ones(half, dtype=np.int8), (local[:half], local[half:])),
            shape=(nodes.size, nodes.size),
        )
        count, sub = connected_components(graph.tocsr(), directed=False)
        comp[nodes] = next_label + sub
        sub_sizes = np.bincount(sub, minlength=count)
        # An inside pair joins two nodes of one piece: group the pairs by that piece.
        piece_of = sub[local[:half]]
        order = np.argsort(piece_of, kind="stable")
        bounds = np.searchsorted(piece_of[order], np.arange(count + 1))
        pending.extend(
            (
                next_label + piece,
                level + config.threshold_step,
                inside[order[bounds[piece] : bounds[piece + 1]]],
            )
            for piece in np.flatnonzero(sub_sizes > limit).tolist()
        )
        next_label += count
    _, comp = np.unique(comp, return_inverse=True)
    comp = comp.astype(np.int64)
    return comp, np.bincount(comp).astype(np.int64), int(big.size)


def _canonical_pairs(num_nodes: int, lo: _Int, hi: _Int, w: _Float) -> tuple[_Int, _Int, _Float]:
    """Sort pairs by (lo, hi) and keep the highest weight of a repeated pair.

    Sums of weights then run in the same order whatever the input order, so results are identical
    to the last bit.
    """
    if lo.size == 0:
        return lo, hi, w
    key = lo * max(num_nodes, 1) + hi
    if bool(np.all(key[1:] > key[:-1])):
        return lo, hi, w  # already sorted and distinct (a run's own pairs are)
    # Equal keys are the same pair and only their maximum weight is kept, so an unstable sort is fine.
    order = np.argsort(key)
    key, w = key[order], w[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    if starts.size != key.size:
        w = np.maximum.reduceat(w, starts)
    key = key[starts]
    return key // max(num_nodes, 1), key % max(num_nodes, 1), w


def _cannot_by_component(
    comp: _Int, cannot_rows: npt.ArrayLike | None, cannot_cols: npt.ArrayLike | None
) -> tuple[dict[int, set[tuple[int, int]]], int]:
    cannot: dict[int, set[tuple[int, int]]] = defaultdict(set)
    if cannot_rows is None or cannot_cols is None:
        return cannot, 0
    cr = np.asarray(cannot_rows, dtype=np.int64)
    cc = np.asarray(cannot_cols, dtype=np.int64)
    inside = (comp[cr] == comp[cc]) & (cr != cc)
    for x, y in zip(cr[inside].tolist(), cc[inside].tolist(), strict=True):
        cannot[int(comp[x])].add((min(x, y), max(x, y)))
    return cannot, int(cr.size)


def cluster_graph(
    num_nodes: int,
    rows: npt.ArrayLike,
    cols: npt.ArrayLike,
    weights: npt.ArrayLike,
    config: ClusterConfig | None = None,
    *,
    cannot_rows: npt.ArrayLike | None = None,
    cannot_cols: npt.ArrayLike | None = None,
    keys: Sequence[ConflictKeys | None] | None = None,
    workers: int = 1,
    progress: bool | None = False,
) -> GraphClustering:
    """Cluster a graph given as arrays: the memory-lean core of `cluster_incidents`.

    Args:
        num_nodes: the number of nodes; nodes are ``0 .. num_nodes - 1``. Give them in a canonical
            order (e.g. sorted article ids) so that ties break the same way on every run.
        rows: first node of each scored pair.
        cols: second node of each scored pair (pairs are undirected; give each pair once).
        weights: each pair's match weight in bits (log2 odds).
        config: thresholds and rules.
        cannot_rows: first node of each explicit cannot-link pair.
        cannot_cols: second node of each explicit cannot-link pair.
        keys: per node, its hard facts for the field cannot-link rules (``None`` for none).
        workers: processes over which the link components are clustered (the result does not
            depend on it).
        progress: show a progress bar with ETA over the components (``None``: on a terminal).

    Returns:
        Canonical labels (the smallest node of each cluster), split flags and diagnostics.

    Raises:
        ValueError: when rows, cols and weights differ in length.

    Examples:
        >>> result = cluster_graph(4, [0, 1, 2], [1, 2, 3], [9.0, 9.0, -3.0])
        >>> result.labels.tolist()
        [0, 0, 0, 3]
    """
    cfg = config or ClusterConfig()
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if not (r.shape == c.shape == w.shape):
        msg = (
            "rows, cols and weights need one entry per pair, "
            f"got lengths {r.size}, {c.size} and {w.size}; pass three arrays of equal length"
        )
        raise ValueError(msg)
    link_w = _bits(cfg.threshold)
    comp, sizes = _components(num_nodes, r, c, (w >= link_w) & (r != c))
    largest_link_component = int(sizes.max()) if sizes.size else 0
    # Only pairs inside a link component take part in what follows; the others (most pairs of a
    # large run) are dropped before any copy is made.
    inside = _inside_components(comp, r, c)
    outside = int(r.size - inside.size - np.count_nonzero(r == c))
    lo, hi, w = _canonical_pairs(
        num_nodes, np.minimum(r[inside], c[inside]), np.maximum(r[inside], c[inside]), w[inside]
    )
    del inside
    link = w >= link_w
    comp, sizes, raised = _split_large(comp, sizes, (lo, hi, w), cfg)
    cannot, cannot_total = _cannot_by_component(comp, cannot_rows, cannot_cols)
    labels = np.arange(num_nodes, dtype=np.int64)
    split = np.zeros(num_nodes, dtype=bool)

    # Scored pairs inside one component, grouped by component (pairs across components are moot).
    same = comp[lo] == comp[hi]
    # Pairs arrive sorted by (lo, hi); a stable sort by component keeps that order inside each.
    order = np.argsort(comp[lo[same]], kind="stable")
    elo, ehi, ew = lo[same][order], hi[same][order], w[same][order]
    ecomp = comp[elo]
    node_order = np.argsort(comp, kind="stable")
    node_bounds = np.concatenate(([0], np.cumsum(sizes)))
    multi = np.flatnonzero(sizes >= 2)
    starts = np.searchsorted(ecomp, multi, side="left").tolist()
    ends = np.searchsorted(ecomp, multi, side="right").tolist()
    node_keys = keys if keys is not None and cfg.cannot_link else None

    items = list(zip(multi.tolist(), starts, ends, strict=True))
    shared = (_Edges(elo, ehi, ew, node_order, node_bounds), cannot, node_keys, cfg)
    # Components are independent: big runs spread them over worker processes (same result).
    results = parallel_map(
        _cluster_component,
        items,
        shared=shared,
        workers=workers,
        batch_size=4,
        progress=progress,
        desc="cluster",
        min_items=64,
    )
    stats: Counter[str] = Counter()
    for clusters, counts in results:
        stats.update(counts)
        blocked = counts["merges_blocked_by_constraint"] > 0
        for members in clusters:
            labels[members] = min(members)
            split[members] = len(clusters) > 1 and blocked
    diagnostics = _diagnostics(
        cfg,
        labels=labels,
        lo=lo,
        hi=hi,
        link=link,
        sizes=sizes,
        stats=stats,
        cannot_total=cannot_total,
    )
    diagnostics["scored_pairs"] += outside  # pairs across components, as given (not deduplicated)
    diagnostics["largest_link_component"] = largest_link_component
    diagnostics["components_over_max_size"] = raised
    return GraphClustering(labels, split, diagnostics)


@attrs.frozen(eq=False)
class _Edges:
    """The scored pairs inside link components, grouped by component, and the nodes of each."""

    lo: _Int
    hi: _Int
    weight: _Float
    node_order: _Int
    node_bounds: _Int


def _cluster_component(
    item: tuple[int, int, int],
    edges: _Edges,
    cannot: Mapping[int, set[tuple[int, int]]],
    keys: Sequence[ConflictKeys | None] | None,
    config: ClusterConfig,
) -> tuple[list[list[int]], Counter[str]]:
    """Cluster one link component: its clusters (node lists) and the counts for the diagnostics."""
    label, start, end = item
    nodes = edges.node_order[edges.node_bounds[label] : edges.node_bounds[label + 1]].tolist()
    comp_cannot = cannot.get(label, set())
    counts: Counter[str] = Counter()
    weights = edges.weight[start:end]
    if _keep_whole(nodes, weights, cannot=comp_cannot, keys=keys, config=config):
        counts["components_kept_whole"] += 1
        return [nodes], counts
    pairs = zip(
        edges.lo[start:end].tolist(), edges.hi[start:end].tolist(), weights.tolist(), strict=True
    )
    work = _Component(nodes, list(pairs), comp_cannot, keys, config)
    clusters = work.run()
    counts["bridges"] += work.bridges
    counts["weak_bridges_cut"] += work.weak_bridges
    counts["merges_blocked_by_constraint"] += work.blocked
    counts["components_reclustered"] += 1
    counts["components_split"] += len(clusters) > 1
    counts["components_split_by_constraint"] += len(clusters) > 1 and work.blocked > 0
    return clusters, counts


def _keep_whole(
    nodes: list[int],
    weights: _Float,
    *,
    cannot: set[tuple[int, int]],
    keys: Sequence[ConflictKeys | None] | None,
    config: ClusterConfig,
) -> bool:
    """Whether a component provably comes out whole, so the per-component work can be skipped."""
    if cannot:
        return False
    if (
        keys is not None
        and sum(1 for n in nodes if (k := keys[n]) is not None and not k.empty) >= 2
    ):
        return False
    size = len(nodes)
    no_weak_bridge = (
        config.bridge_threshold <= config.threshold
        or size < 2 * config.bridge_min_side
        or bool(np.all(weights >= _bits(config.bridge_threshold)))
    )
    if not no_weak_bridge:
        return False
    if config.method == "components":
        return True
    # Every pair scored and every weight above the merge level: any linkage merges them all.
    floor = max(_bits(config.threshold), _bits(config.merge_threshold))
    return weights.size == size * (size - 1) // 2 and bool(np.all(weights >= floor))


def _diagnostics(
    config: ClusterConfig,
    *,
    labels: _Int,
    lo: _Int,
    hi: _Int,
    link: npt.NDArray[np.bool_],
    sizes: _Int,
    stats: Counter[str],
    cannot_total: int,
) -> dict[str, Any]:
    case_sizes = np.bincount(labels)[np.unique(labels)] if labels.size else labels
    return {
        "method": config.method,
        "scored_pairs": int(lo.size),
        "links": int(link.sum()),
        "cannot_link_pairs": cannot_total,
        "link_components": int(sizes.size),
        "components_kept_whole": stats["components_kept_whole"],
        "components_reclustered": stats["components_reclustered"],
        "components_split": stats["components_split"],
        "components_split_by_constraint": stats["components_split_by_constraint"],
        "merges_blocked_by_constraint": stats["merges_blocked_by_constraint"],
        "bridges": stats["bridges"],
        "weak_bridges_cut": stats["weak_bridges_cut"],
        "cases": int(case_sizes.size),
        "largest_case": int(case_sizes.max()) if case_sizes.size else 0,
        "case_sizes": _size_histogram(case_sizes),
        "density": _density(labels, lo, hi, link),
    }


def _size_histogram(sizes: npt.NDArray[np.int64]) -> dict[str, int]:
    buckets = Counter(
        str(s) if s <= 5 else ("6-10" if s <= 10 else ("11-50" if s <= 50 else "51+"))
        for s in sizes.tolist()
    )
    order = ["1", "2", "3", "4", "5", "6-10", "11-50", "51+"]
    return {k: buckets[k] for k in order if buckets[k]}


def _density(labels: _Int, lo: _Int, hi: _Int, link: npt.NDArray[np.bool_]) -> float | None:
    """Mean share of possible member pairs that are links, over the cases with several articles."""
    if labels.size == 0:
        return None
    root_sizes = np.bincount(labels, minlength=labels.size)
    multi = np.flatnonzero(root_sizes >= 2)
    if multi.size == 0:
        return None
    inside = link & (labels[lo] == labels[hi])
    links_per = np.bincount(labels[lo[inside]], minlength=labels.size).astype(np.float64)
    possible = root_sizes[multi] * (root_sizes[multi] - 1) / 2.0
    return round(float(np.mean(links_per[multi] / possible)), 4)


# ---------------------------------------------------------------------------------------------
# the record-level API


@attrs.frozen
class Clustering:
    """Incidents with the diagnostics of the clustering that made them.

    Attributes:
        incidents: every article in exactly one incident, sorted by incident id.
        diagnostics: written to the run manifest under ``"cluster"``: ``scored_pairs``, ``links``,
            ``cannot_link_pairs`` (explicit, from ``conflict_levels``), ``link_components`` and
            ``largest_link_component`` (before any split), ``components_over_max_size``,
            ``components_kept_whole`` (provably one case, skipped), ``components_reclustered``,
            ``components_split``, ``components_split_by_constraint``, ``cases_split_by_constraint``,
            ``merges_blocked_by_constraint``, ``bridges`` (found in re-clustered components),
            ``weak_bridges_cut``, ``cases``, ``largest_case``, ``case_sizes`` (a histogram) and
            ``density`` (the mean share of member pairs that are links, over multi-article cases).
    """

    incidents: tuple[Incident, ...]
    diagnostics: Mapping[str, Any]


def _conflict_pairs(pairs: Iterable[ScoredPair], levels: Sequence[str]) -> Iterable[ScoredPair]:
    wanted = {tuple(level.split(":", 1)) for level in levels}
    for pair in pairs:
        if any((c.name, c.label) in wanted for c in pair.contributions):
            yield pair


class _ConflictKeysOf(Sequence["ConflictKeys | None"]):
    """Each article's `ConflictKeys`, built the first time clustering reads them.

    Only articles in link components that need re-clustering are read, so most articles of a
    large corpus never pay for theirs. Articles that state nothing the enabled rules read are
    ``None``: they conflict with nothing.
    """

    def __init__(self, fields: Sequence[ArticleFields | None], rules: Sequence[str]) -> None:
        self._fields = fields
        self._rules = tuple(rules)
        self._built: dict[int, ConflictKeys | None] = {}

    def __len__(self) -> int:
        return len(self._fields)

    @overload
    def __getitem__(self, index: int) -> ConflictKeys | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[ConflictKeys | None]: ...

    def __getitem__(self, index: int | slice) -> ConflictKeys | list[ConflictKeys | None] | None:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index not in self._built:
            fields = self._fields[index]
            keys = conflict_keys(fields) if fields is not None else None
            self._built[index] = keys if keys is not None and keys.relevant(self._rules) else None
        return self._built[index]


def density_shift(probabilities: npt.ArrayLike, config: ClusterConfig) -> float:
    """The bits every scored pair loses when candidates are less often matches than at calibration.

    The prior odds that a candidate pair is a match fall as blocking proposes more candidates per
    true match (a denser corpus: more look-alike incidents in the same town and week). The run
    estimates candidates per match as ``candidates / links`` (links: pairs at ``threshold``) and
    every pair loses ``density_weight`` bits per doubling of that ratio above ``density_reference``.

    Examples:
        >>> cfg = ClusterConfig(density_reference=2.0, density_weight=1.0)
        >>> density_shift([0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], cfg)
        -2.0
        >>> density_shift([0.9, 0.9, 0.1], cfg)
        0.0
    """
    p = np.asarray(probabilities, dtype=np.float64)
    links = int(np.count_nonzero(p >= config.threshold))
    if config.density_weight == 0.0 or links == 0:
        return 0.0
    doublings = math.log2(p.size / links / config.density_reference)
    return 0.0 if doublings <= 0.0 else -config.density_weight * doublings


def cluster_articles(
    article_ids: Sequence[ArticleId],
    pairs: Iterable[ScoredPair],
    config: ClusterConfig | None = None,
    *,
    profiles: Mapping[ArticleId, Profile] | None = None,
    fields: Mapping[ArticleId, ArticleFields] | None = None,
    shift: float | None = None,
    workers: int = 1,
    progress: bool | None = False,
) -> Clustering:
    """Group articles into incidents and report how (see the module docstring for the method).

    Args:
        article_ids: every article; each ends in exactly one incident (singletons included).
        pairs: the scored candidate pairs; pairs naming unknown articles are ignored.
        config: thresholds and cannot-link rules.
        profiles: the articles' profiles, for the field cannot-link rules (none are applied without).
        fields: the articles' fields instead of their profiles (all those rules read).
        shift: the density shift in bits (`density_shift`); computed from ``pairs`` when omitted.
            Re-clustering part of a corpus (one link component of an incremental store) must pass
            the whole corpus's shift to get the same cases.
        workers: processes over which link components are clustered (same result for any number).
        progress: show a progress bar with ETA over the link components.

    Returns:
        The incidents, sorted by id, and diagnostics for the run manifest.

    Examples:
        >>> pairs = [ScoredPair("a", "b", 5.0, 0.97, ())]
        >>> sorted(i.article_ids for i in cluster_articles(["a", "b", "c"], pairs).incidents)
        [('a', 'b'), ('c',)]
    """
    cfg = config or ClusterConfig()
    ids = sorted(set(article_ids))
    index = {aid: i for i, aid in enumerate(ids)}
    columns = pairs if isinstance(pairs, ScoredPairs) else ScoredPairs.from_pairs(pairs)
    # Each pair's articles as rows of ``ids`` (-1: not among them), mapped once per article.
    node = np.array([index.get(aid, -1) for aid in columns.ids], dtype=np.int64)
    held = slice(None) if columns.rows is None else columns.rows
    rows = node[columns.candidates.a[held]]
    cols = node[columns.candidates.b[held]]
    inside = (rows >= 0) & (cols >= 0)
    probability = columns.probability[held]
    if not inside.all():
        rows, cols, probability = rows[inside], cols[inside], probability[inside]
    weights = pair_bits(probability)
    if shift is None:
        shift = density_shift(probability, cfg)
    weights += shift
    conflicts = (
        list(_conflict_pairs(columns.subset(inside), cfg.conflict_levels))
        if cfg.conflict_levels
        else []
    )
    if fields is None and profiles is not None:
        fields = {aid: p.fields for aid, p in profiles.items()}
    keys = (
        _ConflictKeysOf([fields.get(a) for a in ids], cfg.cannot_link)
        if fields is not None
        else None
    )
    result = cluster_graph(
        len(ids),
        rows,
        cols,
        weights,
        cfg,
        cannot_rows=[index[p.a] for p in conflicts],
        cannot_cols=[index[p.b] for p in conflicts],
        keys=keys,
        workers=workers,
        progress=progress,
    )
    members: dict[int, list[ArticleId]] = defaultdict(list)
    for aid, label in zip(ids, result.labels.tolist(), strict=True):
        members[label].append(aid)
    incidents = sorted(
        (
            Incident(incident_id(m), m, bool(result.split_by_constraint[label]))
            for label, m in members.items()
        ),
        key=lambda i: i.incident_id,
    )
    diagnostics = dict(result.diagnostics)
    diagnostics["cases_split_by_constraint"] = sum(1 for i in incidents if i.split_by_constraint)
    diagnostics["density_shift_bits"] = round(shift, 4)
    return Clustering(tuple(incidents), diagnostics)


def cluster_incidents(
    article_ids: Sequence[ArticleId],
    pairs: Iterable[ScoredPair],
    config: ClusterConfig | None = None,
    *,
    profiles: Mapping[ArticleId, Profile] | None = None,
    shift: float | None = None,
) -> list[Incident]:
    """Group articles into incidents (see `cluster_articles`, which also returns diagnostics).

    Returns:
        Incidents covering every article exactly once, sorted by incident id.

    Examples:
        >>> pairs = [ScoredPair("a", "b", 5.0, 0.97, ())]
        >>> sorted(i.article_ids for i in cluster_incidents(["a", "b", "c"], pairs))
        [('a', 'b'), ('c',)]
    """
    return list(
        cluster_articles(article_ids, pairs, config, profiles=profiles, shift=shift).incidents
    )
