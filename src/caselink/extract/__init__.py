"""Field extraction: an article's facts, each with the span it came from and a normalised form.

One module per field family; `extract_fields` runs them all. A failing extractor leaves its field
empty (and logs at DEBUG); it never fails the article. Unknown is empty, never a guess.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from caselink.config import ExtractConfig
from caselink.extract import (
    agencies,
    casualties,
    dates,
    events,
    people,
    places,
    references,
    streets,
)
from caselink.models import Article, ArticleFields, Mention

__all__ = ["extract_fields"]

logger = logging.getLogger(__name__)

_Extractor = Callable[[str, Article], tuple[Mention, ...]]

_EXTRACTORS: tuple[tuple[str, _Extractor], ...] = (
    ("oversight_bodies", agencies.find_oversight_bodies),
    ("officers", people.find_officers),
    ("people", people.find_people),
    ("event_dates", dates.find_event_dates),
    ("outcomes", events.find_outcomes),
    ("allegations", events.find_allegations),
    ("references", references.find_references),
    ("streets", streets.find_streets),
)


def extract_fields(article: Article, config: ExtractConfig | None = None) -> ArticleFields:
    """Extract every field family from ``article``.

    Spans index into `Article.full_text`.

    Examples:
        >>> from caselink.models import Article
        >>> f = extract_fields(Article("a", "PC Andrew Turner dismissed", "The Met said..."))
        >>> [m.norm for m in f.officers], [m.norm for m in f.agencies]
        (['andrew turner'], ['metropolitan police service'])
    """
    cfg = config or ExtractConfig()
    text = article.full_text[: cfg.max_chars]
    found: dict[str, tuple[Mention, ...]] = {}
    for name, extractor in _EXTRACTORS:
        try:
            found[name] = extractor(text, article)
        except Exception:
            logger.debug("extractor %s failed on article %s", name, article.id, exc_info=True)
            found[name] = ()
    names = places.name_words((*found["people"], *found["officers"]))
    try:
        found["places"] = places.find_places(text, article, names)
    except Exception:
        logger.debug("extractor places failed on article %s", article.id, exc_info=True)
        found["places"] = ()
    try:
        found["agencies"] = agencies.find_agencies(text, article, found["places"])
    except Exception:
        logger.debug("extractor agencies failed on article %s", article.id, exc_info=True)
        found["agencies"] = ()
    try:
        killed, injured = casualties.find_casualties(text, article)
    except Exception:
        logger.debug("casualty counts failed on article %s", article.id, exc_info=True)
        killed = injured = None
    try:
        ages = people.find_ages(text, article)
    except Exception:
        logger.debug("ages failed on article %s", article.id, exc_info=True)
        ages = ()
    return ArticleFields(
        article_id=article.id,
        agencies=found["agencies"],
        oversight_bodies=found["oversight_bodies"],
        officers=found["officers"],
        people=found["people"],
        places=found["places"],
        event_dates=found["event_dates"],
        outcomes=found["outcomes"],
        allegations=found["allegations"],
        references=found["references"],
        killed=killed,
        injured=injured,
        ages=ages,
        streets=found["streets"],
    )
