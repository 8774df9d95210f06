"""Configuration: one frozen root with a section per stage.

Every value is checked when a config is built; all problems are gathered and raised together as one
`ConfigError`. Variants come from `attrs.evolve`, never from mutation::

    cfg = Config()
    stricter = attrs.evolve(cfg, cluster=attrs.evolve(cfg.cluster, threshold=0.9))

`Config.to_dict` and `Config.from_dict` round-trip through JSON or TOML, and the run manifest holds
the config of every run.
"""

from __future__ import annotations

import json
import operator
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, get_args

import attrs

from caselink.errors import ConfigError

__all__ = [
    "BlockingConfig",
    "CanonicalConfig",
    "ClusterConfig",
    "CompareConfig",
    "Config",
    "ExtractConfig",
    "NormalizeConfig",
    "ScoreConfig",
    "ShingleConfig",
]


def _as_tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(values)


def _setting(
    default: Any,
    *,
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    choices: tuple[Any, ...] | None = None,
    help: str = "",
) -> Any:
    """Declare a config value with its bounds; `_problems` checks them all at once."""
    converter = _as_tuple if isinstance(default, tuple) else None
    return attrs.field(
        default=default,
        converter=converter,
        metadata={"ge": ge, "le": le, "gt": gt, "choices": choices, "help": help},
    )


def _problems(section: attrs.AttrsInstance) -> list[str]:
    """Return every violated bound of a config section, as readable messages."""
    name = getattr(section, "section", type(section).__name__)
    problems = []
    for field in attrs.fields(type(section)):
        value = getattr(section, field.name)
        meta = field.metadata
        expected_type = type(field.default)
        where = f"[{name}] {field.name}"
        if expected_type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
            object.__setattr__(section, field.name, value)
        wrong_type = not isinstance(value, expected_type) or (
            expected_type is int and isinstance(value, bool)
        )
        if wrong_type:
            problems.append(f"{where} must be {expected_type.__name__}, got {value!r}")
            continue
        if meta.get("choices") is not None and value not in meta["choices"]:
            problems.append(f"{where} must be one of {list(meta['choices'])}, got {value!r}")
        for key, ok, words in (
            ("ge", operator.ge, ">="),
            ("le", operator.le, "<="),
            ("gt", operator.gt, ">"),
        ):
            bound = meta.get(key)
            values = value if isinstance(value, tuple) else (value,)
            if bound is None:
                continue
            try:
                within = all(ok(v, bound) for v in values)
            except TypeError:
                within = False
            if not within:
                problems.append(f"{where} must be numbers {words} {bound}, got {value!r}")
    return problems


class _Section:
    """Mixin: validate every setting after construction and raise all problems at once."""

    section: ClassVar[str]

    def __attrs_post_init__(self) -> None:
        problems = _problems(self) + self._cross_checks()  # type: ignore[arg-type]
        if problems:
            raise ConfigError(problems)

    def _cross_checks(self) -> list[str]:
        return []


@attrs.frozen
class NormalizeConfig(_Section):
    """Text cleaning before shingling and extraction.

    Attributes:
        boilerplate_min_articles: a line is boilerplate when it recurs in at least this many articles.
        boilerplate_min_sources: a sentence is boilerplate everywhere when articles of at least this
            many outlets carry it.
        boilerplate_min_chars: sentences shorter than this are never treated as boilerplate.
        min_text_chars: cleaned texts shorter than this are flagged short and not shingled.
    """

    section: ClassVar[str] = "normalize"
    boilerplate_min_articles: int = _setting(3, ge=2)
    boilerplate_min_sources: int = _setting(5, ge=2)
    boilerplate_min_chars: int = _setting(20, ge=1)
    min_text_chars: int = _setting(200, ge=0)


@attrs.frozen
class ExtractConfig(_Section):
    """Field extraction.

    Attributes:
        max_chars: only the first ``max_chars`` characters of an article are read for fields.
    """

    section: ClassVar[str] = "extract"
    max_chars: int = _setting(20_000, ge=100)


SignatureScheme = Literal["affine32"]


@attrs.frozen
class ShingleConfig(_Section):
    """Shingles and MinHash signatures. One ``seed`` and ``num_perm`` for the whole run.

    Attributes:
        unit: shingle words or characters.
        k: shingle length in units.
        num_perm: permutations per signature.
        seed: seed of the permutations; signatures with different seeds cannot be compared.
        scheme: datasketch's permutation scheme (shingles are hashed with 32-bit xxHash first);
            recorded with persisted signatures because values made under another scheme differ.
    """

    section: ClassVar[str] = "shingle"
    unit: Literal["word", "char"] = _setting("word", choices=("word", "char"))
    k: int = _setting(3, ge=1, le=20)
    num_perm: int = _setting(128, ge=16, le=1024)
    seed: int = _setting(1, ge=0)
    scheme: SignatureScheme = _setting("affine32", choices=get_args(SignatureScheme))


@attrs.frozen
class BlockingConfig(_Section):
    """Candidate generation.

    Attributes:
        lsh_threshold: the Jaccard similarity MinHash LSH aims at.
        verify_threshold: LSH candidates count as near-copies only when their estimated Jaccard
            reaches this value.
        max_block_size: field-key blocks larger than this keep only each article's nearest neighbours.
        neighbours_in_large_blocks: how many neighbours each article keeps in a capped block.
        date_window_days: agency blocks pair articles published at most this many days apart.
    """

    section: ClassVar[str] = "blocking"
    lsh_threshold: float = _setting(0.3, gt=0.0, le=1.0)
    verify_threshold: float = _setting(0.2, ge=0.0, le=1.0)
    max_block_size: int = _setting(50, ge=2)
    neighbours_in_large_blocks: int = _setting(10, ge=1)
    date_window_days: int = _setting(62, ge=0)


@attrs.frozen
class CompareConfig(_Section):
    """Field comparisons.

    Attributes:
        name_thresholds: name similarity thresholds (0–1) of the fuzzy name levels, strongest first.
        date_days: day-difference thresholds of the date levels, smallest first.
    """

    section: ClassVar[str] = "compare"
    name_thresholds: tuple[float, ...] = _setting((0.92, 0.8), ge=0.0, le=1.0)
    date_days: tuple[int, ...] = _setting((1, 7, 31), ge=0)

    def _cross_checks(self) -> list[str]:
        problems = []
        if list(self.name_thresholds) != sorted(self.name_thresholds, reverse=True):
            problems.append(
                f"[compare] name_thresholds must be strongest first, got {self.name_thresholds!r}"
            )
        if list(self.date_days) != sorted(self.date_days):
            problems.append(f"[compare] date_days must be smallest first, got {self.date_days!r}")
        return problems


@attrs.frozen
class ScoreConfig(_Section):
    """Pair scoring.

    Attributes:
        prior_weight: the prior match weight in bits (log2 of the prior odds of a match) of the
            hand-set model; fitted models carry their own prior.
        fit: ``"calibrated"`` (the default) scores with the hand-set m/u and a Platt calibration
            fitted on the training files: the hand-set m/u rank the training candidates best, and
            the calibration makes probability 0.5 mean even odds on them;
            ``"hand"`` with the hand-set m/u and ``prior_weight``, uncalibrated;
            ``"trained"`` with m/u fitted offline on the labelled training files;
            ``"em"`` re-estimates u from this corpus' random pairs and m and the prior by EM on its
            candidate pairs, starting from the calibrated model, with safeguards that fall back to it.
        em_min_pairs: fewer candidate pairs than this and EM is skipped.
        em_max_iterations: the most EM rounds.
        em_fix_u: keep u from random pairs during EM; when false (the default) EM also re-estimates
            u on the candidates, which are not random pairs: blocking made them agree more often.
        random_pairs: how many random pairs estimate u (fewer when the corpus has fewer pairs).
        seed: the seed of the random pairs.
        tf_weight: how much of the term-frequency adjustment to apply (0 switches it off).
        tf_cap: the largest term-frequency adjustment, in bits, either way.
    """

    section: ClassVar[str] = "score"
    prior_weight: float = _setting(-6.0, le=0.0)
    fit: Literal["hand", "calibrated", "trained", "em"] = _setting(
        "calibrated", choices=("hand", "calibrated", "trained", "em")
    )
    em_min_pairs: int = _setting(50, ge=0)
    em_max_iterations: int = _setting(100, ge=1)
    em_fix_u: bool = _setting(False)
    random_pairs: int = _setting(50_000, ge=0)
    seed: int = _setting(1, ge=0)
    tf_weight: float = _setting(1.0, ge=0.0, le=1.0)
    tf_cap: float = _setting(4.0, ge=0.0)


@attrs.frozen
class ClusterConfig(_Section):
    """Clustering of scored pairs into incidents.

    Attributes:
        threshold: pairs with at least this match probability are linked.
    """

    section: ClassVar[str] = "cluster"
    threshold: float = _setting(0.5, gt=0.0, le=1.0)


@attrs.frozen
class CanonicalConfig(_Section):
    """Canonical case records.

    Attributes:
        max_alternatives: how many alternative values to keep per field.
    """

    section: ClassVar[str] = "canonical"
    max_alternatives: int = _setting(5, ge=0)


_SECTIONS: dict[str, type[_Section]] = {
    cls.section: cls
    for cls in (
        NormalizeConfig,
        ExtractConfig,
        ShingleConfig,
        BlockingConfig,
        CompareConfig,
        ScoreConfig,
        ClusterConfig,
        CanonicalConfig,
    )
}


@attrs.frozen
class Config:
    """The root configuration: one section per stage, plus run options.

    Attributes:
        progress: show progress bars; ``None`` shows them only on an interactive terminal.
        workers: worker processes for the parallel stages (results do not depend on it).

    Examples:
        >>> cfg = Config.from_dict({"cluster": {"threshold": 0.8}})
        >>> cfg.cluster.threshold
        0.8
        >>> Config.from_dict(cfg.to_dict()) == cfg
        True
    """

    normalize: NormalizeConfig = attrs.field(factory=NormalizeConfig)
    extract: ExtractConfig = attrs.field(factory=ExtractConfig)
    shingle: ShingleConfig = attrs.field(factory=ShingleConfig)
    blocking: BlockingConfig = attrs.field(factory=BlockingConfig)
    compare: CompareConfig = attrs.field(factory=CompareConfig)
    score: ScoreConfig = attrs.field(factory=ScoreConfig)
    cluster: ClusterConfig = attrs.field(factory=ClusterConfig)
    canonical: CanonicalConfig = attrs.field(factory=CanonicalConfig)
    progress: bool | None = None
    workers: int = 1

    def __attrs_post_init__(self) -> None:
        problems = []
        if self.progress is not None and not isinstance(self.progress, bool):
            problems.append(f"progress must be true, false or null, got {self.progress!r}")
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            problems.append(f"workers must be an integer >= 1, got {self.workers!r}")
        if problems:
            raise ConfigError(problems)

    def to_dict(self) -> dict[str, Any]:
        """Return the config as plain JSON/TOML-ready data (tuples become lists)."""
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """Build a config from plain data; missing keys take their defaults.

        Raises:
            ConfigError: listing every unknown key and every invalid value at once.
        """
        if not isinstance(data, Mapping):
            msg = f"a config must be a mapping of sections, got {type(data).__name__}"
            raise ConfigError(msg)
        problems: list[str] = []
        sections: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("progress", "workers"):
                sections[key] = value
                continue
            section_cls = _SECTIONS.get(key)
            if section_cls is None:
                problems.append(
                    f"unknown config section {key!r}; expected one of {sorted([*_SECTIONS, 'progress', 'workers'])}"
                )
                continue
            if not isinstance(value, Mapping):
                problems.append(f"[{key}] must be a table of settings, got {value!r}")
                continue
            known = {f.name for f in attrs.fields(section_cls)}  # type: ignore[arg-type]
            unknown = sorted(set(value) - known)
            if unknown:
                problems.append(
                    f"[{key}] has unknown settings {unknown}; expected some of {sorted(known)}"
                )
                continue
            try:
                sections[key] = section_cls(**value)
            except ConfigError as error:
                problems.extend(error.problems)
            except TypeError as error:
                problems.append(f"[{key}] {error}")
        if problems:
            raise ConfigError(problems)
        return cls(**sections)

    @classmethod
    def from_file(cls, path: str | Path) -> Config:
        """Read a config from a ``.json`` or ``.toml`` file.

        Raises:
            ConfigError: when the file cannot be read or parsed, or holds invalid values.
        """
        file = Path(path)
        try:
            raw = file.read_text(encoding="utf-8")
        except OSError as error:
            msg = f"cannot read config file {str(file)!r}: {error.strerror}"
            raise ConfigError(msg) from error
        try:
            data = tomllib.loads(raw) if file.suffix == ".toml" else json.loads(raw)
        except (ValueError, tomllib.TOMLDecodeError) as error:
            kind = "TOML" if file.suffix == ".toml" else "JSON"
            msg = f"config file {str(file)!r} is not valid {kind}: {error}"
            raise ConfigError(msg) from error
        return cls.from_dict(data)
