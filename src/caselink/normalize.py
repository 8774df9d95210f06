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
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import attrs

from caselink.config import NormalizeConfig
from caselink.models import Article, CleanText

__all__ = [
    "Boilerplate",
    "boilerplate_keys",
    "clean_text",
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
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = "\n".join(
        _SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")
    )
    return _BLANK_LINES.sub("\n\n", text).strip()


def sentences(text: str) -> Iterator[str]:
    """Yield the non-empty sentences (or lines) of a normalised text."""
    for part in _SENTENCE_END.split(text):
        part = part.strip()  # noqa: PLW2901 - a tidy copy of the loop value
        if part:
            yield part


def _sentence_key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


@attrs.frozen
class Boilerplate:
    """Sentences found to be boilerplate, by outlet (``None`` holds those found across outlets)."""

    by_source: dict[str | None, frozenset[str]] = attrs.field(factory=dict, hash=False)

    def is_boilerplate(self, sentence: str, source: str | None) -> bool:
        """Whether ``sentence`` is boilerplate for articles of ``source`` (or a generic notice)."""
        key = _sentence_key(sentence)
        return (
            key in self.by_source.get(None, frozenset())
            or key in self.by_source.get(source, frozenset())
            or _GENERIC.match(key) is not None
        )

    @property
    def size(self) -> int:
        """How many boilerplate sentences were found in all."""
        return sum(len(v) for v in self.by_source.values())


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


def find_boilerplate(
    articles: Iterable[Article], config: NormalizeConfig | None = None
) -> Boilerplate:
    """Find the sentences that recur across articles of one outlet, or across many outlets.

    A recurring sentence whose dated articles all fall within ``boilerplate_min_span_days`` of each
    other is kept: that is one story's updates or syndicated copies, not a site's boilerplate.

    Args:
        articles: the corpus.
        config: thresholds; the defaults need a sentence in 3 articles of one outlet, or in articles
            of 5 outlets.

    Examples:
        >>> arts = [Article(str(i), "", f"Story {i} here. Support us for only one pound a week.",
        ...                 source="echo") for i in range(3)]
        >>> find_boilerplate(arts).size
        1
    """
    cfg = config or NormalizeConfig()
    per_source: dict[str | None, Counter[str]] = defaultdict(Counter)
    sources_of: dict[str, set[str | None]] = defaultdict(set)
    # First and last publication day of each sentence, per outlet and overall: a story's own
    # sentences recur within days (updates, syndication), a site's boilerplate over weeks.
    span_in_source: dict[tuple[str | None, str], list[int]] = {}
    span_overall: dict[str, list[int]] = {}
    for article in articles:
        keys = boilerplate_keys(article.text, cfg)
        per_source[article.source].update(keys)
        day = article.published.toordinal() if article.published else None
        for key in keys:
            sources_of[key].add(article.source)
            if day is not None:
                for span in (
                    span_in_source.setdefault((article.source, key), [day, day]),
                    span_overall.setdefault(key, [day, day]),
                ):
                    span[0], span[1] = min(span[0], day), max(span[1], day)

    def spread(span: list[int] | None) -> bool:
        return span is None or span[1] - span[0] >= cfg.boilerplate_min_span_days

    found: dict[str | None, frozenset[str]] = {}
    for source, counts in per_source.items():
        if source is None:
            continue
        recurring = frozenset(
            k
            for k, n in counts.items()
            if n >= cfg.boilerplate_min_articles and spread(span_in_source.get((source, k)))
        )
        if recurring:
            found[source] = recurring
    across = frozenset(
        k
        for k, srcs in sources_of.items()
        if len(srcs) >= cfg.boilerplate_min_sources and spread(span_overall.get(k))
    )
    if across:
        found[None] = across
    return Boilerplate(found)


def remove_boilerplate(
    text: str, source: str | None = None, boilerplate: Boilerplate | None = None
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
    article: Article, boilerplate: Boilerplate | None = None, config: NormalizeConfig | None = None
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
