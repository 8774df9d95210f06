"""Readers: JSONL, CSV, seeds-style text directories and iterables of mappings -> `Article`.

A bad record never crashes a batch: it becomes a `Reject` with its file, line, id and reason, and the
rest of the batch goes on. Only input that is unusable as a whole (a missing file, a file with no JSON
at all, no input records) raises `InputError`.

Duplicate ids: a record whose id was already read with the same content is dropped as a repeat (and
counted); with different content it is rejected, and the first record read keeps the id.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from caselink.errors import InputError
from caselink.models import Article, Reject

__all__ = ["Ingested", "read_articles", "read_records"]

logger = logging.getLogger(__name__)

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

    articles: tuple[Article, ...]
    rejects: tuple[Reject, ...] = ()
    repeats: int = 0

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


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


def read_articles(*paths: str | Path) -> Ingested:
    """Read articles from JSONL files, CSV files or directories of ``.txt`` articles.

    Args:
        paths: one or more inputs. A ``.jsonl`` (or ``.json``) file holds one JSON object per line
            with ``id``, ``title``, ``text`` and optional ``published``, ``source``, ``url``; a ``.csv``
            file has those column names; a directory holds ``.txt`` articles whose first line is the
            title and where a line starting with ``date YYYY-MM-DD`` gives the publication date.

    Returns:
        The accepted articles and the rejected records.

    Raises:
        InputError: when a path does not exist, a file holds no JSON at all, or nothing was read.

    Examples:
        >>> batch = read_articles("examples/data/articles.jsonl")  # doctest: +SKIP
        >>> len(batch.articles), len(batch.rejects)  # doctest: +SKIP
        (40, 0)
    """
    if not paths:
        msg = "read_articles needs at least one path to a .jsonl file, .csv file or directory"
        raise InputError(msg)
    collector = _Collector()
    seen_records = 0
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            msg = f"input {str(path)!r} does not exist; pass a .jsonl file, a .csv file or a directory of .txt files"
            raise InputError(msg, source=str(path))
        if path.is_dir():
            seen_records += _read_text_dir(path, collector)
        elif path.suffix.lower() == ".csv":
            seen_records += _read_csv(path, collector)
        else:
            seen_records += _read_jsonl(path, collector)
    if seen_records == 0:
        names = ", ".join(repr(str(p)) for p in paths)
        msg = f"no input records found in {names}; the inputs are empty"
        raise InputError(msg)
    return collector.result()


def _read_jsonl(path: Path, collector: _Collector) -> int:
    source = str(path)
    records = 0
    parsed = 0
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
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
