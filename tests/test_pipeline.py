"""End to end: partitions, order invariance, determinism and the labelled corpora."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

import caselink
from caselink import Article, read_articles, resolve
from caselink.models import ScoredPair

from .strategies import corpora


def _partition(resolution: caselink.Resolution) -> set[frozenset[str]]:
    return {frozenset(c.article_ids) for c in resolution.cases}


@given(corpora())
def test_output_is_a_partition_of_accepted_articles(articles: list[Article]) -> None:
    """Every accepted article is in exactly one case, singletons included."""
    resolution = resolve(articles)
    members = [aid for case in resolution.cases for aid in case.article_ids]
    assert sorted(members) == sorted(a.id for a in articles)
    assert len(set(members)) == len(members)


@given(corpora(), st.randoms(use_true_random=False))
def test_permuting_input_changes_nothing(articles: list[Article], rng) -> None:
    """Shuffled input gives the same cases, case ids and links."""
    shuffled = list(articles)
    rng.shuffle(shuffled)
    first, second = resolve(articles), resolve(shuffled)
    assert first.cases == second.cases
    assert first.links == second.links


def test_linked_pairs_are_within_cases(example_articles) -> None:
    """Every link joins two articles of the same case, and carries a readable explanation."""
    resolution = resolve(read_articles(example_articles))
    case_of = resolution.assignments()
    assert resolution.links
    for pair in resolution.links:
        assert case_of[pair.a] == case_of[pair.b]
        assert pair.explain().startswith(f"{pair.a} ~ {pair.b}: p=")


def test_example_corpus_gold_partition(example_articles, example_gold) -> None:
    """The bundled example corpus resolves exactly into its gold cases."""
    resolution = resolve(read_articles(example_articles))
    gold: dict[str, set[str]] = {}
    for aid, label in example_gold.items():
        gold.setdefault(label, set()).add(aid)
    assert _partition(resolution) == {frozenset(ids) for ids in gold.values()}


def test_seeds_partition(shared_data) -> None:
    """Seeds 001 and 004 form one case; 000, 002 and 003 are each alone."""
    resolution = resolve(read_articles(shared_data / "seeds"))
    by_prefix = {aid[:3]: aid for aid in (a.id for a in resolution.articles)}
    assert {frozenset(x[:3] for x in c.article_ids) for c in resolution.cases} == {
        frozenset({"001", "004"}),
        frozenset({"000"}),
        frozenset({"002"}),
        frozenset({"003"}),
    }
    assert "same case" in resolution.explain(by_prefix["001"], by_prefix["004"])
    assert "different cases" in resolution.explain(by_prefix["002"], by_prefix["003"])


def test_case_records_carry_provenance(example_articles) -> None:
    """Each case field names articles of that case that state the value."""
    resolution = resolve(read_articles(example_articles))
    fields = {f.article_id: f for f in resolution.fields}
    for case in resolution.cases:
        for field in case.fields:
            assert set(field.article_ids) <= set(case.article_ids)
            assert field.article_ids
        agency = case.field("agency")
        if agency is not None:
            assert all(agency.value in fields[a].norms("agencies") for a in agency.article_ids)


def test_rejects_carried_into_resolution(tmp_path) -> None:
    """Rejected lines reach Resolution.rejects and the accepted ones are resolved."""
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Body"}) + "\n{oops\n")
    resolution = resolve(read_articles(path))
    assert [a.id for a in resolution.articles] == ["a"]
    assert [r.line for r in resolution.rejects] == [2]


def test_link_profiles_ignores_order_and_matches_resolve(example_articles) -> None:
    """`link_profiles` on shuffled profiles gives the same scored pairs as `resolve` on the corpus."""
    import random

    from caselink.config import Config
    from caselink.extract import extract_fields
    from caselink.models import Profile
    from caselink.normalize import clean_text, find_boilerplate
    from caselink.pipeline import link_profiles
    from caselink.shingle import signatures
    from caselink.terms import fit_terms, term_vectors

    cfg = Config(progress=False)
    ordered = sorted(read_articles(example_articles).articles, key=lambda a: a.id)
    rules = find_boilerplate(ordered, cfg.normalize)
    cleaned = [clean_text(a, rules, cfg.normalize) for a in ordered]
    sigs = signatures(cleaned, cfg.shingle)
    vectors = term_vectors(cleaned, fit_terms(cleaned, cfg.terms), [a.title for a in ordered])
    profiles = [
        Profile(a.id, a.published, a.source, extract_fields(a, cfg.extract), s, v)
        for a, s, v in zip(ordered, sigs, vectors, strict=True)
    ]
    random.Random(5).shuffle(profiles)
    linked = link_profiles(profiles, cfg)
    local = resolve(ordered, cfg)

    def scores(pairs: Sequence[ScoredPair]) -> list[tuple[object, ...]]:
        # resolve adds details (the values behind levels) to links; the numbers must agree exactly.
        return [
            (
                p.key,
                p.match_weight,
                p.probability,
                p.rules,
                *((c.name, c.label, c.weight) for c in p.contributions),
            )
            for p in pairs
        ]

    assert scores(linked.pairs) == scores(local.pairs)
    assert any(c.detail for p in local.links for c in p.contributions)
    assert len(linked.candidates) == local.manifest["counts"]["candidate_pairs"] > 0
    assert set(linked.timings_s) == {"blocking", "compare", "score"}


def test_links_explained_along_a_spanning_forest_of_each_case(example_articles: Path) -> None:
    """Details go to one strongest tie per linked article: a spanning forest of every case's links."""
    import networkx as nx

    res = resolve(read_articles(example_articles), caselink.Config(progress=False))
    detailed = [p for p in res.links if any(c.detail for c in p.contributions)]
    assert not [
        p for p in res.pairs if p not in res.links and any(c.detail for c in p.contributions)
    ]
    forest = nx.Graph([p.key for p in detailed])
    assert nx.is_forest(forest)
    linked = nx.Graph([p.key for p in res.links])
    # The forest spans every link component: the same articles, joined the same way.
    assert sorted(map(sorted, nx.connected_components(forest))) == sorted(
        map(sorted, nx.connected_components(linked))
    )
    # Maximum weight: no link outside the forest beats the weakest forest edge on its cycle.
    weight = {p.key: p.match_weight for p in res.links}
    for p in res.links:
        if p in detailed:
            continue
        path = nx.shortest_path(forest, p.a, p.b)
        assert min(weight[tuple(sorted(e))] for e in itertools.pairwise(path)) >= p.match_weight


def test_explain_details_any_scored_pair(example_articles) -> None:
    """`Resolution.explain` gives the values behind the levels of any scored pair, linked or not."""
    res = resolve(read_articles(example_articles), caselink.Config(progress=False))
    unlinked = [p for p in res.pairs if p not in res.links]
    assert unlinked
    for pair in unlinked[:5]:
        explanation = res.explain(pair.b, pair.a)
        assert explanation.pair is not None
        assert [(c.name, c.label, c.weight) for c in explanation.pair.contributions] == [
            (c.name, c.label, c.weight) for c in pair.contributions
        ]
        assert any(c.detail for c in explanation.pair.contributions)
        assert explanation.sentence.startswith(
            "different cases" if explanation.same_case is False else "same case"
        )


def test_profiles_rebuilt_from_the_table_equal_the_originals(example_articles) -> None:
    """After the pairwise stages only fields, term vectors and the table are kept; profiles rebuild exactly."""
    from caselink.compare import encode
    from caselink.normalize import find_boilerplate
    from caselink.pipeline import _Kept, _profiles

    cfg = caselink.Config(progress=False)
    ordered = sorted(read_articles(example_articles).articles, key=lambda a: a.id)
    _cleaned, fields, profiles, _terms = _profiles(
        ordered, find_boilerplate(ordered, cfg.normalize), None, cfg
    )
    listed = [profiles[a.id] for a in ordered]
    rebuilt = _Kept.of(ordered, fields, listed).profiles(encode(listed))
    assert list(rebuilt) == [a.id for a in ordered]
    for original in listed:
        again = rebuilt[original.article_id]
        if original.signature.num_shingles:
            assert again == original
        else:  # a text too short to shingle keeps no signature values
            assert attrs.evolve(again, signature=original.signature) == original
    assert "nope" not in rebuilt
