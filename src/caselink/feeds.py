"""RSS 2.0 and Atom feeds -> input records, part of the ingest stage (extra ``caselink[feeds]``).

Parsing uses feedparser (the maintained, forgiving RSS/Atom parser); HTML bodies become text with
inscriptis, which keeps paragraph breaks. Both are imported on first use, with an ImportError naming
the extra when they are missing. Feed content is always handed to feedparser as bytes, so a string
can never make it fetch a URL: this module does no network access.

How items map to articles:

- **id**: the item's ``guid`` (RSS) or ``id`` (Atom) when it is an absolute URI (a permalink,
  ``tag:`` or ``urn:`` id), which is unique by definition; a bare guid such as ``"1234"`` is unique
  only inside its feed, so it is prefixed with the feed's link (or title). Without a guid the item's
  link is used; without either, `Article.from_mapping` falls back to a content hash. The id thus stays
  the same across re-reads of a feed, whatever else changes in the item.
- **published**: ``pubDate``/``published`` (or ``updated``) is parsed with its time-zone offset
  (RFC 822 or RFC 3339); the article date is the calendar date *in the publisher's own offset* (what
  the outlet printed), and the exact instant is kept in ``meta["published_at"]`` (ISO 8601 with
  offset). Formats only feedparser understands fall back to its UTC reading.
- **source**: the feed's title (the outlet), else the host of the feed's link.
- **text**: the fullest body (``content:encoded`` / Atom ``content``, else the description or summary),
  HTML converted to text.

Malformed items (no title and no body, a date nobody can read) become `Reject` records with the item
number and the reason; a document that is not a feed at all raises `InputError`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from caselink.errors import InputError
from caselink.models import Reject

__all__ = ["html_to_text", "parse_feed", "published_datetime"]

logger = logging.getLogger(__name__)

_FEEDS_HINT = (
    'feeds need feedparser and inscriptis; install them with: pip install "caselink[feeds]"'
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


def _feedparser() -> Any:
    try:
        import feedparser  # noqa: PLC0415 - optional dependency
    except ImportError as error:
        raise ImportError(_FEEDS_HINT) from error
    return feedparser


def html_to_text(markup: str) -> str:
    """Convert an HTML fragment to plain text, one blank line between paragraphs.

    Examples:
        >>> html_to_text("<p>PC Jane Roe was <b>dismissed</b>.</p><p>She may appeal &amp; will.</p>")
        'PC Jane Roe was dismissed.\\n\\nShe may appeal & will.'
    """
    try:
        from inscriptis import get_text  # noqa: PLC0415 - optional dependency
    except ImportError as error:
        raise ImportError(_FEEDS_HINT) from error
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    text: str = get_text(markup)
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def published_datetime(raw: str) -> dt.datetime | None:
    """Parse an RSS (RFC 822) or Atom (RFC 3339) date, keeping its time-zone offset.

    Returns ``None`` when the text is in neither format. A date without an offset is returned naive.

    Examples:
        >>> published_datetime("Mon, 15 Nov 2021 23:30:00 -0500").isoformat()
        '2021-11-15T23:30:00-05:00'
        >>> published_datetime("2021-11-16T04:30:00Z").isoformat()
        '2021-11-16T04:30:00+00:00'
        >>> published_datetime("last Tuesday") is None
        True
    """
    text = raw.strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None and parsed.utcoffset() == dt.timedelta(0) and "-0000" in text:
        # RFC 2822: "-0000" means "offset unknown"; keep the wall-clock date as written.
        parsed = parsed.replace(tzinfo=None)
    return parsed


def _feed_key(feed: Mapping[str, Any], source: str) -> str:
    link = feed.get("link") or ""
    return str(link or feed.get("title") or source).rstrip("/")


def _outlet(feed: Mapping[str, Any]) -> str | None:
    title = str(feed.get("title") or "").strip()
    if title:
        return title
    host = urlsplit(str(feed.get("link") or "")).hostname
    return host or None


def _body(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    candidates = [(c.get("value") or "", c.get("type") or "") for c in contents]
    summary = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary") or "", summary.get("type") or "text/html"))
    value, kind = max(candidates, key=lambda vc: len(vc[0].strip()))
    return html_to_text(value) if kind in _HTML_TYPES else value.strip()


def _title(entry: Mapping[str, Any]) -> str:
    title = str(entry.get("title") or "")
    detail = entry.get("title_detail") or {}
    if detail.get("type") in _HTML_TYPES:
        title = html_to_text(title)
    return " ".join(title.split())


def _item_id(entry: Mapping[str, Any], feed_key: str) -> str | None:
    guid = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    if guid:
        return guid if _SCHEME.match(guid) else f"{feed_key}#{guid}"
    return link or None


def _published(entry: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """Return ``(date, instant, problem)`` for an entry: ISO date, ISO datetime, or why it failed."""
    # dict.get, not entry.get: feedparser's own lookup maps missing "updated" keys onto
    # "published" with a DeprecationWarning; reading the raw keys keeps both meanings apart.
    raw = str(dict.get(entry, "published") or dict.get(entry, "updated") or "").strip()
    if not raw:
        return None, None, None
    parsed = published_datetime(raw)
    if parsed is not None:
        return parsed.date().isoformat(), parsed.isoformat(), None
    fallback = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if fallback:
        year, month, day, hour, minute, second = fallback[:6]
        instant = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
        return instant.date().isoformat(), instant.isoformat(), None
    problem = (
        f"its date {raw!r} is neither RFC 822 (e.g. 'Mon, 15 Nov 2021 09:30:00 +0000') "
        "nor RFC 3339 (e.g. '2021-11-15T09:30:00Z'); fix the item's pubDate/published"
    )
    return None, None, problem


def parse_feed(
    content: bytes | str, *, source: str = "<feed>"
) -> tuple[list[dict[str, Any]], list[Reject]]:
    """Parse an RSS 2.0 or Atom document into input records and rejected items.

    Args:
        content: the feed document (bytes, or text that is the document itself, never a URL).
        source: where it came from (a path or a name), used for rejects and as a last-resort feed key.

    Returns:
        The records, ready for `Article.from_mapping` (``meta`` keys ``feed`` and, when dated,
        ``published_at``), and the items set aside, each with its item number and reason.

    Raises:
        InputError: when the document is not an RSS or Atom feed at all.
        ImportError: when the ``feeds`` extra is not installed.

    Examples:
        >>> rss = b'''<rss version="2.0"><channel><title>Riverside Gazette</title>
        ...   <link>https://riverside.example/</link>
        ...   <item><guid>17</guid><title>PC dismissed</title><description>&lt;p&gt;Body.&lt;/p&gt;</description>
        ...     <pubDate>Mon, 15 Nov 2021 23:30:00 -0500</pubDate></item></channel></rss>'''
        >>> records, rejects = parse_feed(rss)
        >>> records[0]["id"], records[0]["published"], records[0]["text"], rejects
        ('https://riverside.example#17', '2021-11-15', 'Body.', [])
    """
    feedparser = _feedparser()
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    parsed = feedparser.parse(data)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        msg = (
            f"{source!r} is not an RSS or Atom feed{detail}; expected an XML document whose root is "
            "<rss> or <feed xmlns='http://www.w3.org/2005/Atom'>"
        )
        raise InputError(msg, source=source)
    if parsed.get("bozo"):
        logger.warning(
            "feed %s is not well-formed, read leniently: %s", source, parsed.bozo_exception
        )
    feed = parsed.feed
    key = _feed_key(feed, source)
    outlet = _outlet(feed)
    records: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, entry in enumerate(parsed.entries, start=1):
        article_id = _item_id(entry, key)
        title, text = _title(entry), _body(entry)
        label = f"item {number}" + (f" ({article_id})" if article_id else "")
        if not title and not text:
            reason = f"{label} has neither a title nor a body; the feed item is empty"
            rejects.append(Reject(source, None, article_id, "text", reason))
            continue
        published, instant, problem = _published(entry)
        if problem:
            rejects.append(Reject(source, None, article_id, "published", f"{label}: {problem}"))
            continue
        record: dict[str, Any] = {
            "id": article_id,
            "title": title,
            "text": text,
            "published": published,
            "source": outlet,
            "url": str(entry.get("link") or "") or None,
            "feed": source,
        }
        if instant:
            record["published_at"] = instant
        records.append(record)
    return records, rejects
