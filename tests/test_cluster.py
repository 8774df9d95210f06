"""Clustering: partitions, chaining resistance, cannot-links, weak bridges, determinism."""

from __future__ import annotations

import datetime as dt
import random

import attrs
import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink.cluster import (
    ConflictKeys,
    _bridges,
    cluster_articles,
    cluster_graph,
    cluster_incidents,
    conflict_keys,
    density_shift,
    find_conflict,
    incident_id,
)
from caselink.config import CANNOT_LINK_RULES, ClusterConfig, Config
from caselink.errors import ConfigError
from caselink.models import (
    ArticleFields,
    Contribution,
    Mention,
    Profile,
    ScoredPair,
    Signature,
)
from tests.strategies import cluster_configs, scored_pairs

IDS = [f"a{i:02d}" for i in range(16)]


def _pair(a: str, b: str, p: float, *contributions: Contribution) -> ScoredPair:
    a, b = min(a, b), max(a, b)
    return ScoredPair(a, b, 0.0, p, contributions)


def _partition(incidents) -> set[frozenset[str]]:
    return {frozenset(i.article_ids) for i in incidents}


def _profile(aid: str, **fields) -> Profile:
    return Profile(aid, None, None, ArticleFields(aid, **fields), Signature(aid, b"", 0))


def _ref(value: str) -> Mention:
    return Mention(value, value, 0, len(value))


@st.composite
def graphs(draw: st.DrawFn, low: float = 0.0, high: float = 1.0):
    """A random graph over some of IDS: (ids, scored pairs)."""
    n = draw(st.integers(1, len(IDS)))
    ids = IDS[:n]
    if n < 2:
        return ids, []
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(low, high)),
            max_size=3 * n,
        )
    )
    pairs = {}
    for i, j, p in edges:
        if i != j:
            pairs[(min(ids[i], ids[j]), max(ids[i], ids[j]))] = p
    return ids, [_pair(a, b, p) for (a, b), p in sorted(pairs.items())]


@st.composite
def reference_profiles(draw: st.DrawFn, ids: list[str]) -> dict[str, Profile]:
    """Profiles where some articles state one of a few reference numbers."""
    return {
        aid: _profile(
            aid, references=[_ref(r)] if (r := draw(st.sampled_from(["", "1", "2"]))) else []
        )
        for aid in ids
    }


@given(graphs(), cluster_configs)
def test_output_is_a_partition(graph, cfg: ClusterConfig) -> None:
    """Every article ends in exactly one incident, whatever the pairs and settings."""
    ids, pairs = graph
    incidents = cluster_incidents(ids, pairs, cfg)
    members = [a for i in incidents for a in i.article_ids]
    assert sorted(members) == sorted(ids)
    assert len({i.incident_id for i in incidents}) == len(incidents)


@given(graphs(low=0.9999, high=1.0))
def test_equals_connected_components_without_constraints_or_weak_bridges(graph) -> None:
    """With only strong links and no cannot-link, the cases are networkx's connected components."""
    ids, pairs = graph
    cfg = ClusterConfig(missing_pairs="ignore")
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from(p.key for p in pairs)
    expected = {frozenset(c) for c in nx.connected_components(g)}
    assert _partition(cluster_incidents(ids, pairs, cfg)) == expected


@given(graphs(low=0.5, high=1.0))
def test_components_method_equals_connected_components_when_bridges_never_weak(graph) -> None:
    """The components method with no weak bridge possible reproduces connected components."""
    ids, pairs = graph
    cfg = ClusterConfig(method="components", bridge_threshold=0.5)
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from(p.key for p in pairs)
    expected = {frozenset(c) for c in nx.connected_components(g)}
    assert _partition(cluster_incidents(ids, pairs, cfg)) == expected


@given(graphs(), cluster_configs, st.randoms(use_true_random=False))
def test_permuting_input_changes_nothing(graph, cfg: ClusterConfig, rnd: random.Random) -> None:
    """Shuffling articles and pairs (and swapping pair ends) leaves memberships and ids unchanged."""
    ids, pairs = graph
    profiles = {aid: _profile(aid, references=[_ref(str(i % 3))]) for i, aid in enumerate(ids)}
    before = cluster_incidents(ids, pairs, cfg, profiles=profiles)
    ids2, pairs2 = list(ids), [attrs.evolve(p, a=p.b, b=p.a) for p in pairs]
    rnd.shuffle(ids2)
    rnd.shuffle(pairs2)
    after = cluster_incidents(ids2, pairs2, cfg, profiles=dict(reversed(profiles.items())))
    assert after == before


@given(
    graphs(low=0.3, high=1.0).flatmap(lambda g: st.tuples(st.just(g), reference_profiles(g[0]))),
    cluster_configs,
)
def test_cannot_link_pair_never_shares_a_case(data, cfg: ClusterConfig) -> None:
    """Articles with different reference numbers never end in one case, however strongly linked."""
    (ids, pairs), profiles = data
    incidents = cluster_incidents(ids, pairs, cfg, profiles=profiles)
    for incident in incidents:
        refs = {r for a in incident.article_ids for r in profiles[a].fields.norms("references")}
        assert len(refs) <= 1


@given(graphs(low=0.3, high=1.0), st.data())
def test_conflict_levels_are_cannot_links(graph, data) -> None:
    """A pair whose contributions hold a configured conflict level never shares a case."""
    ids, pairs = graph
    flagged = data.draw(
        st.sets(st.sampled_from(range(len(pairs))), max_size=4) if pairs else st.just(set())
    )
    veto = Contribution("reference", "else", -3.0)
    pairs = [
        attrs.evolve(p, contributions=(veto,)) if k in flagged else p for k, p in enumerate(pairs)
    ]
    cfg = ClusterConfig(conflict_levels=("reference:else",))
    case_of = {a: i.incident_id for i in cluster_incidents(ids, pairs, cfg) for a in i.article_ids}
    for k in flagged:
        assert case_of[pairs[k].a] != case_of[pairs[k].b]


@given(st.lists(st.sampled_from(IDS), min_size=1, unique=True), st.randoms(use_true_random=False))
def test_incident_id_depends_only_on_members(ids, rnd: random.Random) -> None:
    """The incident id is the same for any order of the same members."""
    shuffled = list(ids)
    rnd.shuffle(shuffled)
    assert incident_id(ids) == incident_id(shuffled)
    assert incident_id(ids).startswith("case-")


def _two_groups(bridge: float, across: float | None = None) -> list[ScoredPair]:
    left, right = ["a", "b", "c"], ["x", "y", "z"]
    pairs = [_pair(u, v, 0.9999) for grp in (left, right) for u in grp for v in grp if u < v]
    pairs.append(_pair("c", "x", bridge))
    if across is not None:
        pairs += [_pair(u, v, across) for u in left for v in right if (u, v) != ("c", "x")]
    return pairs


def test_average_linkage_resists_one_false_link() -> None:
    """One strong false link between two incidents does not chain them when the other pairs disagree."""
    ids = ["a", "b", "c", "x", "y", "z"]
    pairs = _two_groups(0.9999, across=0.05)
    assert _partition(cluster_incidents(ids, pairs)) == {
        frozenset("abc"),
        frozenset("xyz"),
    }
    chained = cluster_incidents(ids, pairs, ClusterConfig(method="components"))
    assert _partition(chained) == {frozenset(ids)}


def test_weak_bridge_is_cut_and_strong_bridge_kept() -> None:
    """A middling bridge between two groups is cut; a bridge above bridge_threshold is kept."""
    ids = ["a", "b", "c", "x", "y", "z"]
    cfg = ClusterConfig(method="components", bridge_threshold=0.99)
    weak = cluster_articles(ids, _two_groups(0.9), cfg)
    assert _partition(weak.incidents) == {frozenset("abc"), frozenset("xyz")}
    assert weak.diagnostics["weak_bridges_cut"] == 1
    strong = cluster_articles(ids, _two_groups(0.999), cfg)
    assert _partition(strong.incidents) == {frozenset(ids)}
    assert strong.diagnostics["weak_bridges_cut"] == 0


def test_bridge_to_a_single_article_is_not_weak() -> None:
    """A bridge with fewer than bridge_min_side articles on one side is kept."""
    pairs = [_pair("a", "b", 0.9999), _pair("b", "c", 0.9999), _pair("a", "c", 0.9999)]
    pairs.append(_pair("c", "d", 0.8))
    cfg = ClusterConfig(method="components", bridge_threshold=0.99)
    assert _partition(cluster_incidents(list("abcd"), pairs, cfg)) == {frozenset("abcd")}


def test_constraint_split_is_flagged_and_counted() -> None:
    """A component split by a cannot-link marks its incidents and counts in the diagnostics."""
    pairs = [_pair("a", "b", 0.999), _pair("b", "c", 0.999), _pair("a", "c", 0.999)]
    profiles = {
        "a": _profile("a", references=[_ref("2021/1")]),
        "b": _profile("b"),
        "c": _profile("c", references=[_ref("2021/2")]),
    }
    result = cluster_articles(list("abc"), pairs, profiles=profiles)
    assert len(result.incidents) == 2
    assert all(i.split_by_constraint for i in result.incidents)
    assert result.diagnostics["components_split_by_constraint"] == 1
    assert result.diagnostics["cases_split_by_constraint"] == 2
    assert result.diagnostics["merges_blocked_by_constraint"] >= 1
    unconstrained = cluster_articles(list("abc"), pairs)
    assert len(unconstrained.incidents) == 1
    assert not unconstrained.incidents[0].split_by_constraint


def test_singletons_are_incidents_and_unknown_pairs_ignored() -> None:
    """Articles without links are their own incidents; pairs naming unknown ids are skipped."""
    incidents = cluster_incidents(["a", "b"], [_pair("a", "zz", 0.99)])
    assert _partition(incidents) == {frozenset("a"), frozenset("b")}


@given(
    st.lists(st.sampled_from(IDS), min_size=2, max_size=10, unique=True).flatmap(
        lambda ids: st.tuples(st.just(ids), scored_pairs(ids))
    )
)
def test_shared_strategy_pairs_cluster_to_partition(data) -> None:
    """Pairs from the shared strategy always give a partition of the ids."""
    ids, pairs = data
    incidents = cluster_incidents(ids, pairs)
    assert sorted(a for i in incidents for a in i.article_ids) == sorted(ids)


def test_cluster_graph_arrays_and_errors() -> None:
    """The array core labels each node with its cluster's smallest node and checks its inputs."""
    result = cluster_graph(5, np.array([0, 3]), np.array([1, 4]), np.array([10.0, 10.0]))
    assert result.labels.tolist() == [0, 0, 2, 3, 3]
    assert result.diagnostics["cases"] == 3
    assert result.diagnostics["largest_case"] == 2
    with pytest.raises(ValueError, match="one entry per pair"):
        cluster_graph(3, [0], [1, 2], [1.0])


def test_explicit_cannot_links_in_cluster_graph() -> None:
    """Explicit cannot-link arrays keep two nodes apart even when linked directly."""
    result = cluster_graph(2, [0], [1], [30.0], cannot_rows=[1], cannot_cols=[0])
    assert result.labels.tolist() == [0, 1]
    assert result.split_by_constraint.tolist() == [True, True]


def _keys(**kwargs) -> ConflictKeys:
    return ConflictKeys(**kwargs)


@pytest.mark.parametrize(
    ("a", "b", "rule"),
    [
        (_keys(references=frozenset({"1"})), _keys(references=frozenset({"2"})), "reference"),
        (_keys(officers=("andrew turner",)), _keys(officers=("mary okafor",)), "officer"),
        (_keys(event_days=(738000,)), _keys(event_days=(738400,)), "event_date"),
        (_keys(killed=1, injured=0), _keys(killed=3, injured=0), "casualties"),
        (
            _keys(cities=frozenset({"leeds|ENG|GB"})),
            _keys(cities=frozenset({"york|ENG|GB"})),
            "city",
        ),
        (
            _keys(agencies=frozenset({"kent police"})),
            _keys(agencies=frozenset({"the met"})),
            "agency",
        ),
        (
            _keys(participants=(("victim", "ann lee"),), names=frozenset({"ann lee"})),
            _keys(participants=(("victim", "bob ray"),), names=frozenset({"bob ray"})),
            "participant",
        ),
    ],
)
def test_each_rule_fires_only_when_enabled(a, b, rule) -> None:
    """Each cannot-link rule detects its conflict, and only when it is switched on."""
    assert find_conflict(a, b, ClusterConfig(cannot_link=(rule,))) == rule
    others = tuple(r for r in CANNOT_LINK_RULES if r != rule)
    assert find_conflict(a, b, ClusterConfig(cannot_link=others)) is None


def test_rules_tolerate_compatible_facts() -> None:
    """Shared references, similar officer names, close dates and a death after injury do not conflict."""
    cfg = ClusterConfig(cannot_link=("reference", "officer", "event_date", "casualties"))
    assert (
        find_conflict(
            _keys(references=frozenset({"1", "2"})), _keys(references=frozenset({"2"})), cfg
        )
        is None
    )
    assert (
        find_conflict(_keys(officers=("andrew turner",)), _keys(officers=("turner andrew",)), cfg)
        is None
    )
    assert find_conflict(_keys(event_days=(738000,)), _keys(event_days=(738030,)), cfg) is None
    assert find_conflict(_keys(killed=0, injured=1), _keys(killed=1, injured=0), cfg) is None
    # A second victim named by one report and mentioned by the other is the same incident.
    both = _keys(participants=(("victim", "ann lee"),), names=frozenset({"ann lee", "bob ray"}))
    other = _keys(participants=(("victim", "bob ray"),), names=frozenset({"bob ray"}))
    assert find_conflict(both, other, ClusterConfig(cannot_link=("participant",))) is None
    # An article that also dates an old case does not pin its own event date.
    assert (
        find_conflict(_keys(event_days=(730000, 738000)), _keys(event_days=(735000,)), cfg) is None
    )


def test_conflict_keys_from_fields() -> None:
    """Keys keep full officer names, day-precision dates and city-level places only."""
    fields = ArticleFields(
        "a",
        officers=[
            Mention("PC Turner", "turner", 0, 9),
            Mention("PC Andrew Turner", "andrew turner", 0, 9),
        ],
        event_dates=[
            Mention("May 2021", "2021-05", 0, 8),
            Mention("3 May 2021", "2021-05-03", 0, 9),
        ],
        places=[Mention("Leeds", "leeds|ENG|GB", 0, 5), Mention("England", "ENG|GB", 0, 7)],
        people=[
            Mention("Ann Lee", "ann lee", 0, 7, "victim"),
            Mention("Bo", "bo", 0, 2, "victim"),
            Mention("Cy Dee", "cy dee", 0, 6, "witness"),
        ],
        killed=2,
    )
    keys = conflict_keys(fields)
    assert keys.participants == (("victim", "ann lee"),)
    assert keys.names == frozenset({"ann lee", "cy dee", "andrew turner"})
    assert keys.officers == ("andrew turner",)
    assert keys.event_days == (dt.date(2021, 5, 3).toordinal(),)
    assert keys.cities == frozenset({"leeds|ENG|GB"})
    assert keys.killed == 2
    assert not keys.empty
    assert conflict_keys(ArticleFields("b")).empty


def test_config_rejects_unknown_rules_and_bad_levels() -> None:
    """Unknown cannot-link rules and malformed conflict levels are reported together."""
    with pytest.raises(ConfigError) as info:
        Config.from_dict({"cluster": {"cannot_link": ["colour"], "conflict_levels": ["reference"]}})
    problems = " ".join(info.value.problems)
    assert "colour" in problems
    assert "conflict_levels" in problems


def test_resolve_writes_cluster_diagnostics(example_articles) -> None:
    """The run manifest carries the clustering diagnostics."""
    from caselink import read_articles, resolve

    resolution = resolve(read_articles(example_articles))
    diag = resolution.manifest["cluster"]
    assert diag["cases"] == len(resolution.cases)
    assert diag["largest_case"] == max(len(c.article_ids) for c in resolution.cases)
    assert set(diag) >= {"bridges", "weak_bridges_cut", "components_split_by_constraint", "density"}


def test_oversized_component_is_split_by_raising_its_threshold() -> None:
    """A chain longer than max_component_size is cut at its weakest links until the pieces fit."""
    n = 12
    weights = [20.0 if i % 4 != 3 else 2.0 for i in range(n - 1)]
    cfg = ClusterConfig(method="components", max_component_size=5, bridge_threshold=0.5)
    result = cluster_graph(n, list(range(n - 1)), list(range(1, n)), weights, cfg)
    assert result.labels.tolist() == [0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8]
    assert result.diagnostics["components_over_max_size"] == 1
    assert result.diagnostics["largest_link_component"] == n


def test_repeated_pair_keeps_its_highest_weight() -> None:
    """A pair given twice counts once, with its higher weight, in either order."""
    one = cluster_graph(2, [0, 1], [1, 0], [-5.0, 5.0])
    two = cluster_graph(2, [1, 0], [0, 1], [5.0, -5.0])
    assert one.labels.tolist() == two.labels.tolist() == [0, 0]
    assert one.diagnostics["scored_pairs"] == 1


@given(
    graphs(low=0.0, high=1.0).flatmap(lambda g: st.tuples(st.just(g), reference_profiles(g[0]))),
    cluster_configs,
)
def test_clustering_is_local_to_link_components(data, cfg: ClusterConfig) -> None:
    """Re-clustering one link component alone (as an incremental store does) gives the same cases."""
    (ids, pairs), profiles = data
    whole = _partition(cluster_incidents(ids, pairs, cfg, profiles=profiles))
    shift = density_shift([p.probability for p in pairs], cfg)
    g = nx.Graph()
    g.add_nodes_from(ids)
    g.add_edges_from(p.key for p in pairs if p.probability >= cfg.threshold)
    pieces: set[frozenset[str]] = set()
    for component in nx.connected_components(g):
        inside = [p for p in pairs if p.a in component and p.b in component]
        pieces |= _partition(
            cluster_incidents(sorted(component), inside, cfg, profiles=profiles, shift=shift)
        )
    assert pieces == whole


@given(st.lists(st.floats(0.0, 1.0), max_size=40), st.floats(0.5, 8.0), st.floats(0.0, 2.0))
def test_density_shift_grows_with_candidates_per_link(probs, reference, weight) -> None:
    """The shift is never positive, zero up to the reference density, and only grows with more weak pairs."""
    cfg = ClusterConfig(density_reference=reference, density_weight=weight)
    shift = density_shift(probs, cfg)
    links = sum(p >= cfg.threshold for p in probs)
    assert shift <= 0.0
    if links == 0 or len(probs) <= reference * links:
        assert shift == 0.0
    assert density_shift([*probs, 0.01, 0.01], cfg) <= shift


def test_dense_corpus_keeps_a_borderline_pair_apart() -> None:
    """A middling pair links in a sparse corpus but not among many weak candidates per link."""
    cfg = ClusterConfig(density_reference=2.0, density_weight=1.0)
    ids = [f"x{i:02d}" for i in range(20)]
    borderline = _pair("x00", "x01", 0.7)
    sparse = cluster_articles(ids, [borderline], cfg)
    weak = [_pair(ids[i], ids[i + 1], 0.05) for i in range(2, 19)]
    dense = cluster_articles(ids, [borderline, *weak], cfg)
    assert ("x00", "x01") in {i.article_ids for i in sparse.incidents}
    assert ("x00", "x01") not in {i.article_ids for i in dense.incidents}
    assert sparse.diagnostics["density_shift_bits"] == 0.0
    assert dense.diagnostics["density_shift_bits"] < 0.0


def test_year_or_month_mentions_of_background_events_unpin_the_event_date() -> None:
    """A report that also names an old year or month conflicts with nobody on event dates."""
    cfg = ClusterConfig(cannot_link=("event_date",))

    def fields(aid: str, *dates: str) -> ArticleFields:
        return ArticleFields(aid, event_dates=[Mention(d, d, 0, len(d)) for d in dates])

    recent = conflict_keys(fields("a", "2013-08-24"))
    with_year = conflict_keys(fields("b", "2012-08-07", "1993"))
    with_month = conflict_keys(fields("c", "2012-08-07", "2010-02"))
    alone = conflict_keys(fields("d", "2012-08-07"))
    assert with_year.date_span > 365 * 18
    assert conflict_keys(fields("e", "2012-02")).date_span == 28
    assert conflict_keys(fields("f", "2012-12")).date_span == 30
    assert find_conflict(recent, alone, cfg) is not None
    assert find_conflict(recent, with_year, cfg) is None
    assert find_conflict(recent, with_month, cfg) is None


@given(st.integers(1, 40), st.integers(0, 80), st.randoms(use_true_random=False))
def test_bridges_equal_networkx_bridges(n: int, m: int, rnd: random.Random) -> None:
    """The iterative bridge search finds exactly networkx's bridges, on any simple graph."""
    graph = nx.gnm_random_graph(n, m, seed=rnd.randint(0, 2**31))
    x = np.array([u for u, _ in graph.edges()], dtype=np.int64)
    y = np.array([v for _, v in graph.edges()], dtype=np.int64)
    expected = sorted((min(u, v), max(u, v)) for u, v in nx.bridges(graph))
    assert sorted(_bridges(n, x, y)) == expected


def test_components_on_two_workers_cluster_as_on_one() -> None:
    """Link components spread over worker processes come back in the same cases, flags and counts."""
    rng = np.random.default_rng(3)
    # 300 small link components (enough to use the pool), each with a few weak and negative pairs.
    rows, cols, weights = [], [], []
    for c in range(300):
        base = 5 * c
        for i in range(5):
            for j in range(i + 1, 5):
                if rng.random() < 0.8:
                    rows.append(base + i)
                    cols.append(base + j)
                    weights.append(float(rng.choice([9.0, 0.5, -6.0])))
    cfg = ClusterConfig()
    one = cluster_graph(1500, rows, cols, weights, cfg, workers=1)
    two = cluster_graph(1500, rows, cols, weights, cfg, workers=2)
    assert one.labels.tolist() == two.labels.tolist()
    assert one.split_by_constraint.tolist() == two.split_by_constraint.tolist()
    assert one.diagnostics == two.diagnostics
    assert one.diagnostics["components_reclustered"] > 64
