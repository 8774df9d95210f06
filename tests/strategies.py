"""Hypothesis strategies shared by the tests: articles, corpora, configs and scored pairs."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from caselink.config import (
    BlockingConfig,
    ClusterConfig,
    CompareConfig,
    Config,
    NormalizeConfig,
    ShingleConfig,
)
from caselink.models import Article, ScoredPair

FORCES = (
    "Nottinghamshire Police",
    "the Met",
    "Police Scotland",
    "Kent Police",
    "Leeds Police Department",
)
OFFICERS = (
    "PC Andrew Turner",
    "Sergeant Mary Okafor",
    "Constable Liam Brody",
    "Inspector Tom Reyes",
)
OUTCOMES = (
    "was dismissed without notice",
    "received a final written warning",
    "was cleared",
    "resigned",
)
FILLER = (
    "The hearing heard evidence from several witnesses.",
    "A spokesperson said the force would not comment further.",
    "The complaint was made by a member of the public.",
    "Officers attended the scene shortly after midnight.",
    "The investigation took several months to complete.",
)

article_ids = st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=8)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))


@st.composite
def news_article(draw: st.DrawFn, article_id: str | None = None) -> Article:
    """A short synthetic police-misconduct article."""
    aid = article_id if article_id is not None else draw(article_ids)
    force, officer, outcome = (
        draw(st.sampled_from(FORCES)),
        draw(st.sampled_from(OFFICERS)),
        draw(st.sampled_from(OUTCOMES)),
    )
    filler = draw(st.lists(st.sampled_from(FILLER), max_size=4))
    text = " ".join([f"{officer} of {force} {outcome}.", *filler])
    return Article(
        id=aid,
        title=draw(st.sampled_from(("", f"{force} officer {outcome}", "Misconduct hearing"))),
        text=text,
        published=draw(st.none() | dates),
        source=draw(st.none() | st.sampled_from(("echo.example", "post.example", "times.example"))),
    )


@st.composite
def corpora(draw: st.DrawFn, max_size: int = 12) -> list[Article]:
    """A list of synthetic articles with distinct ids."""
    ids = draw(st.lists(article_ids, min_size=1, max_size=max_size, unique=True))
    return [draw(news_article(aid)) for aid in ids]


configs = st.builds(
    Config,
    normalize=st.builds(
        NormalizeConfig,
        boilerplate_min_articles=st.integers(2, 10),
        min_text_chars=st.integers(0, 500),
    ),
    shingle=st.builds(
        ShingleConfig,
        k=st.integers(1, 6),
        num_perm=st.sampled_from((64, 128, 256)),
        seed=st.integers(0, 2**31),
    ),
    blocking=st.builds(
        BlockingConfig, lsh_threshold=st.floats(0.1, 0.9), max_block_size=st.integers(2, 200)
    ),
    compare=st.builds(
        CompareConfig,
        date_days=st.lists(st.integers(0, 400), min_size=1, max_size=4, unique=True).map(
            lambda d: tuple(sorted(d))
        ),
    ),
    cluster=st.builds(ClusterConfig, threshold=st.floats(0.01, 1.0)),
    progress=st.none() | st.booleans(),
    workers=st.integers(1, 8),
)


@st.composite
def scored_pairs(draw: st.DrawFn, ids: list[str]) -> list[ScoredPair]:
    """Scored pairs over the given article ids."""
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3 * len(ids))
    )
    out = {}
    for x, y in pairs:
        if x != y:
            a, b = min(x, y), max(x, y)
            out[(a, b)] = ScoredPair(a, b, 0.0, draw(st.floats(0.0, 1.0)), ())
    return list(out.values())


MARKUP = (
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned=2">',
    "</td></tr></table><b>",
    "&amp; &lt;b&gt;",
    '" onmouseover="alert(1)',
    "</script><script>alert(1)</script>",
)

# Text that tries to break out of HTML: markup fragments mixed with arbitrary unicode.
hostile_text = st.lists(st.sampled_from(MARKUP) | st.text(max_size=12), max_size=4).map("".join)


@st.composite
def plain_articles(draw: st.DrawFn, max_size: int = 8) -> list[Article]:
    """Articles with arbitrary text in every field and distinct ids (for round trips)."""
    ids = draw(st.lists(article_ids, min_size=1, max_size=max_size, unique=True))
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
    return [
        Article(
            id=aid,
            title=draw(text).strip(),
            text=draw(text),
            published=draw(st.none() | dates),
            source=draw(st.none() | text.filter(bool)),
            url=draw(st.none() | st.just(f"https://news.example/{aid}")),
        )
        for aid in ids
    ]


cluster_configs = st.builds(
    ClusterConfig,
    threshold=st.floats(0.05, 0.99),
    method=st.sampled_from(("average", "additive", "components")),
    merge_threshold=st.floats(0.05, 0.99),
    missing_pairs=st.sampled_from(("ignore", "count")),
    missing_weight=st.floats(-10.0, 0.0),
    bridge_threshold=st.floats(0.05, 0.9999),
    bridge_min_side=st.integers(1, 4),
    max_component_size=st.integers(2, 20),
)
"""Cluster settings across every method and option (cannot-link rules at their defaults)."""


# --- profiles for the comparison and scoring tests -------------------------------------------

_NAMES = (
    "andrew turner",
    "a turner",
    "turner",
    "mary okafor",
    "liam brody",
    "tom reyes",
    "t reyes",
)
_PLACES = (
    ("bristol|ENG|GB", "city"),
    ("bristol|CT|US", "city"),
    ("worksop|nottinghamshire|GB", "city"),
    ("mansfield|nottinghamshire|GB", None),
    ("nottinghamshire|GB", "county"),
    ("marion county|IN|US", "county"),
    ("indianapolis|IN|US", "city"),
    ("ENG|GB", "region"),
    ("CT|US", "state"),
    ("IN|US", None),
    ("dundee|SCT|GB", "city"),
)
_AGENCIES = ("kent police", "metropolitan police service", "police scotland")
_OUTCOMES = ("dismissed", "under investigation", "cleared", "barred list", "charged", "convicted")
_ALLEGATIONS = ("violence", "dishonesty", "driving")
_TERMS = ("shotgun", "bakery", "canal", "trailer", "pontoon", "ferret")


def _mentions(values: list[str], role: str | None = None) -> list[object]:
    from caselink.models import Mention

    return [Mention(v, v, 0, len(v), role) for v in values]


@st.composite
def term_vectors(draw: st.DrawFn) -> tuple[tuple[str, float], ...]:
    """A rare-term vector: distinct terms sorted, positive weights, L2-normalised (or empty)."""
    terms = sorted(draw(st.sets(st.sampled_from(_TERMS), max_size=4)))
    weights = [draw(st.floats(0.1, 1.0)) for _ in terms]
    norm = sum(w * w for w in weights) ** 0.5
    return tuple((t, w / norm) for t, w in zip(terms, weights, strict=True))


@st.composite
def profiles(draw: st.DrawFn, article_id: str | None = None, num_perm: int = 16) -> object:
    """A `Profile` with any mix of known and missing fields (missing fields are common)."""
    from caselink.models import ArticleFields, Mention, Profile, Signature

    aid = article_id if article_id is not None else draw(article_ids)

    def some(pool: tuple[str, ...], most: int = 3) -> list[str]:
        return draw(st.lists(st.sampled_from(pool), max_size=most, unique=True))

    days = some(("2020-01-01", "2020-01-03", "2020-01-20", "2020-03", "2021-06-30"), 2)
    fields = ArticleFields(
        aid,
        agencies=_mentions(some(_AGENCIES, 2)),
        oversight_bodies=_mentions(some(("iopc", "ipcc"), 1)),
        officers=_mentions(some(_NAMES, 2)),
        people=[
            Mention(n, n, 0, len(n), draw(st.sampled_from((None, "victim", "suspect", "witness"))))
            for n in some((*_NAMES, "joe bloggs", "ann lee"), 3)
        ],
        places=[
            Mention(n, n, 0, len(n), role)
            for n, role in draw(st.lists(st.sampled_from(_PLACES), max_size=3, unique=True))
        ],
        event_dates=_mentions(days),
        outcomes=_mentions(some(_OUTCOMES, 2)),
        allegations=_mentions(some(_ALLEGATIONS, 2)),
        references=_mentions(some(("2017/1", "2018/22"), 1)),
        killed=draw(st.none() | st.integers(0, 4)),
        injured=draw(st.none() | st.integers(0, 4)),
        ages=_mentions(some(("7", "19", "23", "41"), 3), "victim"),
        streets=_mentions(some(("woodland street", "4th place", "elm street"), 2)),
    )
    shingles = draw(st.integers(0, 3))
    values = [draw(st.integers(0, 3)) for _ in range(num_perm)]
    hashvalues = b"".join(v.to_bytes(4, "little") for v in values) if shingles else b""
    return Profile(
        aid,
        draw(st.none() | dates),
        draw(st.none() | st.sampled_from(("echo.example", "post.example"))),
        fields,
        Signature(aid, hashvalues, shingles),
        draw(term_vectors()),
    )
