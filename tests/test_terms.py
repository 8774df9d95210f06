"""Rare-term vectors: unit norm, sorted, rare terms only, storable model, order-independent fit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink.config import TermsConfig
from caselink.errors import ModelError
from caselink.models import CleanText
from caselink.terms import (
    TermModel,
    document_terms,
    fit_terms,
    term_cosine,
    term_tokens,
    term_vector,
)

VOCAB = [
    "gainesville",
    "mason",
    "shooting",
    "police",
    "home",
    "baby",
    "chicago",
    "teen",
    "arrest",
    "court",
]
texts = st.lists(
    st.lists(st.sampled_from(VOCAB), min_size=1, max_size=30).map(" ".join), min_size=1, max_size=25
)


@given(texts, st.integers(1, 8))
def test_vectors_are_unit_sorted_and_rare(corpus: list[str], top_k: int) -> None:
    """Every vector is sorted by term, has at most top_k terms, unit L2 norm, and no over-common term."""
    model = fit_terms(corpus, TermsConfig(top_k=top_k))
    for text in corpus:
        vector = term_vector(text, model)
        terms = [t for t, _ in vector]
        assert terms == sorted(set(terms))
        assert len(vector) <= top_k
        assert all(model.df[t] <= model.max_df_count for t in terms)
        if vector:
            assert math.isclose(sum(w * w for _, w in vector), 1.0, abs_tol=1e-4)


@given(texts, st.randoms(use_true_random=False))
def test_fit_is_independent_of_order(corpus: list[str], rnd) -> None:
    """Fitting a shuffled corpus gives the same model and the same vectors."""
    shuffled = list(corpus)
    rnd.shuffle(shuffled)
    a, b = fit_terms(corpus), fit_terms(shuffled)
    assert a.to_dict() == b.to_dict()
    assert [term_vector(t, a) for t in corpus] == [term_vector(t, b) for t in corpus]


def test_common_terms_are_dropped_and_title_counts_extra() -> None:
    """A term in more than max_df of documents is dropped; a title term outweighs a body term."""
    corpus = [f"shooting story {i} unique{i}" for i in range(40)] + ["mason gainesville"]
    model = fit_terms(corpus)
    assert "shooting" not in dict(term_vector("shooting in gainesville by mason", model))
    vector = dict(term_vector("mason gainesville", model, title="Gainesville"))
    assert vector["gainesville"] > vector["mason"]


def test_model_round_trips_through_json(tmp_path) -> None:
    """A saved model loads equal and gives identical vectors."""
    model = fit_terms(
        [CleanText("a", "Mason shot in Gainesville"), CleanText("b", "Fire in Leeds")]
    )
    loaded = TermModel.load(model.save(tmp_path / "terms.json"))
    assert loaded.to_dict() == model.to_dict()
    assert term_vector("Mason in Leeds", loaded) == term_vector("Mason in Leeds", model)


def test_loading_something_else_is_a_model_error(tmp_path) -> None:
    """A file that is not a term model raises ModelError saying how to fix it."""
    path = tmp_path / "other.json"
    path.write_text('{"format": "something"}', encoding="utf-8")
    with pytest.raises(ModelError, match="fit_terms"):
        TermModel.load(path)


def test_tokens_keep_ages_and_drop_stop_words_and_numbers() -> None:
    """Ages stay one term; stop words, single letters and bare numbers go."""
    assert term_tokens("A 5-year-old was shot at 1200 Main St. on 3 May") == [
        "5-year-old",
        "shot",
        "main",
        "st",
        "may",
    ]


@given(texts)
def test_cosine_matches_dot_product(corpus: list[str]) -> None:
    """term_cosine equals the dict dot product, is symmetric, and is 1 for a vector with itself."""
    model = fit_terms(corpus)
    vectors = [term_vector(t, model) for t in corpus]
    for a in vectors:
        assert term_cosine(a, a) == pytest.approx(1.0 if a else 0.0, abs=1e-4)
        for b in vectors:
            expected = sum(w * dict(b).get(t, 0.0) for t, w in a)
            assert term_cosine(a, b) == pytest.approx(min(expected, 1.0), abs=1e-9)
            assert term_cosine(a, b) == term_cosine(b, a)


@given(texts)
def test_fit_from_document_terms_equals_fit_from_texts(corpus: list[str]) -> None:
    """Document terms computed elsewhere (on workers) fit the same model as the texts."""
    documents = [document_terms(t) for t in corpus]
    assert fit_terms((), documents=documents).to_dict() == fit_terms(corpus).to_dict()
