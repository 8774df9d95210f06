"""Text normalisation and corpus-level boilerplate removal.

`normalize_text` is idempotent: applying it twice gives the same text as applying it once, and so is
boilerplate removal. Boilerplate (donation appeals, comment policies, cookie and paywall notices,
"READ MORE" lists, photo credits) is found from the corpus itself: a sentence is boilerplate when it
recurs in several articles of one outlet, or in articles of many outlets. A short list of notices that
no news story contains ("You are the owner of this article.", "Please enable JavaScript ...") is
removed even in a corpus too small to show them recurring. Only the text used for matching loses it;
`Article.text` is kept as given for display. A text whose body is too short once cleaned is flagged, so
later stages do not shingle it into false matches.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import xxhash
from numpy.typing import NDArray

from caselink.config import NormalizeConfig
from caselink.models import Article, CleanText

__all__ = [
    "Boilerplate",
    "HashedBoilerplate",
    "boilerplate_hashes",
    "boilerplate_keys",
    "clean_text",
    "count_boilerplate",
    "find_boilerplate",
    "normalize_text",
    "remove_boilerplate",
    "sentences",
]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACES = re.compile(r"[ \t\f\v\u200b]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
# Notices that are never part of a news story, whatever the corpus size; matched on a sentence's start.
_GENERIC = re.compile(
    r"^(you are the owner of this article|please enable javascript|(we|this site) uses? cookies"
    r"|by (using|continuing to use) (this|our) (site|website)|already a subscriber|subscribe (now|today)"
    r"|sign (in|up) (to|for|using|with)|log in (to|using|with)|create an account|forgot your password"
    r"|all rights reserved|copyright \d{4}|\(?c\) ?\d{4}|this material may not be published"
    r"|click here to|follow us on|share this( article| story)?:?$|advertisement$|read more:?$"
    r"|related:?$|image \d+ of \d+|\d+ of \d+ premium clicks|you have \d+ free articles?"
    r"|welcome back\.?$|please sign in\.?$|why are we asking this|close get email notifications"
    r"|get email notifications on|whenever .{1,60} posts new content|want to become a full access"
    r"|we offer delivery options|enjoy the convenience of home delivery|total access$"
    r"|oops, you haven't selected any newsletters|sorry, this zip ?code|re-enter zip code"
    r"|the interactive transcript could not be loaded|rating is available when the video"
    r"|this feature is not available right now|full text available to premium subscribers"
    r"|please click here to read|click on the button below to set up your account)",
    re.IGNORECASE,
)


def normalize_text(text: str) -> str:
    """Return ``text`` in NFKC form with plain quotes and dashes and tidy whitespace.

    Line breaks are kept (at most one blank line in a row); runs of spaces become one space.

    Examples:
        >>> normalize_text("  \\u201cSacked\\u201d  officer\\u2019s   appeal ")
        '"Sacked" officer\\'s appeal'
    """
    if not text.isascii():  # NFKC and the quote table change nothing in plain ASCII
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    # One substitution over the text: runs of spaces never cross a line break.
    lines = _SPACES.sub(" ", text.replace("\r", "\n")).split("\n")
    return _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in lines)).strip()


def sentences(text: str) -> Iterator[str]:
    """Yield the non-empty sentences (or lines) of a normalised text."""
    for part in _SENTENCE_END.split(text):
        part = part.strip()  # noqa: PLW2901 - a tidy copy of the loop value
        if part:
            yield part


def _sentence_key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


class _SentenceRules:
    """What `Boilerplate` and `HashedBoilerplate` share: the lookup of a sentence's key by outlet."""

    by_source: Mapping[str | None, frozenset[Any]]

    def _lookup(self, key: str) -> object:
        return key

    def is_boilerplate(self, sentence: str, source: str | None) -> bool:
        """Whether ``sentence`` is boilerplate for articles of ``source`` (or a generic notice)."""
        key = _sentence_key(sentence)
        found = self._lookup(key)
        return (
            found in self.by_source.get(None, frozenset())
            or found in self.by_source.get(source, frozenset())
            or _GENERIC.match(key) is not None
        )

    @property
    def size(self) -> int:
        """How many boilerplate sentences were found in all."""
        return sum(len(v) for v in self.by_source.values())


@attrs.frozen
class Boilerplate(_SentenceRules):
    """Sentences found to be boilerplate, by outlet (``None`` holds those found across outlets)."""

    by_source: dict[str | None, frozenset[str]] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class HashedBoilerplate(_SentenceRules):
    """`Boilerplate` held as the 64-bit hashes of the sentences (`count_boilerplate`).

    It removes exactly what the `Boilerplate` of the same corpus removes, without the sentences'
    text ever being gathered in one process.
    """

    by_source: dict[str | None, frozenset[int]] = attrs.field(factory=dict, hash=False)

    def _lookup(self, key: str) -> object:
        return _key_hash(key)


def boilerplate_keys(text: str, config: NormalizeConfig | None = None) -> set[str]:
    """Return the keys of the sentences of ``text`` that `find_boilerplate` counts.

    A key is the sentence lower-cased with tidy spaces; sentences shorter than
    ``boilerplate_min_chars`` and generic notices (removed anyway) are left out.

    Examples:
        >>> sorted(boilerplate_keys("Support  us for only one pound a week. Hi."))
        ['support us for only one pound a week.']
    """
    cfg = config or NormalizeConfig()
    return {
        _sentence_key(s)
        for s in sentences(normalize_text(text))
        if len(s) >= cfg.boilerplate_min_chars and _GENERIC.match(s) is None
    }


def boilerplate_hashes(text: str, config: NormalizeConfig | None = None) -> NDArray[np.uint64]:
    """The sorted 64-bit hashes of `boilerplate_keys`: what `find_boilerplate` counts, compactly.

    Worker processes send these back instead of the sentences themselves (8 bytes a sentence).

    Examples:
        >>> boilerplate_hashes("Support  us for only one pound a week. Hi.").size
        1
    """
    return np.array(sorted(map(_key_hash, boilerplate_keys(text, config))), dtype=np.uint64)


def _key_hash(key: str) -> int:
    return int(xxhash.xxh64_intdigest(key.encode("utf-8")))


_NO_DAY = np.iinfo(np.int64).min


def _runs(*columns: NDArray[np.int64] | NDArray[np.uint64]) -> NDArray[np.int64]:
    """Start of each run of equal rows in columns already sorted together."""
    new = np.zeros(columns[0].size, dtype=bool)
    new[:1] = True
    for column in columns:
        new[1:] |= column[1:] != column[:-1]
    return np.flatnonzero(new)


def _spans(days: NDArray[np.int64], starts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Per run, the days from its first to its last dated row (-1 when no row is dated)."""
    dated = days != _NO_DAY
    has_date = np.logical_or.reduceat(dated, starts)
    # Day ordinals are positive: undated rows stand in as 0 for the last day, as +inf for the first.
    first = np.minimum.reduceat(np.where(dated, days, np.iinfo(np.int64).max), starts)
    last = np.maximum.reduceat(np.where(dated, days, 0), starts)
    spans: NDArray[np.int64] = np.where(has_date, last - first, -1)
    return spans


def count_boilerplate(
    articles: Iterable[Article],
    config: NormalizeConfig | None = None,
    *,
    hashes: Sequence[NDArray[np.uint64]] | None = None,
) -> HashedBoilerplate:
    """`find_boilerplate` on sentence hashes: the same sentences, as hashes, counted in arrays.

    Args:
        articles: the corpus.
        config: the thresholds.
        hashes: each article's `boilerplate_hashes`, in the order of ``articles``, when already
            computed (e.g. by worker processes).

    Examples:
        >>> notice = "Support us for only one pound a week."
        >>> list(count_boilerplate([Article(str(i), "", notice, source=f"s{i}") for i in range(5)]).by_source)
        [None]
    """
    cfg = config or NormalizeConfig()
    listed = list(articles)
    if hashes is None:
        hashes = [boilerplate_hashes(a.text, cfg) for a in listed]
    sizes = np.array([h.size for h in hashes], dtype=np.int64)
    if not sizes.sum():
        return HashedBoilerplate({})
    keys = np.concatenate(list(hashes)).astype(np.uint64)
    owner = np.repeat(np.arange(len(listed), dtype=np.int64), sizes)
    names = sorted({a.source for a in listed if a.source is not None})
    number: dict[str | None, int] = {name: i for i, name in enumerate(names)}
    # An article without an outlet counts as one more outlet (-1) across outlets, never within one.
    source = np.array([number.get(a.source, -1) for a in listed], dtype=np.int64)[owner]
    day = np.array(
        [a.published.toordinal() if a.published else _NO_DAY for a in listed], dtype=np.int64
    )[owner]
    order = np.lexsort((source, keys))
    keys, source, day = keys[order], source[order], day[order]

    def spread(span: NDArray[np.int64]) -> NDArray[np.bool_]:
        # No dated article: nothing says it is one story, so it counts as spread.
        return (span < 0) | (span >= cfg.boilerplate_min_span_days)

    # Within one outlet: (key, outlet) runs; an article holds a key once, so rows count articles.
    pair_starts = _runs(keys, source)
    pair_counts = np.diff(np.append(pair_starts, keys.size))
    per_source = (
        (source[pair_starts] >= 0)
        & (pair_counts >= cfg.boilerplate_min_articles)
        & spread(_spans(day, pair_starts))
    )
    # Across outlets: key runs, with the number of distinct outlets in each.
    key_starts = _runs(keys)
    first_of_outlet = np.zeros(keys.size, dtype=np.int64)
    first_of_outlet[pair_starts] = 1
    outlets = np.add.reduceat(first_of_outlet, key_starts)
    across = (outlets >= cfg.boilerplate_min_sources) & spread(_spans(day, key_starts))
    found: dict[str | None, set[int]] = defaultdict(set)
    chosen = pair_starts[per_source]
    for key, src in zip(keys[chosen].tolist(), source[chosen].tolist(), strict=True):
        found[names[src]].add(key)
    found[None].update(keys[key_starts[across]].tolist())
    return HashedBoilerplate({src: frozenset(v) for src, v in found.items() if v})


def find_boilerplate(
    articles: Iterable[Article],
    config: NormalizeConfig | None = None,
    *,
    hashes: Sequence[NDArray[np.uint64]] | None = None,
) -> Boilerplate:
    """Find the sentences that recur across articles of one outlet, or across many outlets.

    A recurring sentence whose dated articles all fall within ``boilerplate_min_span_days`` of each
    other is kept: that is one story's updates or syndicated copies, not a site's boilerplate.
    Sentences are counted by their hashes (`count_boilerplate`), and the recurring ones are then
    read again as text.

    The arguments are `count_boilerplate`'s; the default thresholds need a sentence in 3 articles
    of one outlet, or in articles of 5 outlets.

    Examples:
        >>> arts = [Article(str(i), "", f"Story {i} here. Support us for only one pound a week.",
        ...                 source="echo") for i in range(3)]
        >>> find_boilerplate(arts).size
        1
    """
    cfg = config or NormalizeConfig()
    listed = list(articles)
    counted = count_boilerplate(listed, cfg, hashes=hashes)
    missing = {h for found in counted.by_source.values() for h in found}
    text: dict[int, str] = {}
    # An outlet's boilerplate sentences come together: stop reading once every one is named.
    for article in listed:
        if not missing:
            break
        for key in boilerplate_keys(article.text, cfg):
            hashed = _key_hash(key)
            if hashed in missing:
                text[hashed] = key
                missing.discard(hashed)
    return Boilerplate(
        {src: frozenset(text[h] for h in found) for src, found in counted.by_source.items()}
    )


def remove_boilerplate(
    text: str,
    source: str | None = None,
    boilerplate: Boilerplate | HashedBoilerplate | None = None,
) -> tuple[str, int]:
    """Return ``text`` normalised and without boilerplate sentences, and how many were removed.

    Idempotent: removing boilerplate from the result removes nothing more.

    Examples:
        >>> remove_boilerplate("Two men were shot.\\nYou are the owner of this article.")
        ('Two men were shot.', 1)
    """
    rules = boilerplate or Boilerplate()
    kept: list[str] = []
    removed = 0
    for line in normalize_text(text).split("\n"):
        parts = list(sentences(line))
        survivors = [s for s in parts if not rules.is_boilerplate(s, source)]
        removed += len(parts) - len(survivors)
        if survivors:
            kept.append(" ".join(survivors))
    return normalize_text("\n".join(kept)), removed


def clean_text(
    article: Article,
    boilerplate: Boilerplate | HashedBoilerplate | None = None,
    config: NormalizeConfig | None = None,
) -> CleanText:
    """Return the article's title and body, normalised and without boilerplate sentences.

    The text is flagged ``short`` when the cleaned body has fewer than ``min_text_chars`` characters
    or fewer than ``min_text_words`` words.

    Examples:
        >>> clean_text(Article("a", "Title", "Body text.")).text
        'Title\\n\\nBody text.'
    """
    cfg = config or NormalizeConfig()
    body, removed = remove_boilerplate(article.text, article.source, boilerplate)
    title = normalize_text(article.title)
    text = f"{title}\n\n{body}" if title and body else title or body
    short = len(body) < cfg.min_text_chars or len(body.split()) < cfg.min_text_words
    return CleanText(article.id, text, short=short, removed=removed)
