"""Readers: JSONL, CSV, seeds-style text directories, RSS/Atom feeds, DataFrames and iterables -> `Article`.

A bad record never crashes a batch: it becomes a `Reject` with its file, line, id and reason, and the
rest of the batch goes on. Only input that is unusable as a whole (a missing file, a file with no JSON
at all, no input records) raises `InputError`.

Duplicate ids: a record whose id was already read with the same content is dropped as a repeat (and
counted); with different content it is rejected, and the first record read keeps the id.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import attrs
import numpy as np
from numpy.typing import NDArray

from caselink._frames import dataframe_records, is_dataframe
from caselink.errors import InputError
from caselink.feeds import parse_feed
from caselink.models import Article, Reject

__all__ = [
    "FEED_SUFFIXES",
    "Ingested",
    "JsonlArticles",
    "read_articles",
    "read_feeds",
    "read_records",
]

logger = logging.getLogger(__name__)

FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
"""File suffixes `read_articles` reads as RSS/Atom feeds."""

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*(.*)$")


@attrs.frozen
class Ingested:
    """Articles read from one or more inputs, and the records set aside.

    Iterating over it yields the accepted articles, so it can be passed straight to `resolve`.

    Attributes:
        articles: accepted articles, in input order.
        rejects: records set aside, each with a reason.
        repeats: records dropped because an identical record with the same id was already read.
    """

    articles: Sequence[Article]
    rejects: tuple[Reject, ...] = ()
    repeats: int = 0

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


class JsonlArticles(Sequence[Article]):
    """Articles of JSONL files that stay on disk: each is read again when it is used.

    `read_articles` with ``lazy=True`` returns one. Memory holds only each article's place in its
    file and its head (id, title, date, outlet, url: `heads`), so a corpus of a million articles
    does not have to fit in memory twice over; `caselink.resolve` reads the texts on its workers.
    Reading an article again gives an `Article` equal to the one first read.

    Examples:
        >>> batch = read_articles("examples/data/articles.jsonl", lazy=True)  # doctest: +SKIP
        >>> batch.articles[0] == read_articles("examples/data/articles.jsonl").articles[0]  # doctest: +SKIP
        True
    """

    def __init__(
        self, paths: Sequence[str], heads: Sequence[Article], places: NDArray[np.int64]
    ) -> None:
        self._paths = tuple(paths)
        self._heads = tuple(heads)
        self._places = places  # per article: file number, byte offset, byte length
        self._handles: dict[int, int] = {}

    @property
    def heads(self) -> tuple[Article, ...]:
        """Each article without its text (and without ``meta``): what ordering and case records use."""
        return self._heads

    def __len__(self) -> int:
        return len(self._heads)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        number, offset, length = self._places[index].tolist()
        handle = self._handles.get(number)
        if handle is None:
            handle = self._handles[number] = os.open(self._paths[number], os.O_RDONLY)
        raw = os.pread(handle, length, offset)
        return Article.from_mapping(json.loads(raw), source=self._paths[number])

    def __iter__(self) -> Iterator[Article]:
        for start in range(0, len(self), 1024):
            yield from self.take(range(start, min(start + 1024, len(self))))

    def take(self, positions: Iterable[int]) -> list[Article]:
        """The articles at ``positions``, read in file order (then returned in the order asked)."""
        wanted = list(positions)
        order = sorted(range(len(wanted)), key=lambda k: self._places[wanted[k]].tolist())
        found: list[Article | None] = [None] * len(wanted)
        for k in order:
            found[k] = self[wanted[k]]
        return [a for a in found if a is not None]

    def in_order(self, positions: Sequence[int]) -> JsonlArticles:
        """The same articles, ordered by ``positions`` (e.g. sorted by id)."""
        chosen = np.asarray(positions, dtype=np.int64)
        return JsonlArticles(
            self._paths, [self._heads[i] for i in chosen.tolist()], self._places[chosen]
        )

    def __getstate__(self) -> dict[str, Any]:
        # Open files stay with their process; a worker opens its own.
        return {"paths": self._paths, "heads": self._heads, "places": self._places}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["paths"], state["heads"], state["places"])  # type: ignore[misc]

    def __del__(self) -> None:
        for handle in getattr(self, "_handles", {}).values():
            with contextlib.suppress(OSError):
                os.close(handle)


@attrs.define
class _Collector:
    """Mutable accumulator used only inside this module while reading."""

    articles: dict[str, Article] = attrs.field(factory=dict)
    rejects: list[Reject] = attrs.field(factory=list)
    repeats: int = 0

    def add_record(self, record: object, *, source: str, line: int | None) -> None:
        try:
            article = Article.from_mapping(record, source=source, line=line)  # type: ignore[arg-type]
        except InputError as error:
            self.reject(source, line, error.article_id, error.field, str(error))
            return
        self.add_article(article, source=source, line=line)

    def add_article(self, article: Article, *, source: str, line: int | None) -> None:
        known = self.articles.get(article.id)
        if known is None:
            self.articles[article.id] = article
        elif known.content_hash == article.content_hash:
            self.repeats += 1
        else:
            self._reject_duplicate(article, source=source, line=line)

    def _reject_duplicate(self, article: Article, *, source: str, line: int | None) -> None:
        self.reject(
            source,
            line,
            article.id,
            "id",
            f"duplicate id {article.id!r} with different content from the record read first; "
            "give each distinct article its own id",
        )

    def reject(
        self, source: str, line: int | None, article_id: str | None, field: str | None, reason: str
    ) -> None:
        logger.debug("rejected %s line %s: %s", source, line, reason)
        self.rejects.append(Reject(source, line, article_id, field, reason))

    def result(self) -> Ingested:
        return Ingested(tuple(self.articles.values()), tuple(self.rejects), self.repeats)


@attrs.define
class _LazyCollector(_Collector):
    """A `_Collector` that keeps heads and file places instead of whole articles (``lazy=True``)."""

    paths: list[str] = attrs.field(factory=list)
    hashes: dict[str, str] = attrs.field(factory=dict)
    places: dict[str, tuple[int, int, int]] = attrs.field(factory=dict)
    place: tuple[int, int] = (0, 0)

    def add_article(self, article: Article, *, source: str, line: int | None) -> None:
        known = self.hashes.get(article.id)
        if known is None:
            self.hashes[article.id] = article.content_hash
            self.articles[article.id] = attrs.evolve(article, text="", meta={})
            self.places[article.id] = (len(self.paths) - 1, *self.place)
        elif known == article.content_hash:
            self.repeats += 1
        else:
            self._reject_duplicate(article, source=source, line=line)

    def result(self) -> Ingested:
        ids = list(self.articles)
        places = np.array([self.places[i] for i in ids], dtype=np.int64).reshape(-1, 3)
        stored = JsonlArticles(self.paths, list(self.articles.values()), places)
        return Ingested(stored, tuple(self.rejects), self.repeats)


def read_records(
    records: Iterable[Mapping[str, Any] | Article], *, source: str = "<iterable>"
) -> Ingested:
    """Validate in-memory records (mappings or `Article` objects) into articles and rejects.

    Examples:
        >>> batch = read_records([{"id": "a", "text": "body"}, {"id": "b"}])
        >>> [a.id for a in batch], [r.field for r in batch.rejects]
        (['a'], ['text'])
    """
    collector = _Collector()
    for number, record in enumerate(records, start=1):
        if isinstance(record, Article):
            collector.add_article(record, source=source, line=number)
        else:
            collector.add_record(record, source=source, line=number)
    return collector.result()


def read_articles(
    *inputs: str | Path | Any, columns: Mapping[str, str] | None = None, lazy: bool | None = False
) -> Ingested:
    """Read articles from files, directories, feeds or pandas DataFrames.

    Args:
        inputs: one or more of: a ``.jsonl`` (or ``.json``) file with one JSON object per line
            (``id``, ``title``, ``text`` and optional ``published``, ``source``, ``url``); a ``.csv``
            file with those column names; a directory of ``.txt`` articles whose first line is the
            title and where a line starting with ``date YYYY-MM-DD`` gives the publication date; an
            RSS 2.0 or Atom file (``.rss``, ``.atom``, ``.xml``; needs ``caselink[feeds]``, see
            `caselink.feeds`); or a pandas DataFrame with those columns (needs ``caselink[pandas]``).
        columns: for DataFrames, a mapping from the frame's column names to caselink's keys, e.g.
            ``{"headline": "title", "body": "text", "guid": "id"}``; other columns go to ``meta``.
        lazy: keep the texts on disk (`JsonlArticles`): every input must be a JSONL file. For
            corpora too large to hold in memory; the articles and rejects are the same. ``None``:
            lazily when every input is a JSONL file.

    Returns:
        The accepted articles and the rejected records (a DataFrame's rejects carry the 1-based row
        number in ``line``).

    Raises:
        InputError: when a path does not exist, a file holds no JSON at all, a feed file is not a
            feed, ``columns`` names a missing column, or nothing was read.

    Examples:
        >>> batch = read_articles("examples/data/articles.jsonl")  # doctest: +SKIP
        >>> len(batch.articles), len(batch.rejects)  # doctest: +SKIP
        (40, 0)
        >>> import pandas as pd  # doctest: +SKIP
        >>> frame = pd.DataFrame({"guid": ["a1"], "body": ["PC Jane Roe was dismissed."]})  # doctest: +SKIP
        >>> read_articles(frame, columns={"guid": "id", "body": "text"}).articles[0].id  # doctest: +SKIP
        'a1'
    """
    if not inputs:
        msg = "read_articles needs at least one path to a .jsonl file, .csv file, feed or directory, or a DataFrame"
        raise InputError(msg)
    collector = _LazyCollector() if _lazy(inputs, lazy) else _Collector()
    seen_records = sum(_read_input(raw, collector, columns) for raw in inputs)
    if seen_records == 0:
        names = ", ".join(
            repr(str(p)) if isinstance(p, str | Path) else "<DataFrame>" for p in inputs
        )
        msg = f"no input records found in {names}; the inputs are empty"
        raise InputError(msg)
    return collector.result()


def _lazy(inputs: Sequence[Any], lazy: bool | None) -> bool:
    """Whether to keep texts on disk: ``lazy``, or (``None``) when every input is a JSONL file."""
    if lazy is False:
        return False
    # Missing paths are left to the reader, which says they do not exist.
    other = [
        raw
        for raw in inputs
        if not isinstance(raw, str | Path) or (Path(raw).exists() and _kind(Path(raw)) != "jsonl")
    ]
    if lazy and other:
        msg = "read_articles(lazy=True) reads only .jsonl files; read the other inputs without lazy"
        raise InputError(msg)
    return not other


def _read_input(raw: Any, collector: _Collector, columns: Mapping[str, str] | None) -> int:
    """Read one input of `read_articles` into ``collector``; return how many records it held."""
    if is_dataframe(raw):
        records = 0
        for number, record in enumerate(dataframe_records(raw, columns), start=1):
            records += 1
            collector.add_record(record, source="<DataFrame>", line=number)
        return records
    if not isinstance(raw, str | Path):
        msg = (
            f"read_articles takes paths or pandas DataFrames, got {type(raw).__name__}; "
            "pass in-memory records to read_records instead"
        )
        raise InputError(msg)
    path = Path(raw)
    if not path.exists():
        msg = (
            f"input {str(path)!r} does not exist; pass a .jsonl file, a .csv file, "
            "an RSS/Atom feed file or a directory of .txt files"
        )
        raise InputError(msg, source=str(path))
    kind = _kind(path)
    if kind == "dir":
        return _read_text_dir(path, collector)
    if kind == "csv":
        return _read_csv(path, collector)
    if kind == "feed":
        return _read_feed(path.read_bytes(), str(path), collector)
    return _read_jsonl(path, collector)


def _kind(path: Path) -> str:
    """How `read_articles` reads a path: ``"dir"``, ``"csv"``, ``"feed"`` or ``"jsonl"``."""
    if path.is_dir():
        return "dir"
    if path.suffix.lower() == ".csv":
        return "csv"
    return "feed" if path.suffix.lower() in FEED_SUFFIXES else "jsonl"


def read_feeds(*feeds: str | Path | bytes) -> Ingested:
    """Read RSS 2.0 / Atom feeds (files, or documents as text or bytes) into articles and rejects.

    Needs the ``feeds`` extra (``pip install "caselink[feeds]"``). Each item's guid (or link) becomes
    a stable article id, ``published`` keeps the publisher's time zone, HTML bodies become text, and
    malformed items are set aside as rejects with a reason; see `caselink.feeds` for the details.

    Args:
        feeds: paths to feed files, or feed documents themselves (a ``str`` starting with ``<``, or
            ``bytes``). A URL is not fetched: download feeds first.

    Raises:
        InputError: when a path does not exist or a document is not a feed.

    Examples:
        >>> atom = '''<feed xmlns="http://www.w3.org/2005/Atom"><title>Northmoor Courier</title>
        ...   <entry><id>tag:northmoor.example,2024:7</id><title>Officer sacked</title>
        ...   <updated>2024-03-01T22:15:00+10:00</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry>
        ... </feed>'''
        >>> article = read_feeds(atom).articles[0]
        >>> article.id, article.source, article.published.isoformat(), article.meta["published_at"]
        ('tag:northmoor.example,2024:7', 'Northmoor Courier', '2024-03-01', '2024-03-01T22:15:00+10:00')
    """
    if not feeds:
        msg = "read_feeds needs at least one feed file or feed document"
        raise InputError(msg)
    collector = _Collector()
    for number, feed in enumerate(feeds, start=1):
        if isinstance(feed, bytes):
            _read_feed(feed, f"<feed {number}>", collector)
        elif isinstance(feed, str) and feed.lstrip().startswith("<"):
            _read_feed(feed.encode("utf-8"), f"<feed {number}>", collector)
        else:
            path = Path(feed)
            if not path.is_file():
                msg = f"feed {str(path)!r} is not a file; pass a path to an RSS/Atom file or the document itself"
                raise InputError(msg, source=str(path))
            _read_feed(path.read_bytes(), str(path), collector)
    return collector.result()


def _read_feed(content: bytes, source: str, collector: _Collector) -> int:
    records, rejects = parse_feed(content, source=source)
    for reject in rejects:
        collector.reject(reject.source, reject.line, reject.article_id, reject.field, reject.reason)
    for record in records:
        collector.add_record(record, source=source, line=None)
    return len(records) + len(rejects)


def _read_jsonl(path: Path, collector: _Collector) -> int:
    source = str(path)
    records = 0
    parsed = 0
    offset = 0
    if isinstance(collector, _LazyCollector):
        collector.paths.append(source)
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            at, offset = offset, offset + len(raw_line)
            if not raw_line.strip():
                continue
            records += 1
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as error:
                collector.reject(
                    source,
                    number,
                    None,
                    None,
                    f"line is not valid UTF-8 (bad byte at offset {error.start}); re-encode the file as UTF-8",
                )
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                collector.reject(
                    source,
                    number,
                    None,
                    None,
                    f"line is not valid JSON ({error.msg} at column {error.colno}); "
                    "each line must be one JSON object",
                )
                continue
            parsed += 1
            if isinstance(collector, _LazyCollector):
                collector.place = (at, len(raw_line))
            collector.add_record(record, source=source, line=number)
    if records and not parsed:
        msg = (
            f"{source!r} holds no JSON at all ({records} non-empty lines, none parses); "
            "expected one JSON object per line (JSONL)"
        )
        raise InputError(msg, source=source)
    return records


def _read_csv(path: Path, collector: _Collector) -> int:
    source = str(path)
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        msg = f"{source!r} is not valid UTF-8 (bad byte at offset {error.start}); re-encode it as UTF-8"
        raise InputError(msg, source=source) from error
    records = 0
    for number, row in enumerate(csv.DictReader(io.StringIO(content)), start=2):
        records += 1
        collector.add_record(
            {k: v for k, v in row.items() if k is not None}, source=source, line=number
        )
    return records


def _read_text_dir(path: Path, collector: _Collector) -> int:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".txt" and p.is_file())
    for file in files:
        try:
            content = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            collector.reject(
                str(file),
                None,
                file.stem,
                None,
                f"file is not valid UTF-8 (bad byte at offset {error.start})",
            )
            continue
        collector.add_record(parse_text_article(file.stem, content), source=str(file), line=None)
    return len(files)


def parse_text_article(article_id: str, content: str) -> dict[str, Any]:
    """Parse one plain-text article: first non-empty line is the title, ``date YYYY-MM-DD`` gives the date.

    The date marker is removed; whatever follows it on its line stays as text.

    Examples:
        >>> parse_text_article("x", "Headline\\n date 2021-10-15 Body.")["published"]
        '2021-10-15'
    """
    published = None
    lines = []
    for line in content.splitlines():
        match = _DATE_LINE.match(line)
        if match and published is None:
            published = match.group(1)
            line = match.group(2)  # noqa: PLW2901 - the date marker is dropped, its line's text kept
        lines.append(line)
    while lines and not lines[0].strip():
        lines.pop(0)
    title = lines[0].strip() if lines else ""
    text = "\n".join(lines[1:]).strip()
    return {"id": article_id, "title": title, "text": text, "published": published}
