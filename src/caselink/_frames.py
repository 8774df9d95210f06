"""pandas in and out: DataFrame rows -> input records, `Resolution` -> DataFrames.

pandas is an optional dependency (``caselink[pandas]``); it is imported here, on first use only, and a
missing install raises an ImportError that names the extra.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from caselink.errors import InputError
from caselink.models import ResolutionFrames

if TYPE_CHECKING:
    from caselink.models import Resolution

__all__ = ["dataframe_records", "is_dataframe", "require_pandas", "resolution_frames"]

_PANDAS_HINT = 'pandas is needed for DataFrames; install it with: pip install "caselink[pandas]"'


def require_pandas() -> Any:
    """Import pandas, or raise an ImportError that names the ``pandas`` extra."""
    try:
        import pandas as pd  # noqa: PLC0415 - optional dependency
    except ImportError as error:
        raise ImportError(_PANDAS_HINT) from error
    return pd


def is_dataframe(value: object) -> bool:
    """Tell whether ``value`` is a pandas DataFrame, without importing pandas."""
    return any(
        cls.__name__ == "DataFrame" and cls.__module__.startswith("pandas")
        for cls in type(value).__mro__
    )


def _plain(value: Any) -> Any:
    """Turn a pandas/numpy cell into a plain Python value; missing cells (NaN, NaT, NA) become None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        value = item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, dt.datetime) and type(value) is not dt.datetime:
        # A pandas Timestamp: keep its calendar date as written (in its own time zone).
        value = value.to_pydatetime()  # type: ignore[attr-defined]
    return value


def dataframe_records(
    frame: Any, columns: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield one input record per DataFrame row, renaming columns with ``columns``.

    Args:
        frame: a pandas DataFrame.
        columns: a mapping from the frame's column names to caselink's keys (``id``, ``title``,
            ``text``, ``published``, ``source``, ``url``), e.g. ``{"body": "text"}``.

    Raises:
        InputError: when ``columns`` names a column the frame does not have, or two columns would
            get the same name.
    """
    mapping = dict(columns or {})
    names = [str(c) for c in frame.columns]
    missing = sorted(set(mapping) - set(names))
    if missing:
        msg = (
            f"columns= names {missing} but the DataFrame has columns {names}; "
            "map each existing column to a caselink key, e.g. columns={'body': 'text'}"
        )
        raise InputError(msg, source="<DataFrame>")
    renamed = [mapping.get(n, n) for n in names]
    if len(set(renamed)) != len(renamed):
        dupes = sorted({n for n in renamed if renamed.count(n) > 1})
        msg = (
            f"after renaming with columns=, the DataFrame has duplicate columns {dupes}; "
            "map only one column to each key"
        )
        raise InputError(msg, source="<DataFrame>")
    for row in frame.itertuples(index=False, name=None):
        yield {key: _plain(value) for key, value in zip(renamed, row, strict=True)}


def resolution_frames(resolution: Resolution) -> ResolutionFrames:
    """Build the cases, assignments and pairs DataFrames of a resolution (see `Resolution.to_pandas`)."""
    pd = require_pandas()
    by_id = {a.id: a for a in resolution.articles}
    case_of = resolution.assignments()
    field_names = sorted({f.name for c in resolution.cases for f in c.fields})
    cases = pd.DataFrame(
        [
            {
                "case_id": c.case_id,
                "headline": c.headline,
                "size": len(c.article_ids),
                "first_seen": c.first_seen,
                "last_seen": c.last_seen,
                "outlets": list(c.outlets),
                "article_ids": list(c.article_ids),
                **{name: (f.value if (f := c.field(name)) else None) for name in field_names},
            }
            for c in resolution.cases
        ],
        columns=[
            "case_id",
            "headline",
            "size",
            "first_seen",
            "last_seen",
            "outlets",
            "article_ids",
            *field_names,
        ],
    )
    assignments = pd.DataFrame(
        [
            {
                "article_id": aid,
                "case_id": case_of[aid],
                "title": by_id[aid].title,
                "source": by_id[aid].source,
                "published": by_id[aid].published,
                "url": by_id[aid].url,
            }
            for aid in sorted(case_of)
        ],
        columns=["article_id", "case_id", "title", "source", "published", "url"],
    )
    linked = {p.key for p in resolution.links}
    pairs = pd.DataFrame(
        [
            {
                "a": p.a,
                "b": p.b,
                "probability": p.probability,
                "match_weight": p.match_weight,
                "linked": p.key in linked,
                "same_case": case_of.get(p.a) == case_of.get(p.b),
                "rules": list(p.rules),
                "explanation": p.explain(),
            }
            for p in resolution.pairs
        ],
        columns=[
            "a",
            "b",
            "probability",
            "match_weight",
            "linked",
            "same_case",
            "rules",
            "explanation",
        ],
    )
    return ResolutionFrames(cases=cases, assignments=assignments, pairs=pairs)
