"""Notebook displays: readable reprs and escaped HTML tables for Resolution, Case and ScoredPair."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given

import caselink
from caselink.models import Case, CaseField, Contribution, ScoredPair, TimelineEntry

from .strategies import MARKUP, hostile_text


class _Tags(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.feed(page)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)


_DISPLAY_TAGS = {"style", "div", "p", "code", "b", "span", "table", "tr", "th", "td", "br"}


@pytest.fixture(scope="module")
def resolution(example_articles) -> caselink.Resolution:
    """The example corpus, resolved."""
    return caselink.resolve(caselink.read_articles(example_articles))


def test_reprs_are_one_readable_line(resolution) -> None:
    """Case and ScoredPair reprs name the id, size or probability and the strongest reason, on one line."""
    case = resolution.case_of("ex-011")
    text = repr(case)
    assert text.startswith(f"<Case {case.case_id}: {len(case.article_ids)} articles from ")
    assert repr(case.headline) in text
    link = max(resolution.links, key=lambda p: p.match_weight)
    strongest = max(link.contributions, key=lambda c: abs(c.weight))
    assert repr(link).startswith(f"<ScoredPair {link.a} ~ {link.b}: p={link.probability:.3f}")
    assert strongest.describe() in repr(link)
    assert "\n" not in text + repr(link) + repr(resolution)


def test_resolution_html_shows_largest_cases_and_reasons(resolution) -> None:
    """The Resolution table has a row per case (largest first), outlets, dates and the strongest reason."""
    page = resolution._repr_html_()
    largest = max(resolution.cases, key=lambda c: (len(c.article_ids), c.case_id))
    assert page.count("<tr>") == len(resolution.cases) + 1
    assert page.index(largest.case_id) < min(
        page.index(c.case_id) for c in resolution.cases if len(c.article_ids) == 1
    )
    assert largest.timeline[0].date.isoformat() in page
    assert "(+" in page  # a weighted reason, e.g. "officer exact 'x' (+10.2)"


def test_resolution_html_limits_rows(resolution) -> None:
    """Large resolutions show the first max_cases rows and say how many there are."""
    from caselink._html import resolution_html

    page = resolution_html(resolution, max_cases=3)
    assert page.count("<tr>") == 4
    assert f"showing 3 of {len(resolution.cases)} cases" in page


@given(hostile_text, hostile_text, hostile_text)
def test_displays_escape_every_text(title, value, detail) -> None:
    """Markup in a headline, a value, an outlet or a detail never becomes a tag in any display."""
    case = Case(
        case_id="c1",
        article_ids=["a"],
        fields=[CaseField("agency", value, ["a"], [(value, 1)], conflict=True)],
        outlets=[detail],
        timeline=[TimelineEntry(None, "a", "undated", detail, title)],
        headline=title,
    )
    pair = ScoredPair(
        "a", "b", 1.0, 0.7, [Contribution("officer", detail, 1.0, detail)], rules=[detail]
    )
    resolution = caselink.Resolution(
        articles=[caselink.Article("a", title, "x", source=detail)],
        fields=[],
        cases=[case],
        pairs=[],
        links=[],
    )
    for page in (case._repr_html_(), pair._repr_html_(), resolution._repr_html_()):
        assert _Tags(page).tags <= _DISPLAY_TAGS
        assert all(fragment not in page for fragment in MARKUP)
