"""Street extraction: names as written, types spelled out, organisations and titles left out."""

from __future__ import annotations

import pytest

from caselink.extract import extract_fields
from caselink.extract.streets import find_streets
from caselink.models import Article


def _norms(body: str, title: str = "") -> list[str]:
    article = Article("a", title, body)
    return [m.norm for m in find_streets(article.full_text, article)]


@pytest.mark.parametrize(
    ("written", "norm"),
    [
        ("the 1200 block of Northwest 4th Place", "4th place"),
        ("the 1200 block of NW 4th Pl. in town", "4th place"),
        ("a home on Woodland Street", "woodland street"),
        ("a home on Woodland St. in town", "woodland street"),
        ("near Martin Luther King Boulevard", "martin luther king boulevard"),
        ("On Crestview Drive a man was shot", "crestview drive"),
        ("Police Said Oak Avenue was closed", "oak avenue"),
    ],
)
def test_one_street_however_it_is_written(written: str, norm: str) -> None:
    """Directions, abbreviations and capitalised words in front do not change the street."""
    assert _norms(written + ".") == [norm]


@pytest.mark.parametrize(
    "body",
    [
        "The Florida Highway Patrol said the road was closed.",
        "The City Street Department repaved it.",
        "Surgeon General nominee Dr. Sanjay Gupta spoke.",
        "She was taken to St. Mary's hospital.",
        "The Superior Court heard the case.",
    ],
)
def test_organisations_titles_and_courts_are_not_streets(body: str) -> None:
    """A road type before an organisation's noun, or an abbreviation before a name, is no street."""
    assert _norms(body) == []


def test_the_title_is_not_read() -> None:
    """Headlines are in title case, where any capitalised run before "Street" looks like a name."""
    assert _norms("Nothing here.", title="Man Shot On Woodland Street") == []
    assert _norms("He lived on Elm Street.", title="Man Shot On Woodland Street") == ["elm street"]


def test_extract_fields_carries_streets_with_faithful_spans() -> None:
    """`extract_fields` fills `streets`; each span slices the article's full text to the mention."""
    article = Article(
        "a", "Shooting", "Deputies found him on Crestview Drive near Elm St. at noon."
    )
    fields = extract_fields(article)
    assert [m.norm for m in fields.streets] == ["crestview drive", "elm street"]
    for mention in fields.streets:
        assert article.full_text[mention.start : mention.end] == mention.text
