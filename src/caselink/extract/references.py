"""Reference numbers: IOPC case numbers (``2017/097039``) and court case numbers."""

from __future__ import annotations

from caselink.extract._text import lowered, skipping
from caselink.models import Article, Mention

__all__ = ["find_references"]

_IOPC = skipping(r"\b((?:19|20)\d{2})/(\d{5,7})\b")
_COURT = skipping(r"\b(?:case|docket) ?(?:no\.?|number) ?([a-z0-9][a-z0-9/-]{4,20})\b")


def find_references(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find reference numbers; norm is the number without spaces, upper case."""
    slash = text.find("/")
    low = lowered(text)
    # Every court number opens with "case" or "docket": the search starts at the first of them.
    court_at = min((at for at in (low.find("case"), low.find("docket")) if at >= 0), default=-1)
    if slash < 0 and court_at < 0:
        return ()
    # An IOPC number has its slash four characters in.
    found = [
        Mention(m.group(0), f"{m.group(1)}/{m.group(2)}", m.start(), m.end(), role="iopc")
        for m in (_IOPC.finditer(text, max(0, slash - 4)) if slash >= 0 else ())
    ]
    found += [
        Mention(text[m.start(1) : m.end(1)], m.group(1).upper(), m.start(1), m.end(1), role="court")
        for m in (_COURT.finditer(low, court_at) if court_at >= 0 else ())
        if "case" in m.group(0) or "docket" in m.group(0)
        if any(c.isdigit() for c in m.group(1))
    ]
    return tuple(sorted(found, key=lambda m: m.start))
