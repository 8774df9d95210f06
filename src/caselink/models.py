"""Frozen records passed between the pipeline stages.

Every stage takes records from here and returns records from here; nothing mutable crosses a stage
boundary. Collections inside records are tuples (or read-only mappings), so records hash and compare
by value.

The flow::

    Article ─▶ ArticleFields, Signature ─▶ CandidatePair ─▶ ComparisonVector ─▶ ScoredPair
           ─▶ Incident ─▶ Case ─▶ Resolution
"""

from __future__ import annotations

import array
import bisect
import copyreg
import datetime as dt
import functools
import hashlib
import itertools
import json
import sys
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink._types import ArticleId, CaseId, FieldName, PairKey
from caselink.errors import InputError

__all__ = [
    "MENTION_FIELDS",
    "NULL_LEVEL",
    "Article",
    "ArticleFields",
    "CandidatePair",
    "Candidates",
    "Case",
    "CaseField",
    "CleanText",
    "ComparisonVector",
    "Contribution",
    "ContributionSource",
    "Explanation",
    "FieldComparison",
    "Incident",
    "Mention",
    "Profile",
    "Reject",
    "Resolution",
    "ResolutionFrames",
    "ScoredPair",
    "ScoredPairs",
    "Signature",
    "TermVector",
    "TimelineEntry",
    "TimelineKind",
    "event_day",
    "pair_key",
    "pair_probabilities",
]

_ARTICLE_KEYS = frozenset({"id", "title", "text", "published", "source", "url"})


def pair_key(a: ArticleId, b: ArticleId) -> PairKey:
    """Return the unordered pair ``(a, b)`` in canonical ``(smaller, larger)`` order.

    Examples:
        >>> pair_key("b", "a")
        ('a', 'b')
    """
    return (a, b) if a <= b else (b, a)


class ResolutionFrames(NamedTuple):
    """The pandas DataFrames of a `Resolution` (see `Resolution.to_pandas`)."""

    cases: Any
    assignments: Any
    pairs: Any


# Typed converters: attrs' mypy plugin needs a concrete parameter type per field.
def _articles(values: Iterable[Article]) -> Sequence[Article]:
    # A read-only sequence (such as articles kept on disk) is kept as it is; anything else is copied.
    if isinstance(values, Sequence) and not isinstance(values, list):
        return values
    return tuple(values)


def _tuple_of_articlefields(values: Iterable[ArticleFields]) -> tuple[ArticleFields, ...]:
    return tuple(values)


def _tuple_of_case(values: Iterable[Case]) -> tuple[Case, ...]:
    return tuple(values)


def _tuple_of_casefield(values: Iterable[CaseField]) -> tuple[CaseField, ...]:
    return tuple(values)


def _tuple_of_contribution(values: Iterable[Contribution]) -> tuple[Contribution, ...]:
    return tuple(values)


def _tuple_of_fieldcomparison(values: Iterable[FieldComparison]) -> tuple[FieldComparison, ...]:
    return tuple(values)


def _tuple_of_reject(values: Iterable[Reject]) -> tuple[Reject, ...]:
    return tuple(values)


def _scored_pairs(values: Iterable[ScoredPair]) -> ScoredPairs:
    return values if isinstance(values, ScoredPairs) else ScoredPairs.from_pairs(values)


def _tuple_of_timelineentry(values: Iterable[TimelineEntry]) -> tuple[TimelineEntry, ...]:
    return tuple(values)


def _tuple_of_str(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _tuple_of_tuple_str_int(values: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    return tuple(values)


def _sorted_rules(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def _sorted_ids(values: Iterable[ArticleId]) -> tuple[ArticleId, ...]:
    return tuple(sorted(values))


def _readonly_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return types.MappingProxyType(dict(value or {}))


def _reduce_mappingproxy(
    proxy: types.MappingProxyType[str, Any],
) -> tuple[Any, tuple[dict[str, Any]]]:
    return _readonly_mapping, (dict(proxy),)


# Records cross process boundaries (worker pools, Spark), and pickle cannot handle a read-only
# mapping on its own; rebuild it from a plain copy.
copyreg.pickle(types.MappingProxyType, _reduce_mappingproxy)


def _parse_date(
    value: object, *, article_id: str | None, source: str | None, line: int | None
) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            pass
    msg = (
        f"field 'published' of article {article_id!r} must be an ISO date such as '2021-10-15' "
        f"(or null), got {value!r}; fix the date or remove the key"
    )
    raise InputError(msg, article_id=article_id, field="published", source=source, line=line)


def _optional_str(
    row: Mapping[str, Any],
    key: str,
    *,
    article_id: str | None,
    source: str | None,
    line: int | None,
) -> str | None:
    value = row.get(key)
    if value is None or isinstance(value, str):
        return value or None
    msg = (
        f"field {key!r} of article {article_id!r} must be a string or null, "
        f"got {type(value).__name__} {value!r}"
    )
    raise InputError(msg, article_id=article_id, field=key, source=source, line=line)


@attrs.frozen
class Article:
    """One news article as given by a feed.

    Build it with `Article.from_mapping`, which validates and explains bad input, rather than by
    calling the class with an unchecked row.

    Attributes:
        id: the article's id; a stable content hash (``"sha1:..."``) when the input had none.
        title: the headline, or ``""``.
        text: the body text as given (display text; boilerplate is removed only for matching).
        published: the publication date, when known.
        source: the outlet (host name or feed name), when known.
        url: the article's address, when known.
        meta: any other keys of the input record. Never used for linking.
    """

    id: ArticleId
    title: str
    text: str
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None
    meta: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_readonly_mapping, eq=False, hash=False, repr=False
    )

    @property
    def full_text(self) -> str:
        """Title and body joined by a blank line; every extracted span indexes into this string."""
        if not self.title:
            return self.text
        return f"{self.title}\n\n{self.text}"

    @property
    def content_hash(self) -> str:
        """SHA-1 of the fields that matter for linking (title, text, date, source, url)."""
        return _content_hash(self.title, self.text, self.published, self.source, self.url)

    def to_dict(self) -> dict[str, Any]:
        """Return the article as a JSON-ready mapping (meta keys are put back at the top level)."""
        row: dict[str, Any] = dict(self.meta)
        row.update(
            id=self.id,
            title=self.title,
            text=self.text,
            published=self.published.isoformat() if self.published else None,
            source=self.source,
            url=self.url,
        )
        return row

    @classmethod
    def from_mapping(
        cls, row: Mapping[str, Any], *, source: str | None = None, line: int | None = None
    ) -> Article:
        """Validate one input record and build an `Article`.

        Args:
            row: a mapping with ``text`` (required string, may be empty) and optional ``id``,
                ``title``, ``published`` (ISO date), ``source`` and ``url``; other keys go to ``meta``.
            source: the file the record came from, used in error messages.
            line: the record's 1-based line number in ``source``, used in error messages.

        Raises:
            InputError: naming the record, the field, what was expected and how to fix it.

        Examples:
            >>> Article.from_mapping({"id": "a1", "title": "PC dismissed", "text": "..."}).id
            'a1'
        """
        where = f" (line {line} of {source})" if line is not None and source else ""
        if not isinstance(row, Mapping):
            msg = f"each record{where} must be a JSON object with at least a 'text' key, got {type(row).__name__}"
            raise InputError(msg, source=source, line=line)
        raw_id = row.get("id")
        if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
            msg = f"field 'id'{where} must be a string or an integer, got {raw_id!r}; use a unique string id"
            raise InputError(msg, field="id", source=source, line=line)
        article_id = None if raw_id is None or raw_id == "" else str(raw_id)
        if "text" not in row or not isinstance(row["text"], str):
            got = (
                "no 'text' key"
                if "text" not in row
                else f"{type(row['text']).__name__} {row['text']!r}"
            )
            msg = (
                f"article {article_id!r}{where} needs a string 'text' (the body; it may be empty), "
                f"got {got}; add the body text under the key 'text'"
            )
            raise InputError(msg, article_id=article_id, field="text", source=source, line=line)
        title = _optional_str(row, "title", article_id=article_id, source=source, line=line) or ""
        text = row["text"]
        published = _parse_date(
            row.get("published"), article_id=article_id, source=source, line=line
        )
        outlet = _optional_str(row, "source", article_id=article_id, source=source, line=line)
        url = _optional_str(row, "url", article_id=article_id, source=source, line=line)
        if article_id is None:
            article_id = "sha1:" + _content_hash(title, text, published, outlet, url)[:16]
        meta = {k: v for k, v in row.items() if k not in _ARTICLE_KEYS}
        return cls(
            id=article_id,
            title=title.strip(),
            text=text,
            published=published,
            source=outlet,
            url=url,
            meta=meta,
        )


def _content_hash(
    title: str, text: str, published: dt.date | None, source: str | None, url: str | None
) -> str:
    payload = json.dumps(
        [title, text, published.isoformat() if published else None, source, url], ensure_ascii=False
    )
    return hashlib.sha1(payload.encode("utf-8"), usedforsecurity=False).hexdigest()


@attrs.frozen
class Reject:
    """An input record that was set aside, with the reason.

    Attributes:
        source: the file (or ``"<iterable>"``) the record came from.
        line: its 1-based line number, when it came from a file of lines.
        article_id: its id, when one could be read.
        field: the offending field, when one is to blame.
        reason: what was wrong and how to fix it.
    """

    source: str
    line: int | None
    article_id: ArticleId | None
    field: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the reject as a JSON-ready mapping."""
        return attrs.asdict(self)


@attrs.frozen
class CleanText:
    """An article's text prepared for matching: normalised, boilerplate removed.

    Attributes:
        article_id: the article it came from.
        text: title and body, normalised, without boilerplate sentences.
        short: the cleaned text is too short to shingle without false matches.
        removed: how many boilerplate sentences were removed.
    """

    article_id: ArticleId
    text: str
    short: bool = False
    removed: int = 0


@attrs.frozen
class Mention:
    """One extracted value, with the text it came from.

    Attributes:
        text: the surface form as written, e.g. ``"the Met"``.
        norm: the normalised form used for matching, e.g. ``"metropolitan police service"``.
        start: start offset of the span in `Article.full_text`.
        end: end offset (exclusive) of the span in `Article.full_text`.
        role: a qualifier whose meaning depends on the field: an officer's rank, a person's role,
            a place's level (``"city"``, ``"county"``, ...), a date's granularity.
    """

    text: str
    norm: str
    start: int
    end: int
    role: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled mentions (worker results) share their strings: the same forces, places and
        # roles recur across a corpus, and a million articles' fields must fit in memory.
        return _interned_mention, (self.text, self.norm, self.start, self.end, self.role)


_OFFSETS: dict[int, int] = {}
"""One int object per distinct offset, shared by every unpickled mention (a million articles' spans
would otherwise hold two int objects of 28 bytes each per mention)."""


def _interned_mention(text: str, norm: str, start: int, end: int, role: str | None) -> Mention:
    return Mention(
        sys.intern(text),
        sys.intern(norm),
        _OFFSETS.setdefault(start, start),
        _OFFSETS.setdefault(end, end),
        None if role is None else sys.intern(role),
    )


def _mentions(values: Iterable[Mention]) -> tuple[Mention, ...]:
    return tuple(values)


@attrs.frozen
class ArticleFields:
    """The facts one article states. Unknown is empty (or ``None``), never a guess.

    Every mention's ``start:end`` slices `Article.full_text` (title, blank line, body) to its
    ``text``. Norm conventions (what other stages match on):

    - agencies: canonical lower-case name (``"metropolitan police service"``,
      ``"nottinghamshire police"``, ``"bristol police department"``,
      ``"harris county sheriff's office"``); role ``"implied"`` when only a single-force
      oversight body (IPCA, PIRC, Police Ombudsman NI) names the force.
    - places: town ``"name|admin1|country"`` with the lower-case gazetteer name (US admin1 =
      postal state; GB admin1 = lower-case ceremonial county when known, e.g.
      ``"worksop|nottinghamshire|GB"``); US county ``"marion county|IN|US"``, UK county
      ``"nottinghamshire|GB"``; US state ``"CT|US"``; UK nation ``"ENG|GB"``; country ISO code.
      Role = level: ``"city"``, ``"county"``, ``"state"``, ``"region"``, ``"country"``, and
      ``"neighborhood"`` for a named part of a city (``"englewood|IL|US"``).
    - event_dates: ``YYYY-MM-DD`` (role ``"day"``), ``YYYY-MM`` (``"month"``), ``YYYY``
      (``"year"``); relative expressions resolved against ``published``; the publication date
      stamp itself is not an event date.
    - officers: lower-case full name, ``""`` for rank only; role = rank as written.
    - people: lower-case name without initials or suffixes; role = ``victim``, ``suspect``,
      ``spokesperson``, ``relative``, ``official``, ``witness`` when the sentence says so.

    Attributes:
        article_id: the article these facts came from.
        agencies: police forces and departments (norm = canonical name).
        oversight_bodies: complaint and conduct bodies (norm = canonical name).
        officers: officers named or described (norm = name or ``""`` for rank only; role = rank).
        people: other named people (norm = normalised name; role = victim, spokesperson, ...).
        places: towns, counties, regions, countries (norm = see above; role = level).
        event_dates: dates of the events (norm = ISO date, month ``YYYY-MM`` or year; role = granularity).
        outcomes: outcomes such as ``"dismissed without notice"``.
        allegations: allegation types from a small taxonomy.
        references: case and reference numbers.
        killed: number of people killed, when stated.
        injured: number of people injured, when stated.
        ages: ages of people in the story (norm = the age in years, e.g. ``"63"``; role = the
            lower-case name of the person it belongs to, when the text ties it to a name).
        streets: named streets and roads in the body (norm = lower-case name and spelled-out
            type without direction, e.g. ``"4th place"`` for "NW 4th Pl.").
    """

    article_id: ArticleId
    agencies: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    oversight_bodies: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    officers: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    people: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    places: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    event_dates: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    outcomes: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    allegations: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    references: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    killed: int | None = None
    injured: int | None = None
    ages: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)
    streets: tuple[Mention, ...] = attrs.field(default=(), converter=_mentions)

    def norms(self, name: FieldName) -> tuple[str, ...]:
        """Return the distinct normalised values of a mention field, in first-seen order."""
        mentions: tuple[Mention, ...] = getattr(self, name)
        return tuple(dict.fromkeys(m.norm for m in mentions if m.norm))


def event_day(norm: str) -> dt.date | None:
    """The date an event-date norm stands for: the day, or the 15th of a month; else ``None``.

    Examples:
        >>> event_day("2020-02"), event_day("2020-02-03"), event_day("2020")
        (datetime.date(2020, 2, 15), datetime.date(2020, 2, 3), None)
    """
    try:
        if len(norm) == 10:
            return dt.date.fromisoformat(norm)
        if len(norm) == 7:
            return dt.date.fromisoformat(norm + "-15")
    except ValueError:
        return None
    return None


MENTION_FIELDS: tuple[FieldName, ...] = (
    "agencies",
    "oversight_bodies",
    "officers",
    "people",
    "places",
    "streets",
    "event_dates",
    "outcomes",
    "allegations",
    "references",
)
"""The `ArticleFields` attributes that hold mentions, in display order."""


@attrs.frozen
class Signature:
    """A MinHash signature of an article's cleaned text.

    Attributes:
        article_id: the article it summarises.
        hashvalues: ``num_perm`` unsigned 32-bit little-endian values (4 bytes each).
        num_shingles: how many distinct shingles went in; 0 marks a text too short to index.
    """

    article_id: ArticleId
    hashvalues: bytes = attrs.field(repr=False)
    num_shingles: int


class TermVector(Sequence[tuple[str, float]]):
    """A rare-term vector: ``(term, weight)`` pairs sorted by term, stored compactly.

    It reads like the tuple of pairs it is built from (and compares equal to it), but keeps the
    terms as one tuple of interned strings and the weights as packed doubles: about 20 bytes a term
    instead of 150, which is most of a profile's size on a large corpus.

    Examples:
        >>> vector = TermVector((("leeds", 0.6), ("turner", 0.8)))
        >>> vector[1], len(vector), vector == (("leeds", 0.6), ("turner", 0.8))
        (('turner', 0.8), 2, True)
    """

    __slots__ = ("_terms", "_weights")

    def __init__(self, pairs: Iterable[tuple[str, float]] = ()) -> None:
        items = tuple(pairs)
        self._terms = tuple(sys.intern(str(t)) for t, _w in items)
        self._weights = array.array("d", (float(w) for _t, w in items))

    @classmethod
    def of(cls, value: Iterable[tuple[str, float]]) -> TermVector:
        """``value`` itself when it is a `TermVector`, else a vector of its pairs."""
        return value if isinstance(value, TermVector) else cls(value)

    @property
    def terms(self) -> tuple[str, ...]:
        """The terms, sorted."""
        return self._terms

    @property
    def weights(self) -> array.array[float]:
        """The weights, in the order of `terms`."""
        return self._weights

    def __len__(self) -> int:
        return len(self._terms)

    @overload
    def __getitem__(self, index: int) -> tuple[str, float]: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, float], ...]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, float] | tuple[tuple[str, float], ...]:
        if isinstance(index, slice):
            return tuple(zip(self._terms[index], self._weights[index], strict=True))
        return self._terms[index], self._weights[index]

    def __iter__(self) -> Iterator[tuple[str, float]]:
        return zip(self._terms, self._weights, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TermVector):
            return self._terms == other._terms and self._weights == other._weights
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return TermVector, (tuple(self),)


def _term_vector(value: Iterable[tuple[str, float]]) -> TermVector:
    return TermVector.of(value)


@attrs.frozen
class Profile:
    """The compact per-article state that the pairwise stages need.

    Attributes:
        article_id: the article.
        published: its publication date, when known.
        source: its outlet, when known.
        fields: its extracted facts.
        signature: its MinHash signature.
        terms: its most distinctive terms with L2-normalised TF-IDF weights (rare-term vector),
            sorted by term; empty until a term model has been applied.
    """

    article_id: ArticleId
    published: dt.date | None
    source: str | None
    fields: ArticleFields
    signature: Signature
    terms: TermVector = attrs.field(factory=TermVector, converter=_term_vector)


@attrs.frozen(order=True)
class CandidatePair:
    """Two articles worth comparing, and the blocking rules that proposed them.

    ``a < b`` always holds; build pairs with `CandidatePair.of` to get the order right.
    """

    a: ArticleId
    b: ArticleId = attrs.field()
    rules: tuple[str, ...] = attrs.field(default=(), converter=_sorted_rules, order=False)

    @b.validator
    def _check_order(self, _attribute: attrs.Attribute[ArticleId], value: ArticleId) -> None:
        if not self.a < value:
            msg = f"CandidatePair needs a < b, got a={self.a!r}, b={value!r}; build it with CandidatePair.of(a, b)"
            raise ValueError(msg)

    @classmethod
    def of(cls, x: ArticleId, y: ArticleId, rules: Iterable[str] = ()) -> CandidatePair:
        """Build a pair in canonical order.

        Examples:
            >>> CandidatePair.of("b", "a", ["lsh"])
            CandidatePair(a='a', b='b', rules=('lsh',))
        """
        a, b = pair_key(x, y)
        return cls(a, b, tuple(rules))

    @property
    def key(self) -> PairKey:
        """The pair as a ``(a, b)`` tuple."""
        return (self.a, self.b)


NULL_LEVEL = -1
"""The level index of the Null level: a value is missing on either side."""


@attrs.frozen
class FieldComparison:
    """The outcome of one comparison on one pair.

    Attributes:
        name: the comparison's name, e.g. ``"officer"``.
        level: the level index: ``-1`` is Null (a value is missing), ``0`` the strongest agreement,
            higher numbers weaker agreement; the last level is Else.
        label: the level's label, e.g. ``"exact"``, ``"within 7 days"``, ``"else"``.
        similarity: the raw similarity on the 0–1 scale, or ``None`` for the Null level.
        detail: the values that decided the level, for explanations, e.g. ``"'Andrew Turner'"``.
        value: the shared value(s) behind an exact agreement, tab-separated, for term-frequency
            adjustment (a rare shared surname weighs more than a common one); ``None`` if none.
    """

    name: str
    level: int
    label: str
    similarity: float | None = None
    detail: str = ""
    value: str | None = None


@attrs.frozen
class ComparisonVector:
    """Every comparison of one candidate pair."""

    a: ArticleId
    b: ArticleId
    comparisons: tuple[FieldComparison, ...] = attrs.field(converter=_tuple_of_fieldcomparison)
    rules: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen
class Contribution:
    """How much one comparison moved a pair's match weight (in bits, log2 of a likelihood ratio)."""

    name: str
    label: str
    weight: float
    detail: str = ""

    def describe(self) -> str:
        """Return the contribution as a short phrase, e.g. ``"same officer 'Andrew Turner' (+9.1)"``.

        The comparators phrase their ``detail`` as a reason; without one, the comparison's name and
        level stand in.

        Examples:
            >>> Contribution("officer", "else", -1.4).describe()
            'officer differs (-1.4)'
        """
        if self.detail:
            phrase = self.detail
        elif self.label == "else":
            phrase = f"{self.name} differs"
        else:
            phrase = f"{self.name} {self.label}"
        return f"{phrase} ({self.weight:+.1f})"


@attrs.frozen
class ScoredPair:
    """A candidate pair with its match weight, probability and the reason for both.

    Attributes:
        a: the smaller article id.
        b: the larger article id.
        match_weight: the prior plus every contribution, in bits.
        probability: the match probability implied by ``match_weight``.
        contributions: one entry per comparison, the "why" of the score.
        rules: the blocking rules that proposed the pair.
    """

    a: ArticleId
    b: ArticleId
    match_weight: float
    probability: float
    contributions: tuple[Contribution, ...] = attrs.field(converter=_tuple_of_contribution)
    rules: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)

    @property
    def key(self) -> PairKey:
        """The pair as a ``(a, b)`` tuple."""
        return (self.a, self.b)

    def strongest(self) -> tuple[Contribution, ...]:
        """The contributions, strongest (largest absolute weight) first; ties by comparison name."""
        return tuple(sorted(self.contributions, key=lambda c: (-abs(c.weight), c.name)))

    def explain(self) -> str:
        """Return one readable sentence with the strongest reasons first.

        Examples:
            >>> ScoredPair("a", "b", 3.0, 0.89, [Contribution("agency", "exact", 3.2, "same force 'Met'")]).explain()
            "a ~ b: p=0.890 (weight +3.0): same force 'Met' (+3.2)"
        """
        ordered = self.strongest()
        reasons = (
            ", ".join(c.describe() for c in ordered if abs(c.weight) >= 0.05)
            or "no informative field"
        )
        return f"{self.a} ~ {self.b}: p={self.probability:.3f} (weight {self.match_weight:+.1f}): {reasons}"

    def to_dict(self) -> dict[str, Any]:
        """Return the pair as a JSON-ready mapping."""
        return {
            "a": self.a,
            "b": self.b,
            "match_weight": round(self.match_weight, 4),
            "probability": round(self.probability, 6),
            "rules": list(self.rules),
            "contributions": [
                {
                    "field": c.name,
                    "level": c.label,
                    "weight": round(c.weight, 4),
                    "detail": c.detail,
                }
                for c in self.contributions
            ],
            "explanation": self.explain(),
        }

    def __repr__(self) -> str:
        top = self.strongest()[:3]
        reasons = ", ".join(c.describe() for c in top) or "no comparisons"
        return (
            f"<ScoredPair {self.a} ~ {self.b}: p={self.probability:.3f} "
            f"(weight {self.match_weight:+.1f}); {reasons}>"
        )

    def _repr_html_(self) -> str:
        from caselink._html import pair_html  # noqa: PLC0415 - display code loads on first use

        return pair_html(self)


class ContributionSource(Protocol):
    """Builds the contributions of stored pairs when they are read (see `ScoredPairs`).

    The pipeline keeps scores as columns and the comparison inputs as arrays; a source recomputes the
    contributions of the pairs asked for, so no contribution object exists for pairs nobody reads.
    """

    def contributions(
        self, index: NDArray[np.int64], *, details: bool | None = None
    ) -> list[tuple[Contribution, ...]]:
        """The contributions of the pairs at positions ``index`` of the scored pairs' candidates.

        ``details``: ``True`` adds the values behind every level, ``False`` none, ``None`` follows
        the source's own rule (the pipeline details the links a reader follows).
        """
        ...


@attrs.frozen(eq=False)
class _StoredContributions:
    """Contributions kept as objects, one tuple per pair (pairs built one by one)."""

    stored: tuple[tuple[Contribution, ...], ...]

    def contributions(
        self, index: NDArray[np.int64], *, details: bool | None = None
    ) -> list[tuple[Contribution, ...]]:
        del details  # stored as they were built
        return [self.stored[i] for i in index.tolist()]


def _row_array(values: Any) -> NDArray[np.int32]:
    return np.asarray(values, dtype=np.int32)


def _uint8_array(values: Any) -> NDArray[np.uint8]:
    return np.asarray(values, dtype=np.uint8)


def _float_array(values: Any) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def _sorted_id_tuple(values: Iterable[ArticleId]) -> tuple[ArticleId, ...]:
    ids = tuple(values)
    if any(x >= y for x, y in itertools.pairwise(ids)):
        msg = "pair columns need their article ids sorted and distinct; sort the ids and remap the rows"
        raise ValueError(msg)
    return ids


@attrs.frozen(eq=False)
class Candidates:
    """Candidate pairs as columns (no Python object per pair), sorted by key.

    Attributes:
        ids: the articles, sorted; pairs refer to them by position.
        a: the smaller article's position of each pair (32-bit: 8 bytes a pair for both).
        b: the larger article's position (``a < b``); pairs are sorted by ``(a, b)``.
        rules: bit ``i`` is set when ``rule_names[i]`` proposed the pair.
        rule_names: the blocking rule of each bit.

    Examples:
        >>> c = Candidates(("x", "y", "z"), np.array([0]), np.array([2]), np.array([1]), ("lsh",))
        >>> c.pairs()
        [CandidatePair(a='x', b='z', rules=('lsh',))]
    """

    ids: tuple[ArticleId, ...] = attrs.field(converter=_sorted_id_tuple)
    a: NDArray[np.int32] = attrs.field(converter=_row_array)
    b: NDArray[np.int32] = attrs.field(converter=_row_array)
    rules: NDArray[np.uint8] = attrs.field(converter=_uint8_array)
    rule_names: tuple[str, ...] = attrs.field(converter=_tuple_of_str)

    def __len__(self) -> int:
        return int(self.a.size)

    def rule_tuple(self, mask: int) -> tuple[str, ...]:
        """The rule names of a bit mask, sorted."""
        return _rules_of(self.rule_names, mask)

    def pairs(self) -> list[CandidatePair]:
        """Every pair as a `CandidatePair` (one object per pair: for small sets and tests)."""
        ids = self.ids
        return [
            CandidatePair(ids[x], ids[y], self.rule_tuple(m))
            for x, y, m in zip(self.a.tolist(), self.b.tolist(), self.rules.tolist(), strict=True)
        ]

    @classmethod
    def from_pairs(cls, pairs: Iterable[CandidatePair]) -> Candidates:
        """Columns of `CandidatePair` objects (ids are the pairs' articles)."""
        listed = list(pairs)
        ids = sorted({aid for p in listed for aid in (p.a, p.b)})
        names = sorted({r for p in listed for r in p.rules})
        row = {aid: i for i, aid in enumerate(ids)}
        bit = {r: 1 << i for i, r in enumerate(names)}
        order = sorted(range(len(listed)), key=lambda k: listed[k].key)
        return cls(
            ids,
            np.array([row[listed[k].a] for k in order], dtype=np.int64),
            np.array([row[listed[k].b] for k in order], dtype=np.int64),
            np.array([sum(bit[r] for r in listed[k].rules) for k in order], dtype=np.uint8),
            names,
        )


@functools.lru_cache(maxsize=4096)
def _rules_of(names: tuple[str, ...], mask: int) -> tuple[str, ...]:
    return tuple(sorted(name for i, name in enumerate(names) if mask >> i & 1))


def pair_probabilities(match_weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """The match probability of each match weight (bits), ``2**w / (1 + 2**w)``, finite everywhere.

    Examples:
        >>> pair_probabilities(np.array([0.0, 1.0])).tolist()
        [0.5, 0.6666666666666666]
    """
    probability: NDArray[np.float64] = 1.0 / (1.0 + np.exp2(-np.clip(match_weight, -1000, 1000)))
    return probability


_READ_CHUNK = 4096
"""Pairs whose contributions `ScoredPairs` builds together when iterating."""


@attrs.frozen(eq=False)
class ScoredPairs(Sequence[ScoredPair]):
    """Scored pairs kept as columns; each `ScoredPair` is built when it is read.

    A run scores every candidate pair but keeps only a few numbers per pair (about 25 bytes); the
    contributions (the "why") come from ``source`` on demand, so reading a pair gives the same
    `ScoredPair` the one-object-per-pair pipeline built, without millions of objects in memory.
    It is a read-only sequence sorted by pair key; ``rows`` selects a subset (e.g. the links).

    Attributes:
        candidates: the pairs and the rules that proposed them.
        match_weight: per pair, the match weight in bits.
        probability: per pair, the match probability.
        source: builds contributions when a pair is read (``None``: pairs without contributions).
        rows: the pairs of ``candidates`` this sequence holds, ascending; ``None`` for all.

    Examples:
        >>> pairs = ScoredPairs.from_pairs([ScoredPair("b", "a", 2.0, 0.8, [])])
        >>> len(pairs), pairs[0].key, pairs.find("b", "a").probability
        (1, ('a', 'b'), 0.8)
    """

    candidates: Candidates
    match_weight: NDArray[np.float64] = attrs.field(converter=_float_array)
    probability: NDArray[np.float64] = attrs.field(converter=_float_array)
    source: ContributionSource | None = None
    rows: NDArray[np.int64] | None = None
    _codes: dict[str, NDArray[np.int64]] = attrs.field(factory=dict, init=False, repr=False)

    @classmethod
    def from_pairs(cls, pairs: Iterable[ScoredPair]) -> ScoredPairs:
        """Columns of `ScoredPair` objects, which keep their contributions as they are."""
        by_key = sorted((pair_key(p.a, p.b), p) for p in pairs)
        listed = [p for _, p in by_key]
        candidates = Candidates.from_pairs(CandidatePair.of(p.a, p.b, p.rules) for p in listed)
        return cls(
            candidates,
            [p.match_weight for p in listed],
            [p.probability for p in listed],
            _StoredContributions(tuple(tuple(p.contributions) for p in listed)),
        )

    @property
    def ids(self) -> tuple[ArticleId, ...]:
        """The articles the pairs refer to by position."""
        return self.candidates.ids

    def held(self) -> NDArray[np.int64]:
        """The positions (in `candidates`) of the pairs this sequence holds."""
        if self.rows is not None:
            return self.rows
        return np.arange(len(self.candidates), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.candidates) if self.rows is None else int(self.rows.size)

    def subset(self, keep: NDArray[np.bool_]) -> ScoredPairs:
        """The pairs of this sequence where ``keep`` (one flag per pair held) is true."""
        return attrs.evolve(self, rows=self.held()[np.asarray(keep, dtype=bool)])

    def _build(self, index: NDArray[np.int64], *, details: bool | None) -> list[ScoredPair]:
        c = self.candidates
        a, b = c.a[index], c.b[index]
        if self.source is None:
            contributions: list[tuple[Contribution, ...]] = [()] * int(index.size)
        else:
            contributions = self.source.contributions(index, details=details)
        ids = c.ids
        return [
            ScoredPair(ids[x], ids[y], w, p, found, c.rule_tuple(m))
            for x, y, w, p, m, found in zip(
                a.tolist(),
                b.tolist(),
                self.match_weight[index].tolist(),
                self.probability[index].tolist(),
                c.rules[index].tolist(),
                contributions,
                strict=True,
            )
        ]

    @overload
    def __getitem__(self, item: int) -> ScoredPair: ...

    @overload
    def __getitem__(self, item: slice) -> list[ScoredPair]: ...

    def __getitem__(self, item: int | slice) -> ScoredPair | list[ScoredPair]:
        index = self.held()
        if isinstance(item, slice):
            return self._build(index[item], details=None)
        return self._build(index[[item]], details=None)[0]

    def __iter__(self) -> Iterator[ScoredPair]:
        index = self.held()
        for start in range(0, index.size, _READ_CHUNK):
            yield from self._build(index[start : start + _READ_CHUNK], details=None)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, ScoredPair):
            return False
        found = self.find(value.a, value.b)
        return found is not None and found == value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(x == y for x, y in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # a sequence compared by value

    def position(self, a: ArticleId, b: ArticleId) -> int | None:
        """The position in `candidates` of pair ``(a, b)`` (either order), or ``None`` if absent."""
        x, y = pair_key(a, b)
        ids = self.candidates.ids
        i, j = bisect.bisect_left(ids, x), bisect.bisect_left(ids, y)
        if i == len(ids) or j == len(ids) or ids[i] != x or ids[j] != y:
            return None
        codes = self._codes.get("codes")
        if codes is None:
            codes = self.candidates.a.astype(np.int64) * len(ids) + self.candidates.b
            self._codes["codes"] = codes
        wanted = i * len(ids) + j
        at = int(np.searchsorted(codes, wanted))
        if at == codes.size or codes[at] != wanted:
            return None
        if self.rows is not None:
            k = int(np.searchsorted(self.rows, at))
            if k == self.rows.size or self.rows[k] != at:
                return None
        return at

    def take(
        self, positions: Sequence[int] | NDArray[np.int64], *, details: bool | None = None
    ) -> list[ScoredPair]:
        """The pairs at ``positions`` of `candidates`, built together (one scoring pass for all).

        Args:
            positions: positions in `candidates` (as `position` returns them).
            details: ``True`` to attach the values behind every level (see `ContributionSource`).
        """
        return self._build(np.asarray(positions, dtype=np.int64), details=details)

    def find(self, a: ArticleId, b: ArticleId, *, details: bool | None = None) -> ScoredPair | None:
        """The scored pair of ``a`` and ``b`` (either order), or ``None`` when it is not held.

        Args:
            a: one article id.
            b: the other.
            details: ``True`` to attach the values behind every level (see `ContributionSource`).
        """
        at = self.position(a, b)
        if at is None:
            return None
        return self._build(np.array([at], dtype=np.int64), details=details)[0]


@attrs.frozen
class Explanation:
    """Why two articles are, or are not, in one case: the contributions as data and one sentence.

    ``str(explanation)`` is the sentence, and ``"same case" in explanation`` searches it.

    Attributes:
        a: the first article id as asked.
        b: the second article id as asked.
        same_case: whether the two articles ended up in one case.
        pair: the scored pair, or ``None`` when the two were never compared.
        sentence: the readable explanation.
    """

    a: ArticleId
    b: ArticleId
    same_case: bool
    pair: ScoredPair | None
    sentence: str

    @property
    def contributions(self) -> tuple[Contribution, ...]:
        """The per-comparison contributions (empty when the pair was never compared)."""
        return self.pair.contributions if self.pair is not None else ()

    def __str__(self) -> str:
        return self.sentence

    def __contains__(self, text: str) -> bool:
        return text in self.sentence

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as a JSON-ready mapping."""
        return {
            "a": self.a,
            "b": self.b,
            "same_case": self.same_case,
            "sentence": self.sentence,
            "pair": self.pair.to_dict() if self.pair is not None else None,
        }


@attrs.frozen
class Incident:
    """A cluster of articles judged to report one real-world case.

    Attributes:
        incident_id: a stable function of the member ids (see `caselink.cluster.incident_id`).
        article_ids: the members, sorted.
        split_by_constraint: whether clustering had to split a linked group to honour a cannot-link.
    """

    incident_id: CaseId
    article_ids: tuple[ArticleId, ...] = attrs.field(converter=_sorted_ids)
    split_by_constraint: bool = False


@attrs.frozen
class CaseField:
    """One canonical fact of a case, with where it came from.

    Attributes:
        name: the field, e.g. ``"agency"``.
        value: the chosen value (the normalised form, as displayed).
        article_ids: the articles that state the chosen value.
        alternatives: other values seen, each with the number of articles stating it.
        conflict: whether the alternatives contradict the chosen value (for single-valued fields).
    """

    name: FieldName
    value: str
    article_ids: tuple[ArticleId, ...] = attrs.field(converter=_tuple_of_str)
    alternatives: tuple[tuple[str, int], ...] = attrs.field(
        default=(), converter=_tuple_of_tuple_str_int
    )
    conflict: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the field as a JSON-ready mapping."""
        return {
            "value": self.value,
            "article_ids": list(self.article_ids),
            "alternatives": [{"value": v, "support": n} for v, n in self.alternatives],
            "conflict": self.conflict,
        }


TimelineKind = Literal["event", "first report", "follow-up", "outcome", "undated"]


@attrs.frozen
class TimelineEntry:
    """One step in a case's timeline.

    Attributes:
        date: when it happened (event entries) or was published (report entries), when known.
        article_id: the article it comes from.
        kind: ``"event"`` (an event date the articles state), ``"first report"``, ``"follow-up"``,
            ``"outcome"`` (the first report of an outcome after the first report) or ``"undated"``.
        source: the article's outlet, when known.
        title: the article's title.
        detail: what the entry is about, e.g. the outcome stated (``""`` when nothing more is known).
    """

    date: dt.date | None
    article_id: ArticleId
    kind: TimelineKind
    source: str | None
    title: str
    detail: str = ""


@attrs.frozen
class Case:
    """A real-world case: its articles, the facts they agree on with provenance, and its timeline.

    Attributes:
        case_id: stable across re-runs and input order.
        article_ids: the member articles, sorted.
        fields: canonical facts with provenance.
        first_seen: the earliest publication date among the members.
        last_seen: the latest publication date among the members.
        outlets: the distinct sources, sorted.
        timeline: the members ordered by date.
        headline: the title chosen to name the case.
    """

    case_id: CaseId
    article_ids: tuple[ArticleId, ...] = attrs.field(converter=_tuple_of_str)
    fields: tuple[CaseField, ...] = attrs.field(default=(), converter=_tuple_of_casefield)
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    outlets: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    timeline: tuple[TimelineEntry, ...] = attrs.field(default=(), converter=_tuple_of_timelineentry)
    headline: str = ""

    def field(self, name: FieldName) -> CaseField | None:
        """Return the canonical field called ``name``, or ``None`` when no article stated it."""
        return next((f for f in self.fields if f.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the case as a JSON-ready mapping (the line format of ``cases.jsonl``)."""
        return {
            "case_id": self.case_id,
            "headline": self.headline,
            "article_ids": list(self.article_ids),
            "size": len(self.article_ids),
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "outlets": list(self.outlets),
            "fields": {f.name: f.to_dict() for f in self.fields},
            "timeline": [
                {
                    "date": e.date.isoformat() if e.date else None,
                    "article_id": e.article_id,
                    "kind": e.kind,
                    "source": e.source,
                    "title": e.title,
                    "detail": e.detail,
                }
                for e in self.timeline
            ],
        }

    def __repr__(self) -> str:
        span = (
            f", {self.first_seen.isoformat()} to {self.last_seen.isoformat()}"
            if self.first_seen and self.last_seen
            else ""
        )
        facts = "; ".join(f"{f.name}={f.value!r}" for f in self.fields[:3])
        size, outlets = len(self.article_ids), len(self.outlets)
        return (
            f"<Case {self.case_id}: {size} article{'s' * (size != 1)} from {outlets} "
            f"outlet{'s' * (outlets != 1)}{span}: {self.headline!r}{'; ' + facts if facts else ''}>"
        )

    def _repr_html_(self) -> str:
        from caselink._html import case_html  # noqa: PLC0415 - display code loads on first use

        return case_html(self)


@attrs.frozen
class Resolution:
    """The result of `caselink.resolve`: cases, the scored pairs behind them, and the run manifest.

    Attributes:
        articles: the accepted articles, sorted by id (texts read from disk when used, for
            articles read with ``read_articles(..., lazy=True)``).
        fields: the facts extracted from each article, in the order of ``articles``.
        cases: one case per cluster, singletons included, sorted by case id.
        pairs: every scored candidate pair, sorted by key: a `ScoredPairs` sequence that keeps
            scores as columns and builds each `ScoredPair` (with its contributions) when read.
        links: the scored pairs that hold the cases together (a subset of ``pairs``); the links
            of a spanning forest of each case carry the values behind their levels.
        rejects: the input records that were set aside, with reasons.
        manifest: the configuration, fitted parameters, package versions, counts and timings.
    """

    articles: Sequence[Article] = attrs.field(converter=_articles, hash=False)
    fields: tuple[ArticleFields, ...] = attrs.field(converter=_tuple_of_articlefields, repr=False)
    cases: tuple[Case, ...] = attrs.field(converter=_tuple_of_case)
    pairs: ScoredPairs = attrs.field(converter=_scored_pairs, repr=False, hash=False)
    links: ScoredPairs = attrs.field(converter=_scored_pairs, repr=False, hash=False)
    rejects: tuple[Reject, ...] = attrs.field(default=(), converter=_tuple_of_reject)
    manifest: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_readonly_mapping, eq=False, hash=False, repr=False
    )

    def assignments(self) -> dict[ArticleId, CaseId]:
        """Return the case id of every accepted article."""
        return {aid: case.case_id for case in self.cases for aid in case.article_ids}

    def case_of(self, article_id: ArticleId) -> Case:
        """Return the case holding ``article_id``.

        Raises:
            KeyError: when no accepted article has that id.
        """
        for case in self.cases:
            if article_id in case.article_ids:
                return case
        msg = f"no accepted article has id {article_id!r}; check rejects for it"
        raise KeyError(msg)

    def pair(self, a: ArticleId, b: ArticleId) -> ScoredPair | None:
        """Return the scored pair of ``a`` and ``b`` (in either order), or ``None`` if never compared."""
        return self.pairs.find(a, b)

    def explain(self, a: ArticleId, b: ArticleId) -> Explanation:
        """Explain why ``a`` and ``b`` are, or are not, in one case.

        Returns:
            The contributions as data and one readable sentence (``str()`` of the result).

        Raises:
            KeyError: when either id is not an accepted article.
        """
        case_a, case_b = self.case_of(a), self.case_of(b)
        same = case_a.case_id == case_b.case_id
        verdict = "same case" if same else "different cases"
        scored = self.pairs.find(a, b, details=True)
        if scored is None:
            sentence = f"{verdict}: {a} and {b} were never compared (no shared text or field key)"
        else:
            sentence = f"{verdict}: {scored.explain()}"
        return Explanation(a, b, same, scored, sentence)

    def write(self, out_dir: str | Path, *, scored_pairs: bool = False) -> Path:
        """Write the run's output files.

        ``assignments.jsonl``, ``cases.jsonl``, ``pairs.jsonl`` (links), ``rejects.jsonl`` and
        ``manifest.json``; with ``scored_pairs``, also ``scored_pairs.jsonl`` (every scored candidate
        pair with its contributions: tens of pairs per article, so opt-in).

        Returns:
            The output directory.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        _write_jsonl(
            out / "assignments.jsonl",
            (
                {"article_id": aid, "case_id": cid}
                for aid, cid in sorted(self.assignments().items())
            ),
        )
        _write_jsonl(out / "cases.jsonl", (case.to_dict() for case in self.cases))
        _write_jsonl(out / "pairs.jsonl", (p.to_dict() for p in self.links))
        if scored_pairs:
            _write_jsonl(out / "scored_pairs.jsonl", (p.to_dict() for p in self.pairs))
        _write_jsonl(out / "rejects.jsonl", (r.to_dict() for r in self.rejects))
        (out / "manifest.json").write_text(
            json.dumps(_plain(self.manifest), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return out

    def __repr__(self) -> str:
        multi = sum(1 for c in self.cases if len(c.article_ids) > 1)
        return (
            f"<Resolution: {len(self.articles)} articles in {len(self.cases)} cases "
            f"({multi} with several articles), {len(self.links)} links, {len(self.rejects)} rejects>"
        )

    def _repr_html_(self) -> str:
        from caselink._html import resolution_html  # noqa: PLC0415 - display code loads on first use

        return resolution_html(self)

    def to_pandas(self) -> ResolutionFrames:
        """Return the cases, the article assignments and the scored pairs as pandas DataFrames.

        Needs the ``pandas`` extra (``pip install "caselink[pandas]"``).

        Returns:
            ``ResolutionFrames(cases, assignments, pairs)``, a named tuple: ``cases`` has one row per
            case with one column per canonical field; ``assignments`` one row per article with its
            case, title, outlet and date; ``pairs`` one row per scored pair with ``linked`` marking
            the links that hold cases together, and the explanation.

        Raises:
            ImportError: when pandas is not installed, naming the extra to install.

        Examples:
            >>> cases, assignments, pairs = resolution.to_pandas()  # doctest: +SKIP
        """
        from caselink._frames import resolution_frames  # noqa: PLC0415 - pandas is optional

        return resolution_frames(self)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
