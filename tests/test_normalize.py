"""Normalisation is idempotent; boilerplate is found per outlet and across outlets."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink.config import NormalizeConfig
from caselink.models import Article
from caselink.normalize import (
    boilerplate_hashes,
    clean_text,
    count_boilerplate,
    find_boilerplate,
    normalize_text,
    remove_boilerplate,
)

from .strategies import corpora


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


sentence_parts = st.sampled_from(
    [
        "Officer Liam Brody was dismissed.",
        "You are the owner of this article.",
        "Support local journalism: subscribe from one pound a week.",
        "The hearing heard evidence from witnesses.",
        "READ MORE",
        "Please enable JavaScript to watch this video",
        "Two men were shot in Leeds on Tuesday!",
    ]
)


@given(
    st.lists(st.lists(sentence_parts, max_size=4).map(" ".join), max_size=6).map("\n".join),
    st.text(max_size=40),
)
def test_boilerplate_removal_is_idempotent(text: str, noise: str) -> None:
    """Removing boilerplate from already cleaned text removes nothing more and changes nothing."""
    footer = "Support local journalism: subscribe from one pound a week."
    corpus = [Article(str(i), "", f"Story {i}. {footer}", source="echo") for i in range(3)]
    boilerplate = find_boilerplate(corpus)
    once, _ = remove_boilerplate(text + noise, "echo", boilerplate)
    twice, removed = remove_boilerplate(once, "echo", boilerplate)
    assert twice == once
    assert removed == 0


def test_generic_notices_removed_even_in_tiny_corpus() -> None:
    """A paywall notice alone leaves an empty, short text, so it is never shingled into false matches."""
    cleaned = clean_text(Article("a", "", "You are the owner of this article."))
    assert cleaned.text == ""
    assert cleaned.short
    assert cleaned.removed == 1


def test_cross_outlet_boilerplate_is_removed() -> None:
    """A notice carried by five outlets is boilerplate for every outlet, including a new one."""
    notice = "Get breaking news alerts delivered straight to your inbox every morning."
    articles = [
        Article(str(i), "", f"Story {i} happened today.\n{notice}", source=f"s{i}")
        for i in range(5)
    ]
    boilerplate = find_boilerplate(articles)
    fresh = clean_text(Article("x", "", f"A new story.\n{notice}", source="other"), boilerplate)
    assert notice not in fresh.text


def test_empty_text_is_flagged() -> None:
    """An empty body is flagged short; its title is kept for display and term vectors."""
    cleaned = clean_text(Article("a", "Shooting in Gainesville", ""))
    assert cleaned.short
    assert cleaned.text == "Shooting in Gainesville"


def test_story_updates_within_days_are_not_boilerplate() -> None:
    """A sentence one outlet repeats in three updates over two days is kept; a footer over weeks goes."""
    import datetime as dt

    fact = "Jordan Reyes, 21, was arrested in Houston after a month on the run."
    footer = "Support local journalism for only one pound a week, cancel anytime."
    day = dt.date(2020, 3, 1)
    updates = [
        Article(
            str(i),
            "",
            f"Update {i} on the case.\n{fact}",
            published=day + dt.timedelta(days=i % 2),
            source="echo",
        )
        for i in range(3)
    ]
    footers = [
        Article(
            f"f{i}",
            "",
            f"Other story {i}.\n{footer}",
            published=day + dt.timedelta(weeks=3 * i),
            source="echo",
        )
        for i in range(3)
    ]
    boilerplate = find_boilerplate(updates + footers)
    assert fact in clean_text(updates[0], boilerplate).text
    assert footer not in clean_text(footers[0], boilerplate).text


@pytest.mark.parametrize(
    "notice",
    [
        "Welcome back. Please sign in",
        "Close Get email notifications on Jane Doe daily!",
        "Whenever Jane Doe posts new content, you'll get an email delivered to your inbox.",
        "Full text available to premium subscribers only. Please click here to read the entire story.",
        "Please enable JavaScript to watch this video",
    ],
    ids=["sign-in", "notifications", "author-alerts", "paywall", "javascript"],
)
def test_generic_notices_are_removed(notice: str) -> None:
    """Site notices that no story contains are removed without any corpus evidence; the story stays."""
    story = "Two men were shot in Akron on Sunday night, police said."
    cleaned, removed = remove_boilerplate(f"{notice}\n{story}")
    assert cleaned == story
    assert removed >= 1


@given(corpora(max_size=10), st.sampled_from(("echo", "post", None)))
def test_hashed_boilerplate_cleans_like_the_sentences(articles: list[Article], outlet) -> None:
    """Counting sentence hashes (as workers send them) finds the same boilerplate, and cleans alike."""
    footer = "Sign the petition for better local roads today please."
    corpus = [
        attrs.evolve(a, text=f"{a.text}\n{footer}", source=outlet if i % 2 else a.source)
        for i, a in enumerate(articles)
    ]
    cfg = NormalizeConfig(boilerplate_min_articles=2, boilerplate_min_sources=2)
    found = find_boilerplate(corpus, cfg)
    hashes = [boilerplate_hashes(a.text, cfg) for a in corpus]
    assert find_boilerplate(corpus, cfg, hashes=hashes) == found
    counted = count_boilerplate(corpus, cfg, hashes=hashes)
    assert counted.size == found.size
    for article in corpus:
        assert clean_text(article, counted, cfg) == clean_text(article, found, cfg)


def _normalize_line_by_line(text: str) -> str:
    """The reference: NFKC and the quote table always, then each line tidied on its own."""
    import unicodedata

    from caselink.normalize import _BLANK_LINES, _QUOTES, _SPACES

    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "\n".join(
        _SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")
    )
    return _BLANK_LINES.sub("\n\n", text).strip()


@given(
    st.text()
    | st.text(alphabet=" \t\n\r\f\v\u200b\u00a0\u2019\u201cab.\u00c9\ufb01\u3000\u2028\x1c\x85")
)
def test_normalize_equals_the_line_by_line_reference(text: str) -> None:
    """The fast path (ASCII skips NFKC, one substitution over the text) changes no output."""
    assert normalize_text(text) == _normalize_line_by_line(text)
