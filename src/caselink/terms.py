"""Rare-term vectors: each article's most distinctive terms with L2-normalised TF-IDF weights.

A `TermModel` holds document frequencies fitted on a corpus (the one being resolved, or a saved one
for incremental use). `term_vector` turns a cleaned text into its vector: terms in more than
``max_df`` of the fitted documents are dropped, the rest are weighted by sublinear term frequency
times smoothed inverse document frequency (title terms count extra), the ``top_k`` heaviest are kept
and the result is L2-normalised and sorted by term. The cosine of two such vectors is a strong
same-story signal, and blocking uses the vectors to find "rare-term neighbours".

Terms are lowercased words with at least one letter and two characters, outside a small stop list;
an age such as ``17-year-old`` is kept as one term because it is distinctive next to a date.
"""

from __future__ import annotations

import json
import math
import re
import types
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from caselink.config import TermsConfig
from caselink.errors import ModelError
from caselink.models import CleanText

__all__ = [
    "TermModel",
    "document_terms",
    "fit_terms",
    "term_cosine",
    "term_tokens",
    "term_vector",
    "term_vectors",
]

_TOKEN = re.compile(r"\d+-year-old|[^\W_]+")
_STOP_WORDS = (
    "a about after again against all also am an and any are as at be been before being but by "
    "can could did do does down during each few for from further had has have having he her "
    "here hers him his how i if in into is it its itself just me more most my no nor not now of "
    "off on once only or other our ours out over own said same says she should so some such "
    "than that the their theirs them then there these they this those through to too under "
    "until up very was we were what when where which while who whom why will with would you "
    "your yours"
)
_STOP = frozenset(_STOP_WORDS.split())
_FORMAT = "caselink-terms/1"


def term_tokens(text: str) -> list[str]:
    """Return the terms of ``text`` in order, with repeats.

    Examples:
        >>> term_tokens("The 17-year-old was shot in Gainesville, police said.")
        ['17-year-old', 'shot', 'gainesville', 'police']
    """
    return [
        t for t in _TOKEN.findall(text.lower()) if len(t) > 1 and t not in _STOP and not t.isdigit()
    ]


def _frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return types.MappingProxyType(dict(value))


@attrs.frozen
class TermModel:
    """Document frequencies of terms in a fitted corpus, and the settings that shape the vectors.

    Attributes:
        n_docs: how many documents were fitted.
        df: document frequency of every term seen.
        config: the vector settings (max_df, top_k, title_boost) the model was fitted with.
    """

    n_docs: int
    df: Mapping[str, int] = attrs.field(converter=_frozen_counts, repr=False, eq=False)
    config: TermsConfig = attrs.field(factory=TermsConfig)

    @property
    def max_df_count(self) -> float:
        """Terms in more documents than this are dropped from vectors."""
        return max(self.config.max_df * self.n_docs, float(self.config.min_max_df))

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency, ``ln((1 + n) / (1 + df)) + 1`` (unseen terms: df 0)."""
        return math.log((1 + self.n_docs) / (1 + self.df.get(term, 0))) + 1.0

    def to_dict(self) -> dict[str, Any]:
        """Return the model as JSON-ready data (terms sorted, so the output is stable)."""
        return {
            "format": _FORMAT,
            "n_docs": self.n_docs,
            "config": attrs.asdict(self.config),
            "df": dict(sorted(self.df.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TermModel:
        """Rebuild a model written by `to_dict`.

        Raises:
            ModelError: when the data is not a term model of this format.
        """
        if not isinstance(data, Mapping) or data.get("format") != _FORMAT:
            got = data.get("format") if isinstance(data, Mapping) else type(data).__name__
            msg = f"expected a term model with format {_FORMAT!r}, got {got!r}; refit it with fit_terms"
            raise ModelError(msg)
        return cls(int(data["n_docs"]), data["df"], TermsConfig(**data["config"]))

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON and return the path."""
        out = Path(path)
        out.write_text(json.dumps(self.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, path: str | Path) -> TermModel:
        """Read a model written by `save`.

        Raises:
            ModelError: when the file cannot be read or is not a term model.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            msg = f"cannot read term model {str(path)!r}: {error}; write one with TermModel.save"
            raise ModelError(msg) from error
        return cls.from_dict(data)


def _text_of(item: CleanText | str) -> str:
    return item.text if isinstance(item, CleanText) else item


def document_terms(text: CleanText | str) -> tuple[str, ...]:
    """The distinct terms of one document, sorted: what its document frequencies count.

    Examples:
        >>> document_terms("Fire in Leeds, fire in Kent")
        ('fire', 'kent', 'leeds')
    """
    return tuple(sorted(set(term_tokens(_text_of(text)))))


def fit_terms(
    texts: Iterable[CleanText | str],
    config: TermsConfig | None = None,
    *,
    documents: Iterable[Sequence[str]] | None = None,
) -> TermModel:
    """Count the document frequency of every term in a corpus.

    Args:
        texts: the documents (ignored when ``documents`` is given).
        config: the vector settings.
        documents: each document's `document_terms`, when already computed (e.g. by workers).

    Examples:
        >>> model = fit_terms(["Shots fired in Leeds", "Fire in Leeds", "A cat in Kent"])
        >>> model.n_docs, model.df["leeds"]
        (3, 2)
    """
    df: Counter[str] = Counter()
    n_docs = 0
    for terms in documents if documents is not None else map(document_terms, texts):
        df.update(terms)
        n_docs += 1
    return TermModel(n_docs, df, config or TermsConfig())


def term_vector(
    text: CleanText | str, model: TermModel, *, title: str = ""
) -> tuple[tuple[str, float], ...]:
    """Return the rare-term vector of one text: ``(term, weight)`` pairs sorted by term, unit L2 norm.

    Args:
        text: the cleaned text (title and body).
        model: the fitted document frequencies.
        title: the headline; its terms count ``title_boost`` extra times.

    Examples:
        >>> model = fit_terms(["Shots fired in Leeds"] + [f"Story number {i}" for i in range(30)])
        >>> vector = term_vector("Shots fired in Leeds", model)
        >>> [t for t, _ in vector], round(sum(w * w for _, w in vector), 4)
        (['fired', 'leeds', 'shots'], 1.0)
    """
    counts: Counter[str] = Counter(term_tokens(_text_of(text)))
    cfg = model.config
    if title and cfg.title_boost:
        for term in term_tokens(title):
            counts[term] += cfg.title_boost
    limit = model.max_df_count
    weighted = [
        (term, (1.0 + math.log(count)) * model.idf(term))
        for term, count in counts.items()
        if model.df.get(term, 0) <= limit
    ]
    weighted.sort(key=lambda tw: (-tw[1], tw[0]))
    top = weighted[: cfg.top_k]
    norm = math.sqrt(sum(w * w for _, w in top))
    if norm == 0.0:
        return ()
    return tuple(sorted((term, round(w / norm, 6)) for term, w in top))


def term_vectors(
    texts: Iterable[CleanText | str], model: TermModel, titles: Iterable[str] | None = None
) -> list[tuple[tuple[str, float], ...]]:
    """Return the rare-term vector of every text (see `term_vector`).

    Examples:
        >>> model = fit_terms(["a b", "c d"])
        >>> term_vectors([], model)
        []
    """
    items = list(texts)
    heads = list(titles) if titles is not None else [""] * len(items)
    return [term_vector(t, model, title=h) for t, h in zip(items, heads, strict=True)]


def term_cosine(a: Sequence[tuple[str, float]], b: Sequence[tuple[str, float]]) -> float:
    """Return the cosine of two rare-term vectors (each sorted by term, unit norm), in [0, 1].

    Examples:
        >>> term_cosine((("leeds", 0.6), ("turner", 0.8)), (("turner", 1.0),))
        0.8
    """
    i = j = 0
    total = 0.0
    while i < len(a) and j < len(b):
        if a[i][0] == b[j][0]:
            total += a[i][1] * b[j][1]
            i += 1
            j += 1
        elif a[i][0] < b[j][0]:
            i += 1
        else:
            j += 1
    return min(max(total, 0.0), 1.0)
