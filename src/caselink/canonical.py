"""Canonical case records: each field's chosen value with the articles it came from.

For each field the value stated by the most member articles wins; ties go to the value stated by the
earliest-published article (undated articles count as latest; then by id), and within that article
to the value it mentions first, so the choice never depends on input order. Every other value is
kept as an alternative with its support (the number of articles stating it), strongest first. A
single-valued field (agency, oversight body, reference, casualty counts) flags a **conflict** when
an alternative has at least `CanonicalConfig.conflict_min_support` articles behind it (1 by
default: any disagreement is shown; raise it to ignore stray mentions in large cases). Event dates
flag a conflict when an alternative lies more than `CanonicalConfig.event_conflict_days` from the
chosen date.

The timeline puts, in date order: the chosen event date (``"event"``), the first report, every
follow-up, and the first article after the first report that states an outcome (``"outcome"``, with
the outcome as detail; a first report that already states one carries it as detail); undated
articles come last. Outlets are the distinct sources, sorted.
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
    TimelineKind,
    event_day,
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


def _conflict(
    name: FieldName,
    value: str,
    rest: Sequence[tuple[str, list[ArticleId]]],
    config: CanonicalConfig,
) -> bool:
    strong = [(v, ids) for v, ids in rest if len(ids) >= config.conflict_min_support]
    if name == "event_dates":
        chosen = event_day(value)
        if chosen is None:
            return False
        days = [abs((d - chosen).days) for v, _ in strong if (d := event_day(v)) is not None]
        return any(gap > config.event_conflict_days for gap in days)
    return name in _SINGLE_VALUED and bool(strong)


def _choose(
    name: FieldName,
    members: Sequence[ArticleId],
    fields: Mapping[ArticleId, ArticleFields],
    order: Mapping[ArticleId, int],
    config: CanonicalConfig,
) -> CaseField | None:
    sources: dict[str, list[ArticleId]] = defaultdict(list)
    first: dict[str, tuple[int, int]] = {}
    for aid in members:
        if aid not in fields:
            continue
        for position, value in enumerate(_values(fields[aid], name)):
            sources[value].append(aid)
            first[value] = min(first.get(value, (order[aid], position)), (order[aid], position))
    if not sources:
        return None
    # Most support first; then the earliest article, and within it the value mentioned first.
    ranked = sorted(sources.items(), key=lambda kv: (-len(kv[1]), first[kv[0]], kv[0]))
    (value, ids), rest = ranked[0], ranked[1:]
    alternatives = tuple((v, len(a)) for v, a in rest[: config.max_alternatives])
    return CaseField(
        name=_FIELD_NAMES.get(name, name),
        value=value,
        article_ids=tuple(sorted(ids, key=lambda a: order[a])),
        alternatives=alternatives,
        conflict=_conflict(name, value, rest, config),
    )


def _timeline(
    dated: Sequence[Article],
    fields: Mapping[ArticleId, ArticleFields],
    event: CaseField | None,
    by_id: Mapping[ArticleId, Article],
) -> tuple[TimelineEntry, ...]:
    entries: list[TimelineEntry] = []
    outcome_seen = False
    for i, article in enumerate(dated):
        kind: TimelineKind
        if article.published is None:
            kind = "undated"
        elif i == 0:
            kind = "first report"
        else:
            kind = "follow-up"
        outcomes = fields[article.id].norms("outcomes") if article.id in fields else ()
        # A first report that already states the outcome carries it as detail.
        detail = outcomes[0] if outcomes and kind == "first report" else ""
        if outcomes and kind == "follow-up" and not outcome_seen:
            kind, detail = "outcome", outcomes[0]
        outcome_seen = outcome_seen or bool(outcomes)
        entries.append(
            TimelineEntry(
                article.published, article.id, kind, article.source, article.title, detail
            )
        )
    if event is not None and (day := event_day(event.value)) is not None:
        source = by_id[event.article_ids[0]]
        entries.append(
            TimelineEntry(day, source.id, "event", source.source, source.title, event.value)
        )
    # Events sort before reports of the same day; undated reports go last.
    rank = {"event": 0}
    return tuple(
        sorted(
            entries,
            key=lambda e: (
                e.date is None,
                e.date or dt.date.max,
                rank.get(e.kind, 1),
                e.article_id,
            ),
        )
    )


def build_case(
    incident: Incident,
    articles: Mapping[ArticleId, Article],
    fields: Mapping[ArticleId, ArticleFields],
    config: CanonicalConfig | None = None,
) -> Case:
    """Build the case record of one incident.

    Args:
        incident: the cluster.
        articles: the articles, by id (every member must be present).
        fields: the facts extracted from each article, by id (a missing article states nothing).
        config: how many alternatives to keep and when to flag a conflict.

    Returns:
        The case: chosen fields with provenance, alternatives and conflicts, timeline and outlets.

    Examples:
        >>> from caselink.models import Mention
        >>> arts = {i: Article(i, "", "", dt.date(2024, 1, d), f"{i}.example") for i, d in (("a", 2), ("b", 1))}
        >>> met = Mention("the Met", "metropolitan police", 0, 7)
        >>> facts = {i: ArticleFields(i, agencies=[met]) for i in arts}
        >>> case = build_case(Incident("case-1", ["a", "b"]), arts, facts)
        >>> case.field("agency").value, case.field("agency").article_ids
        ('metropolitan police', ('b', 'a'))
        >>> [e.kind for e in case.timeline]
        ['first report', 'follow-up']
    """
    cfg = config or CanonicalConfig()
    members = [articles[a] for a in incident.article_ids]
    dated = sorted(members, key=lambda a: (a.published is None, a.published or dt.date.max, a.id))
    order = {a.id: i for i, a in enumerate(dated)}
    case_fields = [
        f
        for name in (*MENTION_FIELDS, "killed", "injured")
        if (f := _choose(name, incident.article_ids, fields, order, cfg)) is not None
    ]
    event = next((f for f in case_fields if f.name == "event_dates"), None)
    dates = [a.published for a in members if a.published is not None]
    headline = next((a.title for a in dated if a.title), "")
    return Case(
        case_id=incident.incident_id,
        article_ids=incident.article_ids,
        fields=tuple(case_fields),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        outlets=tuple(sorted({a.source for a in members if a.source})),
        timeline=_timeline(dated, fields, event, articles),
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
