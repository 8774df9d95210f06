"""Properties of the 0-1 scorers and of every comparison's levels."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caselink.compare import (
    NULL,
    count_similarity,
    days_similarity,
    default_comparisons,
    name_similarity,
    set_overlap,
    signature_similarity,
    terms_cosine,
)
from caselink.compare.categories import compatible_outcomes
from tests.strategies import profiles, term_vectors

names = st.text(alphabet="abcdefgh ", min_size=1, max_size=20).map(lambda s: " ".join(s.split()))
sets = st.frozensets(st.sampled_from("abcdef"), max_size=4)
signatures = st.lists(st.integers(0, 3), min_size=4, max_size=4).map(
    lambda vs: b"".join(v.to_bytes(4, "little") for v in vs)
)

SCORERS = (
    (name_similarity, names.filter(bool)),
    (set_overlap, sets.filter(bool)),
    (signature_similarity, signatures),
    (terms_cosine, term_vectors().filter(bool)),
    (days_similarity, st.integers(0, 10_000)),
    (count_similarity, st.integers(0, 50)),
)


@given(st.data())
def test_scorers_in_unit_range_symmetric_and_one_on_self(data: st.DataObject) -> None:
    """Every scorer returns a value in [0, 1], is symmetric, and scores a value against itself 1."""
    for scorer, values in SCORERS:
        a, b = data.draw(values), data.draw(values)
        s = scorer(a, b)  # type: ignore[operator]
        assert 0.0 <= s <= 1.0
        assert abs(s - scorer(b, a)) < 1e-12  # type: ignore[operator]
        assert abs(scorer(a, a) - 1.0) < 1e-12  # type: ignore[operator]


@given(names.filter(bool), names.filter(bool), st.floats(0.0, 1.0))
def test_score_cutoff_zeroes_low_scores(a: str, b: str, cutoff: float) -> None:
    """Below ``score_cutoff`` a scorer returns 0; at or above it, the plain score."""
    plain = name_similarity(a, b)
    cut = name_similarity(a, b, score_cutoff=cutoff)
    assert cut == (plain if plain >= cutoff else 0.0)


def test_name_similarity_is_name_aware() -> None:
    """Initials and surname-only mentions score high; different surnames do not."""
    assert name_similarity("a turner", "andrew turner") >= 0.92
    assert name_similarity("turner", "andrew turner") >= 0.8
    assert name_similarity("andrew turner", "andrew tanner") < name_similarity(
        "a turner", "andrew turner"
    )
    assert name_similarity("b turner", "andrew turner") < 0.92


@given(profiles(), profiles())
def test_comparisons_symmetric_with_null_for_missing(a, b) -> None:  # type: ignore[no-untyped-def]
    """Every comparison gives the same level both ways round, and Null when a side lacks the value."""
    for comparison in default_comparisons():
        ab, ba = comparison(a, b), comparison(b, a)
        assert ab.level == ba.level, comparison.name
        assert -1 <= ab.level < comparison.num_levels
        if ab.level == NULL:
            assert ab.similarity is None
        elif ab.similarity is not None:
            assert 0.0 <= ab.similarity <= 1.0


@given(profiles())
def test_comparison_of_profile_with_itself_never_disagrees(p) -> None:  # type: ignore[no-untyped-def]
    """A profile compared with itself never lands on the Else level, and similarity is 1 when exact."""
    for comparison in default_comparisons():
        result = comparison(p, p)
        assert result.level != comparison.num_levels - 1, (comparison.name, result)
        if result.level == 0 and result.similarity is not None:
            assert abs(result.similarity - 1.0) < 1e-9, comparison.name


def test_outcome_compatibility_is_symmetric_and_reflexive() -> None:
    """Compatible outcomes go both ways; an investigation is compatible with a dismissal."""
    table = compatible_outcomes()
    for x, ys in table.items():
        assert x in ys
        for y in ys:
            assert x in table[y]
    assert "dismissed" in table["under investigation"]
    assert "cleared" not in table["dismissed"]


@given(profiles())
def test_missing_values_are_null_not_disagreement(p) -> None:  # type: ignore[no-untyped-def]
    """An article with no extracted facts, text, terms, date or outlet is Null on every comparison."""
    from caselink.models import ArticleFields, Profile, Signature

    empty = Profile("zz", None, None, ArticleFields("zz"), Signature("zz", b"", 0))
    for comparison in default_comparisons():
        assert comparison(empty, p).level == NULL, comparison.name
        assert comparison(p, empty).similarity is None
