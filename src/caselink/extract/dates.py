"""Event dates stated in the text, distinct from the publication date.

Norm: ISO ``YYYY-MM-DD`` (role ``"day"``), ``YYYY-MM`` (role ``"month"``) or ``YYYY`` (role
``"year"``). Explicit dates ("Oct. 21, 2016", "21 October 2016", "10/21/2016") stand alone.
Dates without a year ("Oct. 21"), weekdays ("Friday evening", "on Tuesday", "last Saturday"),
``yesterday``/``last night``/``today``, "over the weekend" (its Saturday, role ``"weekend"``),
holidays ("Christmas Eve", "Thanksgiving": the latest
one up to the publication date) and months
("last February", "in March") are resolved against ``Article.published``: a weekday is its latest
occurrence on or before the publication date ("last Saturday" on a Saturday is a week back), a
day without a year the latest one no more than 60 days after publication. Without a publication
date they are left out (unknown is empty). Dates introduced as the article's own time stamp
("Published Tuesday, Nov. 29, 2016", "Updated: ...") are not event dates and are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from caselink.extract._text import Spans, capital_words, lowered, skipping
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
# Month names anchor the month patterns: each occurrence is parsed with short anchored
# patterns before and after it, instead of running every pattern over the whole text.
_MONTH_WORD = re.compile(rf"(?:{_MONTH})(?![A-Za-z])")
_BEFORE_DAY = re.compile(rf"(?<![\d,])(\d{{1,2}}){_ORD} (?:of )?$")
_AFTER_DAY_YEAR = re.compile(rf"\.? (\d{{1,2}}){_ORD},? (\d{{4}})\b")
_AFTER_YEAR = re.compile(r"\.?,? (?:of )?(\d{4})\b")
_AFTER_DAY = re.compile(rf"\.? (\d{{1,2}}){_ORD}\b(?!:)")
_BEFORE_REL = skipping(r"\b([Ll]ast|[Tt]his|[Ii]n|[Ee]arly|[Ll]ate|[Mm]id-?|[Ss]ince) $")
_NUMERIC = skipping(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
_YEAR_WORD = re.compile(r"(?:19|20)\d\d(?![\w/-]|[/-]\d)")
_BEFORE_YEAR = skipping(r"\b(?:in|since|during|of|from) $")
_WEEKDAY = re.compile(r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![\w])")
_LAST_BEFORE = skipping(r"\b(?:[Ll]ast|[Pp]ast) $")
_WEEKEND = re.compile(
    r"\b(?:[Oo]ver|[Dd]uring|[Oo]n) the weekend\b|\b(?:[Tt]his|[Ll]ast) weekend\b"
)
_HOLIDAY_GATES = (
    "Christmas", "New Year", "Halloween", "Thanksgiving", "Fourth of July", "Independence Day",
    "Valentine", "Memorial Day", "Labor Day",
)  # fmt: skip
_HOLIDAY = skipping(
    r"\b(Christmas Eve|Christmas Day|Christmas|New Year's Eve|New Year's Day|Halloween|"
    r"Thanksgiving|Fourth of July|Independence Day|Valentine's Day|Memorial Day|Labor Day)\b"
)
# The capitalised words that open a match of `_MONTH_WORD`, `_WEEKDAY` and `_HOLIDAY`.
_MONTH_NAMES = frozenset(_MONTH.split("|"))
_WEEKDAY_NAMES = frozenset(day.capitalize() for day in _WEEKDAYS)
_HOLIDAY_WORDS = frozenset(
    ["Christmas", "New", "Halloween", "Thanksgiving", "Fourth", "Independence", "Valentine",
     "Memorial", "Labor"]
)  # fmt: skip
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


def _relative_days(text: str) -> list[tuple[int, str]]:
    """(start, phrase) of "yesterday", "last night", "Tonight" ... as whole words.

    Found with ``str.find`` in the lower-cased text (a regex alternation behind a look-behind is
    tried at every position); the first letter may be a capital, the rest is lower case.
    """
    low = lowered(text)
    found = []
    for phrase in _RELATIVE_DAYS:
        at = low.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if (
                text[at + 1 : end] == phrase[1:]
                and not (before.isalnum() or before in "_-")
                and not (after.isalnum() or after == "_")
            ):
                found.append((at, phrase))
            at = low.find(phrase, end)
    return sorted(found)


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


_STAMP_WORDS = ("published", "updated", "posted", "last modified", "created", "copyright", "©")


def _is_stamp(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    before = lowered(text)[max(line_start, start - 40) : start]
    if not any(word in before for word in _STAMP_WORDS):
        return False  # the regex below needs one of them; most dates have none before
    return bool(_STAMP.search(text[max(line_start, start - 40) : start]))


_Add = Callable[[str, int, str, str], None]


def _month_dates(text: str, match: re.Match[str], published: dt.date | None, add: _Add) -> None:
    """Dates around one month name: day-month-year, month-day-year, month-year, ..."""
    start, end = match.start(), match.end()
    if start and text[start - 1].isalpha():
        return
    month = _MONTHS[match.group(0).lower()]
    before = _BEFORE_DAY.search(text, max(0, start - 14), start)
    after_year = _AFTER_YEAR.match(text, end)
    if before and after_year:
        date = _safe(int(after_year.group(1)), month, int(before.group(1)))
        if date:
            add(text[before.start() : after_year.end()], before.start(), date.isoformat(), "day")
            return
    after = _AFTER_DAY_YEAR.match(text, end)
    if after:
        date = _safe(int(after.group(2)), month, int(after.group(1)))
        if date:
            add(text[start : after.end()], start, date.isoformat(), "day")
            return
    if after_year:
        add(
            text[start : after_year.end()],
            start,
            f"{int(after_year.group(1)):04d}-{month:02d}",
            "month",
        )
        return
    if published is None:
        return
    after_day = _AFTER_DAY.match(text, end)
    if after_day or before:
        day = int((after_day or before).group(1))  # type: ignore[union-attr]
        date = _without_year(month, day, published)
        if date:
            begin = start if after_day else before.start()  # type: ignore[union-attr]
            finish = after_day.end() if after_day else end
            add(text[begin:finish], begin, date.isoformat(), "day")
            return
    rel = _BEFORE_REL.search(text, max(0, start - 7), start)
    if rel and not re.match(r" \d", text[end : end + 2]):
        word = rel.group(1).lower()
        year = published.year
        if month > published.month or (word == "last" and month == published.month):
            year -= 1
        add(text[rel.start() : end], rel.start(), f"{year:04d}-{month:02d}", "month")


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
    taken = Spans(len(text))

    def add(surface: str, start: int, norm: str, role: str) -> None:
        end = start + len(surface)
        if not taken.free(start, end) or _is_stamp(text, start):
            return
        taken.take(start, end)
        found.append(Mention(surface, norm, start, end, role=role))

    # A month, weekday or holiday name that counts follows no letter, so it is one of the text's
    # capitalised words (`capital_words`): a set lookup rules out the scan for most names. A
    # month name may also run into a non-ASCII letter ("Mayé"), which no capitalised word shows.
    capitals = capital_words(text)
    if not capitals.isdisjoint(_MONTH_NAMES) or not text.isascii():
        for month_match in _MONTH_WORD.finditer(text):
            _month_dates(text, month_match, published, add)
    slash = text.find("/")
    if slash >= 0:
        # A numeric date has its first slash one or two characters in.
        for match in _NUMERIC.finditer(text, max(0, slash - 2)):
            first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            month, day = (second, first) if first > 12 else (first, second)
            date = _safe(year, month, day)
            if date:
                add(match.group(0), match.start(), date.isoformat(), "day")
    if published is not None and not capitals.isdisjoint(_WEEKDAY_NAMES):
        for match in _WEEKDAY.finditer(text):
            start = match.start()
            if start and text[start - 1].isalnum():
                continue
            if _NOT_WEEKDAY_BEFORE.search(text, max(0, start - 8), start):
                continue
            back = (published.weekday() - _WEEKDAYS[match.group(0).lower()]) % 7
            if back == 0 and _LAST_BEFORE.search(text, max(0, start - 6), start):
                back = 7
            date = published - dt.timedelta(days=back)
            add(match.group(0), start, date.isoformat(), "day")
    if published is not None:
        for start, phrase in _relative_days(text):
            date = published + dt.timedelta(days=_RELATIVE_DAYS[phrase])
            add(text[start : start + len(phrase)], start, date.isoformat(), "day")
        if "weekend" in text:
            for match in _WEEKEND.finditer(text):
                # The Saturday of the latest weekend up to the publication date.
                date = published - dt.timedelta(days=(published.weekday() - 5) % 7)
                if match.group(0).lower().startswith("last") and published.weekday() >= 5:
                    date -= dt.timedelta(days=7)
                add(match.group(0), match.start(), date.isoformat(), "weekend")
        if not capitals.isdisjoint(_HOLIDAY_WORDS):
            for match in _HOLIDAY.finditer(text):
                # The latest occurrence up to the publication (a day of crawl lag allowed).
                date = _holiday(match.group(1), published.year)
                if (date - published).days > 1:
                    date = _holiday(match.group(1), published.year - 1)
                add(match.group(0), match.start(), date.isoformat(), "day")
    for match in _YEAR_WORD.finditer(text):
        start = match.start()
        if (not start or not text[start - 1].isalnum()) and _BEFORE_YEAR.search(
            text, max(0, start - 8), start
        ):
            add(match.group(0), start, match.group(0), "year")
    return tuple(sorted(found, key=lambda m: (m.start, m.end)))
