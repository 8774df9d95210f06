"""Event dates stated in the text, distinct from the publication date."""

from __future__ import annotations

import datetime as dt
import re

from caselink.models import Article, Mention

__all__ = ["find_event_dates"]

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{4}})\b", re.IGNORECASE)


def _day(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), _MONTHS[month.lower()], int(day)).isoformat()
    except ValueError:
        return None


def find_event_dates(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find explicit calendar dates (day precision) and month-year mentions (month precision)."""
    found: list[Mention] = []
    covered: list[range] = []
    for pattern, order in ((_DAY_MONTH_YEAR, (3, 2, 1)), (_MONTH_DAY_YEAR, (3, 1, 2))):
        for match in pattern.finditer(text):
            iso = _day(*(match.group(i) for i in order))
            if iso:
                found.append(Mention(match.group(0), iso, match.start(), match.end(), role="day"))
                covered.append(range(match.start(), match.end()))
    for match in _MONTH_YEAR.finditer(text):
        if any(match.start() in span for span in covered):
            continue
        if match.group(1).lower() == "may" and match.group(1) == "may":
            continue
        norm = f"{int(match.group(2)):04d}-{_MONTHS[match.group(1).lower()]:02d}"
        found.append(Mention(match.group(0), norm, match.start(), match.end(), role="month"))
    return tuple(sorted(found, key=lambda m: m.start))
