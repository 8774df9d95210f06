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
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

from caselink.extract._gazetteer import STATE_NAMES, key, towns
from caselink.extract._text import Spans, capital_words
from caselink.models import Article, Mention

__all__ = ["find_agencies", "find_oversight_bodies"]


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    data = resources.files("caselink.extract").joinpath("data", "agencies.json")
    table: dict[str, Any] = json.loads(data.read_text("utf-8"))
    return table


def _alternation(names: Sequence[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


_ANCHOR_WORDS = (
    "Police", "police", "Constabulary", "PSNI", "BTP", "GMP", "MDP", "SAPOL", "RCMP", "Mounties",
    "Met", "Yard", "Garda", "Gardaí", "Síochána", "Siochana",
)  # fmt: skip


_WINDOW_WORD = re.compile(r"[^\s,;:!?()\"“”]+")


class _Aliases:
    """Aliases found from an anchor word they contain ("Police", "IOPC").

    Python's regex engine tries a long alternation at every position of the text; finding a
    handful of anchor words with ``str.find`` and looking the words around each up in a dict
    is an order of magnitude faster on news-length text.
    """

    def __init__(self, aliases: dict[str, str], anchors: Sequence[str]) -> None:
        self.canonical = aliases
        self.anchors = tuple(anchors)
        # Whether an anchor is one capitalised word, so `capital_words` says if it occurs.
        self._anchors = tuple((a, a[0].isupper() and a.isalpha()) for a in self.anchors)
        self.before = 0
        self.after = 0
        # The word an alias has before each anchor ("" when the alias starts with it): an
        # anchor whose previous word is not among them cannot be part of an alias.
        self.previous: dict[str, set[str]] = {}
        # The word after each anchor that starts an alias ("" for a one-word alias: "PSNI").
        self.following: dict[str, set[str]] = {}
        # How many words each anchor's aliases have before and after it: only those spans are
        # looked up around an occurrence.
        self.shapes: dict[str, set[tuple[int, int]]] = {}
        for alias in aliases:
            words = alias.split(" ")
            index = next((i for i, w in enumerate(words) if w in anchors), None)
            if index is None:
                msg = f"alias {alias!r} has no anchor word; add one of its words to the anchors"
                raise ValueError(msg)
            self.before = max(self.before, index)
            self.after = max(self.after, len(words) - 1 - index)
            self.shapes.setdefault(words[index], set()).add((index, len(words) - 1 - index))
            if index:
                self.previous.setdefault(words[index], set()).add(words[index - 1])
            else:
                following = words[1] if len(words) > 1 else ""
                self.following.setdefault(words[index], set()).add(following)

    def find(self, text: str) -> list[tuple[int, str]]:
        """(start, alias) of every alias occurrence with word boundaries, longest first."""
        out = []
        capitals = capital_words(text)
        for anchor, capitalised in self._anchors:
            if capitalised and anchor not in capitals:
                continue
            at = text.find(anchor)
            while at >= 0:
                end = at + len(anchor)
                possible = False
                following = self.following.get(anchor)
                if following is not None:
                    if "" in following:
                        possible = True
                    elif text[end : end + 1] == " ":
                        word = _WORD_AT.match(text, end + 1, end + 40)
                        possible = word is not None and word.group(0).rstrip(".,;:)") in following
                previous = self.previous.get(anchor)
                if not possible and previous is not None and at and text[at - 1] == " ":
                    possible = _word_before(text, max(0, at - 40), at - 1) in previous
                if possible and _bounded(text, at, end):
                    found = self._around(text, at, end, self.shapes[anchor])
                    if found:
                        out.append(found)
                at = text.find(anchor, end)
        return out

    def _around(
        self, text: str, at: int, end: int, shapes: set[tuple[int, int]]
    ) -> tuple[int, str] | None:
        words = list(_WINDOW_WORD.finditer(text, max(0, at - 20 * self.before - 1), end + 40))
        index = next((i for i, w in enumerate(words) if w.start() == at), None)
        if index is None:
            return None
        best: tuple[int, str] | None = None
        for before, after in shapes:
            first, last = index - before, index + after
            if first < 0 or last >= len(words):
                continue
            start = words[first].start()
            candidate = text[start : words[last].end()]
            for variant in (candidate, candidate.rstrip(".")):
                if variant in self.canonical and (
                    best is None or (len(variant), -start) > (len(best[1]), -best[0])
                ):
                    best = (start, variant)
        return best


_WORD_AT = re.compile(r"\S*")


def _word_before(text: str, start: int, end: int) -> str:
    r"""The last word of ``text[start:end]``, as ``re.search(r"\S*$")`` finds it.

    That is the word before a final newline, where ``$`` matches too. One anchored match on the
    reversed window instead of a search that tries every position.
    """
    window = text[start:end]
    if window.endswith("\n"):
        window = window[:-1]
    word = _WORD_AT.match(window[::-1])
    return window[len(window) - word.end() :] if word else ""


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "-" or after.isalnum() or after == "-")


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[_Aliases, dict[str, str]]:
    aliases: dict[str, str] = {}
    areas: dict[str, str] = {}
    for canonical, area_names, extra in _table()["forces"]:
        for alias in extra:
            aliases[alias] = canonical
        for area in area_names:
            areas[area] = canonical
            for suffix in (" Police", " police", " Constabulary"):
                aliases.setdefault(area + suffix, canonical)
    return _Aliases(aliases, _ANCHOR_WORDS), areas


_AREA_ANCHORS = (" Chief Constable", " chief constable", " force", " officer")


def _area_mentions(text: str, areas: dict[str, str]) -> list[tuple[int, str]]:
    """Force areas before "Chief Constable", "force" or "officer(s)" ("Notts officers").

    The one to five words before each anchor are looked up (longest first), not every area
    tried at every anchor.
    """
    out = []
    for anchor in _AREA_ANCHORS:
        at = text.find(anchor)
        while at >= 0:
            if _bounded(text, at + 1, at + len(anchor)) or anchor == " officer":
                words = text[max(0, at - 40) : at].split(" ")
                for size in range(min(5, len(words)), 0, -1):
                    area = " ".join(words[-size:])
                    start = at - len(area)
                    if area in areas and _bounded(text, start, at):
                        out.append((start, area))
                        break
            at = text.find(anchor, at + 1)
    return out


@functools.lru_cache(maxsize=1)
def _oversight() -> _Aliases:
    names = {alias: canonical for canonical, aliases in _table()["oversight"] for alias in aliases}
    return _Aliases(names, _OVERSIGHT_ANCHORS)


_OVERSIGHT_ANCHORS = (
    "IOPC", "IPCC", "IPCA", "PIRC", "LECC", "IBAC", "GSOC", "CCRB", "Conduct", "Complaints",
    "Commissioner", "Ombudsman", "Commission", "Authority", "Board", "board", "Standards",
    "standards", "Affairs", "affairs",
)  # fmt: skip


_CAP = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\.?"
# Looked for just before an anchor ("Police", "Sheriff") found with str.find.
_NAME_BEFORE = re.compile(rf"((?:{_CAP} ){{0,2}}{_CAP}) $")
_COUNTY_BEFORE = re.compile(rf"((?:{_CAP} ){{0,2}}{_CAP}) (County|Parish) $")
_DEPARTMENT_AFTER = re.compile(r"Police(?: Department| Dept\.)?|police|PD(?![\w-])")
_SHERIFF_AFTER = re.compile(
    r"(?:Sheriff['’]s (?:Office|Department)|sheriff['’]s (?:office|department|deputies)|"
    r"[Ss]heriff)(?![\w-])"
)
_US_STATE = re.compile(
    rf"({_alternation(list(STATE_NAMES))}) (State Police|State Patrol|Highway Patrol)(?![\w-])"
)
_MET = re.compile(
    r"Met(?=(?:['’]s)? (?:[Pp]olice|officers?|constables?|sergeants?|detectives?|"
    r"[Cc]ommissioner|chief))"
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
    aliases, areas = _patterns()
    us = _us_context(places)
    gazetteer = towns()
    found: dict[tuple[int, int], Mention] = {}

    taken = Spans(len(text))

    def add(surface: str, start: int, norm: str, role: str | None = None) -> None:
        end = start + len(surface)
        if taken.take(start, end):
            found[(start, end)] = Mention(surface, norm, start, end, role=role)

    if "State Police" in text or "Patrol" in text:
        for match in _US_STATE.finditer(text):
            add(match.group(0), match.start(), match.group(0).lower())
    for anchor in ("Sheriff", "sheriff"):
        at = text.find(anchor)
        while at >= 0:
            county = _COUNTY_BEFORE.search(text, max(0, at - 60), at)
            tail = _SHERIFF_AFTER.match(text, at)
            if county and tail:
                name = _strip_words(county.group(1))
                if name:
                    start = county.start(1) + county.group(1).index(name)
                    norm = f"{name.lower()} {county.group(2).lower()} sheriff's office"
                    add(text[start : tail.end()], start, norm)
            at = text.find(anchor, at + 1)
    for start, alias in aliases.find(text):
        area = alias.rsplit(" ", 1)[0]
        if us and area in areas and key(area) in gazetteer:
            continue  # "Cleveland police" in a US story is the town's department
        add(alias, start, aliases.canonical[alias])
    if not us:
        for start, area in _area_mentions(text, areas):
            add(area, start, areas[area])
    at = text.find("Met")
    while at >= 0:
        if (not at or not (text[at - 1].isalnum() or text[at - 1] == "-")) and _MET.match(text, at):
            add("Met", at, "metropolitan police service")
        at = text.find("Met", at + 1)
    for anchor in ("Police", "police", "PD"):
        at = text.find(anchor)
        while at >= 0:
            _department(text, at, us, gazetteer, add)
            at = text.find(anchor, at + 1)
    if not found:
        implied = _implied(text, article)
        if implied:
            found[(implied.start, implied.end)] = implied
    return tuple(sorted(found.values(), key=lambda m: (m.start, m.end)))


def _department(
    text: str,
    at: int,
    us: bool,
    gazetteer: dict[str, Any],
    add: Callable[[str, int, str], None],
) -> None:
    """A US department named before "Police"/"police"/"PD" at ``at``."""
    if at < 2 or text[at - 1] != " ":
        return
    previous = text[max(0, at - 30) : at - 1].rsplit(" ", 1)[-1]
    if previous == previous.lower():
        return  # "said police": no capitalised name before
    tail = _DEPARTMENT_AFTER.match(text, at)
    before = _NAME_BEFORE.search(text, max(0, at - 50), at)
    if tail is None or before is None:
        return
    name = _strip_words(before.group(1))
    if not name or name.endswith("County"):
        return
    start = before.start(1) + before.group(1).index(name)
    kind = tail.group(0)
    if kind in ("police", "Police") and key(name) not in gazetteer:
        return  # "Police" after a non-town ("Capitol Police")
    if not us and kind in ("police", "Police"):
        return  # outside the US, "<Town> police" is the county force, found by area
    add(text[start : tail.end()], start, f"{name.lower()} police department")


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
    aliases = _oversight()
    found: dict[int, Mention] = {}
    for start, alias in sorted(aliases.find(text)):
        if start not in found:
            norm = aliases.canonical[alias]
            found[start] = Mention(alias, norm, start, start + len(alias))
    return tuple(found[k] for k in sorted(found))
