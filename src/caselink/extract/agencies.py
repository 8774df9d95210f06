"""Police forces and oversight bodies, normalised to canonical names."""

from __future__ import annotations

import re

from caselink.models import Article, Mention

__all__ = ["find_agencies", "find_oversight_bodies"]

_ALIASES: dict[str, str] = {
    "the met": "metropolitan police service",
    "met police": "metropolitan police service",
    "metropolitan police": "metropolitan police service",
    "metropolitan police service": "metropolitan police service",
    "mps": "metropolitan police service",
    "psni": "police service of northern ireland",
    "police service of northern ireland": "police service of northern ireland",
    "police scotland": "police scotland",
    "new zealand police": "new zealand police",
    "british transport police": "british transport police",
    "btp": "british transport police",
}
_ALIAS_RE = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(a) for a in _ALIASES), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_MET = re.compile(
    r"\bMet(?=(?:'s)?\s+(?:[Pp]olice|officers?|constables?|sergeants?|detectives?|[Cc]ommissioner)\b)"
)
_NAMED_FORCE = re.compile(
    r"\b((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){1,3})"
    r"(Police(?: Department| Service| Force)?|Constabulary|County Sheriff's Office|Sheriff's Office)\b"
)
_NOT_A_PLACE = frozenset(
    {"The", "A", "An", "Police", "Transport", "Military", "State", "Met", "Metropolitan"}
)

_OVERSIGHT: dict[str, str] = {
    "independent office for police conduct": "independent office for police conduct",
    "iopc": "independent office for police conduct",
    "independent police complaints commission": "independent police complaints commission",
    "ipcc": "independent police complaints commission",
    "independent police conduct authority": "independent police conduct authority",
    "ipca": "independent police conduct authority",
    "police investigations and review commissioner": "police investigations and review commissioner",
    "pirc": "police investigations and review commissioner",
    "police ombudsman": "police ombudsman for northern ireland",
}
_OVERSIGHT_RE = re.compile(
    r"\b(?:" + "|".join(sorted((re.escape(a) for a in _OVERSIGHT), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _canonical_force(words: str, kind: str) -> str:
    kind = kind.lower()
    if kind in ("police service", "police force", "constabulary"):
        kind = "police"
    return f"{words.strip().lower()} {kind}"


def find_agencies(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find police forces and departments."""
    found: list[Mention] = []
    taken: list[range] = []
    for match in _ALIAS_RE.finditer(text):
        surface = match.group(0)
        if surface == "mps" or (surface.lower() == "mps" and surface != "MPS"):
            continue
        found.append(Mention(surface, _ALIASES[surface.lower()], match.start(), match.end()))
        taken.append(range(match.start(), match.end()))
    found.extend(
        Mention(match.group(0), "metropolitan police service", match.start(), match.end())
        for match in _MET.finditer(text)
        if not any(match.start() in span for span in taken)
    )
    for match in _NAMED_FORCE.finditer(text):
        words = match.group(1).split()
        while words and words[0] in _NOT_A_PLACE:
            words.pop(0)
        if not words or any(match.start() in span or match.end() - 1 in span for span in taken):
            continue
        start = match.start() + match.group(0).index(words[0])
        found.append(
            Mention(
                text[start : match.end()],
                _canonical_force(" ".join(words), match.group(2)),
                start,
                match.end(),
            )
        )
    return tuple(sorted(found, key=lambda m: m.start))


def find_oversight_bodies(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find complaint and conduct oversight bodies."""
    return tuple(
        Mention(m.group(0), _OVERSIGHT[m.group(0).lower()], m.start(), m.end())
        for m in _OVERSIGHT_RE.finditer(text)
        if not (m.group(0).isalpha() and len(m.group(0)) <= 5 and not m.group(0).isupper())
    )
