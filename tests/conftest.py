"""Shared fixtures and Hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) draws the same examples on every run, so CI is
reproducible; ``HYPOTHESIS_PROFILE=thorough`` runs many more examples for a local soak.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=40, deadline=None)
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile(
    "thorough", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "data"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The labelled data beside the repository; skips the test on a clone without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"labelled data not found at {SHARED_DATA} (a fresh clone has no ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def example_articles() -> Path:
    """The project's own synthetic example corpus."""
    return EXAMPLES / "articles.jsonl"


@pytest.fixture(scope="session")
def example_gold() -> dict[str, str]:
    """Gold incident labels of the example corpus."""
    import json

    lines = (EXAMPLES / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row["incident_id"] for row in map(json.loads, lines)}
