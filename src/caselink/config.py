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
    "CANNOT_LINK_RULES",
    "BlockingConfig",
    "CanonicalConfig",
    "ClusterConfig",
    "CompareConfig",
    "Config",
    "ExtractConfig",
    "NormalizeConfig",
    "ScoreConfig",
    "ShingleConfig",
    "TermsConfig",
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
        boilerplate_min_span_days: a recurring sentence is boilerplate only if its dated articles
            span at least this many days (a story's own sentences recur within days).
        min_text_chars: cleaned texts shorter than this are flagged short and not shingled.
        min_text_words: cleaned texts with fewer words than this are flagged short as well.
    """

    section: ClassVar[str] = "normalize"
    boilerplate_min_articles: int = _setting(3, ge=2)
    boilerplate_min_sources: int = _setting(5, ge=2)
    boilerplate_min_chars: int = _setting(20, ge=1)
    boilerplate_min_span_days: int = _setting(14, ge=0)
    min_text_chars: int = _setting(200, ge=0)
    min_text_words: int = _setting(30, ge=0)


@attrs.frozen
class ExtractConfig(_Section):
    """Field extraction.

    Attributes:
        max_chars: only the first ``max_chars`` characters of an article are read for fields.
    """

    section: ClassVar[str] = "extract"
    max_chars: int = _setting(20_000, ge=100)


SignatureScheme = Literal["affine32"]
ShingleHash = Literal["fast64", "xxh32"]


@attrs.frozen
class ShingleConfig(_Section):
    """Shingles and MinHash signatures. One ``seed`` and ``num_perm`` for the whole run.

    Attributes:
        unit: shingle words or characters.
        k: shingle length in units.
        num_perm: permutations per signature.
        seed: seed of the permutations; signatures with different seeds cannot be compared.
        shingle_hash: how a shingle becomes 32 bits before permuting: ``"fast64"`` (vectorised
            8-byte-lane word hash, the fast default) or ``"xxh32"`` (32-bit xxHash of the shingle).
        scheme: datasketch's permutation scheme; recorded with persisted signatures (with
            ``shingle_hash``, ``seed`` and ``num_perm``) because values made otherwise differ.
    """

    section: ClassVar[str] = "shingle"
    unit: Literal["word", "char"] = _setting("word", choices=("word", "char"))
    k: int = _setting(3, ge=1, le=20)
    num_perm: int = _setting(128, ge=16, le=1024)
    seed: int = _setting(1, ge=0)
    shingle_hash: ShingleHash = _setting("fast64", choices=get_args(ShingleHash))
    scheme: SignatureScheme = _setting("affine32", choices=get_args(SignatureScheme))


@attrs.frozen
class TermsConfig(_Section):
    """Rare-term vectors (TF-IDF over the cleaned title and text).

    Attributes:
        max_df: terms in more than this share of the fitted documents are dropped.
        min_max_df: ...but a term is never dropped for being in this many documents or fewer (small corpora).
        top_k: how many of an article's heaviest terms its vector keeps.
        title_boost: extra counts given to every title term (headlines name the incident).
    """

    section: ClassVar[str] = "terms"
    max_df: float = _setting(0.1, gt=0.0, le=1.0)
    min_max_df: int = _setting(2, ge=1)
    top_k: int = _setting(50, ge=1)
    title_boost: int = _setting(2, ge=0)


@attrs.frozen
class BlockingConfig(_Section):
    """Candidate generation.

    Attributes:
        lsh_threshold: the Jaccard similarity MinHash LSH aims at.
        verify_threshold: LSH candidates count as near-copies only when their estimated Jaccard
            reaches this value.
        term_threshold: pairs whose rare-term vectors have at least this cosine are candidates.
        term_date_threshold: ...and so are pairs published at most ``term_date_days`` apart whose
            cosine reaches this lower value.
        term_date_days: the publication-date distance of the ``terms_date`` rule.
        max_term_postings: terms carried by more articles than this are left out of the term index.
        max_plain_term_postings: pairs more than ``term_long_gap_days`` apart (or undated) reach
            ``term_threshold`` on the terms carried by at most this many articles alone.
        term_long_gap_days: see ``max_plain_term_postings`` (0: every indexed term counts at any gap).
        term_window_days: the ``terms_window`` rule pairs articles published at most this many
            days apart (0 switches it off) whose cosine reaches ``term_window_threshold``, counting
            also the terms too common for the term index that are rare within the pair's date
            window: a story's surname, town or force is common over years of news and rare within
            days, which is what keeps recall as a corpus grows.
        term_window_threshold: the cosine of the ``terms_window`` rule.
        max_window_postings: a term counts as rare within a date window when carried by at most
            this many articles there.
        max_block_size: field keys carried by more articles than this are not used for blocking.
        max_name_block_size: ...except name and reference keys, which may be carried by this many
            articles: a full name or a reference number is specific, and a large case's articles
            all carry it.
        max_plain_name_block_size: ...but a name key across all dates only by this many: over years
            of news one full name names several people. Within a date window the name blocks up
            to ``max_name_block_size``.
        name_long_window_days: name keys also block within date windows about this wide (0: off),
            besides the ``date_window_days`` windows: a case's follow-ups come months later.
        max_bucket_size: LSH buckets (band keys) shared by more articles than this are not used:
            they hold stock text, and their pairs grow with the square of their size.
        date_window_days: agency keys pair articles published within about this many days.
        place_window_days: place keys pair articles published within about this many days.
    """

    section: ClassVar[str] = "blocking"
    lsh_threshold: float = _setting(0.5, gt=0.0, le=1.0)
    verify_threshold: float = _setting(0.35, ge=0.0, le=1.0)
    term_threshold: float = _setting(0.08, gt=0.0, le=1.0)
    term_date_threshold: float = _setting(0.01, gt=0.0, le=1.0)
    term_date_days: int = _setting(7, ge=0)
    max_term_postings: int = _setting(500, ge=2)
    term_window_days: int = _setting(7, ge=0)
    term_window_threshold: float = _setting(0.3, gt=0.0, le=1.0)
    max_window_postings: int = _setting(500, ge=2)
    max_block_size: int = _setting(20, ge=2)
    max_name_block_size: int = _setting(300, ge=2)
    max_plain_term_postings: int = _setting(50, ge=2)
    term_long_gap_days: int = _setting(365, ge=0)
    max_plain_name_block_size: int = _setting(50, ge=2)
    name_long_window_days: int = _setting(365, ge=0)
    max_bucket_size: int = _setting(100, ge=2)
    date_window_days: int = _setting(62, ge=0)
    place_window_days: int = _setting(7, ge=0)


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


ClusterMethod = Literal["average", "additive", "components"]
CANNOT_LINK_RULES = (
    "reference",
    "officer",
    "participant",
    "event_date",
    "casualties",
    "city",
    "agency",
)
"""The field rules that can forbid two articles from sharing a case (see `caselink.cluster`)."""


@attrs.frozen
class ClusterConfig(_Section):
    """Clustering of scored pairs into incidents (the method is explained in `caselink.cluster`).

    Attributes:
        threshold: pairs with at least this match probability are links; the connected components
            of the links are the units that are then split.
        method: ``"average"`` merges clusters inside a component by average linkage on match weights;
            ``"components"`` keeps whole components (only cannot-links and weak bridges split them).
        merge_threshold: two clusters merge while the average match weight of their scored pairs,
            read as a probability, reaches this value.
        missing_pairs: ``"ignore"`` averages over the scored pairs only; ``"count"`` also counts every
            pair never scored, at ``missing_weight`` bits.
        missing_weight: the match weight (bits) of a pair never scored, when such pairs are counted.
        bridge_threshold: a bridge of the link graph with a probability below this is weak and is cut
            when it has at least ``bridge_min_side`` articles on each side.
        bridge_min_side: the smallest group on each side of a bridge for the bridge to be cut.
        cannot_link: field rules that forbid two articles from sharing a case; some of
            ``reference``, ``officer``, ``participant``, ``event_date``, ``casualties``, ``city``,
            ``agency``
            (the rules off by default cost more true pairs than they save on the train files).
        officer_similarity: named officers (or participants) less similar than this (0–1) are
            different people.
        max_event_gap_days: event dates further apart than this are different incidents.
        conflict_levels: comparison levels that forbid a pair from sharing a case, as
            ``"comparison:level"`` strings such as ``"reference:else"``.
        max_component_size: a link component with more articles is split by raising its link
            threshold ``threshold_step`` bits at a time until every piece fits (bounds time and memory).
        threshold_step: how many bits the link threshold rises per step inside an oversized component.
        density_reference: candidate pairs per link (pairs at ``threshold``) of the densest
            training corpus: the density the scores and thresholds were set at.
        density_weight: how many bits every scored pair loses per doubling of the run's candidate
            pairs per link above ``density_reference`` (0 switches the correction off).
    """

    section: ClassVar[str] = "cluster"
    threshold: float = _setting(0.5, gt=0.0, le=1.0)
    method: ClusterMethod = _setting("average", choices=get_args(ClusterMethod))
    merge_threshold: float = _setting(0.4, gt=0.0, le=1.0)
    missing_pairs: Literal["ignore", "count"] = _setting("count", choices=("ignore", "count"))
    missing_weight: float = _setting(-4.0, le=0.0)
    bridge_threshold: float = _setting(0.9, gt=0.0, le=1.0)
    bridge_min_side: int = _setting(2, ge=1)
    cannot_link: tuple[str, ...] = _setting(("reference", "event_date"))
    officer_similarity: float = _setting(0.6, ge=0.0, le=1.0)
    max_event_gap_days: int = _setting(365, ge=0)
    conflict_levels: tuple[str, ...] = _setting(())
    max_component_size: int = _setting(2000, ge=2)
    threshold_step: float = _setting(1.0, gt=0.0)
    density_reference: float = _setting(3.0, gt=0.0)
    density_weight: float = _setting(1.0, ge=0.0)

    def _cross_checks(self) -> list[str]:
        problems = []
        unknown = sorted(set(self.cannot_link) - set(CANNOT_LINK_RULES))
        if unknown:
            problems.append(
                f"[cluster] cannot_link has unknown rules {unknown}; expected some of {list(CANNOT_LINK_RULES)}"
            )
        bad = [lv for lv in self.conflict_levels if not isinstance(lv, str) or ":" not in lv]
        if bad:
            problems.append(
                f"[cluster] conflict_levels must be 'comparison:level' strings such as 'reference:else', got {bad}"
            )
        return problems


@attrs.frozen
class CanonicalConfig(_Section):
    """Canonical case records.

    Attributes:
        max_alternatives: how many alternative values to keep per field.
        conflict_min_support: a single-valued field is flagged as a conflict when an alternative
            value is stated by at least this many articles.
        event_conflict_days: event dates are flagged as a conflict when an alternative stated by
            enough articles lies more than this many days from the chosen date.
    """

    section: ClassVar[str] = "canonical"
    max_alternatives: int = _setting(5, ge=0)
    conflict_min_support: int = _setting(1, ge=1)
    event_conflict_days: int = _setting(31, ge=0)


_SECTIONS: dict[str, type[_Section]] = {
    cls.section: cls
    for cls in (
        NormalizeConfig,
        ExtractConfig,
        ShingleConfig,
        TermsConfig,
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
    terms: TermsConfig = attrs.field(factory=TermsConfig)
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
