"""Config: validation gathers every problem, round-trips through dicts and files."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given

from caselink import Config, ConfigError
from caselink.config import BlockingConfig, ShingleConfig

from .strategies import configs


@given(configs)
def test_round_trip(config: Config) -> None:
    """from_dict(to_dict(c)) == c, also through JSON."""
    assert Config.from_dict(config.to_dict()) == config
    assert Config.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_every_problem_reported_at_once() -> None:
    """Two bad values in two sections and an unknown key all appear in one ConfigError."""
    with pytest.raises(ConfigError) as info:
        Config.from_dict(
            {"shingle": {"k": 0}, "cluster": {"threshold": 2.0}, "blocking": {"bogus": 1}}
        )
    problems = info.value.problems
    assert len(problems) == 3
    assert any("[shingle] k" in p for p in problems)
    assert any("[cluster] threshold" in p for p in problems)
    assert any("bogus" in p for p in problems)


def test_wrong_type_is_a_config_error() -> None:
    """A string where a number belongs raises ConfigError naming the setting, also a ValueError."""
    with pytest.raises(ValueError, match=r"\[blocking\] lsh_threshold must be float"):
        BlockingConfig(lsh_threshold="high")  # type: ignore[arg-type]


def test_unknown_section() -> None:
    """An unknown section names the sections that exist."""
    with pytest.raises(ConfigError, match="unknown config section 'shingles'"):
        Config.from_dict({"shingles": {}})


def test_evolve_validates() -> None:
    """Variants made with attrs.evolve are validated too."""
    with pytest.raises(ConfigError):
        attrs.evolve(ShingleConfig(), num_perm=3)


def test_from_toml_and_json_files(tmp_path) -> None:
    """A TOML and a JSON file with the same settings give equal configs."""
    (tmp_path / "c.toml").write_text("[cluster]\nthreshold = 0.8\n[shingle]\nk = 4\n")
    (tmp_path / "c.json").write_text(
        json.dumps({"cluster": {"threshold": 0.8}, "shingle": {"k": 4}})
    )
    from_toml = Config.from_file(tmp_path / "c.toml")
    assert from_toml == Config.from_file(tmp_path / "c.json")
    assert from_toml.cluster.threshold == 0.8
    assert from_toml.shingle.k == 4


def test_unreadable_file(tmp_path) -> None:
    """A broken config file raises ConfigError naming the file and the format."""
    bad = tmp_path / "c.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        Config.from_file(bad)
