"""Shortcuts of the extractors agree with the plain regex searches they stand in for.

Each fast path (a set lookup, a search from an anchor, a cached per-run reading) must give what
the pattern it replaces gives on any text, so extraction output stays the same.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from caselink.extract import agencies, casualties, people, places
from caselink.extract._gazetteer import towns
from caselink.extract._text import gated_search

_PIECES = (
    "victim", "xvictim", "5victim", "_victim", "évictim", "identified as", "was", "said",
    "16-year-old", "-year-old boy", "woman", "by", "reporting by", "photo and video by",
    "notifications on", "(photo:", ",", ":", "(", " ", "  ", "\n", "\t", "\xa0", "é", "x",
    "double shooting", "triple shootings", "quintuple", "shooting", "the Englewood",
    "’s South Side", "neighborhood", "section", "community area", "St. Louis", "Bristol",
    "Police", "North Bristol", "Fabriccio Patti of Las Vegas", "BRISTOL, Conn. (AP) —",
    "Killingly (AP) —", "-", ".", "'", "’",
)  # fmt: skip

texts = st.lists(st.sampled_from(_PIECES), max_size=14).map("".join)


@given(texts, st.integers(0, 80))
def test_cue_before_is_the_cue_pattern(text: str, start: int) -> None:
    low = text.lower()
    start = min(start, len(low))
    expected = people._NAME_CUE_BEFORE.search(low, max(0, start - 40), start) is not None
    assert people._cue_before(low, start) == expected


@given(texts, st.integers(0, 80))
def test_credit_check_is_the_credit_pattern(text: str, start: int) -> None:
    low = text.lower()
    start = min(start, len(low))
    expected = people._CREDIT_BEFORE.search(low, max(0, start - 40), start) is not None
    # An end past the text: only the check before the name can say "credit".
    assert people._is_credit(low, low, start, len(low) + 100) == expected


@given(texts, st.integers(0, 80), st.integers(0, 80))
def test_word_before_is_the_last_word_pattern(text: str, start: int, end: int) -> None:
    start, end = sorted((min(start, len(text)), min(end, len(text))))
    match = re.compile(r"\S*$").search(text, start, end)
    assert match is not None
    assert agencies._word_before(text, start, end) == match.group(0)


@given(texts)
def test_multiple_shooting_is_the_gated_search(text: str) -> None:
    low = text.lower()
    expected = gated_search(casualties._SHOOTING, low, ("shooting",))
    found = casualties._multiple_shooting(low)
    assert (found and (found.span(), found.groups())) == (
        expected and (expected.span(), expected.groups())
    )


@given(texts)
def test_neighbourhoods_read_from_the_whole_text(text: str) -> None:
    expected: dict[str, bool] = {}
    if any(gate in text for gate in places._NEIGHBOURHOOD_GATES):
        for match in places._NEIGHBOURHOOD.finditer(text):
            words = match.group(1).replace("-", " ").split()
            expected.setdefault(places.key(" ".join(words)), False)
            for i, word in enumerate(words[:-1]):
                if word.lower() not in places._DESCRIPTIONS and word.lower() != "side":
                    break
                expected.setdefault(places.key(" ".join(words[i + 1 :])), True)
    assert places._neighbourhoods(text) == expected


@given(texts)
def test_datelines_are_tried_at_every_line(text: str) -> None:
    expected = []
    at = 0
    while at >= 0:
        match = places._DATELINE_AT.match(text, at) or places._TITLE_DATELINE_AT.match(text, at)
        if match:
            expected.append(match.span(1))
        at = text.find("\n", at)
        if at >= 0:
            at += 1
    assert [m.span(1) for m in places._datelines(text)] == expected


@given(texts)
def test_cached_run_places_are_the_uncached_ones(text: str) -> None:
    gazetteer = towns()
    for match in places._RUN.finditer(text):
        run = match.group(0)
        uncached = places._run_places(run, lambda k: k in gazetteer)
        assert places._gazetteer_run_places(run) == uncached


@given(
    st.sampled_from(("https://", "http://", "HTTPS://", "ftp://", "//", "")),
    st.lists(
        st.sampled_from(
            (
                "www.",
                "Example",
                ".co.uk",
                ":8080",
                "user:pw@",
                "[::1]",
                "/",
                "?q=//",
                "#x",
                "\t",
                " ",
                "é",
            )
        ),
        max_size=8,
    ).map("".join),
)
def test_host_is_the_url_host(scheme: str, rest: str) -> None:
    address = scheme + rest
    try:
        expected: str | None = urlsplit(address).hostname if "//" in address else address
    except ValueError:
        expected = "invalid"
    try:
        found = places._host(address)
    except ValueError:
        found = "invalid"
    assert found == expected
