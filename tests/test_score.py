"""Fellegi–Sunter scoring: EM recovers known parameters, TF adjustment, batch = reference, model I/O."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink.compare import (
    compare_batch,
    compare_pair,
    default_comparisons,
    encode,
    term_frequencies,
)
from caselink.config import ScoreConfig
from caselink.errors import ModelError
from caselink.models import (
    ArticleFields,
    ComparisonVector,
    FieldComparison,
    Mention,
    Profile,
    Signature,
)
from caselink.score import (
    LevelParams,
    MatchModel,
    calibrate,
    default_model,
    estimate_m_em,
    estimate_m_labelled,
    estimate_u,
    fit_run_model,
    hand_model,
    random_pairs,
    score_matrix,
    score_pairs,
    tf_references,
    trained_model,
)
from tests.strategies import profiles

TRUE_M = {"a": (0.7, 0.2, 0.1), "b": (0.6, 0.3, 0.1), "c": (0.8, 0.2), "d": (0.5, 0.3, 0.2)}
TRUE_U = {"a": (0.05, 0.15, 0.8), "b": (0.1, 0.2, 0.7), "c": (0.2, 0.8), "d": (0.1, 0.2, 0.7)}
LABELS = {n: tuple(f"l{k}" for k in range(len(v))) for n, v in TRUE_M.items()}
NAMES = tuple(TRUE_M)
TOLERANCE = 0.03
"""EM must recover every m, u and the match rate to within this (absolute) on 40,000 pairs."""


def _synthetic(n: int, rate: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < rate
    levels = np.empty((n, len(NAMES)), dtype=np.int8)
    for j, name in enumerate(NAMES):
        m, u = np.array(TRUE_M[name]), np.array(TRUE_U[name])
        levels[is_match, j] = rng.choice(m.size, size=int(is_match.sum()), p=m)
        levels[~is_match, j] = rng.choice(u.size, size=int((~is_match).sum()), p=u)
        levels[rng.random(n) < 0.1, j] = -1  # some values missing: Null
    return levels, is_match


def _model(
    m: dict[str, tuple[float, ...]], u: dict[str, tuple[float, ...]], prior: float
) -> MatchModel:
    return MatchModel(
        prior,
        {
            n: tuple(
                LevelParams(lab, mm, uu) for lab, mm, uu in zip(LABELS[n], m[n], u[n], strict=True)
            )
            for n in NAMES
        },
    )


def test_em_recovers_known_m_and_u_from_synthetic_vectors() -> None:
    """EM from a flat start recovers the m, u and match rate that generated the vectors."""
    levels, is_match = _synthetic(40_000, 0.3, seed=7)
    flat_m = {
        n: tuple(np.linspace(2, 1, len(v)) / np.linspace(2, 1, len(v)).sum())
        for n, v in TRUE_M.items()
    }
    flat_u = {
        n: tuple(np.linspace(1, 2, len(v)) / np.linspace(1, 2, len(v)).sum())
        for n, v in TRUE_U.items()
    }
    fitted, rounds = estimate_m_em(
        NAMES, levels, _model(flat_m, flat_u, -1.0), fix_u=False, max_iterations=500
    )
    assert rounds > 1
    for n in NAMES:
        for k, lv in enumerate(fitted.levels[n]):
            assert abs(lv.m - TRUE_M[n][k]) < TOLERANCE, (n, k, lv)
            assert abs(lv.u - TRUE_U[n][k]) < TOLERANCE, (n, k, lv)
    rate = 1 / (1 + 2 ** (-fitted.prior_weight))
    assert abs(rate - is_match.mean()) < TOLERANCE


def test_em_with_u_fixed_recovers_m() -> None:
    """With u known (from random pairs), EM recovers m from unlabelled vectors."""
    levels, _ = _synthetic(40_000, 0.2, seed=3)
    start_m = {n: tuple([1 / len(v)] * len(v)) for n, v in TRUE_M.items()}
    fitted, _ = estimate_m_em(
        NAMES, levels, _model(start_m, TRUE_U, -2.0), fix_u=True, max_iterations=500
    )
    for n in NAMES:
        assert np.allclose([lv.m for lv in fitted.levels[n]], TRUE_M[n], atol=TOLERANCE), n
        assert [lv.u for lv in fitted.levels[n]] == pytest.approx(TRUE_U[n])


def test_labelled_and_random_pair_estimates_match_generating_parameters() -> None:
    """m from labelled pairs and u from (non-matching) pairs recover the generating values."""
    levels, is_match = _synthetic(40_000, 0.3, seed=11)
    m, prior = estimate_m_labelled(NAMES, levels, is_match, LABELS)
    u = estimate_u(NAMES, levels[~is_match], LABELS)
    for n in NAMES:
        assert np.allclose(m[n], TRUE_M[n], atol=0.02)
        assert np.allclose(u[n], TRUE_U[n], atol=0.02)
    assert abs(1 / (1 + 2 ** (-prior)) - is_match.mean()) < 0.01


def _profile(aid: str, surname_holder: str, town: str) -> Profile:
    fields = ArticleFields(
        aid,
        officers=[Mention(surname_holder, surname_holder, 0, 1)],
        places=[Mention(town, town, 0, 1, "city")],
    )
    return Profile(aid, None, None, fields, Signature(aid, b"", 0))


def test_tf_adjustment_ranks_rare_name_match_above_common_name_match() -> None:
    """Two articles sharing a rare officer name and town outscore two sharing common ones."""
    ps = [
        _profile("r1", "ezekiel quarrington", "tiverton|ENG|GB"),
        _profile("r2", "ezekiel quarrington", "tiverton|ENG|GB"),
    ]
    ps += [_profile(f"c{i}", "john smith", "london|ENG|GB") for i in range(20)]
    ps += [_profile(f"x{i}", f"officer {i}", f"town{i}|ENG|GB") for i in range(20)]
    comparisons = default_comparisons()
    table = encode(ps)
    freqs = term_frequencies(table, comparisons)
    model = hand_model({c.name: c.labels for c in comparisons})
    rare, common = compare_pair(ps[0], ps[1], comparisons), compare_pair(ps[2], ps[3], comparisons)
    assert [f.level for f in rare.comparisons] == [f.level for f in common.comparisons]
    rare_s, common_s = score_pairs([rare, common], model, freqs)
    assert rare_s.match_weight > common_s.match_weight + 2
    plain_rare, plain_common = score_pairs([rare, common], model)
    assert plain_rare.match_weight == plain_common.match_weight
    off = ScoreConfig(tf_weight=0.0)
    assert score_pairs([rare], model, freqs, off)[0].match_weight == plain_rare.match_weight


def test_tf_reference_is_frequency_weighted_mean() -> None:
    """The chance-agreement frequency is Σf²/Σf: the common value dominates it."""
    assert tf_references({"x": {"a": 0.5, "b": 0.1}}) == {"x": pytest.approx(0.26 / 0.6)}


@given(st.lists(profiles(), min_size=2, max_size=6, unique_by=lambda p: p.article_id))
def test_score_matrix_matches_score_pairs(ps) -> None:  # type: ignore[no-untyped-def]
    """The vectorised scorer gives the reference's match weight and probability for every pair."""
    ps = sorted(ps, key=lambda p: p.article_id)
    comparisons = default_comparisons()
    labels = {c.name: c.labels for c in comparisons}
    model = hand_model(labels)
    table = encode(ps)
    freqs = term_frequencies(table, comparisons)
    ia, ib = np.triu_indices(len(ps), k=1)
    matrix = compare_batch(table, ia, ib, comparisons)
    fast = score_matrix(
        matrix.names,
        matrix.levels,
        model,
        frequencies=matrix.frequencies,
        references=tf_references(freqs),
    )
    vectors = [compare_pair(ps[i], ps[j], comparisons) for i, j in zip(ia, ib, strict=True)]
    slow = score_pairs(vectors, model, freqs)
    for k, pair in enumerate(slow):
        if any(
            f.name == "terms"
            and f.similarity is not None
            and min(abs(f.similarity - x) for x in (0.5, 0.3, 0.15)) < 1e-9
            for f in vectors[k].comparisons
        ):
            continue
        assert fast.match_weight[k] == pytest.approx(pair.match_weight, abs=1e-9)
        assert fast.probability[k] == pytest.approx(pair.probability, abs=1e-9)
        assert fast.weights[k].sum() == pytest.approx(
            sum(c.weight for c in pair.contributions), abs=1e-9
        )


def test_scored_pair_has_one_contribution_per_informative_comparison() -> None:
    """Null comparisons contribute nothing; every other comparison contributes its level's weight."""
    model = _model(TRUE_M, TRUE_U, -3.0)
    vector = ComparisonVector(
        "a",
        "b",
        [
            FieldComparison("a", 0, "l0", 1.0, "same x"),
            FieldComparison("b", -1, "null"),
            FieldComparison("c", 1, "l1", 0.0),
        ],
    )
    (pair,) = score_pairs([vector], model)
    assert [c.name for c in pair.contributions] == ["a", "c"]
    expected = -3.0 + math.log2(0.7 / 0.05) + math.log2(0.2 / 0.8)
    assert pair.match_weight == pytest.approx(expected)
    assert pair.probability == pytest.approx(2**expected / (1 + 2**expected))
    assert "same x" in pair.explain()


def test_model_round_trips_through_json_and_rejects_unknown_versions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """save/load keep every parameter; an unknown version or malformed file raises ModelError."""
    model = MatchModel(-2.5, _model(TRUE_M, TRUE_U, 0).levels, {"fit": "test"}, 0.5)
    path = tmp_path / "model.json"
    model.save(path)
    loaded = MatchModel.load(path)
    assert loaded == model
    assert loaded.scale == 0.5
    assert loaded.meta["fit"] == "test"
    data = json.loads(path.read_text())
    data["version"] = 99
    with pytest.raises(ModelError, match="version 99"):
        MatchModel.from_dict(data)
    del data["comparisons"]
    data["version"] = 2
    with pytest.raises(ModelError, match="malformed"):
        MatchModel.from_dict(data)
    v1 = {
        "version": 1,
        "prior_weight": -6,
        "comparisons": {"x": [{"label": "a", "m": 0.9, "u": 0.1}]},
    }
    assert MatchModel.from_dict(v1).scale == 1.0


def test_shipped_and_hand_models_cover_the_default_comparisons() -> None:
    """Both starting models have every default comparison with the right levels."""
    labels = {c.name: c.labels for c in default_comparisons()}
    for model in (
        hand_model(labels),
        trained_model(labels),
        trained_model(labels, "calibrated"),
        default_model(labels),
    ):
        model.check_labels(labels)
    with pytest.raises(ModelError, match="refit"):
        trained_model({"text": ("a", "b")})


def test_random_pairs_are_distinct_ordered_and_deterministic() -> None:
    """Random pairs have i < j, no repeats, and the same seed gives the same pairs."""
    a, b = random_pairs(1000, 500, seed=5)
    assert a.size == 500
    assert np.all(a < b)
    assert len(set(zip(a.tolist(), b.tolist(), strict=True))) == 500
    a2, b2 = random_pairs(1000, 500, seed=5)
    assert np.array_equal(a, a2)
    assert np.array_equal(b, b2)


def test_calibration_recovers_a_known_scale() -> None:
    """Platt scaling finds the slope and intercept that generated the labels."""
    rng = np.random.default_rng(0)
    w = rng.normal(0, 6, 20_000)
    p = 1 / (1 + 2 ** (-(0.5 * w - 1.0)))
    slope, intercept = calibrate(w, rng.random(w.size) < p)
    assert slope == pytest.approx(0.5, abs=0.05)
    assert intercept == pytest.approx(-1.0, abs=0.15)


def test_run_fit_falls_back_when_too_few_pairs_or_em_goes_wrong() -> None:
    """Too few candidates, or an EM that reverses a well-observed comparison, keep the start model."""
    levels, _ = _synthetic(20, 0.3, seed=1)
    start = _model(TRUE_M, TRUE_U, -1.0)
    out = fit_run_model(
        NAMES, LABELS, levels, levels, start, config=ScoreConfig(fit="em", em_min_pairs=50)
    )
    assert "too few" in out.meta["run_fit"]
    assert out.levels == start.levels
    big, _ = _synthetic(5_000, 0.3, seed=2)
    fitted = fit_run_model(NAMES, LABELS, big, None, start, config=ScoreConfig(fit="em"))
    assert fitted.meta["run_fit"] == "em"
    assert fitted.levels != start.levels
    # Reverse comparison "a" in the data: agreement now marks non-matches.
    flipped = big.copy()
    flipped[:, 0] = np.where(big[:, 0] == 0, 2, np.where(big[:, 0] == 2, 0, big[:, 0]))
    out = fit_run_model(NAMES, LABELS, flipped, None, start, config=ScoreConfig(fit="em"))
    assert "a agreement no longer outweighs" in out.meta["run_fit"]
    assert out.levels == start.levels


def test_resolution_explain_gives_contributions_as_data_and_a_sentence(example_articles) -> None:  # type: ignore[no-untyped-def]
    """`Resolution.explain` returns the pair's contributions and one sentence naming the reasons."""
    from caselink import resolve
    from caselink.ingest import read_articles

    resolution = resolve(read_articles(example_articles))
    link = max(resolution.links, key=lambda p: p.probability)
    explanation = resolution.explain(link.b, link.a)
    assert explanation.same_case
    assert explanation.contributions == link.contributions
    assert sum(c.weight for c in explanation.contributions) == pytest.approx(
        link.match_weight - resolution.manifest["model"]["prior_weight"], abs=1e-3
    )
    sentence = str(explanation)
    assert sentence.startswith("same case: ")
    strongest = max(link.contributions, key=lambda c: abs(c.weight))
    assert strongest.describe() in sentence
    assert explanation.to_dict()["pair"]["a"] == link.a


def test_pipeline_scores_equal_the_one_pair_reference(example_articles) -> None:  # type: ignore[no-untyped-def]
    """Every pair `resolve` scores (batch path) has the reference path's match weight."""
    from caselink import Config, resolve
    from caselink.blocking import block_candidates
    from caselink.extract import extract_fields
    from caselink.ingest import read_articles
    from caselink.normalize import clean_text, find_boilerplate
    from caselink.shingle import signatures
    from caselink.terms import fit_terms, term_vectors

    batch = read_articles(example_articles)
    cfg = Config()
    resolution = resolve(batch, cfg)
    ordered = sorted(batch.articles, key=lambda a: a.id)
    boilerplate = find_boilerplate(ordered, cfg.normalize)
    cleaned = [clean_text(a, boilerplate, cfg.normalize) for a in ordered]
    terms = term_vectors(cleaned, fit_terms(cleaned, cfg.terms), titles=[a.title for a in ordered])
    profiles = {
        a.id: Profile(a.id, a.published, a.source, extract_fields(a, cfg.extract), sig, vector)
        for a, sig, vector in zip(ordered, signatures(cleaned, cfg.shingle), terms, strict=True)
    }
    candidates = block_candidates(list(profiles.values()), cfg.blocking)
    comparisons = default_comparisons(cfg.compare)
    table = encode([profiles[a.id] for a in ordered])
    model = default_model({c.name: c.labels for c in comparisons}, cfg.score)
    vectors = [compare_pair(profiles[c.a], profiles[c.b], comparisons) for c in candidates]
    reference = score_pairs(vectors, model, term_frequencies(table, comparisons), cfg.score)
    got = {p.key: p.match_weight for p in resolution.pairs}
    assert set(got) == {p.key for p in reference}
    for pair in reference:
        assert got[pair.key] == pytest.approx(pair.match_weight, abs=1e-9)
