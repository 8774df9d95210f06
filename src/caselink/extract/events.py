"""Outcomes and allegation types, from small keyword taxonomies."""

from __future__ import annotations

import re

from caselink.extract._text import gated_search, lowered
from caselink.models import Article, Mention

__all__ = ["find_allegations", "find_outcomes"]

_STAFF = r"(?:coach|manager|officer|constable|sergeant|detective|employee|chief|deputy|trooper)"
# "Dismissed" of a case, a jury, a class or an idea is no dismissal from a job: "the judge
# dismissed the charges", "dismissed concerns", "dismissed by critics", "sacked on second down".
_NOT_DISMISSED = (
    r" (?:the |all |a |an |his |her )?(?:charges?|case|cases|lawsuits?|suit|indictments?|counts?|"
    r"jury|jurors?|motions?|appeals?|complaints?|concerns?|calls?|claims?|reports?|idea|notion|"
    r"suggestions?|criticism|incident|allegations?)\b| (?:by|as|on)\b"
)
_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("dismissed without notice", r"dismissed without notice|sacked without notice"),
    ("final written warning", r"final written warning"),
    ("written warning", r"(?<!final )written warning"),
    ("management advice", r"management advice"),
    (
        "no case to answer",
        r"no case to answer|(?:not|no) (?:find |found |have |had |be )?a case to answer",
    ),
    ("barred list", r"barred list|barred from (?:working for|serving|re-?joining) the police"),
    # A dismissal is a person losing a job. "Dismissed"/"sacked", but not of a case, a jury or an
    # idea (`_NOT_DISMISSED`, and `_NOT_AFTER`: "the charges were dismissed"). "Fired" only when
    # said of a person: "was fired" (not after a gun: `_NOT_AFTER`), "fired from the force",
    # "fired him", "the fifth coach fired this season", "the fired officer"; never shooting
    # ("fired shots", "fired at", "fired a gun", "the gun was fired", "he turned and fired").
    (
        "dismissed",
        (
            rf"\b(?:dismissed|sacked)\b(?! without notice|{_NOT_DISMISSED})|"
            r"\b(?:was|were|been|be|being|got|get|gets) fired\b(?! (?:at|upon|into|on|in the air)\b)|"
            r"\bfired from (?:the|his|her|their) (?:force|job|post|police|department|service|team|"
            r"position)\b|\bfired (?:him|her|them)\b(?! (?:at|into|on)\b)|"
            rf"\b{_STAFF}s? fired (?:within|by|after|over|for|earlier|last|this|in (?:19|20)\d\d)\b|"
            rf"\bfired {_STAFF}s?\b"
        ),
    ),
    ("cleared", r"\bcleared\b"),
    ("charged", r"\bcharged with\b"),
    ("convicted", r"\b(?:convicted|found guilty|pleaded guilty)\b"),
    ("acquitted", r"\b(?:acquitted|found not guilty)\b"),
    ("resigned", r"\bresigned\b"),
    ("under investigation", r"\bunder investigation\b|\blaunched an investigation\b"),
)
_ALLEGATIONS: tuple[tuple[str, str], ...] = (
    ("sexual misconduct", r"\bsexual\b|abuse of (?:position|power)|inappropriate relationship"),
    ("violence", r"\bexcessive force\b|\bassault(?:ed|ing)?\b|\bpunch(?:ed|ing)?\b"),
    ("dishonesty", r"\bdishonest|\blied\b|\bfalse statement|\bperjury\b"),
    ("discrimination", r"\bracis[tm]|\bracial\b|\bdiscriminat|\bhomophobic|\bmisogyn"),
    ("data misuse", r"\bpolice (?:computer|database|systems?)\b|\bdata protection\b"),
    ("driving", r"\bpursuit\b|\bpolice chase\b|\bcrash(?:ed)?\b"),
    ("death or serious injury", r"\bdeath in custody\b|\bdied\b|\bserious injur"),
    ("firearms discharge", r"\bshot\b|\bshooting\b|\bopened fire\b|\bgunfire\b"),
)
# Patterns are lower case and run on the ASCII-lowered text (faster than re.IGNORECASE).
# Each pattern runs only when one of its gate words occurs (see `gated_search`).
_GATES: dict[str, tuple[str, ...]] = {
    "dismissed without notice": ("without notice",),
    "final written warning": ("final written",),
    "written warning": ("written warning",),
    "management advice": ("management advice",),
    "no case to answer": ("case to answer",),
    "barred list": ("barred",),
    "dismissed": ("dismissed", "sacked", "fired"),
    "cleared": ("cleared",),
    "charged": ("charged with",),
    "convicted": ("convicted", "guilty"),
    "acquitted": ("acquitted", "not guilty"),
    "resigned": ("resigned",),
    "under investigation": ("under investigation", "launched an investigation"),
    "sexual misconduct": ("sexual", "abuse of", "inappropriate relationship"),
    "violence": ("excessive force", "assault", "punch"),
    "dishonesty": ("dishonest", "lied", "false statement", "perjury"),
    "discrimination": ("racis", "racial", "discriminat", "homophobic", "misogyn"),
    "data misuse": ("police computer", "police database", "police system", "data protection"),
    "driving": ("pursuit", "police chase", "crash"),
    "death or serious injury": ("death in custody", "died", "serious injur"),
    "firearms discharge": ("shot", "shooting", "opened fire", "gunfire"),
}
_OUTCOME_RE = tuple((norm, re.compile(p)) for norm, p in _OUTCOMES)
_ALLEGATION_RE = tuple((norm, re.compile(p)) for norm, p in _ALLEGATIONS)


# Wording just before a match that makes it another sense: a gun was fired, a case dismissed.
_NOT_AFTER: dict[str, re.Pattern[str]] = {
    "dismissed": re.compile(
        r"\b(?:(?:shots|gunshots?|guns?|rounds?|weapons?|bullets?|rifle|shotgun|pistol|handgun|"
        r"firearm|it|they|charges?|case|cases|lawsuits?|suit|indictments?|counts?|jury|jurors?|"
        r"classes|motions?|appeals?|complaints?|claims?)(?: [\w’']+){0,4}|shot) $"
    ),
}


def _first_of_each(
    text: str, table: tuple[tuple[str, re.Pattern[str]], ...]
) -> tuple[Mention, ...]:
    found = []
    low = lowered(text)
    for norm, pattern in table:
        match = gated_search(pattern, low, _GATES[norm])
        not_after = _NOT_AFTER.get(norm)
        while (
            match and not_after and not_after.search(low, max(0, match.start() - 60), match.start())
        ):
            match = pattern.search(low, match.end())
        if match:
            found.append(
                Mention(text[match.start() : match.end()], norm, match.start(), match.end())
            )
    return tuple(sorted(found, key=lambda m: m.start))


def find_outcomes(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find outcomes (first mention of each kind)."""
    return _first_of_each(text, _OUTCOME_RE)


def find_allegations(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find allegation types (first mention of each kind)."""
    return _first_of_each(text, _ALLEGATION_RE)
