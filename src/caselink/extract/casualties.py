"""Casualty counts: how many people were killed and how many injured.

An explicit count wins ("two people were killed", "left three dead", "wounding four others"); the
first explicit count in the article is taken, since later ones often belong to other incidents
the story recalls. Without one, singular wording counts one ("was shot and killed", "died at the
scene", "was wounded", "in stable condition"). When the article reports deaths but no injuries,
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
_NUM = r"(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen|both)"
_WHO = (
    r"(?: (?:other |more |young |adult |teenage |innocent )?(?:people|persons|men|women|"
    r"teens|teenagers|children|kids|boys|girls|others|adults|victims|individuals|bystanders))?"
)
# Counts are found from their verb: "killed" is found with str.find, then the number is read
# just before it ("two people were killed") or after it ("killing three").
_KILLED_BEFORE = re.compile(rf"\b{_NUM}{_WHO} (?:were |are |have been |had been )?$")
_KILLED_AFTER = re.compile(rf"(?:killed|killing|left|leaving) {_NUM}{_WHO}(?: dead)?\b")
_INJURED_BEFORE = re.compile(
    rf"\b{_NUM}{_WHO} (?:were |are |have been |was )?(?:also )?(?:shot and )?$"
)
_INJURED_AFTER = re.compile(rf"(?:injuring|wounding|injured|wounded) {_NUM}{_WHO}\b")
_KILLED_WORDS = ("killed", "dead", "died", "slain")
_KILLED_LEADS = ("killed", "killing", "left", "leaving")
_INJURED_WORDS = ("injured", "wounded", "hurt", "hospitalized", "hospitalised")
_INJURED_LEADS = ("injuring", "wounding", "injured", "wounded")
_DEATH = re.compile(
    r"\b(?:shot and killed|fatally (?:shot|wounded|struck)|(?:was|were|been) killed|"
    r"killed (?:a|an|his|her|their|the)\b|died|dies|pronounced dead|shot dead|found dead|"
    r"death of|shooting death|deadly|fatal shooting|homicide|murder(?:ed)?|slain|"
    r"killed (?:himself|herself)|succumbed)",
)
_INJURY = re.compile(
    r"\b(?:(?:was|were|been) (?:shot and )?(?:wounded|injured|hurt|hospitali[sz]ed)|"
    r"non-?life[- ]threatening|(?:critical|stable|serious|fair|good) condition|"
    r"expected to (?:survive|recover)|survived|recovering|treated (?:for|and released)|"
    r"was shot in the (?:leg|arm|hand|foot|shoulder|back|stomach|abdomen|chest|face|head|neck|hip|"
    r"thigh|buttocks?|side)|suffered (?:a )?(?:gunshot|non-fatal))",
)


def _count(text: str) -> int | None:
    value = text.lower()
    return int(value) if value.isdigit() else _NUMBERS.get(value)


_DEATH_GATES = (
    "kill", "dead", "died", "dies", "death", "fatal", "homicide", "murder", "slain", "succumb",
)  # fmt: skip
_INJURY_GATES = (
    "wound", "injur", "hurt", "hospital", "life", "condition", "surviv", "recover", "treated",
    "shot in the", "suffered",
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
    if killed is None and gated_search(_DEATH, text, _DEATH_GATES, back=20):
        killed = 1
    if injured is None and gated_search(_INJURY, text, _INJURY_GATES, back=20):
        injured = 1
    if killed is None and injured is None:
        return None, None
    return killed or 0, injured or 0
