"""Streets: the street or road an incident happened on ("a home on Woodland Street").

Local news places nearly every shooting, crash or arrest on a named street or block ("the 1200
block of Northwest 4th Place"), and two incidents of one town and week are rarely on the same
street, so the street tells look-alike incidents apart where town and date cannot.

Only the body is read: headlines are in title case, where any capitalised run before "Street"
would pass for a name. A street is one to three capitalised words (or an ordinal such as "4th")
followed by a street type ("Street", "St.", "Avenue", "Ave", ...). Leading function words,
directions and words that start sentences ("On", "Police", "North") are dropped from the name;
"Court" counts only as "Ct." (courts of law share the word); a road type followed by an
organisation's noun ("Highway Patrol") and "Dr."/"St." followed by a capitalised word ("Dr. Ann
Lee", "St. Mary's") are not streets. The norm is the lower-case name with
the type spelled out and no direction: ``"NW 4th Pl."`` and ``"Northwest 4th Place"`` are both
``"4th place"``.
"""

from __future__ import annotations

import re

from caselink.extract._text import body_start, skipping
from caselink.models import Article, Mention

__all__ = ["find_streets"]

_TYPES = {
    "street": "street",
    "st": "street",
    "avenue": "avenue",
    "ave": "avenue",
    "road": "road",
    "rd": "road",
    "boulevard": "boulevard",
    "blvd": "boulevard",
    "drive": "drive",
    "dr": "drive",
    "lane": "lane",
    "ln": "lane",
    "place": "place",
    "pl": "place",
    "ct": "court",
    "parkway": "parkway",
    "pkwy": "parkway",
    "highway": "highway",
    "hwy": "highway",
    "terrace": "terrace",
    "circle": "circle",
    "trail": "trail",
    "pike": "pike",
}
# Each type as written: the word, or the abbreviation with an optional full stop ("St", "St.").
_KINDS = "|".join(
    word.capitalize() if word == full else rf"{word.capitalize()}\b\.?"
    for word, full in _TYPES.items()
)
_TYPE = skipping(
    rf"\b({_KINDS})(?![A-Za-z])"
    # "Shady Lane Drive": a type word inside a longer name is not the end of the name.
    rf"(?!\s(?:{_KINDS})(?![A-Za-z]))"
    # "Florida Highway Patrol", "Street Department": an organisation named after a road.
    r"(?!\s(?:Patrol|Department|Dept|Authority|Commission|Administration|Agency|Division|Safety"
    r"|Association|Board|Trust)\b)"
)
# The one to three capitalised words or ordinals right before a street type (searched backwards
# from the type, so the text is scanned for the rare type words, not for every capitalised word).
_RUN = re.compile(r"\b((?:(?:[A-Z][a-z]+|\d{1,4}(?:st|nd|rd|th))\s){1,3})\Z")
_LOOK_BACK = 80
# "Dr." and "St." before a capitalised word are titles ("Dr. Sanjay Gupta", "St. Mary's").
_TITLE_ABBREVIATION = re.compile(r"(?:Dr|St)\.?\s+[A-Z]")
_WORDS = re.compile(r"\S+")
# Words that are capitalised for another reason (sentence starts, titles, directions) and so are
# cut from the front of a street name, with everything before them.
_NOT_NAME = frozenset(
    (
        # function words
        "a", "an", "the", "on", "in", "at", "near", "of", "off", "from", "to", "into", "along",
        "outside", "inside", "behind", "by", "and", "or", "but", "across", "down", "up", "around",
        "toward", "towards", "between", "past", "via", "about", "after", "before", "while",
        "when", "where",
        # people who start sentences
        "police", "officers", "deputies", "investigators", "authorities", "detectives", "he",
        "she", "they", "it", "his", "her", "their",
        # directions
        "north", "south", "east", "west", "northwest", "northeast", "southwest", "southeast", "n",
        "s", "e", "w", "nw", "ne", "sw", "se",
        # other
        "old", "new", "upper", "lower", "said", "says",
    )
)  # fmt: skip


def find_streets(text: str, article: Article) -> tuple[Mention, ...]:
    """Find named streets in the body (norm = lower-case name and spelled-out type, no direction).

    Examples:
        >>> from caselink.models import Article
        >>> body = "He was shot on NW 4th Pl. Police closed Woodland Street."
        >>> [m.norm for m in find_streets(body, Article("a", "", body))]
        ['4th place', 'woodland street']
    """
    body = body_start(text, article)
    found: list[Mention] = []
    for kind_match in _TYPE.finditer(text, body):
        if _TITLE_ABBREVIATION.match(text, kind_match.start()):
            continue
        lo = max(body, kind_match.start() - _LOOK_BACK)
        match = _RUN.search(text, lo, kind_match.start())
        if match is None:
            continue
        words = list(_WORDS.finditer(match.group(1)))
        # The name is what follows the last word that cannot belong to it.
        cut = max(
            (i + 1 for i, w in enumerate(words) if w.group(0).lower() in _NOT_NAME), default=0
        )
        name = [w.group(0) for w in words[cut:]]
        if not name:
            continue
        start = match.start(1) + words[cut].start()
        kind = _TYPES[kind_match.group(1).rstrip(".").lower()]
        norm = " ".join(w.lower() for w in name) + " " + kind
        found.append(Mention(text[start : kind_match.end()], norm, start, kind_match.end()))
    return tuple(found)
