"""Normalisation is idempotent; boilerplate is found per outlet and across outlets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caselink.models import Article
from caselink.normalize import clean_text, find_boilerplate, normalize_text


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    """normalize_text(normalize_text(x)) == normalize_text(x)."""
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_outlet_boilerplate_is_removed_for_matching_only() -> None:
    """A footer repeated by one outlet is dropped from the clean text, the display text is unchanged."""
    footer = "Support local journalism: subscribe from one pound a week."
    articles = [
        Article(
            str(i),
            f"Story {i}",
            f"Officer number {i} was dismissed on Tuesday.\n{footer}",
            source="echo",
        )
        for i in range(3)
    ]
    boilerplate = find_boilerplate(articles)
    cleaned = clean_text(articles[0], boilerplate)
    assert footer not in cleaned.text
    assert "Officer number 0 was dismissed" in cleaned.text
    assert cleaned.removed == 1
    assert footer in articles[0].text


def test_shared_story_at_two_outlets_is_not_boilerplate() -> None:
    """A sentence carried by two outlets (syndication) is kept."""
    story = "Constable Liam Brody was dismissed without notice after a hearing in Leeds."
    articles = [Article("a", "", story, source="x"), Article("b", "", story, source="y")]
    assert find_boilerplate(articles).size == 0


def test_short_text_is_flagged() -> None:
    """A body under min_text_chars is flagged short."""
    assert clean_text(Article("a", "Title", "Too short.")).short
    assert not clean_text(Article("a", "Title", "word " * 100)).short
