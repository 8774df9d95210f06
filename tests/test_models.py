"""Records: pair keys are ordered, articles validate their input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink import Article, CandidatePair, InputError
from caselink.models import pair_key

from .strategies import article_ids


@given(article_ids, article_ids)
def test_pair_key_ordered_and_symmetric(x: str, y: str) -> None:
    """pair_key is (min, max) whatever the argument order."""
    assert pair_key(x, y) == pair_key(y, x) == (min(x, y), max(x, y))


@given(article_ids, article_ids, st.lists(st.sampled_from(["lsh", "name", "agency"])))
def test_candidate_pair_normalises_order(x: str, y: str, rules: list[str]) -> None:
    """CandidatePair.of stores a < b and sorted, distinct rules."""
    if x == y:
        with pytest.raises(ValueError, match="a < b"):
            CandidatePair.of(x, y, rules)
        return
    pair = CandidatePair.of(x, y, rules)
    assert pair.a < pair.b
    assert pair == CandidatePair.of(y, x, reversed(rules))
    assert list(pair.rules) == sorted(set(rules))


def test_direct_construction_rejects_wrong_order() -> None:
    """Building CandidatePair with b < a directly is refused with a pointer to CandidatePair.of."""
    with pytest.raises(ValueError, match=r"CandidatePair.of"):
        CandidatePair("b", "a")


class TestArticleFromMapping:
    def test_keeps_extra_keys_in_meta(self) -> None:
        """Unknown keys go to meta and do not change equality."""
        a = Article.from_mapping(
            {"id": 7, "text": "t", "feed": "x", "published": "2021-10-15T08:00:00Z"}
        )
        assert a.id == "7"
        assert a.meta == {"feed": "x"}
        assert a.published == dt.date(2021, 10, 15)
        assert a == Article.from_mapping({"id": "7", "text": "t", "published": "2021-10-15"})

    def test_missing_id_gets_stable_content_hash(self) -> None:
        """Without an id, the same content always gets the same id, and other content another."""
        one = Article.from_mapping({"title": "x", "text": "body"})
        assert one.id.startswith("sha1:")
        assert one.id == Article.from_mapping({"title": "x", "text": "body"}).id
        assert one.id != Article.from_mapping({"title": "x", "text": "body!"}).id

    @pytest.mark.parametrize(
        ("row", "field"),
        [
            ({"id": "a"}, "text"),
            ({"id": "a", "text": None}, "text"),
            ({"id": "a", "text": "t", "published": "15/10/2021"}, "published"),
            ({"id": "a", "text": "t", "title": 5}, "title"),
            ({"id": ["a"], "text": "t"}, "id"),
        ],
        ids=["no-text", "null-text", "bad-date", "numeric-title", "list-id"],
    )
    def test_bad_records_name_the_field(self, row: dict[str, object], field: str) -> None:
        """Each bad record raises InputError naming the offending field."""
        with pytest.raises(InputError) as info:
            Article.from_mapping(row, source="feed.jsonl", line=3)
        assert info.value.field == field
        assert field in str(info.value)

    def test_full_text_joins_title_and_body(self) -> None:
        """full_text is title, blank line, body; just the body when there is no title."""
        assert Article("a", "T", "B").full_text == "T\n\nB"
        assert Article("a", "", "B").full_text == "B"
