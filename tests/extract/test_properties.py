"""Properties of the whole extractor: faithful spans, determinism, monotone agencies."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from caselink.extract import extract_fields
from caselink.extract._gazetteer import key
from caselink.models import MENTION_FIELDS, Article

_FIRST = ("Dan", "Nicole", "Chad", "Maria", "Aisha", "Omar", "Grace", "Tom")
_LAST = ("Caron", "Couture", "Okafor", "Patel", "Nguyen", "Walsh", "Reyes", "Turner")
_TOWNS = ("Bristol, Conn.", "Salisbury, N.C.", "Wichita, Kansas", "Worksop", "Toledo, Ohio")
_FORCES = (
    "The Met",
    "Nottinghamshire Police",
    "the Bristol Police Department",
    "Police Scotland",
    "Harris County Sheriff's Office",
    "New Zealand Police",
)
_TEMPLATES = (
    "{first} {last}, {age}, was shot {day} evening in {town}.",
    "Police said {age}-year-old suspect {first} {last} was arrested.",
    "{force} said {last} died at the scene.",
    "The IOPC said PC {first} {last} was dismissed without notice.",
    "Two people were killed and one was wounded on Oct. {dom}, 2016.",
    "A spokesman for {force} declined to comment on {day}.",
    "{last} was taken to Hamilton Medical Center on Crestview Drive.",
    "Deputies closed NW {dom}th St. and the Florida Highway Patrol rerouted traffic.",
    "Dr. {last} lives near North Woodland Ave. in {town}.",
)
_FILLER = (
    "The weather was mild for the time of year.",
    "Shops on the high street reopened after the holiday.",
    "A new bus timetable starts next month.",
    "The library extended its opening hours.",
)


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """One sentence from a template filled with invented people and real places as setting."""
    template = draw(st.sampled_from(_TEMPLATES))
    return template.format(
        first=draw(st.sampled_from(_FIRST)),
        last=draw(st.sampled_from(_LAST)),
        age=draw(st.integers(1, 95)),
        day=draw(st.sampled_from(("Friday", "Saturday", "Monday"))),
        town=draw(st.sampled_from(_TOWNS)),
        force=draw(st.sampled_from(_FORCES)),
        dom=draw(st.integers(1, 28)),
    )


articles = st.builds(
    lambda title, body, published: Article("p", title, " ".join(body), published=published),
    st.sampled_from(("", "Man shot in Bristol", "Officer dismissed")),
    st.lists(sentences(), min_size=1, max_size=6),
    st.none() | st.dates(dt.date(2014, 1, 1), dt.date(2024, 12, 31)),
)


@given(articles)
def test_spans_point_at_the_mention_text(article: Article) -> None:
    """Every mention's span slices `full_text` to exactly the mention's surface text."""
    fields = extract_fields(article)
    text = article.full_text
    for name in (*MENTION_FIELDS, "ages"):
        for mention in getattr(fields, name):
            assert text[mention.start : mention.end] == mention.text, (name, mention)


@given(articles)
def test_spans_normalise_to_the_value(article: Article) -> None:
    """The surface text of people, places, ages and explicit agencies normalises to the norm."""
    fields = extract_fields(article)
    for mention in (*fields.people, *fields.officers):
        if mention.norm:
            assert mention.norm.split()[-1] in mention.text.lower()
    for mention in fields.places:
        if mention.role in ("city", "county"):
            assert key(mention.norm.split("|")[0]) == key(mention.text)
    for mention in fields.ages:
        assert int(mention.text) == int(mention.norm)
    for mention in fields.streets:
        # The name words as written, the type spelled out ("4th St." -> "4th street").
        assert mention.text.lower().split()[:-1] == mention.norm.split()[:-1]
    for mention in fields.agencies:
        if mention.role != "implied":
            words = {w.strip(".'’s").lower() for w in mention.text.split()}
            assert words & set(mention.norm.split()) or mention.text in ("Met", "The Met")


@given(articles)
def test_extraction_is_deterministic(article: Article) -> None:
    """The same article gives the same fields, however often it is extracted."""
    assert extract_fields(article) == extract_fields(article)


@given(articles, st.lists(st.sampled_from(_FILLER), min_size=1, max_size=4), st.booleans())
def test_unrelated_sentences_never_remove_an_agency(
    article: Article, filler: list[str], before: bool
) -> None:
    """Adding unrelated sentences before or after the text keeps every agency found."""
    found = set(extract_fields(article).norms("agencies"))
    extra = " ".join(filler)
    text = f"{extra} {article.text}" if before else f"{article.text} {extra}"
    padded = Article(article.id, article.title, text, published=article.published)
    assert found <= set(extract_fields(padded).norms("agencies"))


def test_extraction_identical_across_hash_seeds() -> None:
    """Fields are byte-identical whatever PYTHONHASHSEED the process runs with."""
    import os
    import subprocess
    import sys

    script = (
        "import datetime as dt, json\n"
        "from caselink.extract import extract_fields\n"
        "from caselink.models import Article, MENTION_FIELDS\n"
        "text = ('BRISTOL, Conn. — Dan Caron, 63, was shot Friday in Bristol. Police arrested '\n"
        "        '35-year-old suspect Chad Couture. The Met and Nottinghamshire Police and the '\n"
        "        'IOPC said PC Jane Roe of Worksop was dismissed without notice on Oct. 20, 2016.')\n"
        "f = extract_fields(Article('a', 'Man shot', text, published=dt.date(2016, 10, 23)))\n"
        "print(json.dumps({n: [[m.text, m.norm, m.start, m.end, m.role] "
        "for m in getattr(f, n)] for n in (*MENTION_FIELDS, 'ages')}, sort_keys=True))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert "bristol|CT|US" in outputs.pop()


_PATTERNS = (
    r"\b(?:shot|killed|dead)\b",
    r"(?<![\w-])(?:yesterday|today|last night)\b",
    r"\b(?:(double|triple) )?murder[- ]suicide\b",
    r"(?:\d{1,3}|one|two) (?:people )?(?:were )?(?:killed|dead)",
    r"\b(?:[Aa]n?|[Tt]he) (?:male )?(constable|sergeant)\b",
    r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])",
)
_PIECES = (
    "shot", "killed", "dead", "deadly", "yesterday", "today", "last night", "double", "murder",
    "suicide", "murder-suicide", "two", "one", "12", "people", "were", "The", "a", "male",
    "constable", "sergeant", "10/21/2016", "1/2/16", "-", " ", ", ", ".", "X",
)  # fmt: skip


@given(st.sampled_from(_PATTERNS), st.lists(st.sampled_from(_PIECES), max_size=30))
def test_skipping_finds_the_same_matches(pattern: str, pieces: list[str]) -> None:
    """The look-ahead `skipping` adds never changes what a pattern finds."""
    import re

    from caselink.extract._text import skipping

    text = " ".join(pieces)
    plain = [(m.span(), m.groups()) for m in re.finditer(pattern, text)]
    fast = [(m.span(), m.groups()) for m in skipping(pattern).finditer(text)]
    assert plain == fast
