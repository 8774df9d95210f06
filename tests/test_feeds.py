"""RSS 2.0 / Atom ingest: stable ids, time zones, HTML bodies, malformed items set aside."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import caselink
from caselink.errors import InputError

from .conftest import ROOT

pytest.importorskip(
    "feedparser", reason="feedparser is not installed (pip install 'caselink[feeds]')"
)
pytest.importorskip(
    "inscriptis", reason="inscriptis is not installed (pip install 'caselink[feeds]')"
)

from caselink.feeds import html_to_text, parse_feed, published_datetime
from caselink.ingest import read_feeds

FEEDS = ROOT / "examples" / "feeds"

RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Riverside Gazette</title><link>https://riverside.example/</link>
<item><guid isPermaLink="false">17</guid><title>PC Jane Roe dismissed</title>
  <link>https://riverside.example/roe</link>
  <description>&lt;p&gt;PC Jane Roe was &lt;b&gt;dismissed&lt;/b&gt;.&lt;/p&gt;
  &lt;p&gt;She may appeal.&lt;/p&gt;</description>
  <pubDate>Mon, 15 Nov 2021 23:30:00 -0500</pubDate></item>
<item><title>No guid here</title><link>https://riverside.example/no-guid</link>
  <description>Plain body.</description><pubDate>Tue, 16 Nov 2021 08:00:00 GMT</pubDate></item>
<item><guid>https://riverside.example/broken</guid><title>Broken date</title>
  <description>Body.</description><pubDate>the day after tomorrow</pubDate></item>
<item><guid>https://riverside.example/empty</guid><title></title><description></description></item>
</channel></rss>"""


def test_malformed_items_are_rejected_with_reasons() -> None:
    """An unreadable date and an empty item become rejects naming the item and the field; the rest is read."""
    batch = read_feeds(RSS)
    assert [a.title for a in batch.articles] == ["PC Jane Roe dismissed", "No guid here"]
    by_field = {r.field: r for r in batch.rejects}
    assert set(by_field) == {"published", "text"}
    assert by_field["published"].article_id == "https://riverside.example/broken"
    assert "item 3" in by_field["published"].reason
    assert "'the day after tomorrow'" in by_field["published"].reason
    assert "item 4" in by_field["text"].reason
    assert all(r.source == "<feed 1>" for r in batch.rejects)


def test_ids_dates_and_bodies() -> None:
    """Bare guids are prefixed by the feed link, link stands in for a missing guid; dates keep their offset."""
    roe, no_guid = read_feeds(RSS.encode()).articles
    assert roe.id == "https://riverside.example#17"
    assert no_guid.id == "https://riverside.example/no-guid"
    # 23:30 at -05:00 is 04:30 UTC on the 16th; the outlet printed the 15th.
    assert roe.published.isoformat() == "2021-11-15"
    assert roe.meta["published_at"] == "2021-11-15T23:30:00-05:00"
    assert roe.text == "PC Jane Roe was dismissed.\n\nShe may appeal."
    assert (roe.source, roe.url) == ("Riverside Gazette", "https://riverside.example/roe")


def test_ids_are_stable_across_edits_and_order() -> None:
    """Re-reading an edited feed with items in another order gives the same ids."""
    first = {a.title: a.id for a in read_feeds(RSS).articles}
    edited = RSS.replace("She may appeal.", "She will appeal.")
    items = edited.split("<item>")
    reordered = items[0] + "<item>" + "<item>".join([items[2], items[1], *items[3:]])
    second = {a.title: a.id for a in read_feeds(reordered).articles}
    assert second == first


def test_atom_with_offsets_and_html_content() -> None:
    """Atom entries use their id, the date in their own offset, and HTML content as text."""
    atom = """<feed xmlns="http://www.w3.org/2005/Atom"><title>Northmoor Courier</title>
      <entry><id>tag:northmoor.example,2024:7</id><title type="html">Officer &amp;lt;sacked&amp;gt;</title>
      <published>2024-03-01T00:15:00+10:00</published>
      <content type="html">&lt;p&gt;One.&lt;/p&gt;&lt;p&gt;Two.&lt;/p&gt;</content></entry></feed>"""
    [article] = read_feeds(atom).articles
    assert article.id == "tag:northmoor.example,2024:7"
    assert article.published.isoformat() == "2024-03-01"
    assert article.text == "One.\n\nTwo."
    assert article.title == "Officer <sacked>"


def test_not_a_feed_raises() -> None:
    """A document that is not RSS or Atom raises InputError saying what was expected."""
    with pytest.raises(InputError, match="not an RSS or Atom feed"):
        parse_feed(b"just some words, no XML", source="words.xml")


def test_strings_are_never_fetched(tmp_path) -> None:
    """A string that is not a document is read as a path, never as a URL to fetch."""
    with pytest.raises(InputError, match="is not a file"):
        read_feeds("https://riverside.example/feed.xml")


@given(st.integers(-12 * 60, 14 * 60))
def test_published_keeps_the_local_calendar_date(offset_minutes) -> None:
    """Whatever the offset, the RFC 822 and RFC 3339 readings agree and keep the date as written."""
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    rfc822 = published_datetime(f"Wed, 31 Jan 2024 23:59:00 {sign}{hours:02d}{minutes:02d}")
    rfc3339 = published_datetime(f"2024-01-31T23:59:00{sign}{hours:02d}:{minutes:02d}")
    assert rfc822 == rfc3339
    assert rfc822.date().isoformat() == "2024-01-31"


def test_html_to_text_drops_scripts_and_keeps_paragraphs() -> None:
    """Scripts and tags vanish, entities are decoded, paragraphs stay apart."""
    text = html_to_text("<p>A &amp; B</p><script>alert(1)</script><div>C</div>")
    assert "alert" not in text
    assert text.split("\n\n") == ["A & B", "C"]


def test_bundled_feeds_merge_into_cases() -> None:
    """The three bundled feeds: one malformed item rejected, the shared stories merged across outlets."""
    batch = caselink.read_articles(*sorted(FEEDS.iterdir()))
    assert len(batch.articles) == 9
    [reject] = batch.rejects
    assert reject.field == "published"
    res = caselink.resolve(batch)
    outlets = sorted(len(c.outlets) for c in res.cases if len(c.article_ids) > 1)
    assert outlets == [1, 2, 3]
    ellery = res.case_of("tag:northern-beat.example,2024:ellery-dismissed")
    assert set(ellery.outlets) == {"Metro Dispatch", "Northern Beat", "The Pennine Post"}


def test_missing_feedparser_names_the_extra(monkeypatch) -> None:
    """Without feedparser, reading a feed raises ImportError naming the caselink[feeds] extra."""
    monkeypatch.setitem(sys.modules, "feedparser", None)
    with pytest.raises(ImportError, match=r"caselink\[feeds\]"):
        read_feeds(RSS)
