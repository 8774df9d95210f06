"""Records: pair keys are ordered, articles validate their input, pair columns read back their pairs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caselink import Article, CandidatePair, InputError
from caselink.models import Candidates, Contribution, ScoredPair, ScoredPairs, pair_key

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


@st.composite
def _scored_lists(draw: st.DrawFn) -> list[ScoredPair]:
    ids = draw(st.lists(article_ids, min_size=2, max_size=8, unique=True))
    keys = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=20))
    out: dict[tuple[str, str], ScoredPair] = {}
    for x, y in keys:
        if x != y:
            weight = draw(st.floats(-20.0, 20.0))
            rules = draw(st.lists(st.sampled_from(["lsh", "name", "terms"]), unique=True))
            contributions = [Contribution("agency", "exact", weight)] if weight > 0 else []
            a, b = pair_key(x, y)
            out[a, b] = ScoredPair(a, b, weight, 0.5, contributions, sorted(rules))
    return list(out.values())


class TestScoredPairs:
    @given(_scored_lists(), st.randoms(use_true_random=False))
    def test_columns_read_back_the_pairs_sorted_by_key(self, pairs: list[ScoredPair], rnd) -> None:
        """Pairs stored as columns read back equal, in key order, from any input order."""
        shuffled = list(pairs)
        rnd.shuffle(shuffled)
        columns = ScoredPairs.from_pairs(shuffled)
        assert list(columns) == sorted(pairs, key=lambda p: p.key)
        assert columns == sorted(pairs, key=lambda p: p.key)
        assert len(columns) == len(pairs)
        for pair in pairs:
            assert columns.find(pair.b, pair.a) == pair
            assert pair in columns

    @given(_scored_lists(), st.data())
    def test_subset_holds_exactly_the_kept_pairs(self, pairs: list[ScoredPair], data) -> None:
        """A subset reads back the kept pairs only; find and membership agree with it."""
        columns = ScoredPairs.from_pairs(pairs)
        keep = data.draw(st.lists(st.booleans(), min_size=len(columns), max_size=len(columns)))
        part = columns.subset(np.array(keep, dtype=bool))
        expected = [p for p, k in zip(columns, keep, strict=True) if k]
        assert list(part) == expected
        assert part[:] == expected
        for pair, kept in zip(columns, keep, strict=True):
            assert (part.find(pair.a, pair.b) is not None) is kept
            assert (pair in part) is kept

    def test_unknown_pairs_are_not_found(self) -> None:
        """Pairs of unknown articles, or known articles never paired, give None."""
        columns = ScoredPairs.from_pairs([ScoredPair("a", "c", 1.0, 0.6, ())])
        assert columns.find("a", "b") is None
        assert columns.find("x", "y") is None
        assert columns.find("c", "a") is not None

    def test_candidates_refuse_unsorted_ids(self) -> None:
        """Columns index articles by position, so their ids must be sorted and distinct."""
        with pytest.raises(ValueError, match="sorted"):
            Candidates(("b", "a"), np.array([0]), np.array([1]), np.array([1]), ("lsh",))
