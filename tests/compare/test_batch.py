"""The vectorised comparison path agrees with the one-pair reference, pair by pair."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from caselink.compare import (
    compare_batch,
    compare_pair,
    default_comparisons,
    encode,
    term_frequencies,
)
from caselink.compare.names import name_similarities
from caselink.compare.scorers import name_similarity
from caselink.compare.text import COSINE_FLOORS
from tests.strategies import profiles


@st.composite
def corpora_of_profiles(draw: st.DrawFn) -> list[object]:
    """Two to eight profiles with distinct ids."""
    n = draw(st.integers(2, 8))
    return [draw(profiles(article_id=f"p{i}")) for i in range(n)]


def _near_floor(similarity: float | None) -> bool:
    return similarity is not None and any(abs(similarity - f) < 1e-9 for f in COSINE_FLOORS)


@given(corpora_of_profiles())
def test_batch_levels_and_frequencies_match_reference(ps) -> None:  # type: ignore[no-untyped-def]
    """For every pair, `compare_batch` gives the reference's level and shared-value frequency."""
    comparisons = default_comparisons()
    table = encode(ps)
    ia, ib = np.triu_indices(len(ps), k=1)
    matrix = compare_batch(table, ia, ib, comparisons)
    freqs = term_frequencies(table, comparisons)
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        vector = compare_pair(ps[i], ps[j], comparisons)
        for c, field in enumerate(vector.comparisons):
            if field.name == "terms" and _near_floor(field.similarity):
                continue  # summation order may tip a value sitting on a floor
            assert matrix.levels[k, c] == field.level, (field, matrix.levels[k])
            expected = math.nan
            if field.value and field.name in freqs:
                expected = min(freqs[field.name][v] for v in field.value.split("\t"))
            got = matrix.frequencies[k, c]
            assert (math.isnan(got) and math.isnan(expected)) or abs(got - expected) < 1e-12, field


@given(
    st.lists(
        st.sampled_from(
            ("andrew turner", "a turner", "turner", "turner andrew", "mary okafor", "okafor")
        ),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    st.data(),
)
def test_vectorised_name_similarity_matches_scorer(vocab: list[str], data: st.DataObject) -> None:
    """`name_similarities` (rapidfuzz cpdist + numpy rules) equals `name_similarity` on each pair."""
    k = data.draw(st.integers(1, 10))
    xs = np.array(data.draw(st.lists(st.integers(0, len(vocab) - 1), min_size=k, max_size=k)))
    ys = np.array(data.draw(st.lists(st.integers(0, len(vocab) - 1), min_size=k, max_size=k)))
    got = name_similarities(vocab, xs, ys)
    want = [name_similarity(vocab[x], vocab[y]) for x, y in zip(xs, ys, strict=True)]
    assert np.allclose(got, want)


def test_terms_comparison_is_null_without_terms_and_ranks_shared_terms() -> None:
    """Rare-term cosine: Null when a side has no terms; identical vectors reach the top level."""
    from caselink.compare.text import terms_comparison
    from caselink.models import ArticleFields, Profile, Signature

    def p(aid: str, terms: tuple[tuple[str, float], ...]) -> Profile:
        return Profile(aid, None, None, ArticleFields(aid), Signature(aid, b"", 0), terms)

    comparison = terms_comparison()
    a = p("a", (("canal", 0.6), ("ferret", 0.8)))
    b = p("b", (("ferret", 1.0),))
    assert comparison(a, p("c", ())).level == -1
    assert comparison(a, a).level == 0
    assert comparison(a, b).similarity == 0.8
    assert comparison(a, p("d", (("bakery", 1.0),))).level == comparison.num_levels - 1


def test_people_sharing_nobody_while_both_name_victims_is_its_own_level() -> None:
    """Two articles naming different victims land on "different participants", not on "else"."""
    from caselink.compare.names import people_comparison
    from caselink.models import ArticleFields, Mention, Profile, Signature

    def p(aid: str, *people: tuple[str, str | None]) -> Profile:
        mentions = [Mention(n, n, 0, len(n), role) for n, role in people]
        return Profile(aid, None, None, ArticleFields(aid, people=mentions), Signature(aid, b"", 0))

    comparison = people_comparison()
    labels = comparison.labels
    victim_a = p("a", ("ann lee", "victim"), ("joe bloggs", "spokesperson"))
    victim_b = p("b", ("mary okafor", "victim"))
    witness_b = p("c", ("mary okafor", "witness"))
    same = p("d", ("ann lee", None))
    assert labels[comparison(victim_a, victim_b).level] == "different participants"
    assert labels[comparison(victim_a, witness_b).level] == "else"
    assert labels[comparison(victim_a, same).level] == "1 shared"
    ps = [victim_a, victim_b, witness_b, same]
    table = encode(ps)
    ia, ib = np.triu_indices(len(ps), k=1)
    matrix = compare_batch(table, ia, ib, [comparison])
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        assert matrix.levels[k, 0] == comparison(ps[i], ps[j]).level


def test_publication_gap_counts_only_when_an_article_does_not_date_the_event() -> None:
    """The publication gap stands in for the event gap; with both event dates known it is Null."""
    import datetime as dt

    from caselink.compare.dates import published_comparison
    from caselink.models import ArticleFields, Mention, Profile, Signature

    def p(aid: str, day: int, event: str | None) -> Profile:
        dates = [Mention(event, event, 0, 10, None)] if event else []
        fields = ArticleFields(aid, event_dates=dates)
        return Profile(aid, dt.date(2024, 5, day), None, fields, Signature(aid, b"", 0))

    comparison = published_comparison()
    dated_a, dated_b = p("a", 2, "2024-05-01"), p("b", 3, "2024-05-01")
    undated = p("c", 3, None)
    assert comparison(dated_a, dated_b).level == -1
    assert comparison(dated_a, undated).level == 0
    assert comparison(undated, p("d", 20, None)).label == "within 60 days"
    ps = [dated_a, dated_b, undated, p("d", 20, None)]
    ia, ib = np.triu_indices(len(ps), k=1)
    matrix = compare_batch(encode(ps), ia, ib, [comparison])
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        assert matrix.levels[k, 0] == comparison(ps[i], ps[j]).level


def test_ages_count_shared_ages_and_disagree_when_none_is_shared() -> None:
    """Ages: two shared, one shared, none shared (both give ages), Null when a side gives none."""
    from caselink.compare.numbers import ages_comparison
    from caselink.models import ArticleFields, Mention, Profile, Signature

    def p(aid: str, *ages: str) -> Profile:
        mentions = [Mention(f"{a},", a, 0, len(a), "victim") for a in ages]
        return Profile(aid, None, None, ArticleFields(aid, ages=mentions), Signature(aid, b"", 0))

    comparison = ages_comparison()
    pair, one, other, none = p("a", "23", "41"), p("b", "41", "23", "7"), p("c", "23"), p("d")
    assert comparison.labels[comparison(pair, one).level] == "2+ shared"
    assert comparison.labels[comparison(pair, other).level] == "1 shared"
    assert comparison.labels[comparison(one, p("e", "19")).level] == "else"
    assert comparison(pair, none).level == -1
    assert comparison(one, p("e", "19")).detail == "different ages (7, 23, 41 vs 19)"
    ps = [pair, one, other, none, p("e", "19")]
    ia, ib = np.triu_indices(len(ps), k=1)
    matrix = compare_batch(encode(ps), ia, ib, [comparison])
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        assert matrix.levels[k, 0] == comparison(ps[i], ps[j]).level
