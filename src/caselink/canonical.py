"""Canonical case records: each field's chosen value with the articles it came from.

For each field the value stated by the most member articles wins; ties go to the value stated by the
earliest-published article, then to the smaller value. Other values are kept as alternatives with
their support, and single-valued fields (agency, outcome, reference, ...) flag a conflict when
alternatives exist. The timeline orders the members by publication date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence

from caselink._types import ArticleId, FieldName
from caselink.config import CanonicalConfig
from caselink.models import (
    MENTION_FIELDS,
    Article,
    ArticleFields,
    Case,
    CaseField,
    Incident,
    TimelineEntry,
)

__all__ = ["build_case", "build_cases"]

_SINGLE_VALUED: frozenset[FieldName] = frozenset(
    {"agencies", "oversight_bodies", "references", "killed", "injured"}
)
_FIELD_NAMES: dict[FieldName, FieldName] = {
    "agencies": "agency",
    "oversight_bodies": "oversight_body",
    "officers": "officers",
    "people": "people",
    "places": "places",
    "event_dates": "event_dates",
    "outcomes": "outcome",
    "allegations": "allegations",
    "references": "reference",
}


def _values(fields: ArticleFields, name: FieldName) -> tuple[str, ...]:
    if name in ("killed", "injured"):
        value = getattr(fields, name)
        return () if value is None else (str(value),)
    return fields.norms(name)


def _choose(
    name: FieldName,
    members: Sequence[ArticleId],
    fields: Mapping[ArticleId, ArticleFields],
    order: Mapping[ArticleId, int],
    config: CanonicalConfig,
) -> CaseField | None:
    sources: dict[str, list[ArticleId]] = defaultdict(list)
    for aid in members:
        for value in _values(fields[aid], name):
            sources[value].append(aid)
    if not sources:
        return None
    ranked = sorted(
        sources.items(), key=lambda kv: (-len(kv[1]), min(order[a] for a in kv[1]), kv[0])
    )
    (value, ids), rest = ranked[0], ranked[1:]
    alternatives = tuple((v, len(a)) for v, a in rest[: config.max_alternatives])
    return CaseField(
        name=_FIELD_NAMES.get(name, name),
        value=value,
        article_ids=tuple(sorted(ids, key=lambda a: order[a])),
        alternatives=alternatives,
        conflict=bool(rest) and name in _SINGLE_VALUED,
    )


def build_case(
    incident: Incident,
    articles: Mapping[ArticleId, Article],
    fields: Mapping[ArticleId, ArticleFields],
    config: CanonicalConfig | None = None,
) -> Case:
    """Build the case record of one incident."""
    cfg = config or CanonicalConfig()
    members = [articles[a] for a in incident.article_ids]
    dated = sorted(members, key=lambda a: (a.published or dt.date.max, a.id))
    order = {a.id: i for i, a in enumerate(dated)}
    case_fields = [
        f
        for name in (*MENTION_FIELDS, "killed", "injured")
        if (f := _choose(name, incident.article_ids, fields, order, cfg)) is not None
    ]
    dates = [a.published for a in members if a.published is not None]
    timeline = tuple(
        TimelineEntry(
            a.published,
            a.id,
            "undated" if a.published is None else ("first report" if i == 0 else "follow-up"),
            a.source,
            a.title,
        )
        for i, a in enumerate(dated)
    )
    headline = next((a.title for a in dated if a.title), "")
    return Case(
        case_id=incident.incident_id,
        article_ids=incident.article_ids,
        fields=tuple(case_fields),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        outlets=tuple(sorted({a.source for a in members if a.source})),
        timeline=timeline,
        headline=headline,
    )


def build_cases(
    incidents: Sequence[Incident],
    articles: Mapping[ArticleId, Article],
    fields: Mapping[ArticleId, ArticleFields],
    config: CanonicalConfig | None = None,
) -> list[Case]:
    """Build the case record of every incident, in incident order."""
    return [build_case(i, articles, fields, config) for i in incidents]
