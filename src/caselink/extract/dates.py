"""Event dates stated in the text, distinct from the publication date.

Norm: ISO ``YYYY-MM-DD`` (role ``"day"``), ``YYYY-MM`` (role ``"month"``) or ``YYYY`` (role
``"year"``). Explicit dates ("Oct. 21, 2016", "21 October 2016", "10/21/2016") stand alone.
Dates without a year ("Oct. 21"), weekdays ("Friday evening", "on Tuesday", "last Saturday"),
``yesterday``/``last night``/``today``, holidays ("Christmas Eve", "Thanksgiving") and months
("last February", "in March") are resolved against ``Article.published``: a weekday is its latest
occurrence on or before the publication date ("last Saturday" on a Saturday is a week back), a
day without a year the latest one no more than 60 days after publication. Without a publication
date they are left out (unknown is empty). Dates introduced as the article's own time stamp
("Published Tuesday, Nov. 29, 2016", "Updated: ...") are not event dates and are skipped.
"""

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
_WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
# Case-sensitive alternations (Title Case and UPPER CASE) run several times faster than
# re.IGNORECASE, and keep "may" and "mar" as words out.
_MONTH = "|".join(
    name
    for month in sorted(_MONTHS, key=len, reverse=True)
    for name in (month.capitalize(), month.upper())
)
_ORD = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}){_ORD} (?:of )?({_MONTH})\.?,? (\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.? (\d{{1,2}}){_ORD},? (\d{{4}})\b")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.? (\d{{1,2}}){_ORD}\b(?!:)")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD} (?:of )?({_MONTH})\b")
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?,? (?:of )?(\d{{4}})\b")
_REL_MONTH = re.compile(
    rf"\b([Ll]ast|[Tt]his|[Ii]n|[Ee]arly|[Ll]ate|[Mm]id-?|[Ss]ince) ({_MONTH})\b(?! \d)"
)
_YEAR = re.compile(r"\b(?:in|since|during|of|from) ((?:19|20)\d{2})\b(?![/-]\d)")
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!s)")
_LAST_BEFORE = re.compile(r"\b(?:[Ll]ast|[Pp]ast) $")
_RELATIVE = re.compile(
    r"\b([Yy]esterday|[Ll]ast night|[Oo]vernight|[Ee]arlier today|[Tt]oday|[Tt]his morning|"
    r"[Tt]his afternoon|[Tt]his evening|[Tt]onight)\b"
)
_HOLIDAY = re.compile(
    r"\b(Christmas Eve|Christmas Day|Christmas|New Year's Eve|New Year's Day|Halloween|"
    r"Thanksgiving|Fourth of July|Independence Day|Valentine's Day|Memorial Day|Labor Day)\b"
)
_STAMP = re.compile(
    r"(?:published|updated|posted|last modified|created|copyright|©)\W{0,3}(?:\w+\W{1,3}){0,2}$",
    re.I,
)
_NOT_WEEKDAY_BEFORE = re.compile(r"(?:Black|Good|Cyber|Super|Ash|Palm|Easter|Holy) $")
_RELATIVE_DAYS = {
    "yesterday": -1,
    "last night": -1,
    "overnight": 0,
    "earlier today": 0,
    "today": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "tonight": 0,
}
_FUTURE_DAYS = 60


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _without_year(month: int, day: int, published: dt.date) -> dt.date | None:
    date = _safe(published.year, month, day)
    if date is None:
        return None
    if (date - published).days > _FUTURE_DAYS:
        return _safe(published.year - 1, month, day)
    return date


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    if n > 0:
        return first + dt.timedelta(days=offset + 7 * (n - 1))
    last = (
        dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    )
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _holiday(name: str, year: int) -> dt.date:
    fixed = {
        "christmas eve": (12, 24),
        "christmas day": (12, 25),
        "christmas": (12, 25),
        "new year's eve": (12, 31),
        "new year's day": (1, 1),
        "halloween": (10, 31),
        "fourth of july": (7, 4),
        "independence day": (7, 4),
        "valentine's day": (2, 14),
    }
    lower = name.lower()
    if lower in fixed:
        return dt.date(year, *fixed[lower])
    if lower == "thanksgiving":
        return _nth_weekday(year, 11, 3, 4)
    if lower == "memorial day":
        return _nth_weekday(year, 5, 0, -1)
    return _nth_weekday(year, 9, 0, 1)  # labor day


def _is_stamp(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_STAMP.search(text[max(line_start, start - 40) : start]))


def find_event_dates(text: str, article: Article) -> tuple[Mention, ...]:  # noqa: PLR0912
    """Find event dates; see the module docstring for the rules.

    Examples:
        >>> import datetime as dt
        >>> from caselink.models import Article
        >>> a = Article("a", "", "", published=dt.date(2016, 10, 23))
        >>> [(m.text, m.norm) for m in find_event_dates("He was shot Friday evening.", a)]
        [('Friday', '2016-10-21')]
    """
    published = article.published
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def add(surface: str, start: int, norm: str, role: str) -> None:
        end = start + len(surface)
        if any(s < end and start < e for s, e in taken) or _is_stamp(text, start):
            return
        taken.append((start, end))
        found.append(Mention(surface, norm, start, end, role=role))

    for pattern, order in ((_DAY_MONTH_YEAR, (3, 2, 1)), (_MONTH_DAY_YEAR, (3, 1, 2))):
        for match in pattern.finditer(text):
            year, month, day = (match.group(i) for i in order)
            date = _safe(int(year), _MONTHS[month.lower()], int(day))
            if date:
                add(match.group(0), match.start(), date.isoformat(), "day")
    for match in _NUMERIC.finditer(text):
        first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        month, day = (second, first) if first > 12 else (first, second)
        date = _safe(year, month, day)
        if date:
            add(match.group(0), match.start(), date.isoformat(), "day")
    for match in _MONTH_YEAR.finditer(text):
        norm = f"{int(match.group(2)):04d}-{_MONTHS[match.group(1).lower()]:02d}"
        add(match.group(0), match.start(), norm, "month")
    if published is not None:
        for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
            for match in pattern.finditer(text):
                date = _without_year(
                    _MONTHS[match.group(month_group).lower()],
                    int(match.group(day_group)),
                    published,
                )
                if date:
                    add(match.group(0), match.start(), date.isoformat(), "day")
        for match in _WEEKDAY.finditer(text):
            if _NOT_WEEKDAY_BEFORE.search(text[max(0, match.start() - 8) : match.start()]):
                continue
            back = (published.weekday() - _WEEKDAYS[match.group(1).lower()]) % 7
            if back == 0 and _LAST_BEFORE.search(text, max(0, match.start() - 6), match.start()):
                back = 7
            date = published - dt.timedelta(days=back)
            add(match.group(1), match.start(1), date.isoformat(), "day")
        for match in _RELATIVE.finditer(text):
            date = published + dt.timedelta(days=_RELATIVE_DAYS[match.group(1).lower()])
            add(match.group(0), match.start(), date.isoformat(), "day")
        for match in _HOLIDAY.finditer(text):
            date = _holiday(match.group(1), published.year)
            if (date - published).days > _FUTURE_DAYS // 2:
                date = _holiday(match.group(1), published.year - 1)
            add(match.group(0), match.start(), date.isoformat(), "day")
        for match in _REL_MONTH.finditer(text):
            word, month_text = match.group(1).lower(), match.group(2)
            month = _MONTHS[month_text.lower()]
            year = published.year
            if month > published.month or (word == "last" and month == published.month):
                year -= 1
            add(match.group(0), match.start(), f"{year:04d}-{month:02d}", "month")
    for match in _YEAR.finditer(text):
        add(match.group(1), match.start(1), match.group(1), "year")
    return tuple(sorted(found, key=lambda m: (m.start, m.end)))
