"""Fellegi–Sunter scoring: comparison vectors -> match weights, probabilities and contributions.

Each comparison level has an m-probability (how often true matches land on it) and a u-probability
(how often non-matches do). A level's weight is ``log2(m / u)`` bits; a pair's match weight is the
prior weight plus the weights of its levels, and its probability is ``2**w / (1 + 2**w)``. Null levels
weigh nothing: a missing value is not evidence.

`default_model` holds hand-set m/u values that are deliberately conservative; it is the model used
until one is fitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from caselink.config import ScoreConfig
from caselink.errors import ModelError
from caselink.models import NULL_LEVEL, ComparisonVector, Contribution, ScoredPair

__all__ = ["MODEL_VERSION", "LevelParams", "MatchModel", "default_model", "score_pairs"]

MODEL_VERSION = 1
"""The version of the saved-model JSON format."""


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


@attrs.frozen
class MatchModel:
    """A Fellegi–Sunter model: a prior and m/u probabilities per comparison level.

    Attributes:
        prior_weight: log2 of the prior odds that a candidate pair is a match.
        levels: for each comparison name, its levels from strongest to Else.
    """

    prior_weight: float
    levels: Mapping[str, tuple[LevelParams, ...]] = attrs.field(validator=_check_levels, hash=False)

    def weight(self, name: str, level: int) -> float:
        """The weight of ``level`` of comparison ``name`` (0 for Null or an unknown comparison)."""
        if level == NULL_LEVEL or name not in self.levels:
            return 0.0
        return self.levels[name][level].weight

    def to_dict(self) -> dict[str, Any]:
        """Return the model as versioned JSON-ready data."""
        return {
            "version": MODEL_VERSION,
            "prior_weight": self.prior_weight,
            "comparisons": {
                name: [{"label": lv.label, "m": lv.m, "u": lv.u} for lv in levels]
                for name, levels in sorted(self.levels.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchModel:
        """Load a model saved by `to_dict`.

        Raises:
            ModelError: when the data is not a model of a version this release reads.
        """
        version = data.get("version") if isinstance(data, Mapping) else None
        if version != MODEL_VERSION:
            msg = f"saved model has version {version!r}; this caselink reads version {MODEL_VERSION}. Refit the model."
            raise ModelError(msg)
        try:
            levels = {
                name: tuple(LevelParams(lv["label"], float(lv["m"]), float(lv["u"])) for lv in raw)
                for name, raw in data["comparisons"].items()
            }
            return cls(float(data["prior_weight"]), levels)
        except (KeyError, TypeError, ValueError) as error:
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


# m and u per level, strongest level first; hand-set, conservative.
_DEFAULT_MU: dict[str, tuple[tuple[float, float], ...]] = {
    "text": ((0.05, 0.00005), (0.05, 0.0005), (0.2, 0.01), (0.7, 0.9895)),
    "agency": ((0.9, 0.1), (0.1, 0.9)),
    "oversight": ((0.9, 0.3), (0.1, 0.7)),
    "officer": ((0.6, 0.0005), (0.15, 0.002), (0.1, 0.01), (0.15, 0.9875)),
    "place": ((0.7, 0.05), (0.15, 0.15), (0.15, 0.8)),
    "names": ((0.35, 0.0005), (0.35, 0.005), (0.3, 0.9945)),
    "event_date": ((0.6, 0.01), (0.2, 0.03), (0.1, 0.08), (0.1, 0.88)),
    "published": ((0.5, 0.02), (0.2, 0.08), (0.15, 0.2), (0.15, 0.7)),
    "reference": ((0.95, 0.0001), (0.05, 0.9999)),
    "outcome": ((0.6, 0.3), (0.4, 0.7)),
    "allegation": ((0.7, 0.3), (0.3, 0.7)),
}


def default_model(
    level_labels: Mapping[str, Sequence[str]], config: ScoreConfig | None = None
) -> MatchModel:
    """Return the hand-set starting model for comparisons with these level labels.

    Args:
        level_labels: for each comparison name, its level labels from strongest to Else.
        config: the prior weight.

    Raises:
        ModelError: when a comparison has no default parameters or a different number of levels.
    """
    cfg = config or ScoreConfig()
    levels: dict[str, tuple[LevelParams, ...]] = {}
    for name, labels in level_labels.items():
        mu = _DEFAULT_MU.get(name)
        if mu is None or len(mu) != len(labels):
            msg = (
                f"no default parameters for comparison {name!r} with {len(labels)} "
                "levels; fit a model or keep the default comparison thresholds"
            )
            raise ModelError(msg)
        levels[name] = tuple(
            LevelParams(label, m, u) for label, (m, u) in zip(labels, mu, strict=True)
        )
    return MatchModel(cfg.prior_weight, levels)


def _probability(weight: float) -> float:
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    odds = math.pow(2.0, weight)
    return odds / (1.0 + odds)


def score_pairs(vectors: Iterable[ComparisonVector], model: MatchModel) -> list[ScoredPair]:
    """Score comparison vectors with a model.

    Examples:
        >>> from caselink.models import FieldComparison
        >>> model = default_model({"reference": ("exact", "else")})
        >>> v = ComparisonVector("a", "b", [FieldComparison("reference", 0, "exact", 1.0, "'2017/1'")])
        >>> round(score_pairs([v], model)[0].probability, 3)
        0.993
    """
    scored = []
    for vector in vectors:
        contributions = tuple(
            Contribution(c.name, c.label, model.weight(c.name, c.level), c.detail)
            for c in vector.comparisons
            if c.level != NULL_LEVEL
        )
        weight = model.prior_weight + sum(c.weight for c in contributions)
        scored.append(
            ScoredPair(
                vector.a, vector.b, weight, _probability(weight), contributions, vector.rules
            )
        )
    return scored
