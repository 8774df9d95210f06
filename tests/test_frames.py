"""pandas in and out: read_articles(DataFrame, columns=...) and Resolution.to_pandas()."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings

import caselink
from caselink.errors import InputError

from .strategies import plain_articles

pd = pytest.importorskip(
    "pandas", reason="pandas is not installed (pip install 'caselink[pandas]')"
)

RENAME = {
    "guid": "id",
    "headline": "title",
    "body": "text",
    "date": "published",
    "outlet": "source",
}


def _frame(articles) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "guid": [a.id for a in articles],
            "headline": [a.title for a in articles],
            "body": [a.text for a in articles],
            "date": [a.published for a in articles],
            "outlet": [a.source for a in articles],
            "url": [a.url for a in articles],
        }
    )


@settings(max_examples=25)
@given(plain_articles())
def test_dataframe_round_trip(articles) -> None:
    """Articles -> DataFrame with other column names -> read_articles gives the same articles back."""
    batch = caselink.read_articles(_frame(articles), columns=RENAME)
    assert batch.rejects == ()
    assert list(batch.articles) == articles


def test_dataframe_matches_jsonl_and_extra_columns_go_to_meta(example_articles) -> None:
    """A DataFrame of the example corpus resolves exactly like its JSONL file; unknown columns land in meta."""
    from_file = caselink.read_articles(example_articles)
    frame = _frame(from_file.articles).assign(section="news")
    from_frame = caselink.read_articles(frame, columns=RENAME)
    assert from_frame.articles == from_file.articles
    assert {a.meta["section"] for a in from_frame.articles} == {"news"}
    assert caselink.resolve(from_frame).assignments() == caselink.resolve(from_file).assignments()


def test_dataframe_missing_cells_and_timestamps() -> None:
    """NaN/NaT cells are missing values, Timestamps become dates, and a row without text is a reject."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "text": ["PC Jane Roe was dismissed.", "Body.", float("nan")],
            "title": [float("nan"), "T", "T"],
            "published": pd.to_datetime(["2024-04-08 23:30", None, "2024-04-09 08:00"]).tz_localize(
                "America/Chicago"
            ),
        }
    )
    batch = caselink.read_articles(frame)
    a, b = batch.articles
    assert (a.title, a.published.isoformat()) == ("", "2024-04-08")
    assert b.published is None
    [reject] = batch.rejects
    assert (reject.source, reject.line, reject.article_id, reject.field) == (
        "<DataFrame>",
        3,
        "c",
        "text",
    )


def test_dataframe_numpy_ids_are_plain_ints() -> None:
    """An integer id column (numpy int64) gives string ids, not rejects."""
    batch = caselink.read_articles(pd.DataFrame({"id": [7, 8], "text": ["x", "y"]}))
    assert [a.id for a in batch.articles] == ["7", "8"]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"nope": "text"}, "names \\['nope'\\]"),
        ({"body": "text", "other": "text"}, "duplicate columns"),
    ],
    ids=["missing-column", "duplicate-target"],
)
def test_bad_column_mapping_raises(columns, message) -> None:
    """A mapping that names a missing column, or maps two columns to one key, raises InputError."""
    frame = pd.DataFrame({"body": ["x"], "other": ["y"]})
    with pytest.raises(InputError, match=message):
        caselink.read_articles(frame, columns=columns)


def test_to_pandas_frames_agree_with_resolution(example_articles) -> None:
    """to_pandas gives one row per case, per article and per scored pair, consistent with the Resolution."""
    res = caselink.resolve(caselink.read_articles(example_articles))
    cases, assignments, pairs = res.to_pandas()
    assert list(cases["case_id"]) == [c.case_id for c in res.cases]
    assert cases["size"].sum() == len(res.articles)
    assert (
        dict(zip(assignments["article_id"], assignments["case_id"], strict=True))
        == res.assignments()
    )
    assert len(pairs) == len(res.pairs)
    assert pairs["linked"].sum() == len(res.links)
    assert (pairs.loc[pairs["linked"], "same_case"]).all()
    agency = res.case_of("ex-011").field("agency")
    row = cases.set_index("case_id").loc[res.case_of("ex-011").case_id]
    assert row["agency"] == agency.value


def test_missing_pandas_names_the_extra(monkeypatch, example_articles) -> None:
    """Without pandas, to_pandas raises ImportError naming the caselink[pandas] extra."""
    res = caselink.resolve(caselink.read_articles(example_articles))
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"caselink\[pandas\]"):
        res.to_pandas()
