"""Casualty counts: how many people were killed and how many injured.

An explicit count wins ("two people were killed", "left three dead", "wounding four others"); the
first explicit count in the article is taken, since later ones often belong to other incidents
the story recalls. Without one, singular wording counts one ("was shot and killed", "died at the
scene", "was wounded", "in stable condition"); once a death is reported, only wording that says a
victim lived counts an injury ("critical condition" often precedes a death). "Quadruple murder"
and "family of four found dead" count without a numeral; a murder-suicide kills at least two
(a "double murder-suicide" three). When the article reports deaths but no
injuries,
injured is 0, and the other way round; when it reports neither, both stay unknown (``None``).
"""

from __future__ import annotations

import re

from caselink.extract._text import gated_search, lowered
from caselink.models import Article

__all__ = ["find_casualties"]

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "both": 2,
}  # fmt: skip
# A number followed by "-year-old" or "-month-old" is an age, never a count.
_NUM = (
    r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|both)"
    r"(?![-\d]|,\d| years?\b| months?\b)"
)
_WHO = (
    r"(?: (?:other |more |young |adult |teenage |innocent )?(?:people|persons|men|women|"
    r"teens|teenagers|children|kids|boys|girls|others|adults|victims|individuals|bystanders))?"
)
# Counts are found from their verb: "killed" is found with str.find, then the number is read
# just before it ("two people were killed") or after it ("killing three").
_KILLED_BEFORE = re.compile(
    rf"\b{_NUM}{_WHO} (?:were |are |have been |had been )?(?:found )?(?:shot to |stabbed to )?$"
)
_KILLED_AFTER = re.compile(
    rf"(?:killed|killing|kills|left|leaving|claimed the lives of) {_NUM}{_WHO}(?: dead)?\b"
)
# "quadruple murder", "murder-suicide" of a family of four: counts without a numeral.
_MULTIPLE = re.compile(
    r"\b(?:(double|triple|quadruple|quintuple)[- ](?:murder|homicide|slaying|killing|fatal)|"
    r"family of (two|three|four|five|six|seven|eight) (?:dies|died|dead|killed|found))"
)
_MULTIPLES = {"double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
# A murder-suicide kills at least one victim and the shooter.
_MURDER_SUICIDE = re.compile(r"\b(?:(double|triple|quadruple) )?murder[- ]suicide\b")
_PARENT_OF = re.compile(r"\b(?:father|mother|dad|mom|parent|grandfather|grandmother) of $")
_INJURED_BEFORE = re.compile(
    rf"\b{_NUM}{_WHO} (?:were |are |have been |was )?(?:also )?(?:shot and )?$"
)
_INJURED_AFTER = re.compile(rf"(?:injuring|wounding|injured|wounded) {_NUM}{_WHO}\b")
_KILLED_WORDS = ("killed", "dead", "died", "slain", "death", "fatally shot")
_KILLED_LEADS = ("killed", "killing", "kills", "left", "leaving", "claimed the lives")
_INJURED_WORDS = ("injured", "wounded", "hurt", "hospitalized", "hospitalised")
_INJURED_LEADS = ("injuring", "wounding", "injured", "wounded")
_DEATH = re.compile(
    r"\b(?:shot and killed|fatally|killed|kills (?:him|her)(?:self)?|died|dies|dead|"
    r"pronounced dead|"
    r"shot dead|found dead|shot to death|death|deadly|fatal|homicide|murder(?:ed)?|slain|"
    r"succumbed)\b",
)
# Injury wording that a victim who later died may also get ("critical condition") counts only
# when the article reports no death; wording that says the victim lived always counts.
_INJURY_ONLY = re.compile(
    r"\b(?:(?:was|were|been) (?:shot and )?(?:wounded|injured|hurt)|wounding|injuring|"
    r"non-?life[- ]threatening|(?:stable|fair|good) condition|expected to (?:survive|recover)|"
    r"survived|recovering|treated and released|lucky to be alive|suffered (?:a )?non-fatal)",
)
_INJURY = re.compile(
    r"\b(?:(?:was|were|been) (?:shot and )?(?:wounded|injured|hurt|hospitali[sz]ed)|"
    r"wounded|injured|non-?life[- ]threatening|(?:critical|stable|serious|fair|good) condition|"
    r"expected to (?:survive|recover)|survived|recovering|treated (?:for|and released)|"
    r"shot in the (?:leg|arm|hand|foot|shoulder|back|stomach|abdomen|chest|face|head|neck|hip|"
    r"thigh|buttocks?|side)|suffered (?:a )?(?:gunshot|non-fatal)|fights? for (?:his|her) life)",
)


def _count(text: str) -> int | None:
    value = text.lower()
    return int(value) if value.isdigit() else _NUMBERS.get(value)


_DEATH_GATES = (
    "kill", "dead", "died", "dies", "death", "fatal", "homicide", "murder", "slain", "succumb",
)  # fmt: skip
_INJURY_GATES = (
    "wound", "injur", "hurt", "hospital", "life", "condition", "surviv", "recover", "treated",
    "shot in the", "suffered", "alive",
)  # fmt: skip


def _first_count(
    text: str, words: tuple[str, ...], before: re.Pattern[str], leads: tuple[str, ...],
    after: re.Pattern[str],
) -> int | None:  # fmt: skip
    """The count nearest the start of the text, read before a verb or after a lead word."""
    best: tuple[int, int] | None = None
    for word in words:
        at = text.find(word)
        while at >= 0 and (best is None or at < best[0]):
            match = before.search(text, max(0, at - 70), at)
            if match and _PARENT_OF.search(text, max(0, match.start() - 20), match.start()):
                match = None  # "father of 4 killed": the 4 are his children, not the dead
            value = _count(match.group(1)) if match else None
            if match and value is not None and value < 1000 and not text[at - 1 : at].isalpha():
                best = (match.start(), value)
                break
            at = text.find(word, at + 1)
    for lead in leads:
        at = text.find(lead)
        while at >= 0 and (best is None or at < best[0]):
            match = after.match(text, at)
            value = _count(match.group(1)) if match else None
            if match and value is not None and value < 1000 and not text[at - 1 : at].isalpha():
                best = (at, value)
                break
            at = text.find(lead, at + 1)
    return best[1] if best else None


def find_casualties(text: str, _article: Article) -> tuple[int | None, int | None]:
    """Return ``(killed, injured)``; see the module docstring for the rules.

    Examples:
        >>> from caselink.models import Article
        >>> find_casualties("A man was shot and killed on Friday.", Article("a", "", ""))
        (1, 0)
        >>> find_casualties("Two people were wounded in a shooting.", Article("a", "", ""))
        (0, 2)
        >>> find_casualties("The council met on Friday.", Article("a", "", ""))
        (None, None)
    """
    text = lowered(text)
    killed = _first_count(text, _KILLED_WORDS, _KILLED_BEFORE, _KILLED_LEADS, _KILLED_AFTER)
    injured = _first_count(text, _INJURED_WORDS, _INJURED_BEFORE, _INJURED_LEADS, _INJURED_AFTER)
    if killed is None:
        multiple = gated_search(
            _MULTIPLE, text, ("double", "triple", "quadruple", "quintuple", "family of")
        )
        if multiple:
            word = multiple.group(1) or multiple.group(2)
            killed = _MULTIPLES.get(word) or _NUMBERS.get(word)
    if killed is None and gated_search(_DEATH, text, _DEATH_GATES, back=20):
        killed = 1
    suicide = gated_search(_MURDER_SUICIDE, text, ("suicide",), back=20)
    if suicide:
        at_least = _MULTIPLES.get(suicide.group(1) or "", 1) + 1
        killed = max(killed or 0, at_least)
    injury = _INJURY_ONLY if killed else _INJURY
    if injured is None and gated_search(injury, text, _INJURY_GATES, back=20):
        injured = 1
    if killed is None and injured is None:
        return None, None
    return killed or 0, injured or 0
