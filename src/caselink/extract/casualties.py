"""Casualty counts: how many people were killed and how many injured.

An explicit count wins ("two people were killed", "left three dead", "wounding four others"); the
first explicit count in the article is taken, since later ones often belong to other incidents
the story recalls. Without one, singular wording counts one ("was shot and killed", "died at the
scene", "was wounded", "in stable condition"). When the article reports deaths but no injuries,
injured is 0, and the other way round; when it reports neither, both stay unknown (``None``).
"""

from __future__ import annotations

import re

from caselink.extract._text import lowered
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
_KILLED_COUNT = (
    re.compile(rf"\b{_NUM}{_WHO} (?:were |are |have been |had been )?(?:killed|dead|died|slain)\b"),
    re.compile(rf"\b(?:killed|killing|left|leaving) {_NUM}{_WHO}(?: dead)?\b"),
)
_INJURED_COUNT = (
    re.compile(
        rf"\b{_NUM}{_WHO} (?:were |are |have been |was )?(?:also )?"
        r"(?:injured|wounded|hurt|hospitali[sz]ed|shot and wounded)\b",
    ),
    re.compile(rf"\b(?:injuring|wounding|injured|wounded) {_NUM}{_WHO}\b"),
)
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


def _first_count(text: str, patterns: tuple[re.Pattern[str], ...]) -> int | None:
    best: tuple[int, int] | None = None
    for pattern in patterns:
        match = pattern.search(text)
        if match:
            value = _count(match.group(1))
            if value is not None and value < 1000 and (best is None or match.start() < best[0]):
                best = (match.start(), value)
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
    killed = _first_count(text, _KILLED_COUNT)
    injured = _first_count(text, _INJURED_COUNT)
    if killed is None and _DEATH.search(text):
        killed = 1
    if injured is None and _INJURY.search(text):
        injured = 1
    if killed is None and injured is None:
        return None, None
    return killed or 0, injured or 0
