"""Fellegi–Sunter scoring: comparison levels -> match weights, probabilities and contributions.

Each comparison level has an m-probability (how often true matches land on it) and a u-probability
(how often non-matches do). A level's weight is ``log2(m / u)`` bits; a pair's match weight is the
prior weight plus the weights of its levels, and its probability is ``2**w / (1 + 2**w)``. Null levels
weigh nothing: a missing value is not evidence.

Fitting:

- `estimate_u`: u-probabilities from the levels of random pairs (nearly all non-matches).
- `estimate_m_em`: m-probabilities and the prior by expectation–maximisation on unlabelled
  candidate pairs, u held fixed (the usual Fellegi–Sunter EM, as in Splink).
- `estimate_m_labelled`: m-probabilities from pairs with known labels.

**Term-frequency adjustment.** Agreeing on a value that few articles mention is stronger evidence
than agreeing on a common one. For a comparison whose level came from a shared value with relative
document frequency ``f``, the weight moves by ``log2(r / f)`` bits (clipped to ``± tf_cap``), where
``r = Σ f_v² / Σ f_v`` is the frequency of the value met in a typical chance agreement; the level's
m/u already describe that typical agreement, so the adjustment is zero on average over chance
agreements and positive for rare values.

`default_model` gives the model a run starts from (`ScoreConfig.fit`): hand-set m/u calibrated on the
training files (the default, ``"calibrated"``), the hand-set m/u alone (``"hand"``), m/u fitted with
labels on the training files (``"trained"``), or that refined by EM on the run's own candidates
(``"em"``). The fitted models ship as package data.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink.config import ScoreConfig
from caselink.errors import ModelError
from caselink.models import NULL_LEVEL, ComparisonVector, Contribution, ScoredPair

__all__ = [
    "MODEL_VERSION",
    "LevelParams",
    "MatchModel",
    "ScoredMatrix",
    "calibrate",
    "default_model",
    "estimate_m_em",
    "estimate_m_labelled",
    "estimate_u",
    "fit_run_model",
    "hand_model",
    "model_from",
    "random_pairs",
    "score_matrix",
    "score_pairs",
    "tf_references",
    "trained_model",
]

MODEL_VERSION = 2
"""The version of the saved-model JSON format (version 1 had no fit metadata and still loads)."""

_FLOOR = 1e-6  # no probability is ever exactly 0 or 1: a weight stays finite


@attrs.frozen
class LevelParams:
    """The m and u probabilities of one level of one comparison."""

    label: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        """The level's match weight in bits, ``log2(m / u)``."""
        return math.log2(self.m / self.u)


def _check_levels(
    model: MatchModel, _attribute: object, value: Mapping[str, tuple[LevelParams, ...]]
) -> None:
    for name, levels in value.items():
        for level in levels:
            if not (0.0 < level.m <= 1.0 and 0.0 < level.u <= 1.0):
                msg = f"level {level.label!r} of comparison {name!r} needs 0 < m, u <= 1, got m={level.m}, u={level.u}"
                raise ModelError(msg)
    del model


def _readonly(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


@attrs.frozen
class MatchModel:
    """A Fellegi–Sunter model: a prior and m/u probabilities per comparison level.

    Attributes:
        prior_weight: log2 of the prior odds that a candidate pair is a match.
        levels: for each comparison name, its levels from strongest to Else.
        meta: how the model was fitted (method, data, iterations), saved with it.
        scale: every level weight (and term-frequency adjustment) is multiplied by this; fitted on
            labelled training pairs (Platt scaling) because the comparisons are not independent, so
            summed raw weights are overconfident. The ranking of pairs does not depend on it.

    Examples:
        >>> model = MatchModel(-3.0, {"agency": (LevelParams("exact", 0.9, 0.1), LevelParams("else", 0.1, 0.9))})
        >>> round(model.weight("agency", 0), 2)
        3.17
        >>> MatchModel.from_dict(model.to_dict()) == model
        True
    """

    prior_weight: float
    levels: Mapping[str, tuple[LevelParams, ...]] = attrs.field(validator=_check_levels, hash=False)
    meta: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_readonly, eq=False, hash=False, repr=False
    )
    scale: float = 1.0

    def weight(self, name: str, level: int) -> float:
        """The weight of ``level`` of comparison ``name`` (0 for Null or an unknown comparison)."""
        if level == NULL_LEVEL or name not in self.levels:
            return 0.0
        return self.scale * self.levels[name][level].weight

    def weight_table(self, names: Sequence[str]) -> NDArray[np.float64]:
        """Weights as an array: row per comparison, column per level, last column Null (0)."""
        width = max((len(self.levels.get(n, ())) for n in names), default=0) + 1
        table = np.zeros((len(names), width), dtype=np.float64)
        for j, name in enumerate(names):
            for k, lv in enumerate(self.levels.get(name, ())):
                table[j, k] = self.scale * lv.weight
        return table

    def check_labels(self, level_labels: Mapping[str, Sequence[str]]) -> None:
        """Raise `ModelError` unless the model has the levels of these comparisons."""
        for name, labels in level_labels.items():
            have = tuple(lv.label for lv in self.levels.get(name, ()))
            if have != tuple(labels):
                msg = (
                    f"the model's levels of comparison {name!r} are {list(have)}, but the comparisons "
                    f"produce {list(labels)}; refit the model with the current comparison settings"
                )
                raise ModelError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the model as versioned JSON-ready data."""
        return {
            "version": MODEL_VERSION,
            "prior_weight": round(self.prior_weight, 6),
            "scale": round(self.scale, 6),
            "meta": dict(self.meta),
            "comparisons": {
                name: [
                    {"label": lv.label, "m": round(lv.m, 8), "u": round(lv.u, 8)} for lv in levels
                ]
                for name, levels in sorted(self.levels.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchModel:
        """Load a model saved by `to_dict` (this version or version 1).

        Raises:
            ModelError: when the data is not a model of a version this release reads.
        """
        version = data.get("version") if isinstance(data, Mapping) else None
        if version not in (1, MODEL_VERSION):
            msg = (
                f"saved model has version {version!r}; this caselink reads versions 1 and "
                f"{MODEL_VERSION}. Refit the model."
            )
            raise ModelError(msg)
        try:
            levels = {
                name: tuple(LevelParams(lv["label"], float(lv["m"]), float(lv["u"])) for lv in raw)
                for name, raw in data["comparisons"].items()
            }
            return cls(
                float(data["prior_weight"]),
                levels,
                data.get("meta") or {},
                float(data.get("scale", 1.0)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            msg = f"saved model is malformed ({error!r}); expected the format written by MatchModel.save"
            raise ModelError(msg) from error

    def save(self, path: str | Path) -> None:
        """Write the model as JSON."""
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> MatchModel:
        """Read a model written by `save`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            msg = f"cannot read model file {str(path)!r}: {error}"
            raise ModelError(msg) from error
        return cls.from_dict(data)

    def with_prior(self, prior_weight: float) -> MatchModel:
        """The same model with another prior."""
        return attrs.evolve(self, prior_weight=prior_weight)


# m and u per level, strongest level first; hand-set from domain knowledge. On the training files
# these, with the term-frequency adjustment, rank candidate pairs better than m/u fitted on those
# files (benchmarks/score_quality.py), so the default model is these plus a Platt calibration
# fitted on the training files (package data calibrated_model.json, benchmarks/fit_model.py).
# "people" else is mild: reports of one case often quote different people.
_DEFAULT_MU: dict[str, tuple[tuple[float, float], ...]] = {
    "text": ((0.05, 0.00005), (0.05, 0.0005), (0.2, 0.01), (0.7, 0.9895)),
    "terms": ((0.3, 0.002), (0.25, 0.01), (0.25, 0.05), (0.2, 0.938)),
    "agency": ((0.9, 0.1), (0.1, 0.9)),
    "oversight": ((0.9, 0.3), (0.1, 0.7)),
    "officer": ((0.6, 0.0005), (0.15, 0.002), (0.1, 0.01), (0.15, 0.9875)),
    "people": ((0.3, 0.0005), (0.3, 0.005), (0.05, 0.3), (0.35, 0.6945)),
    "place": ((0.65, 0.05), (0.05, 0.01), (0.15, 0.15), (0.15, 0.79)),
    "event_date": ((0.6, 0.01), (0.2, 0.03), (0.1, 0.08), (0.1, 0.88)),
    "published": ((0.5, 0.02), (0.2, 0.08), (0.15, 0.2), (0.15, 0.7)),
    "reference": ((0.95, 0.0001), (0.05, 0.9999)),
    "outcome": ((0.6, 0.3), (0.3, 0.3), (0.1, 0.4)),
    "allegation": ((0.7, 0.3), (0.3, 0.7)),
    "killed": ((0.8, 0.3), (0.1, 0.2), (0.1, 0.5)),
    "injured": ((0.8, 0.3), (0.1, 0.2), (0.1, 0.5)),
    "source": ((0.1, 0.01), (0.9, 0.99)),
    "ages": ((0.4, 0.005), (0.6, 0.07), (0.022, 0.925)),
    "street": ((0.37, 0.005), (0.0127, 0.995)),
}


def hand_model(
    level_labels: Mapping[str, Sequence[str]], config: ScoreConfig | None = None
) -> MatchModel:
    """The hand-set model for comparisons with these level labels, with ``config.prior_weight``.

    Raises:
        ModelError: when a comparison has no hand-set parameters or a different number of levels.
    """
    cfg = config or ScoreConfig()
    levels: dict[str, tuple[LevelParams, ...]] = {}
    for name, labels in level_labels.items():
        mu = _DEFAULT_MU.get(name)
        if mu is None or len(mu) != len(labels):
            msg = (
                f"no hand-set parameters for comparison {name!r} with {len(labels)} "
                "levels; fit a model or keep the default comparison thresholds"
            )
            raise ModelError(msg)
        levels[name] = tuple(
            LevelParams(label, m, u) for label, (m, u) in zip(labels, mu, strict=True)
        )
    return MatchModel(cfg.prior_weight, levels, {"fit": "hand-set"})


def trained_model(level_labels: Mapping[str, Sequence[str]], kind: str = "trained") -> MatchModel:
    """A model fitted offline on the labelled training files, shipped as package data.

    Args:
        level_labels: for each comparison name, its level labels from strongest to Else.
        kind: ``"trained"``: m/u fitted with labels, Platt-calibrated; ``"calibrated"``: the
            hand-set m/u with Platt calibration fitted on the training candidates.

    Raises:
        ModelError: when the shipped model lacks a comparison or has other levels for it.
    """
    name = {"trained": "trained_model.json", "calibrated": "calibrated_model.json"}.get(kind)
    if name is None:
        msg = f"kind must be 'trained' or 'calibrated', got {kind!r}"
        raise ModelError(msg)
    text = importlib.resources.files("caselink").joinpath(f"data/{name}").read_text("utf-8")
    shipped = MatchModel.from_dict(json.loads(text))
    shipped.check_labels(level_labels)
    levels = {n: shipped.levels[n] for n in level_labels}
    return MatchModel(shipped.prior_weight, levels, shipped.meta, shipped.scale)


def default_model(
    level_labels: Mapping[str, Sequence[str]], config: ScoreConfig | None = None
) -> MatchModel:
    """The model a run starts from (see `ScoreConfig.fit`).

    Examples:
        >>> default_model({"reference": ("exact", "else")}).weight("reference", 0) > 3
        True
    """
    cfg = config or ScoreConfig()
    if cfg.fit == "hand":
        return hand_model(level_labels, cfg)
    if cfg.fit in {"calibrated", "em"}:
        return trained_model(level_labels, "calibrated")
    return trained_model(level_labels, "trained")


def _probability(weight: float) -> float:
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    odds = math.pow(2.0, weight)
    return odds / (1.0 + odds)


def tf_references(frequencies: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """Per comparison, ``Σ f² / Σ f``: the frequency of the value met in a typical chance agreement."""
    out = {}
    for name, table in frequencies.items():
        values = np.fromiter(table.values(), dtype=np.float64)
        total = float(values.sum())
        out[name] = float((values**2).sum() / total) if total > 0 else 1.0
    return out


def _tf_adjustment(frequency: float, reference: float, config: ScoreConfig) -> float:
    if not frequency > 0.0 or config.tf_weight == 0.0:
        return 0.0
    raw = math.log2(reference / frequency)
    return config.tf_weight * max(-config.tf_cap, min(config.tf_cap, raw))


def score_pairs(
    vectors: Iterable[ComparisonVector],
    model: MatchModel,
    frequencies: Mapping[str, Mapping[str, float]] | None = None,
    config: ScoreConfig | None = None,
) -> list[ScoredPair]:
    """Score comparison vectors with a model, one pair at a time (the reference path).

    Args:
        vectors: the comparison vectors.
        model: m/u per level and the prior.
        frequencies: per term-frequency-adjusted comparison, each value's relative document
            frequency in the corpus (`caselink.compare.term_frequencies`); ``None``: no adjustment.
        config: the term-frequency settings.

    Examples:
        >>> from caselink.models import FieldComparison
        >>> levels = (LevelParams("exact", 0.95, 0.0001), LevelParams("else", 0.05, 0.9999))
        >>> model = MatchModel(-6.0, {"reference": levels})
        >>> v = ComparisonVector("a", "b", [FieldComparison("reference", 0, "exact", 1.0, "'2017/1'")])
        >>> round(score_pairs([v], model)[0].probability, 3)
        0.993
    """
    cfg = config or ScoreConfig()
    freqs = frequencies or {}
    refs = tf_references(freqs)
    scored = []
    for vector in vectors:
        contributions = []
        for c in vector.comparisons:
            if c.level == NULL_LEVEL:
                continue
            weight = model.weight(c.name, c.level)
            if c.value and c.name in freqs:
                table = freqs[c.name]
                found = [table[v] for v in c.value.split("\t") if v in table]
                if found:
                    weight += model.scale * _tf_adjustment(min(found), refs[c.name], cfg)
            contributions.append(Contribution(c.name, c.label, weight, c.detail))
        total = model.prior_weight + sum(c.weight for c in contributions)
        scored.append(
            ScoredPair(vector.a, vector.b, total, _probability(total), contributions, vector.rules)
        )
    return scored


@attrs.frozen(eq=False)
class ScoredMatrix:
    """Scores of many pairs as arrays.

    Attributes:
        weights: per pair and comparison, the weight in bits (0 for Null).
        match_weight: per pair, the prior plus the row of ``weights``.
        probability: per pair, the match probability.
    """

    weights: NDArray[np.float64]
    match_weight: NDArray[np.float64]
    probability: NDArray[np.float64]


def score_matrix(
    names: Sequence[str],
    levels: NDArray[np.int8],
    model: MatchModel,
    *,
    frequencies: NDArray[np.float64] | None = None,
    references: Mapping[str, float] | None = None,
    config: ScoreConfig | None = None,
) -> ScoredMatrix:
    """Score many pairs at once; agrees with `score_pairs` (the tests check it).

    Args:
        names: the comparison of each column.
        levels: pairs x comparisons level indexes, ``-1`` for Null.
        model: m/u per level and the prior.
        frequencies: pairs x comparisons relative frequency of the shared value, ``nan`` for none.
        references: per comparison, the chance-agreement frequency (`tf_references`).
        config: the term-frequency settings.

    Examples:
        >>> model = MatchModel(-1.0, {"x": (LevelParams("same", 0.8, 0.2), LevelParams("else", 0.2, 0.8))})
        >>> s = score_matrix(["x"], np.array([[0], [-1]], dtype=np.int8), model)
        >>> s.match_weight.tolist()
        [1.0, -1.0]
    """
    cfg = config or ScoreConfig()
    table = model.weight_table(names)
    weights = np.empty(levels.shape, dtype=np.float64)
    for j in range(len(names)):
        # Null (-1) indexes the last column, which is 0.
        weights[:, j] = table[j][levels[:, j]]
        reference = (references or {}).get(names[j])
        if frequencies is None or reference is None or cfg.tf_weight == 0.0:
            continue
        column = frequencies[:, j]
        rows = np.flatnonzero((column > 0) & (levels[:, j] >= 0))
        if rows.size:
            raw = np.log2(reference / column[rows])
            weights[rows, j] += model.scale * cfg.tf_weight * np.clip(raw, -cfg.tf_cap, cfg.tf_cap)
    match_weight = model.prior_weight + weights.sum(axis=1)
    probability = 1.0 / (1.0 + np.exp2(-np.clip(match_weight, -1000, 1000)))
    return ScoredMatrix(weights, match_weight, probability)


def _counts(
    levels: NDArray[np.int8], width: int, weights: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """Per comparison and level, the (weighted) number of pairs on it; Null left out."""
    out = np.zeros((levels.shape[1], width), dtype=np.float64)
    for j in range(levels.shape[1]):
        col = levels[:, j].astype(np.int64)
        keep = col >= 0
        out[j] = np.bincount(
            col[keep], weights=None if weights is None else weights[keep], minlength=width
        )[:width]
    return out


def _normalise(
    counts: NDArray[np.float64], sizes: Sequence[int], smoothing: float
) -> list[NDArray[np.float64]]:
    out = []
    for j, size in enumerate(sizes):
        row = counts[j, :size] + smoothing
        out.append(np.clip(row / row.sum(), _FLOOR, 1.0))
    return out


def _labels_of(
    names: Sequence[str], level_labels: Mapping[str, Sequence[str]]
) -> list[tuple[str, ...]]:
    return [tuple(level_labels[n]) for n in names]


def estimate_u(
    names: Sequence[str],
    levels: NDArray[np.int8],
    level_labels: Mapping[str, Sequence[str]],
    *,
    smoothing: float = 1.0,
) -> dict[str, NDArray[np.float64]]:
    """u-probabilities from the levels of random pairs (almost all of which are non-matches).

    Args:
        names: the comparison of each column.
        levels: random pairs x comparisons.
        level_labels: each comparison's level labels (for the number of levels).
        smoothing: pseudo-count added to every level (Laplace), so unseen levels keep u > 0.
    """
    labels = _labels_of(names, level_labels)
    width = max(len(x) for x in labels)
    counts = _counts(levels, width, None)
    return dict(zip(names, _normalise(counts, [len(x) for x in labels], smoothing), strict=True))


def estimate_m_labelled(
    names: Sequence[str],
    levels: NDArray[np.int8],
    is_match: NDArray[np.bool_],
    level_labels: Mapping[str, Sequence[str]],
    *,
    smoothing: float = 1.0,
) -> tuple[dict[str, NDArray[np.float64]], float]:
    """m-probabilities and the candidate match rate from labelled pairs.

    Returns:
        ``(m, prior_weight)``: m per comparison, and log2 of the odds of a match among the pairs.
    """
    labels = _labels_of(names, level_labels)
    width = max(len(x) for x in labels)
    counts = _counts(levels[is_match], width, None)
    m = dict(zip(names, _normalise(counts, [len(x) for x in labels], smoothing), strict=True))
    rate = (float(is_match.sum()) + 0.5) / (is_match.size + 1.0)
    return m, math.log2(rate / (1.0 - rate))


def estimate_m_em(
    names: Sequence[str],
    levels: NDArray[np.int8],
    start: MatchModel,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-5,
    smoothing: float = 0.1,
    fix_u: bool = True,
) -> tuple[MatchModel, int]:
    """Fit m (and the prior) by expectation–maximisation on unlabelled pairs, from ``start``.

    Assumes the comparisons are independent given the match status (Fellegi–Sunter). Pairs with the
    same levels are pooled, so the cost grows with the number of distinct level patterns.

    Args:
        names: the comparison of each column.
        levels: candidate pairs x comparisons.
        start: the starting m, u and prior; u stays fixed unless ``fix_u`` is false.
        max_iterations: the most EM rounds.
        tolerance: stop when no m (or u) moves by more than this.
        smoothing: pseudo-count per level in each M step.
        fix_u: keep u from ``start`` (estimated from random pairs), as Splink does.

    Returns:
        The fitted model and the number of rounds run.
    """
    if levels.shape[0] == 0:
        return start, 0
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    counts = counts.astype(np.float64)
    sizes = [len(start.levels[n]) for n in names]
    width = max(sizes) + 1
    m = np.zeros((len(names), width))
    u = np.ones((len(names), width))
    for j, n in enumerate(names):
        for k, lv in enumerate(start.levels[n]):
            m[j, k], u[j, k] = lv.m, lv.u
        m[j, width - 1] = u[j, width - 1] = 1.0  # Null: no evidence
    cols = np.arange(len(names))[None, :]
    index = patterns.astype(np.int64)
    index[index < 0] = width - 1
    prior = 1.0 / (1.0 + 2.0 ** (-start.prior_weight))
    rounds = 0
    for rounds in range(1, max_iterations + 1):  # noqa: B007 - rounds is reported
        log_m = np.log(m[cols, index]).sum(axis=1)
        log_u = np.log(u[cols, index]).sum(axis=1)
        logit = np.log(prior) - np.log1p(-prior) + log_m - log_u
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        wm, wu = post * counts, (1.0 - post) * counts
        new_m = _counts(patterns, width, wm)
        new_m_rows = _normalise(new_m, sizes, smoothing)
        delta = 0.0
        for j, row in enumerate(new_m_rows):
            delta = max(delta, float(np.abs(row - m[j, : sizes[j]]).max()))
            m[j, : sizes[j]] = row
        if not fix_u:
            new_u_rows = _normalise(_counts(patterns, width, wu), sizes, smoothing)
            for j, row in enumerate(new_u_rows):
                delta = max(delta, float(np.abs(row - u[j, : sizes[j]]).max()))
                u[j, : sizes[j]] = row
        prior = float(np.clip(wm.sum() / counts.sum(), 1e-4, 1 - 1e-4))
        if delta < tolerance:
            break
    levels_out = {
        n: tuple(
            LevelParams(lv.label, float(m[j, k]), float(u[j, k]))
            for k, lv in enumerate(start.levels[n])
        )
        for j, n in enumerate(names)
    }
    meta = {**dict(start.meta), "em_rounds": rounds, "em_pairs": int(levels.shape[0])}
    return MatchModel(math.log2(prior / (1.0 - prior)), levels_out, meta, 1.0), rounds


def model_from(
    names: Sequence[str],
    level_labels: Mapping[str, Sequence[str]],
    m: Mapping[str, NDArray[np.float64]],
    u: Mapping[str, NDArray[np.float64]],
    *,
    prior_weight: float,
    meta: Mapping[str, Any] | None = None,
) -> MatchModel:
    """Assemble a model from m and u arrays."""
    levels = {
        n: tuple(
            LevelParams(label, float(m[n][k]), float(u[n][k]))
            for k, label in enumerate(level_labels[n])
        )
        for n in names
    }
    return MatchModel(prior_weight, levels, meta or {})


def fit_run_model(
    names: Sequence[str],
    level_labels: Mapping[str, Sequence[str]],
    candidate_levels: NDArray[np.int8],
    random_levels: NDArray[np.int8] | None,
    start: MatchModel,
    *,
    config: ScoreConfig | None = None,
) -> MatchModel:
    """The model a run scores with, as ``config.fit`` says.

    - ``"hand"`` or ``"trained"``: ``start`` as it is.
    - ``"em"``: u from this corpus' random pairs, then EM on the candidates from ``start``'s m
      (u re-estimated too unless ``em_fix_u``). Safeguards fall back to ``start`` when there are too
      few candidates, or when EM ends with an implausible match rate, or turns a comparison that
      most candidates have around so that agreement no longer outweighs disagreement.
    """
    cfg = config or ScoreConfig()
    if cfg.fit != "em":
        return attrs.evolve(start, meta={**dict(start.meta), "run_fit": cfg.fit})
    seeded = start
    if random_levels is not None and random_levels.shape[0] > 0:
        u = estimate_u(names, random_levels, level_labels)
        m = {n: np.array([lv.m for lv in start.levels[n]]) for n in names}
        seeded = model_from(
            names, level_labels, m, u, prior_weight=start.prior_weight, meta=start.meta
        )
    if candidate_levels.shape[0] < cfg.em_min_pairs:
        return attrs.evolve(
            start, meta={**dict(start.meta), "run_fit": "start model (too few pairs for EM)"}
        )
    fitted, _rounds = estimate_m_em(
        names, candidate_levels, seeded, max_iterations=cfg.em_max_iterations, fix_u=cfg.em_fix_u
    )
    reasons = []
    rate = 1.0 / (1.0 + 2.0 ** (-fitted.prior_weight))
    if not 0.001 <= rate <= 0.999:
        reasons.append(f"candidate match rate {rate:.4f}")
    observed = (candidate_levels >= 0).mean(axis=0)
    for j, n in enumerate(names):
        first, last = fitted.levels[n][0], fitted.levels[n][-1]
        was = seeded.levels[n][0].weight > seeded.levels[n][-1].weight
        # Only comparisons seen often enough for EM to have learnt something about them.
        if was and observed[j] >= 0.1 and first.weight <= last.weight:
            reasons.append(f"{n} agreement no longer outweighs disagreement")
    if reasons:
        return attrs.evolve(
            start,
            meta={
                **dict(start.meta),
                "run_fit": "start model (EM rejected: " + "; ".join(reasons) + ")",
            },
        )
    return attrs.evolve(fitted, meta={**dict(fitted.meta), "run_fit": "em"})


def random_pairs(n: int, k: int, seed: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Up to ``k`` distinct random row pairs ``(i, j)``, ``i < j``, of ``n`` rows; all pairs when fewer.

    Deterministic for a given ``n``, ``k`` and ``seed``.

    Examples:
        >>> a, b = random_pairs(4, 100, 1)
        >>> sorted(zip(a.tolist(), b.tolist()))
        [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    """
    total = n * (n - 1) // 2
    if n < 2 or k <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    if total <= k:
        ia, ib = np.triu_indices(n, k=1)
        return ia.astype(np.int64), ib.astype(np.int64)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, n, size=2 * k)
    y = rng.integers(0, n - 1, size=2 * k)
    y = y + (y >= x)  # y != x
    lo, hi = np.minimum(x, y), np.maximum(x, y)
    keys = np.unique(lo * n + hi)[:k]
    return (keys // n).astype(np.int64), (keys % n).astype(np.int64)


def calibrate(
    match_weight: NDArray[np.float64], is_match: NDArray[np.bool_], *, iterations: int = 50
) -> tuple[float, float]:
    """Platt scaling: ``(slope, intercept)`` fitting ``sigmoid(ln 2 * (slope * w + intercept))`` to labels.

    A logistic regression of the labels on the match weight.

    Examples:
        >>> w = np.array([-4.0, -2.0, 0.0, 2.0, 4.0, 6.0])
        >>> slope, intercept = calibrate(w, np.array([False, False, True, False, True, True]))
        >>> 0 < slope < 2
        True
    """
    # Only fitting needs scipy.optimize, and importing it costs about half a second.
    from scipy.optimize import minimize  # noqa: PLC0415

    w = np.clip(match_weight, -60.0, 60.0) * math.log(2.0)
    y = is_match.astype(np.float64)
    del iterations

    def loss(beta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        z = beta[0] * w + beta[1] * math.log(2.0)
        # log(1 + e^z) - y z, computed stably
        value = float(np.sum(np.logaddexp(0.0, z) - y * z))
        p = 1.0 / (1.0 + np.exp(-z))
        grad = np.array([np.sum((p - y) * w), np.sum(p - y) * math.log(2.0)])
        return value, grad

    beta = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B").x
    return float(beta[0]), float(beta[1])
