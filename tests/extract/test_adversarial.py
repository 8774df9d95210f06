"""Extraction stays linear on hostile input: 1 MB texts built to trip backtracking."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_UNITS = (
    "A" * 50 + " ",
    "Aa ",
    "Xx Yy, ",
    ", , , ",
    "1/1/1/",
    "Friday Saturday ",
    "Police Police ",
    "St. St. ",
    "Oct. 21, Oct. ",
    "BRISTOL, Conn. ",
    "a" * 40 + "-year-old ",
    "killed killed two ",
    "The Met The Met ",
    "Mc'O'-",
)


def _run(unit: str, size: int = 1_000_000, timeout: int = 300) -> None:
    script = textwrap.dedent(
        f"""
        import datetime as dt
        from caselink.config import ExtractConfig
        from caselink.extract import extract_fields
        from caselink.models import Article
        text = ({unit!r} * ({size} // {len(unit)} + 1))[:{size}]
        article = Article("x", "", text, published=dt.date(2016, 10, 23))
        fields = extract_fields(article, ExtractConfig(max_chars=1_100_000))
        print(len(fields.places) + len(fields.people) + len(fields.event_dates))
        """
    )
    # A hang guard, not a timing assertion: linear code needs seconds; backtracking or a
    # quadratic overlap check needs hours.
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) >= 0


def test_one_megabyte_of_mixed_adversarial_text_finishes() -> None:
    """1 MB mixing every hostile pattern is extracted well inside a generous limit."""
    _run("".join(_UNITS))


def test_one_long_capitalised_run_stays_linear() -> None:
    """A text that is one capitalised run of place-ish words ("Friday Harbor" is a town) is not
    tried whole at every length (that was quadratic: minutes for 1 MB)."""
    _run("Friday Saturday ", size=300_000, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("unit", _UNITS)
def test_one_megabyte_of_each_adversarial_pattern_finishes(unit: str) -> None:
    """Every extractor handles 1 MB of one repeated hostile pattern inside a generous limit."""
    _run(unit)
