"""Places: towns and cities, counties, US states, UK regions and countries.

Norms (see `ArticleFields`):

- town or city: ``"name|admin1|country"`` with the gazetteer's name in lower case; admin1 is the
  US postal state code, for Great Britain the lower-case ceremonial county when the county table
  knows the town (``"worksop|nottinghamshire|GB"``), else GeoNames' admin1 code. Role ``"city"``.
- US county: ``"marion county|IN|US"``; UK county: ``"nottinghamshire|GB"``. Role ``"county"``.
- US state: ``"CT|US"``, role ``"state"``; England, Scotland, Wales, Northern Ireland:
  ``"ENG|GB"`` ..., role ``"region"``; country: ISO code (``"GB"``), role ``"country"``.

Resolution works in two passes. The first finds the unambiguous evidence: ``Town, State`` pairs
(``"Bristol, Conn."``, ``"Salisbury, N.C."``, ``"Wichita, Kansas"``), datelines
(``"ST. LOUIS (AP) —"``), state and country names. The second reads bare town names and keeps one
only with support (a preposition such as "in", a following "police" or "man", an earlier strong
mention, or a large population), choosing among same-name towns by the states the article names,
then by the outlet's country, then by population.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from caselink.extract._gazetteer import (
    AP_STATES,
    POSTAL_STATES,
    STATE_NAMES,
    Reading,
    key,
    towns,
)
from caselink.extract._text import Spans, capital_words
from caselink.models import Article, Mention

__all__ = ["find_places", "name_words"]

_COUNTRIES: dict[str, str] = {
    "United States": "US", "United Kingdom": "GB", "Britain": "GB", "Great Britain": "GB",
    "New Zealand": "NZ", "Australia": "AU", "Ireland": "IE", "Republic of Ireland": "IE",
    "Canada": "CA", "U.S.": "US", "U.K.": "GB", "UK": "GB", "USA": "US",
}  # fmt: skip
_REGIONS: dict[str, str] = {
    "England": "ENG|GB",
    "Scotland": "SCT|GB",
    "Wales": "WLS|GB",
    "Northern Ireland": "NIR|GB",
}
_TLD_COUNTRY = {"uk": "GB", "nz": "NZ", "au": "AU", "ie": "IE", "ca": "CA"}

_WORD = r"(?:St|Ft|Mt)\.|[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)*"
_UPPER_WORD = r"[A-Z][A-Z'.]+"
# A capitalised run: words joined by single spaces (no nested ambiguity, linear time).
_RUN = re.compile(rf"(?<![\w.-])(?:{_WORD}|St\.)(?: (?:{_WORD}|of|upon))*")
_STATE_ALT = "|".join(
    re.escape(s) for s in sorted((*STATE_NAMES, *AP_STATES), key=len, reverse=True)
)
_POSTAL_ALT = "|".join(sorted(POSTAL_STATES))
_DATELINE = re.compile(
    rf"(?m)^[ \t]*({_UPPER_WORD}(?:[ -]{_UPPER_WORD}){{0,3}})"
    r"(?=,? (?:[A-Z][a-z.]*\.? ?){0,3}(?:\([^)\n]{1,40}\) ?)?[—–-])"
)

# Words that may follow a town inside one capitalised run and keep it a place ("Bristol Police").
_TRAILING = frozenset(
    [
        "police",
        "fire",
        "sheriff",
        "sheriff's",
        "department",
        "dept",
        "pd",
        "township",
        "city",
        "village",
        "borough",
        "county",
        "mayor",
        "council",
        "residents",
        "man",
        "woman",
    ]
)
# Words that end a capitalised run without making it a place ("Crestview Drive").
_LEADING = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "of",
        "to",
        "the",
        "a",
        "an",
        "and",
        "but",
        "on",
        "by",
        "for",
        "with",
        "as",
        "when",
        "after",
        "before",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "downtown",
        "suburban",
        "rural",
        "central",
        "greater",
        "metro",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
    ]
)
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|near|of|from|outside|at|to|across|around|throughout|downtown|suburban|"
    r"northern|southern|eastern|western|north|south|east|west|rural|town of|city of|village of)"
    r"(?: (?:central|north|south|east|west|northern|southern|eastern|western|downtown|rural|"
    r"suburban|northeast|northwest|southeast|southwest))?|,)\s$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^(?:'s\b|,? (?:police|officers?|fire|man|woman|boy|girl|teen|teenager|resident|residents|"
    r"home|house|neighborhood|area|apartment|couple|family|mayor|native|-based)\b|-based\b|-area\b)",
    re.IGNORECASE,
)
_NOT_TOWN_AFTER = re.compile(
    r"^,? (?:Street|St\b|Road|Rd\b|Avenue|Ave\b|Drive|Lane|Boulevard|Blvd|Court|Way|Place|Park|"
    r"High|Middle|Elementary|School|College|University|Hospital|Medical|Center|Centre|Church|"
    r"Mall|Airport|Bridge|Street)",
)
_LARGE = 100_000
_SUPPORTED_MIN = 1000
_FOREIGN_MIN = 10_000
# Capitalised words that are also names of small towns ("University", "Office", "Advocate").
_COMMON = frozenset(
    [
        "university",
        "office",
        "under",
        "advocate",
        "center",
        "centre",
        "police",
        "college",
        "hospital",
        "church",
        "school",
        "court",
        "street",
        "park",
        "lake",
        "river",
        "beach",
        "island",
        "valley",
        "hill",
        "mountain",
        "north",
        "south",
        "east",
        "west",
        "central",
        "union",
        "liberty",
        "independence",
        "commerce",
        "industry",
        "justice",
        "victory",
        "hope",
        "faith",
        "unity",
        "friendship",
        "harmony",
        "providence",
        "mission",
        "reserve",
        "grove",
        "garden",
        "gardens",
        "village",
        "city",
        "town",
        "county",
        "state",
        "nation",
        "national",
        "federal",
        "sheriff",
        "deputy",
        "officer",
        "chief",
        "captain",
        "major",
        "gun",
        "fire",
        "home",
        "house",
        "family",
        "friday",
        "saturday",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "christmas",
        "easter",
        "may",
        "june",
        "april",
        "august",
        "march",
        "story",
        "video",
        "photo",
        "news",
        "press",
        "media",
        "tv",
        "radio",
        "nbc",
        "abc",
        "cbs",
        "fox",
        "cnn",
        "ap",
    ]
)


def _country_hint(article: Article) -> str | None:
    for address in (article.url, article.source):
        if address:
            host = urlsplit(address).hostname if "//" in address else address
            tld = (host or "").rsplit(".", 1)[-1].lower()
            if tld in _TLD_COUNTRY:
                return _TLD_COUNTRY[tld]
    return None


def _host_state(article: Article) -> str | None:
    """The state of a large city or a state named in the outlet's host ("toledoblade.com")."""
    address = article.source or article.url or ""
    host = (urlsplit(address).hostname if "//" in address else address) or ""
    return _label_state(host.lower().removeprefix("www.").split(".")[0])


@functools.lru_cache(maxsize=4096)
def _label_state(label: str) -> str | None:
    gazetteer = towns()
    for state, code in STATE_NAMES.items():
        if len(state) > 5 and state.lower().replace(" ", "") in label:
            return code
    best: tuple[int, str] | None = None
    for size in range(len(label), 4, -1):
        for begin in range(len(label) - size + 1):
            readings = gazetteer.get(_HOST_KEYS().get(label[begin : begin + size], ""), ())
            us = [r for r in readings if r.country == "US" and r.kind == "city"]
            if us and us[0].population >= _LARGE and (best is None or us[0].population > best[0]):
                best = (us[0].population, us[0].admin1)
        if best:
            return best[1]
    return None


@functools.lru_cache(maxsize=1)
def _HOST_KEYS() -> dict[str, str]:  # noqa: N802
    """Large US cities' names without spaces ("lasvegas") -> gazetteer key."""
    return {
        k.replace(" ", ""): k
        for k, readings in towns().items()
        if any(r.country == "US" and r.population >= _LARGE for r in readings)
    }


_STATE_AT = re.compile(rf"(?:({_STATE_ALT})(?![a-z])|({_POSTAL_ALT})(?![A-Za-z]))")
_TOWN_BEFORE = re.compile(
    rf"(?<![\w'.-])((?:{_WORD}|St\.)(?: (?:{_WORD}|of))*|{_UPPER_WORD}(?: {_UPPER_WORD})*)$"
)
_COUNTRY_NAMES = sorted((*_COUNTRIES, *_REGIONS), key=len, reverse=True)
_NICK_WORDS = (" man", " woman", " boy", " girl", " teen", " police")
_DATELINE_AT = re.compile(_DATELINE.pattern.removeprefix("(?m)^"))


def _town_states(text: str) -> Iterator[tuple[str, int, str, int, bool]]:
    """``Town, State`` pairs: (town, its start, state as written, its start, postal code?).

    Found from each ", " (``str.find``) with anchored patterns on either side: a state right
    after, a capitalised run right before.
    """
    at = text.find(", ")
    while at >= 0:
        if at + 2 < len(text) and text[at + 2].isupper():
            state = _STATE_AT.match(text, at + 2)
            town = _TOWN_BEFORE.search(text, max(0, at - 60), at) if state else None
            if state and town:
                postal = state.group(2) is not None
                yield town.group(1), town.start(1), state.group(0), at + 2, postal
        at = text.find(", ", at + 1)


def _find_words(text: str, words: Iterable[str]) -> list[tuple[int, str]]:
    """(start, word) of each whole-word occurrence of ``words`` (longest first wins)."""
    out: list[tuple[int, str]] = []
    taken: set[int] = set()
    capitals = capital_words(text)
    for word in words:
        first = word.split(" ", 1)[0].rstrip(".")
        if first.isalpha() and first not in capitals:
            continue
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before == "." or after.isalnum()) and at not in taken:
                out.append((at, word))
                taken.update(range(at, end))
            at = text.find(word, at + 1)
    return sorted(out)


def _state_nicknames(text: str) -> list[tuple[int, str]]:
    """Postal codes before "man", "police" ... ("7-year-old NC girl")."""
    out = []
    for word in _NICK_WORDS:
        at = text.find(word)
        while at >= 0:
            code = text[at - 2 : at]
            if (
                code in POSTAL_STATES
                and not text[at - 3 : at - 2].isalnum()
                and not text[at + len(word) : at + len(word) + 1].isalpha()
            ):
                out.append((at - 2, code))
            at = text.find(word, at + 1)
    return out


def _datelines(text: str) -> Iterator[re.Match[str]]:
    """Datelines at the start of a line ("BRISTOL, Conn. (AP) —")."""
    at = 0
    while at >= 0:
        match = _DATELINE_AT.match(text, at)
        if match:
            yield match
        at = text.find("\n", at)
        if at >= 0:
            at += 1


def name_words(people: Iterable[Mention]) -> frozenset[str]:
    """Lookup keys of the words of people's names, except names of large cities."""
    gazetteer = towns()
    return frozenset(
        key(word)
        for mention in people
        for word in mention.norm.split()
        if not any(r.population >= _LARGE for r in gazetteer.get(key(word), ()))
    )


def _norm(reading: Reading) -> tuple[str, str]:
    if reading.kind == "county":
        if reading.country == "GB":
            return f"{reading.name.lower()}|GB", "county"
        return f"{reading.name.lower()}|{reading.admin1}|{reading.country}", "county"
    return f"{reading.name.lower()}|{reading.admin1}|{reading.country}", "city"


def _pick(
    readings: Sequence[Reading], states: set[str], countries: set[str]
) -> tuple[Reading | None, bool]:
    """Choose a reading; the flag says whether the article's own context supported it."""
    in_state = [r for r in readings if r.country == "US" and r.admin1 in states]
    if in_state:
        return in_state[0], True
    in_country = [r for r in readings if r.country in countries]
    if in_country:
        return in_country[0], False
    return (readings[0] if readings else None), False


def _strip_run(run: str, start: int) -> tuple[str, int]:
    """Drop leading function words ("In Bristol" at a sentence start) and trailing org words."""
    words = run.split(" ")
    offset = start
    while words and words[0].lower() in _LEADING:
        offset += len(words[0]) + 1
        words.pop(0)
    if key(" ".join(words)) in towns():
        return " ".join(words).rstrip("."), offset  # "Kansas City" keeps its "City"
    while len(words) > 1 and words[-1].lower().rstrip(".") in _TRAILING:
        if words[-1].lower() == "county":
            break
        words.pop()
    return " ".join(words).rstrip("."), offset


def find_places(  # noqa: PLR0912, PLR0915
    text: str, article: Article, names: frozenset[str] = frozenset()
) -> tuple[Mention, ...]:
    """Find places, resolved with the gazetteer; see the module docstring for norms and rules.

    ``names`` holds the words of people's names found in the same text ("Devon" of "Devon
    Lofton"); a bare town name that is one of them needs a ``Town, State`` pair to count.

    Examples:
        >>> from caselink.models import Article
        >>> found = find_places("A man was shot in Bristol, Conn., on Friday.", Article("a", "", ""))
        >>> [(m.text, m.norm, m.role) for m in found]
        [('Bristol', 'bristol|CT|US', 'city'), ('Conn.', 'CT|US', 'state')]
    """
    gazetteer = towns()
    found: dict[tuple[int, int], Mention] = {}
    states: set[str] = set()
    soft_states: set[str] = set()
    countries: set[str] = set()
    hint = _country_hint(article)

    taken = Spans(len(text))

    def add(surface: str, start: int, norm: str, role: str) -> None:
        end = start + len(surface)
        if taken.take(start, end):
            found[(start, end)] = Mention(surface, norm, start, end, role=role)

    # Pass 1: explicit evidence.
    pairs: list[tuple[str, int, str]] = []
    for town_text, town_start, state_text, state_start, postal in _town_states(text):
        code = STATE_NAMES.get(state_text) or AP_STATES.get(state_text) or state_text
        town, offset = _strip_run(town_text, town_start)
        if not town or town in STATE_NAMES:
            continue
        if (
            postal
            and not any(r.admin1 == code for r in gazetteer.get(key(town.split(" ")[-1]), ()))
            and not any(r.admin1 == code for r in gazetteer.get(key(town), ()))
        ):
            continue  # a postal code is trusted only after a town of that state
        states.add(code)
        add(state_text, state_start, f"{code}|US", "state")
        pairs.append((town, offset, code))
    for town, offset, code in pairs:
        words = town.split(" ")
        # The longest tail of the run that the gazetteer knows in this state ("Police in Bristol").
        for size in range(len(words), 0, -1):
            name = " ".join(words[-size:])
            surface_start = offset + len(town) - len(name)
            readings = tuple(r for r in gazetteer.get(key(name), ()) if r.admin1 == code)
            if readings:
                norm, role = _norm(readings[0])
                add(text[surface_start : surface_start + len(name)], surface_start, norm, role)
                break
        else:
            cue = _CUE_BEFORE.search(text[max(0, offset - 12) : offset]) or town.isupper()
            if cue and len(words) <= 3 and key(town) not in _COMMON | _LEADING | names:
                name = town.title() if town.isupper() else town
                add(text[offset : offset + len(town)], offset, f"{key(name)}|{code}|US", "city")
    for start, surface in _find_words(text, STATE_NAMES):
        if surface == "Washington":
            continue  # the city or the state: only trusted after a town
        after = text[start + len(surface) : start + len(surface) + 12]
        if re.match(r" (?:[A-Z][a-z]+|Post|Times)\b", after) and not re.match(
            r" (?:State|Police|Sheriff|Department|Highway|Attorney|Governor)\b", after
        ):
            continue  # part of a longer name: "Georgia Smith", "New York Times"
        code = STATE_NAMES[surface]
        states.add(code)
        add(surface, start, f"{code}|US", "state")
    for start, code in _state_nicknames(text):
        states.add(code)
        add(code, start, f"{code}|US", "state")
    for start, surface in _find_words(text, _COUNTRY_NAMES):
        if surface in _REGIONS:
            countries.add("GB")
            add(surface, start, _REGIONS[surface], "region")
        else:
            countries.add(_COUNTRIES[surface])
            add(surface, start, _COUNTRIES[surface], "country")
    if states:
        countries.add("US")
    if hint:
        countries.add(hint)
    no_evidence = not countries
    if no_evidence:
        countries.update(("US", "GB", "IE", "CA", "AU", "NZ"))
    for match in _datelines(text):
        name = match.group(1).title()
        readings = gazetteer.get(key(name), ())
        reading, _ = _pick(readings, states, countries)
        if reading is not None and reading.kind == "city":
            norm, role = _norm(reading)
            add(match.group(1), match.start(1), norm, role)
    strong_keys = {key(m.text): m.norm for m in found.values() if m.role in ("city", "county")}

    # Pass 2: bare town names with support.
    bare: list[tuple[str, int, str]] = []
    for match in _RUN.finditer(text):
        run, run_start = match.group(0), match.start()
        pieces = [(run, run_start)]
        if " of " in run and key(run) not in gazetteer:
            # "Fabriccio Patti of Las Vegas": the town is the tail after "of".
            head, _, tail = run.rpartition(" of ")
            pieces = [(head, run_start), (tail, run_start + len(head) + 4)]
        for piece, piece_start in pieces:
            if " " not in piece:  # most runs: one capitalised word
                if piece.lower() in _LEADING:
                    continue
                name, offset = piece.rstrip("."), piece_start
            else:
                name, offset = _strip_run(piece, piece_start)
            k = key(name) if name else ""
            if k and (k in gazetteer or k in strong_keys):
                bare.append((name, offset, k))
    host_state = _host_state(article)
    if host_state and not states:
        soft_states.add(host_state)
    if not states:
        # No state named: a large city that dominates its name sets the context ("Chicago"),
        # so "Bridgeport" in the same story is not read as Bridgeport, Connecticut.
        for _name, _offset, k in bare:
            readings = tuple(
                r for r in gazetteer.get(k, ()) if r.country == "US" and r.kind == "city"
            )
            if (
                readings
                and readings[0].population >= _LARGE
                and (len(readings) == 1 or readings[0].population >= 10 * readings[1].population)
                and k not in names
            ):
                soft_states.add(readings[0].admin1)
    context = states or soft_states
    if soft_states and not hint and countries == {"US", "GB", "IE", "CA", "AU", "NZ"}:
        countries = {"US"}
    for name, offset, k in bare:
        before = text[max(0, offset - 24) : offset]
        end = offset + len(name)
        after = text[end : end + 24]
        if _NOT_TOWN_AFTER.match(after):
            continue
        if name.endswith((" County", " Parish")):
            readings = gazetteer.get(k, ())
            reading, supported = _pick(readings, context, countries)
            if reading is not None and (supported or len(readings) == 1 or reading.country == "GB"):
                norm, role = _norm(reading)
                add(text[offset:end], offset, norm, role)
            continue
        if k in strong_keys:
            add(text[offset:end], offset, strong_keys[k], "city")
            continue
        if k in names or k in _COMMON or name in STATE_NAMES or name in _COUNTRIES:
            continue
        readings = gazetteer.get(k, ())
        if not readings or name in _REGIONS:
            continue
        reading, supported = _pick(readings, context, countries)
        if reading is None or reading.country not in countries:
            continue
        cue = bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))
        big = reading.population >= _LARGE
        if reading.kind == "county":
            big = reading.country == "GB"
        if context and reading.country == "US" and not supported and not (cue and big):
            continue  # the article names its states; a same-name town elsewhere is noise
        if no_evidence and reading.country != "US" and reading.population < _FOREIGN_MIN:
            continue  # nothing says the story is abroad: a small foreign namesake is noise
        if cue or big or (supported and reading.population >= _SUPPORTED_MIN):
            norm, role = _norm(reading)
            add(text[offset:end], offset, norm, role)
    return tuple(sorted(found.values(), key=lambda m: (m.start, m.end)))
