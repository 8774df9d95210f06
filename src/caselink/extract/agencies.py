"""Police forces and oversight bodies, normalised to canonical lower-case names.

Forces come from ``data/agencies.json`` (every territorial force of England and Wales, Police
Scotland, the PSNI, the UK's national forces, New Zealand Police, the Australian forces, An Garda
Siochana, the RCMP), matched by full name, alias ("the Met", "PSNI") or force area before
"police", "Police", "Constabulary" or "Chief Constable" ("Nottinghamshire Chief Constable"). US
agencies follow patterns: ``"<Town> Police Department"``, ``"<Town> police"`` (town known to the
gazetteer) and ``"<Town> PD"`` -> ``"<town> police department"``; ``"<Name> County Sheriff's
Office"`` (or ``Sheriff's Department``, ``Sheriff``) -> ``"<name> county sheriff's office"``;
``"<State> State Police"``, ``"<State> Highway Patrol"``.

When an article reports in the US (its places say so), force-area aliases such as "Cleveland
police" or "Durham police" are read as US towns, not as English forces. An oversight body that
oversees one force only (the IPCA, PIRC, the Police Ombudsman for Northern Ireland) implies that
force when the article names none: the mention then points at the first "police" in the text and
has role ``"implied"``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

from caselink.extract._gazetteer import STATE_NAMES, key, towns
from caselink.models import Article, Mention

__all__ = ["find_agencies", "find_oversight_bodies"]


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    data = resources.files("caselink.extract").joinpath("data", "agencies.json")
    table: dict[str, Any] = json.loads(data.read_text("utf-8"))
    return table


def _alternation(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    aliases: dict[str, str] = {}
    areas: dict[str, str] = {}
    for canonical, area_names, extra in _table()["forces"]:
        for alias in extra:
            aliases[alias] = canonical
        for area in area_names:
            areas[area] = canonical
            for suffix in (" Police", " police", " Constabulary"):
                aliases.setdefault(area + suffix, canonical)
    alias_re = re.compile(rf"(?<![\w-])(?:{_alternation(list(aliases))})(?![\w-])")
    area_re = re.compile(
        rf"(?<![\w-])({_alternation(list(areas))})(?= (?:[Cc]hief [Cc]onstable|force|officers?)\b)"
    )
    return alias_re, aliases, area_re, areas


@functools.lru_cache(maxsize=1)
def _oversight() -> tuple[re.Pattern[str], dict[str, str]]:
    names = {alias: canonical for canonical, aliases in _table()["oversight"] for alias in aliases}
    return re.compile(rf"(?<![\w-])(?:{_alternation(list(names))})(?![\w-])"), names


_CAP = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\.?"
_US_DEPARTMENT = re.compile(
    rf"((?:{_CAP} ){{0,2}}{_CAP}) (Police Department|Police Dept\.|PD|Police|police)(?![\w-])"
)
_US_SHERIFF = re.compile(
    rf"((?:{_CAP} ){{0,2}}{_CAP}) (County|Parish) (?:Sheriff['’]s (?:Office|Department)|"
    r"Sheriff|sheriff['’]s (?:office|department|deputies)|[Ss]heriff)(?![\w-])"
)
_US_STATE = re.compile(
    rf"({_alternation(list(STATE_NAMES))}) (State Police|State Patrol|Highway Patrol)(?![\w-])"
)
_NOT_TOWN = frozenset(
    [
        "the",
        "a",
        "an",
        "independent",
        "transport",
        "military",
        "state",
        "federal",
        "national",
        "local",
        "metropolitan",
        "met",
        "chief",
        "former",
        "retired",
        "off-duty",
        "serving",
        "county",
        "city",
        "town",
        "village",
        "tribal",
        "campus",
        "university",
        "school",
        "capitol",
        "port",
        "airport",
        "park",
        "railway",
        "border",
        "military",
        "royal",
        "new",
        "york",
        "when",
        "after",
        "said",
        "says",
        "told",
        "and",
        "but",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "of",
        "on",
        "to",
        "with",
    ]
)


def _us_context(places: Sequence[Mention]) -> bool:
    countries = {m.norm.rsplit("|", 1)[-1] for m in places}
    return "US" in countries and not countries & {"GB", "NZ", "AU", "IE", "CA"}


def _strip_words(words: str) -> str:
    parts = words.split(" ")
    while parts and parts[0].lower().rstrip(".") in _NOT_TOWN:
        parts.pop(0)
    return " ".join(parts)


def find_agencies(  # noqa: PLR0912
    text: str, article: Article, places: Sequence[Mention] = ()
) -> tuple[Mention, ...]:
    """Find police forces and departments; see the module docstring for the rules.

    Examples:
        >>> from caselink.models import Article
        >>> text = "The Met said Bristol Police Department and Nottinghamshire police helped."
        >>> [m.norm for m in find_agencies(text, Article("a", "", ""))]
        ['metropolitan police service', 'bristol police department', 'nottinghamshire police']
    """
    alias_re, aliases, area_re, areas = _patterns()
    us = _us_context(places)
    gazetteer = towns()
    found: dict[tuple[int, int], Mention] = {}

    def add(surface: str, start: int, norm: str, role: str | None = None) -> None:
        end = start + len(surface)
        if any(s < end and start < e for s, e in found):
            return
        found[(start, end)] = Mention(surface, norm, start, end, role=role)

    for match in _US_STATE.finditer(text):
        add(match.group(0), match.start(), match.group(0).lower())
    for match in _US_SHERIFF.finditer(text):
        name = _strip_words(match.group(1))
        if name:
            start = match.start(1) + match.group(1).index(name)
            norm = f"{name.lower()} {match.group(2).lower()} sheriff's office"
            add(text[start : match.end()], start, norm)
    for match in alias_re.finditer(text):
        canonical = aliases[match.group(0)]
        area = match.group(0).rsplit(" ", 1)[0]
        if us and area in areas and key(area) in gazetteer:
            continue  # "Cleveland police" in a US story is the town's department
        add(match.group(0), match.start(), canonical)
    if not us:
        for match in area_re.finditer(text):
            add(match.group(1), match.start(1), areas[match.group(1)])
    for match in re.finditer(
        r"(?<![\w-])Met(?=(?:['’]s)? (?:[Pp]olice|officers?|constables?|"
        r"sergeants?|detectives?|[Cc]ommissioner|chief))",
        text,
    ):
        add("Met", match.start(), "metropolitan police service")
    for match in _US_DEPARTMENT.finditer(text):
        name = _strip_words(match.group(1))
        if not name or name.endswith("County"):
            continue
        start = match.start(1) + match.group(1).index(name)
        kind = match.group(2)
        if kind in ("police", "Police") and key(name) not in gazetteer:
            continue  # "Police" after a non-town ("Wellington Police" is a town; "Capitol" not)
        if not us and kind in ("police", "Police"):
            continue  # outside the US, "<Town> police" is the county force, found by area
        add(text[start : match.end()], start, f"{name.lower()} police department")
    if not found:
        implied = _implied(text, article)
        if implied:
            found[(implied.start, implied.end)] = implied
    return tuple(sorted(found.values(), key=lambda m: (m.start, m.end)))


def _implied(text: str, article: Article) -> Mention | None:
    police = re.search(r"(?<![\w-])[Pp]olice(?![\w-])", text)
    if police is None:
        return None
    jurisdictions: dict[str, str] = _table()["jurisdictions"]
    for body in find_oversight_bodies(text, article):
        if body.norm in jurisdictions:
            return Mention(
                police.group(0),
                jurisdictions[body.norm],
                police.start(),
                police.end(),
                role="implied",
            )
    return None


def find_oversight_bodies(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find complaint and conduct oversight bodies (IOPC, IPCC, IPCA, PIRC, ...).

    Examples:
        >>> from caselink.models import Article
        >>> [m.norm for m in find_oversight_bodies("The IOPC said", Article("a", "", ""))]
        ['independent office for police conduct']
    """
    pattern, names = _oversight()
    return tuple(
        Mention(m.group(0), names[m.group(0)], m.start(), m.end()) for m in pattern.finditer(text)
    )
