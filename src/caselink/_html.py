"""Small HTML helpers shared by the notebook displays (`_repr_html_`) and the case report.

Every piece of text that reaches HTML goes through `esc`: titles, outlets and extracted values come
from third-party feeds and may hold markup such as ``<script>``. Nothing here builds HTML from
unescaped data, so callers only ever concatenate the results of these helpers and literal markup.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from caselink.models import Case, Contribution, Resolution, ScoredPair

__all__ = [
    "FACT_ORDER",
    "case_html",
    "display_value",
    "esc",
    "fact_line",
    "pair_html",
    "resolution_html",
]

FACT_ORDER = (
    "agency",
    "officers",
    "places",
    "event_dates",
    "outcome",
    "allegations",
    "reference",
    "oversight_body",
    "people",
)
"""Canonical fields in the order a reader wants them in a one-line summary."""

# Scoped styles: notebook front ends keep <style> from cell outputs, so every rule is prefixed.
_NOTEBOOK_CSS = (
    "<style>"
    ".caselink-t{border-collapse:collapse;font-size:0.9em}"
    ".caselink-t th,.caselink-t td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}"
    ".caselink-t th{background:#f4f4f4}"
    ".caselink-pos{color:#17692e}.caselink-neg{color:#a1261b}"
    ".caselink-muted{color:#666}"
    "</style>"
)


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (``None`` becomes ``""``).

    Examples:
        >>> esc('<script>alert("x")</script>')
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def display_value(value: object) -> str:
    """Return a canonical value as a reader sees it (place keys ``a|b|c`` become ``a, b, c``).

    Examples:
        >>> display_value("chillicothe|OH|US")
        'chillicothe, OH, US'
    """
    text = "" if value is None else str(value)
    return ", ".join(part for part in text.split("|") if part) if "|" in text else text


def fact_line(fields: Mapping[str, str], *, limit: int = 4) -> str:
    """Join the most telling canonical values into one plain-text line (not escaped).

    Examples:
        >>> fact_line({"places": "dundee", "agency": "police scotland"})
        'agency: police scotland · places: dundee'
    """
    names = [n for n in FACT_ORDER if n in fields] + sorted(
        n for n in fields if n not in FACT_ORDER
    )
    return " · ".join(f"{n}: {display_value(fields[n])}" for n in names[:limit])


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "undated"


def _contribution_cell(contributions: Iterable[Contribution], *, limit: int = 3) -> str:
    ordered = sorted(contributions, key=lambda c: (-c.weight, c.name))
    strongest = [c for c in ordered if c.weight > 0][:limit]
    if not strongest:
        return '<span class="caselink-muted">no positive evidence</span>'
    return "<br>".join(f'<span class="caselink-pos">{esc(c.describe())}</span>' for c in strongest)


def _articles_cell(rows: Sequence[tuple[str, str, str, str]], *, limit: int = 5) -> str:
    lines = [
        f"{esc(date)} · {esc(outlet or '?')} · {esc(title or article_id)}"
        f' <code class="caselink-muted">{esc(article_id)}</code>'
        for date, outlet, title, article_id in rows[:limit]
    ]
    if len(rows) > limit:
        lines.append(f'<span class="caselink-muted">+{len(rows) - limit} more</span>')
    return "<br>".join(lines)


def _case_row(case: Case, links: Sequence[ScoredPair]) -> str:
    rows = [(_date(e.date), e.source or "", e.title, e.article_id) for e in case.timeline]
    if not rows:
        rows = [("", "", "", aid) for aid in case.article_ids]
    facts = fact_line({f.name: f.value for f in case.fields})
    strongest = max(links, key=lambda p: (p.match_weight, p.key), default=None)
    reasons = (
        _contribution_cell(strongest.contributions)
        if strongest is not None
        else '<span class="caselink-muted">single article</span>'
    )
    return (
        f"<tr><td><code>{esc(case.case_id)}</code><br><b>{esc(case.headline)}</b></td>"
        f"<td>{esc(facts) or '<span class=caselink-muted>no facts extracted</span>'}</td>"
        f"<td>{_articles_cell(rows)}</td><td>{reasons}</td></tr>"
    )


_CASE_HEAD = "<tr><th>case</th><th>facts</th><th>articles (date · outlet · title)</th><th>strongest reasons</th></tr>"


def case_html(case: Case) -> str:
    """Render one case as a compact notebook table."""
    fields = "".join(
        f"<tr><td>{esc(f.name)}</td><td>{esc(display_value(f.value))}"
        f"{' <b class=caselink-neg>conflict</b>' if f.conflict else ''}</td>"
        f"<td>{esc(', '.join(f.article_ids))}</td>"
        f"<td>{esc(', '.join(f'{display_value(v)} ({n})' for v, n in f.alternatives))}</td></tr>"
        for f in case.fields
    )
    timeline = _articles_cell(
        [(_date(e.date), e.source or "", e.title, e.article_id) for e in case.timeline], limit=20
    )
    return (
        f"{_NOTEBOOK_CSS}<div><p><code>{esc(case.case_id)}</code> <b>{esc(case.headline)}</b>"
        f' <span class="caselink-muted">{len(case.article_ids)} articles from '
        f"{len(case.outlets)} outlets</span></p>"
        f'<table class="caselink-t"><tr><th>field</th><th>value</th><th>stated by</th>'
        f"<th>also seen (support)</th></tr>{fields}</table>"
        f"<p>{timeline}</p></div>"
    )


def pair_html(pair: ScoredPair) -> str:
    """Render one scored pair: its probability and every contribution, strongest first."""
    ordered = pair.strongest()
    rows = "".join(
        f"<tr><td>{esc(c.name)}</td><td>{esc(c.label)}</td><td>{esc(c.detail)}</td>"
        f'<td class="caselink-{"pos" if c.weight > 0 else "neg" if c.weight < 0 else "muted"}">'
        f"{c.weight:+.2f}</td></tr>"
        for c in ordered
    )
    return (
        f"{_NOTEBOOK_CSS}<div><p><code>{esc(pair.a)}</code> ~ <code>{esc(pair.b)}</code>: "
        f"p={pair.probability:.3f}, weight {pair.match_weight:+.2f}"
        f' <span class="caselink-muted">(proposed by {esc(", ".join(pair.rules) or "-")})</span></p>'
        f'<table class="caselink-t"><tr><th>field</th><th>level</th><th>detail</th>'
        f"<th>weight (bits)</th></tr>{rows}</table></div>"
    )


def resolution_html(resolution: Resolution, *, max_cases: int = 20) -> str:
    """Render a resolution: a summary line and its largest cases, one row each."""
    case_of = resolution.assignments()
    links_by_case: dict[str, list[ScoredPair]] = {}
    for link in resolution.links:
        links_by_case.setdefault(case_of.get(link.a, ""), []).append(link)
    ordered = sorted(resolution.cases, key=lambda c: (-len(c.article_ids), c.case_id))
    rows = "".join(_case_row(c, links_by_case.get(c.case_id, ())) for c in ordered[:max_cases])
    more = (
        f'<p class="caselink-muted">showing {max_cases} of {len(ordered)} cases, largest first; '
        "caselink.report.write_report(...) writes them all</p>"
        if len(ordered) > max_cases
        else ""
    )
    return (
        f"{_NOTEBOOK_CSS}<div><p>{esc(repr(resolution))}</p>"
        f'<table class="caselink-t">{_CASE_HEAD}{rows}</table>{more}</div>'
    )


def plain(value: Any) -> str:
    """Return ``value`` as display text (``None`` as an empty string)."""
    return "" if value is None else str(value)
