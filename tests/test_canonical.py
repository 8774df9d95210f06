"""Canonical case records: chosen values with provenance, alternatives, conflicts, timeline."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given
from hypothesis import strategies as st

from caselink.canonical import build_case, build_cases
from caselink.config import CanonicalConfig
from caselink.models import Article, ArticleFields, Incident, Mention


def _m(norm: str) -> Mention:
    return Mention(norm, norm, 0, len(norm))


def _article(aid: str, day: int | None, source: str | None = None, title: str = "") -> Article:
    published = None if day is None else dt.date(2024, 3, day)
    return Article(aid, title or f"title {aid}", "text", published, source)


def test_majority_value_wins_with_its_articles_and_alternatives() -> None:
    """The value most articles state is chosen, with its articles in date order and the rest as alternatives."""
    arts = {a.id: a for a in (_article("a", 3), _article("b", 1), _article("c", 2))}
    fields = {
        "a": ArticleFields("a", agencies=[_m("kent police")]),
        "b": ArticleFields("b", agencies=[_m("kent police")]),
        "c": ArticleFields("c", agencies=[_m("the met")]),
    }
    case = build_case(Incident("case-x", ["a", "b", "c"]), arts, fields)
    agency = case.field("agency")
    assert agency is not None
    assert agency.value == "kent police"
    assert agency.article_ids == ("b", "a")
    assert agency.alternatives == (("the met", 1),)
    assert agency.conflict


def test_tie_goes_to_earliest_published() -> None:
    """With equal support, the value of the earliest-published article wins."""
    arts = {a.id: a for a in (_article("a", 5), _article("b", 2))}
    fields = {
        "a": ArticleFields("a", references=[_m("2024/1")]),
        "b": ArticleFields("b", references=[_m("2024/2")]),
    }
    case = build_case(Incident("c", ["a", "b"]), arts, fields)
    assert case.field("reference").value == "2024/2"


def test_multi_valued_fields_are_not_conflicts() -> None:
    """Several people named across articles is normal, not a conflict."""
    arts = {a.id: a for a in (_article("a", 1), _article("b", 2))}
    fields = {
        "a": ArticleFields("a", people=[_m("ann lee")]),
        "b": ArticleFields("b", people=[_m("bob ray")]),
    }
    people = build_case(Incident("c", ["a", "b"]), arts, fields).field("people")
    assert people is not None
    assert not people.conflict


def test_conflict_min_support_ignores_stray_mentions() -> None:
    """A single-valued field is a conflict only when the alternative has enough support."""
    arts = {a.id: a for a in (_article("a", 1), _article("b", 2), _article("c", 3))}
    fields = {
        "a": ArticleFields("a", agencies=[_m("kent police")]),
        "b": ArticleFields("b", agencies=[_m("kent police")]),
        "c": ArticleFields("c", agencies=[_m("the met")]),
    }
    incident = Incident("c", ["a", "b", "c"])
    assert build_case(incident, arts, fields).field("agency").conflict
    lenient = CanonicalConfig(conflict_min_support=2)
    assert not build_case(incident, arts, fields, lenient).field("agency").conflict


def test_event_date_conflict_depends_on_distance() -> None:
    """Event dates a few days apart agree; dates months apart are flagged."""
    arts = {a.id: a for a in (_article("a", 1), _article("b", 2), _article("c", 3))}

    def case_with(other: str):
        fields = {
            "a": ArticleFields("a", event_dates=[_m("2024-02-27")]),
            "b": ArticleFields("b", event_dates=[_m("2024-02-27")]),
            "c": ArticleFields("c", event_dates=[_m(other)]),
        }
        return build_case(Incident("c", ["a", "b", "c"]), arts, fields).field("event_dates")

    assert not case_with("2024-02-28").conflict
    assert case_with("2023-06-01").conflict


def test_timeline_orders_event_reports_outcome_and_undated() -> None:
    """The timeline runs: event, first report, follow-ups, the first outcome report, undated last."""
    arts = {
        a.id: a
        for a in (
            _article("a", 2, "one.example"),
            _article("b", 5, "two.example"),
            _article("c", 9, "one.example"),
            _article("d", None, None),
        )
    }
    fields = {
        "a": ArticleFields("a", event_dates=[_m("2024-03-01")]),
        "b": ArticleFields("b"),
        "c": ArticleFields("c", outcomes=[_m("dismissed")]),
        "d": ArticleFields("d", outcomes=[_m("dismissed")]),
    }
    case = build_case(Incident("c", ["a", "b", "c", "d"]), arts, fields)
    kinds = [(e.kind, e.article_id) for e in case.timeline]
    assert kinds == [
        ("event", "a"),
        ("first report", "a"),
        ("follow-up", "b"),
        ("outcome", "c"),
        ("undated", "d"),
    ]
    assert case.timeline[3].detail == "dismissed"
    assert case.timeline[0].date == dt.date(2024, 3, 1)
    assert case.outlets == ("one.example", "two.example")
    assert (case.first_seen, case.last_seen) == (dt.date(2024, 3, 2), dt.date(2024, 3, 9))
    assert case.headline == "title a"


def test_case_renders_to_jsonl_row() -> None:
    """A case renders every field with provenance and the timeline with kinds and details."""
    arts = {a.id: a for a in (_article("a", 1, "x.example"), _article("b", 4, "y.example"))}
    fields = {
        "a": ArticleFields("a", agencies=[_m("kent police")]),
        "b": ArticleFields("b", agencies=[_m("kent police")], outcomes=[_m("cleared")]),
    }
    row = build_case(Incident("case-1", ["a", "b"]), arts, fields).to_dict()
    assert row["fields"]["agency"] == {
        "value": "kent police",
        "article_ids": ["a", "b"],
        "alternatives": [],
        "conflict": False,
    }
    assert [e["kind"] for e in row["timeline"]] == ["first report", "outcome"]
    assert row["timeline"][1]["detail"] == "cleared"
    assert row["outlets"] == ["x.example", "y.example"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["kent police", "the met", "police scotland"]),
            st.none() | st.integers(1, 28),
        ),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_case_does_not_depend_on_order(rows, rnd: random.Random) -> None:
    """Shuffling the mappings and the member order gives the same case record."""
    arts = {f"a{i}": _article(f"a{i}", day) for i, (_agency, day) in enumerate(rows)}
    fields = {
        f"a{i}": ArticleFields(f"a{i}", agencies=[_m(agency)])
        for i, (agency, _d) in enumerate(rows)
    }
    ids = list(arts)
    before = build_cases([Incident("c", ids)], arts, fields)
    rnd.shuffle(ids)
    shuffled_arts = dict(sorted(arts.items(), key=lambda kv: rnd.random()))
    after = build_cases([Incident("c", ids)], shuffled_arts, fields)
    assert after == before
    chosen = before[0].field("agency")
    support = sum(1 for agency, _ in rows if agency == chosen.value)
    assert all(n <= support for _v, n in chosen.alternatives)


def test_first_report_with_outcome_carries_it_and_no_outcome_entry_follows() -> None:
    """When the first report states the outcome, it carries it and later reports stay follow-ups."""
    arts = {a.id: a for a in (_article("a", 1), _article("b", 2))}
    fields = {
        "a": ArticleFields("a", outcomes=[_m("dismissed")]),
        "b": ArticleFields("b", outcomes=[_m("dismissed")]),
    }
    timeline = build_case(Incident("c", ["a", "b"]), arts, fields).timeline
    assert [(e.kind, e.detail) for e in timeline] == [
        ("first report", "dismissed"),
        ("follow-up", ""),
    ]


def test_tie_within_one_article_goes_to_first_mention() -> None:
    """Between values of equal support from one article, the one it mentions first is chosen."""
    arts = {"a": _article("a", 1)}
    fields = {"a": ArticleFields("a", outcomes=[_m("dismissed"), _m("charged")])}
    case = build_case(Incident("c", ["a"]), arts, fields)
    assert case.field("outcome").value == "dismissed"
    assert case.timeline[0].detail == "dismissed"
