"""Places: towns and cities, counties, US states, UK regions and countries.

Norms (see `ArticleFields`):

- town or city: ``"name|admin1|country"`` with the gazetteer's name in lower case; admin1 is the
  US postal state code, for Great Britain the lower-case ceremonial county when the county table
  knows the town (``"worksop|nottinghamshire|GB"``), else GeoNames' admin1 code. Role ``"city"``.
- US county: ``"marion county|IN|US"``; UK county: ``"nottinghamshire|GB"``. Role ``"county"``.
- US state: ``"CT|US"``, role ``"state"``; England, Scotland, Wales, Northern Ireland:
  ``"ENG|GB"`` ..., role ``"region"``; country: ISO code (``"GB"``), role ``"country"``.
- a city's neighbourhood that the gazetteer lists as a place ("the Englewood neighborhood" of
  Chicago): ``"englewood|IL|US"``, role ``"neighborhood"``, so it is not taken for a town.

Resolution works in two passes. The first finds the unambiguous evidence: ``Town, State`` pairs
(``"Bristol, Conn."``, ``"Salisbury, N.C."``, ``"Wichita, Kansas"``), state and country names.
Then every candidate (datelines such as ``"ST. LOUIS (AP) —"`` and bare town names) votes for
the US states it can be in, and each ambiguous name is read in the state the article as a whole
points at ("Woodlawn" beside "Chicago" is Woodlawn, Illinois, even where Maryland is mentioned
in passing), weighed against population; the outlet's home state and masthead only help choose.
A bare name is kept only with support (a preposition such as "in", a following "police" or
"man", an earlier strong mention, a large population, or a backed state), and not where it is a
person's name ("Devon" of "Devon Lofton", "Jackson was arrested") or the outlet's masthead in
the title ("... - KSLA News 12 Shreveport, Louisiana").
"""

from __future__ import annotations

import collections
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
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

# ("Prince George's County": a possessive only inside a county's name.)
_WORD = r"(?:St|Ft|Mt)\.|[A-Z][a-z]+(?:['-][A-Za-z][a-z]+)*(?:['’]s(?= County| Parish))?"
_UPPER_WORD = r"[A-Z][A-Z'.]+"
# A capitalised run: words joined by single spaces (no nested ambiguity, linear time).
# (The leading look-ahead lets the regex engine skip to capital letters.)
_RUN = re.compile(rf"(?=[A-Z])(?<![\w.-])(?:{_WORD}|St\.)(?: (?:{_WORD}|of|upon))*")
_STATE_ALT = "|".join(
    re.escape(s) for s in sorted((*STATE_NAMES, *AP_STATES), key=len, reverse=True)
)
_POSTAL_ALT = "|".join(sorted(POSTAL_STATES))
_DATELINE = re.compile(
    rf"(?m)^[ \t]*({_UPPER_WORD}(?:[ -]{_UPPER_WORD}){{0,3}})"
    r"(?=,? (?:[A-Z][a-z.]*\.? ?){0,3}(?:\([^)\n]{1,40}\) ?)?[—–-])"
)

# Words that may follow a town inside one capitalised run and keep it a place ("Bristol Police",
# "Cincinnati Police Lt.", "Columbus Tuesday", and in Title Case headlines "St. Paul Shooting",
# "Alvin Boy").
# "County" is not one: "Rusk County" names the county, never the town of Rusk.
_TRAILING = frozenset(
    re.findall(
        r"\S+",
        """police fire sheriff sheriff's department dept pd township city village borough mayor
    council residents resident man woman men women teen teens boy boys girl girls toddler child
    children family student students couple native area neighborhood neighbourhood officer
    officers deputies detectives lt sgt capt shooting shootings homicide authorities officials
    monday tuesday wednesday thursday friday saturday sunday january february march april june
    july august september october november december
    """,
    )
)
# Words that open a capitalised run without being part of the place: function words ("In
# Bristol" opening a sentence) and descriptions ("North Bristol"), which are tried both ways
# ("South Windsor" is a town of its own, "South Bristol" may not be).
_FUNCTION_WORDS = frozenset(
    ["in", "at", "near", "from", "of", "to", "the", "a", "an", "and", "but", "on", "by", "for",
     "with", "as", "when", "after", "before"]
)  # fmt: skip
_DESCRIPTIONS = frozenset(
    ["north", "south", "east", "west", "northern", "southern", "eastern", "western", "downtown",
     "suburban", "rural", "central", "greater", "metro", "northeast", "northwest", "southeast",
     "southwest", "northeastern", "northwestern", "southeastern", "southwestern"]
)  # fmt: skip
_LEADING = _FUNCTION_WORDS | _DESCRIPTIONS
_CUE_BEFORE = re.compile(
    r"(?:\b(?:in|near|of|from|outside|at|to|across|around|throughout|downtown|suburban|"
    r"northern|southern|eastern|western|north|south|east|west|rural|town of|city of|village of)"
    r"(?: (?:central|north|south|east|west|northern|southern|eastern|western|downtown|rural|"
    r"suburban|northeast|northwest|southeast|southwest))?|,)\s$",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(
    r"^(?:'s\b|,? (?:police|officers?|fire|man|woman|boy|girl|teen|teenager|resident|residents|"
    r"shooting|shootings|homicide|toddler|child|student|youth|juvenile|"
    r"home|house|neighborhood|area|apartment|couple|family|mayor|native|-based)\b|-based\b|-area\b)",
    re.IGNORECASE,
)
# "the Englewood neighborhood", "Boston's Dorchester section": a named part of a city.
_NEIGHBOURHOOD = re.compile(
    r"(?:\b[Tt]he|['’]s) ((?:[A-Z][A-Za-z.'’-]*[ -]){1,4})(?:neighbou?rhood|section|community area)\b"
)
_NEIGHBOURHOOD_GATES = ("neighborhood", "neighbourhood", "section", "community area")
_NEIGHBOURHOOD_CHARS = re.compile(r"[A-Za-z.'’ -]*")
# Around a name used alone, wording that makes it the person, not the town ("his daughter,
# Charlotte,", "Jackson was arrested").
_PERSON_BEFORE = re.compile(
    r"\b(?:daughter|son|wife|husband|mother|father|brother|sister|friend|girlfriend|boyfriend|"
    r"victim|suspect|named|identified as),? $"
)
_PERSON_AFTER = re.compile(
    r"^(?:,? \d{1,3}\b|['’]s (?:attorney|lawyer|mother|father|family|wife|husband|girlfriend|"
    r"boyfriend|arrest|death|body)\b| (?:said|says|told|testified|pleaded|admitted|denied|faces|"
    r"was (?:arrested|charged|booked|shot|killed|sentenced|convicted|taken))\b)"
)
_STREETS_AFTER = re.compile(
    r"^ and (?:[A-Z][\w.'’-]* ){1,3}(?:[Ss]treets|[Aa]venues|[Rr]oads|[Dd]rives|[Bb]oulevards)\b"
)
_BLOCK_OF = re.compile(r"\b[Bb]lock of (?:(?:[Nn]orth|[Ss]outh|[Ee]ast|[Ww]est|[NSEW]\.?) )?$")
_NOT_TOWN_AFTER = re.compile(
    r"^,? (?:Street|St\b|Road|Rd\b|Avenue|Ave\b|Drive|Lane|Boulevard|Blvd|Court|Way|Place|Park|"
    r"High|Middle|Elementary|School|College|University|Hospital|Medical|Center|Centre|Church|"
    r"Mall|Airport|Bridge|Street)",
)
_LARGE = 100_000
_MAX_PLACE_WORDS = 8  # the longest gazetteer name has eight words
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
            tld = _tld(address)
            if tld in _TLD_COUNTRY:
                return _TLD_COUNTRY[tld]
    return None


def _host(address: str) -> str | None:
    """The host name of a URL, or the address itself when it is no URL (a feed's host name)."""
    if "//" not in address:
        return address
    if address.startswith(("https://", "http://")) and address.isprintable():
        # Only the scheme and the network location decide the host: the articles of one
        # outlet share it, so it is parsed once (tabs and newlines, which URL parsing drops
        # anywhere, are no printable characters).
        end = _NETLOC_END.search(address, address.index("//") + 2)
        return _url_host(address[: end.start()] if end else address)
    return urlsplit(address).hostname


_NETLOC_END = re.compile(r"[/?#]")


@functools.lru_cache(maxsize=4096)
def _url_host(address: str) -> str | None:
    return urlsplit(address).hostname


@functools.lru_cache(maxsize=4096)
def _tld(address: str) -> str:
    """The lower-case last label of an address's host ("uk" of "https://www.bbc.co.uk/...")."""
    return (_host(address) or "").rsplit(".", 1)[-1].lower()


def _host_state(article: Article) -> str | None:
    """The state of a large city or a state named in the outlet's host ("toledoblade.com")."""
    address = article.source or article.url or ""
    host = _host(address) or ""
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
_COUNTRY_NAMES = tuple(sorted((*_COUNTRIES, *_REGIONS), key=len, reverse=True))
_STATE_WORDS = tuple(STATE_NAMES)
_NICK_WORDS = (" man", " woman", " boy", " girl", " teen", " police")
_DATELINE_AT = re.compile(_DATELINE.pattern.removeprefix("(?m)^"))
# "Killingly (AP) —": a Title Case dateline needs the news agency or station after it.
_TITLE_DATELINE_AT = re.compile(
    r"[ \t]*([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
    r"(?=,? (?:[A-Z][a-z]+\.? )?\([A-Z][^)\n]{0,30}\) ?[—–-])"
)
# Title separators before an outlet's masthead, and the words that make it one.
_TITLE_SEPARATOR = re.compile(r" [-|–—] |\|")
_MASTHEAD_WORD = re.compile(
    r"(?:[Nn]ews|NEWS|[Ww]eather|[Ss]ports|\bTV\b|[Cc]hannel|\.com\b|\.COM\b|\b[KW][A-Z]{2,3}\b|"
    r"\b(?:FOX|Fox|CBS|NBC|ABC)\b)"
)
_ALL_COUNTRIES = ("US", "GB", "IE", "CA", "AU", "NZ")
# Votes for a US state (see `_vote`): a ``Town, State`` pair and a dateline are the strongest
# evidence, a state named in passing less ("moved from Texas"), the outlet's home state least.
_PAIR_VOTE = 3.0
_STATE_VOTE = 1.5
_DATELINE_VOTE = 2.0
_HOST_VOTE = 1.0
_CITY_VOTE = 2.0  # a large city that dwarfs its namesakes ("Chicago")
_DWARFS = 10  # a place dominates its name when it is ten times the next namesake
_POP_WEIGHT = 0.5  # votes worth one order of magnitude of population (see `_reading_for`)
# A state supports a reading when its votes reach _SUPPORT and a share of the leading state's.
_SUPPORT = 1.0
_SUPPORT_SHARE = 0.5


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


@functools.lru_cache(maxsize=8)
def _by_first_word(words: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """``words`` indexed by their first word, and those whose first word is not alphabetic."""
    index: dict[str, list[str]] = {}
    other = []
    for word in words:
        first = word.split(" ", 1)[0].rstrip(".")
        if first.isalpha():
            index.setdefault(first, []).append(word)
        else:
            other.append(word)
    return {first: tuple(found) for first, found in index.items()}, tuple(other)


def _find_words(text: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    """(start, word) of each whole-word occurrence of ``words``; the longest wins an overlap.

    Only the words whose first word occurs capitalised in the text are looked for.
    """
    index, other = _by_first_word(words)
    capitals = capital_words(text)
    candidates = [w for first, found in index.items() if first in capitals for w in found]
    candidates.extend(other)
    candidates.sort(key=lambda w: (-len(w), w))
    out: list[tuple[int, str]] = []
    taken = Spans(len(text))
    for word in candidates:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before == "." or after.isalnum()) and taken.take(at, end):
                out.append((at, word))
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


# A dateline's line opens with a capital letter, a space or a tab: only those lines are tried.
_DATELINE_LINE = re.compile(r"\n[A-Z \t]")


def _datelines(text: str) -> Iterator[re.Match[str]]:
    """Datelines at the start of a line ("BRISTOL, Conn. (AP) —")."""
    starts = (line.start() + 1 for line in _DATELINE_LINE.finditer(text))
    for at in itertools.chain((0,), starts):
        match = _DATELINE_AT.match(text, at) or _TITLE_DATELINE_AT.match(text, at)
        if match:
            yield match


def name_words(people: Iterable[Mention]) -> frozenset[str]:
    """Lookup keys of the words of people's names ("vincent jackson" -> "jackson")."""
    return frozenset(key(word) for mention in people for word in mention.norm.split())


def _norm(reading: Reading) -> tuple[str, str]:
    if reading.kind == "county":
        if reading.country == "GB":
            return f"{reading.name.lower()}|GB", "county"
        return f"{reading.name.lower()}|{reading.admin1}|{reading.country}", "county"
    return f"{reading.name.lower()}|{reading.admin1}|{reading.country}", "city"


def _dominant(readings: Sequence[Reading]) -> Reading | None:
    """The reading of a large place that dwarfs its namesakes ("Chicago"), if there is one.

    ``readings`` come largest first; such a name needs no context to be read.
    """
    if not readings or readings[0].population < _LARGE:
        return None
    top = readings[0]
    for other in readings[1:]:
        if (other.admin1, other.country) != (top.admin1, top.country):
            return top if top.population >= _DWARFS * other.population else None
    return top


@functools.lru_cache(maxsize=65536)
def _log_population(population: int) -> float:
    return math.log10(population + 1)


def _reading_for(
    readings: Sequence[Reading],
    votes: dict[str, float],
    countries: set[str],
    *,
    dominance: bool = True,
) -> Reading | None:
    """The likeliest reading in the article's countries.

    The state votes of the rest of the article decide, each order of magnitude of population
    worth `_POP_WEIGHT` votes and a dominant place ("Brooklyn", New York) `_CITY_VOTE` more: a
    story that names Indiana and Indianapolis makes "Brooklyn" the Indiana town, one passing
    "Pennsylvania" does not make "Portland" a hamlet there.
    """
    usable = [r for r in readings if r.country in countries]
    dominant = _dominant(usable) if dominance else None

    def score(r: Reading) -> float:
        vote = votes.get(r.admin1, 0.0) if r.country == "US" else 0.0
        bonus = _CITY_VOTE if r is dominant else 0.0
        return vote + bonus + _POP_WEIGHT * _log_population(r.population)

    return max(usable, key=score, default=None)


@functools.lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first words of the gazetteer's lookup keys ("new" of "new york city")."""
    return frozenset(k.split(" ", 1)[0] for k in towns())


def _town_in_run(run: str, start: int, known: Callable[[str], bool]) -> tuple[str, int] | None:
    """The place a capitalised run names, and where it starts.

    Leading function words go ("In Bristol" opening a sentence), then leading descriptions one
    at a time unless they belong to the name ("South Windsor", but "North Bristol"); the place
    is the longest head of the rest that is a known place and is the whole rest or is followed
    by an organisation, role or headline word ("Bristol Police", "Cincinnati Police Lt",
    "St. Paul Shooting", "Jackson County Sheriff"). "Crestview Drive" and "Austin Smith" name no
    place.
    """
    head, offset = _strip_leading(run, start)
    words = head.split(" ")
    firsts = _first_words()
    while words and words[0]:
        # Every place name starts with the first word of some gazetteer name.
        if key(" ".join(words[:2])).split(" ", 1)[0] in firsts or known(key(words[0])):
            # No place name is longer than a few words: a long run is never tried whole
            # (and a megabyte of capitalised words stays linear).
            for size in range(min(len(words), _MAX_PLACE_WORDS), 0, -1):
                if size < len(words) and words[size].lower().rstrip(".") not in _TRAILING:
                    continue
                name = " ".join(words[:size]).rstrip(".")
                if name and known(key(name)):
                    return name, offset
        if words[0].lower() not in _DESCRIPTIONS:
            return None
        offset += len(words[0]) + 1
        words.pop(0)
    return None


def _run_places(run: str, known: Callable[[str], bool]) -> tuple[tuple[str, int, str], ...]:
    """The bare place names of one capitalised run: (name, offset in the run, lookup key).

    Most runs are one capitalised word, kept when it is a known place. A longer run names the
    place `_town_in_run` finds, or with "of" in it ("Fabriccio Patti of Las Vegas") the head's
    and the tail's.
    """
    if " " not in run:
        name = run.rstrip(".")
        k = key(name)
        return ((name, 0, k),) if known(k) and name.lower() not in _LEADING else ()
    pieces = [(run, 0)]
    if " of " in run and key(run) not in towns():
        # "Fabriccio Patti of Las Vegas": the town is the tail after "of".
        head, _, tail = run.rpartition(" of ")
        pieces = [(head, 0), (tail, len(head) + 4)]
    out = []
    for piece, piece_start in pieces:
        if " " not in piece:
            name = piece.rstrip(".")
            if name.lower() not in _LEADING and known(key(name)):
                out.append((name, piece_start, key(name)))
            continue
        place = _town_in_run(piece, piece_start, known)
        if place:
            out.append((place[0], place[1], key(place[0])))
    return tuple(out)


@functools.lru_cache(maxsize=32768)
def _gazetteer_run_places(run: str) -> tuple[tuple[str, int, str], ...]:
    """`_run_places` with the gazetteer's places known: a pure function of the run, cached."""
    return _run_places(run, towns().__contains__)


def _strip_leading(
    run: str, start: int, words: frozenset[str] = _FUNCTION_WORDS
) -> tuple[str, int]:
    """Drop leading ``words`` ("In Bristol" at a sentence start) from a capitalised run."""
    parts = run.split(" ")
    offset = start
    while parts and parts[0].lower() in words:
        offset += len(parts[0]) + 1
        parts.pop(0)
    return " ".join(parts).rstrip("."), offset


def _is_street(text: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` is a street, not a town.

    "Crestview Drive", "the 6700 block of South Aberdeen", "Brook and Winter streets".
    """
    return bool(
        _NOT_TOWN_AFTER.match(text[end : end + 24])
        or _STREETS_AFTER.match(text[end : end + 40])
        or _BLOCK_OF.search(text, max(0, start - 30), start)
    )


def _may_vote(name: str, k: str, names: frozenset[str], street: bool) -> bool:
    """Whether a bare candidate is plausibly a town at all (not a person, word or street)."""
    return not (
        k in names
        or k in _COMMON
        or name in STATE_NAMES
        or name in _COUNTRIES
        or name in _REGIONS
        or street
    )


def _vote(own: dict[str, dict[str, float]], k: str, weight: float, soft: set[str]) -> bool:
    """Set the votes of the name ``k`` for the US states it can be in (once per name).

    A dominant US city ("Chicago") votes for its state most, and it also says the story is in
    the US (``soft``); a name found in one place only votes for it in full; a name found in
    several places splits its vote, so names sharing a state reinforce it. Votes count names,
    not mentions: a first name that is also a small town ("Devon") repeated through a story
    must not outvote the city it happened in. Returns whether the name is a dominant city.
    """
    readings = towns().get(k, ())
    if k in own or not any(r.country == "US" for r in readings):
        return False
    mine = own.setdefault(k, collections.defaultdict(float))
    dominant = _dominant(readings)
    if dominant is not None:
        if dominant.country == "US":
            mine[dominant.admin1] += weight * _CITY_VOTE
            soft.add(dominant.admin1)
        return True
    places = {(r.country, r.admin1) for r in readings}
    for state in {r.admin1 for r in readings if r.country == "US"}:
        mine[state] += weight / len(places)
    return False


def _named_states(text: str) -> set[str]:
    """Postal codes of the US states named in ``text``, alone or after a town."""
    found = {STATE_NAMES[name] for _start, name in _find_words(text, _STATE_WORDS)}
    for _town, _start, state, _at, _postal in _town_states(text):
        found.add(STATE_NAMES.get(state) or AP_STATES.get(state) or state)
    return found


def _neighbourhoods(text: str) -> dict[str, bool]:
    """Lookup keys of the places the text calls a neighbourhood of a city.

    GeoNames lists many city neighbourhoods as populated places ("Englewood", Illinois); in a
    story that says "the Englewood neighborhood" every mention of the name is that part of the
    city, not a town in its own right. After leading descriptions the rest counts too ("the
    South Side Bridgeport neighborhood"); the value says whether a description came first, since
    then the rest may be the city itself ("the North Phoenix neighborhood").
    """
    first = min((at for at in map(text.find, _NEIGHBOURHOOD_GATES) if at >= 0), default=-1)
    if first < 0:
        return {}
    # A match is made of letters, spaces, dots, hyphens and apostrophes only, and it holds a gate
    # word: none starts before the run of such characters around the first gate word.
    run = _NEIGHBOURHOOD_CHARS.match(text[first - 1 :: -1] if first else "")
    back = run.end() if run else 0
    found: dict[str, bool] = {}
    for match in _NEIGHBOURHOOD.finditer(text, first - back):
        words = match.group(1).replace("-", " ").split()
        found.setdefault(key(" ".join(words)), False)
        for i, word in enumerate(words[:-1]):
            if word.lower() not in _DESCRIPTIONS and word.lower() != "side":
                break
            found.setdefault(key(" ".join(words[i + 1 :])), True)
    return found


def _backed(votes: dict[str, float], state: str) -> bool:
    """Whether the article's votes back ``state``: enough, and near the leading state's."""
    top = max(votes.values(), default=0.0)
    return votes.get(state, 0.0) >= max(_SUPPORT, top * _SUPPORT_SHARE)


def _is_local_city(k: str, votes: dict[str, float]) -> bool:
    """Whether ``k`` is a dominant city in a state the article points at ("Phoenix", Arizona)."""
    dominant = _dominant(towns().get(k, ()))
    return dominant is not None and _backed(votes, dominant.admin1)


def _masthead(article: Article) -> tuple[int, int] | None:
    """The outlet's masthead at the end of the title ("... - KSLA News 12 Shreveport, Louisiana").

    Places there are the outlet's market, not the story's: the span from the first title
    separator whose remainder names a newsroom (news, weather, TV, a call sign, ``.com``).
    """
    title = article.title or ""
    for sep in _TITLE_SEPARATOR.finditer(title):
        if _MASTHEAD_WORD.search(title, sep.start()):
            return sep.start(), len(title)
    return None


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
    masthead = _masthead(article)
    outlet_states = set()
    host_state = _host_state(article)
    if host_state:
        outlet_states.add(host_state)
    if masthead is not None and text.startswith(article.title):
        # The masthead names the outlet's market: a hint to the state, like the outlet's host,
        # but not a place of the story. Blank it (same length, so offsets carry over).
        outlet_states.update(_named_states(text[masthead[0] : masthead[1]]))
        text = text[: masthead[0]] + " " * (masthead[1] - masthead[0]) + text[masthead[1] :]
    found: dict[tuple[int, int], Mention] = {}
    votes: collections.defaultdict[str, float] = collections.defaultdict(float)
    states: set[str] = set()
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
        town, offset = _strip_leading(town_text, town_start)
        if not town or town in STATE_NAMES:
            continue
        if (
            postal
            and not any(r.admin1 == code for r in gazetteer.get(key(town.split(" ")[-1]), ()))
            and not any(r.admin1 == code for r in gazetteer.get(key(town), ()))
        ):
            continue  # a postal code is trusted only after a town of that state
        states.add(code)
        votes[code] += _PAIR_VOTE
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
    for start, surface in _find_words(text, _STATE_WORDS):
        if surface == "Washington":
            continue  # the city or the state: only trusted after a town
        after = text[start + len(surface) : start + len(surface) + 12]
        if re.match(r" (?:[A-Z][a-z]+|Post|Times)\b", after) and not re.match(
            r" (?:State|Police|Sheriff|Department|Highway|Attorney|Governor)\b", after
        ):
            continue  # part of a longer name: "Georgia Smith", "New York Times"
        code = STATE_NAMES[surface]
        states.add(code)
        votes[code] += _STATE_VOTE
        add(surface, start, f"{code}|US", "state")
    for start, code in _state_nicknames(text):
        states.add(code)
        votes[code] += _STATE_VOTE
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
        countries.update(_ALL_COUNTRIES)
    strong_keys = {
        key(m.text): (m.norm, m.role or "city")
        for m in found.values()
        if m.role in ("city", "county")
    }

    # Candidates: datelines and bare town names in capitalised runs.
    datelines = [(m.group(1), m.start(1)) for m in _datelines(text)]
    bare: list[tuple[str, int, str]] = []

    if all(k in gazetteer for k in strong_keys):
        # Known places are the gazetteer's: each distinct run is read once per process.
        read_run: Callable[[str], tuple[tuple[str, int, str], ...]] = _gazetteer_run_places
    else:
        # A town of a ``Town, State`` pair that the gazetteer does not know is known here too.
        def read_run(run: str) -> tuple[tuple[str, int, str], ...]:
            return _run_places(run, lambda k: k in gazetteer or k in strong_keys)

    for match in _RUN.finditer(text):
        places = read_run(match.group(0))
        if places:
            run_start = match.start()
            bare.extend((name, run_start + offset, k) for name, offset, k in places)

    # State context: every candidate votes for the states it can be in, so an ambiguous name
    # ("Woodlawn") is read in the state the rest of the article points at (Chicago -> Illinois),
    # not in the state of its largest namesake or of a state mentioned in passing. What the
    # text states (pairs, state names, datelines, large cities) is context that can rule a
    # namesake out; the outlet's home and the split votes of small towns only choose.
    # Whether each candidate names a street ("Crestview Drive"), asked twice below.
    streets = {
        (name, offset): _is_street(text, offset, offset + len(name)) for name, offset, _k in bare
    }
    own: dict[str, dict[str, float]] = {}
    soft: set[str] = set(outlet_states)
    stated_keys: set[str] = set()
    for surface, _start in datelines:
        k = key(surface.title())
        _vote(own, k, _DATELINE_VOTE, soft)
        stated_keys.add(k)
    for name, offset, k in bare:
        if k in strong_keys or not _may_vote(name, k, names, streets[name, offset]):
            continue
        if _vote(own, k, 1.0, soft):
            stated_keys.add(k)  # a large city
        elif k.endswith((" county", " parish")) and len(own.get(k, {})) == 1:
            stated_keys.add(k)  # a county found in one state only ("Routt County")
            soft.update(own[k])
    if no_evidence and not soft:
        own = {}  # nothing says the story is in the US: small US namesakes must not decide
    stated = collections.defaultdict(float, votes)
    for k, k_votes in own.items():
        for state, weight in k_votes.items():
            votes[state] += weight
            if k in stated_keys:
                stated[state] += weight
    for state in outlet_states:
        votes[state] += _HOST_VOTE
    if soft and not hint and no_evidence:
        countries = {"US"}

    def context(k: str, tally: dict[str, float]) -> dict[str, float]:
        mine = own.get(k)
        if not mine:
            return tally
        return {s: v - mine.get(s, 0.0) for s, v in tally.items()}

    parts = {
        k: described
        for k, described in _neighbourhoods(text).items()
        if not (described and _is_local_city(k, votes))
    }
    for surface, start in datelines:
        k = key(surface.title())
        reading = _reading_for(gazetteer.get(k, ()), context(k, votes), countries)
        if reading is not None:
            norm, role = _norm(reading)
            add(surface, start, norm, role)
            strong_keys.setdefault(k, (norm, role))

    # Pass 2: bare town names with support. The reading of a name and whether the article
    # backs it are the same at every mention, so they are worked out once per name.
    readings_of: dict[str, tuple[Reading | None, bool, bool]] = {}

    def resolve(k: str) -> tuple[Reading | None, bool, bool]:
        """(reading, backed by the article's states, the text states other states)."""
        if k not in readings_of:
            readings = gazetteer.get(k, ())
            votes_k = context(k, votes)
            if k in parts:
                reading = _reading_for(readings, votes_k, countries, dominance=False)
                supported = reading is not None and _backed(votes_k, reading.admin1)
            else:
                reading = _reading_for(readings, votes_k, countries)
                supported = reading is not None and (
                    reading.country == "US"
                    and (_backed(votes_k, reading.admin1) or reading is _dominant(readings))
                )
            has_context = any(v >= _SUPPORT for v in context(k, stated).values())
            readings_of[k] = (reading, supported, has_context)
        return readings_of[k]

    for name, offset, k in bare:
        end = offset + len(name)
        after = text[end : end + 24]
        if streets[name, offset]:
            continue
        if k in strong_keys:
            add(text[offset:end], offset, *strong_keys[k])
            continue
        county = k.endswith((" county", " parish"))
        if not county and (
            k in _COMMON or name in STATE_NAMES or name in _COUNTRIES or name in _REGIONS
        ):
            continue
        reading, supported, has_context = resolve(k)
        if reading is None:
            continue
        if k in parts:
            # A neighbourhood of the city the story is in: read in the article's state even
            # where a large namesake dominates ("the Austin neighborhood" of Chicago).
            if supported:
                add(text[offset:end], offset, _norm(reading)[0], "neighborhood")
            continue
        if county:
            if supported or len(gazetteer[k]) == 1 or reading.country == "GB":
                add(text[offset:end], offset, *_norm(reading))
            continue
        before = text[max(0, offset - 24) : offset]
        if k in names and (
            _PERSON_AFTER.match(after)
            or _PERSON_BEFORE.search(before)
            or not any(r.population >= _LARGE and r.kind == "city" for r in gazetteer[k])
        ):
            # A word of a person's name: "Devon" of "Devon Lofton" is never the town, and
            # "Jackson" of "Vincent Jackson" is not the city where it is the person
            # ("Jackson was arrested", "Jackson, 29,").
            continue
        cue = bool(_CUE_BEFORE.search(before) or _CUE_AFTER.match(after))
        big = reading.population >= _LARGE
        if reading.kind == "county":
            big = reading.country == "GB"
        if has_context and reading.country == "US" and not supported and not (cue and big):
            continue  # the article points at other states; a same-name town elsewhere is noise
        if no_evidence and reading.country != "US" and reading.population < _FOREIGN_MIN:
            continue  # nothing says the story is abroad: a small foreign namesake is noise
        if cue or big or (supported and reading.population >= _SUPPORTED_MIN):
            add(text[offset:end], offset, *_norm(reading))
    return tuple(sorted(found.values(), key=lambda m: (m.start, m.end)))
