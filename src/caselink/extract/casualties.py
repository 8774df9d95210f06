"""Casualty counts: how many people were killed and how many injured.

An explicit count wins ("two people were killed", "left three dead", "wounding four others",
"charged with three counts of murder"); the first explicit count in the article is taken, since
later ones often belong to other incidents the story recalls, and a count in a tally of other
incidents ("one of three people killed", "at least seven killed in separate shootings this
year") is passed over. Without one, singular wording counts one ("was shot and killed", "died at
the scene", "was wounded", "in stable condition"), but a death word that states no death
("attempted murder", "homicide detectives", "deadly conduct") does not; once a death is
reported, only wording that says a victim lived counts an injury ("critical condition" often
precedes a death). Everyone shot who did not die was injured ("four people were shot, one
fatally": one killed, three injured). "Quadruple murder" and "family of four found dead" count
without a numeral; a murder-suicide kills at least two (a "double murder-suicide" three), and a
shooter who kills himself after a count of victims ("killed his two daughters before turning
the gun on himself") adds one. Victims listed rather than counted count one each ("a girl and
her mother were fatally shot" is two). When the article reports deaths but no injuries,
injured is 0, and the other way round; when it reports neither, both stay unknown (``None``).
"""

from __future__ import annotations

import re

from caselink.extract._text import gated_search, lowered, skipping
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
    r"(?: (?:other |more |young |adult |teenage |innocent |of (?:his|her|their) )?"
    r"(?:people|persons|men|women|teens|teenagers|children|kids|boys|girls|sons|daughters|"
    r"others|adults|victims|individuals|bystanders|family members|relatives))?"
)
# Counts are found from their verb: "killed" is found with str.find, then the number is read
# just before it ("two people were killed") or after it ("killing three").
_KILLED_BEFORE = skipping(
    rf"\b{_NUM}{_WHO} (?:were |are |have been |had been )?(?:found )?"
    r"(?:shot to |stabbed to |beaten to |shot |gunned down and )?$"
)
_KILLED_AFTER = re.compile(
    rf"(?:killed|killing|kills|left|leaving|claimed the lives of) (?:his |her |their )?"
    rf"{_NUM}{_WHO}(?: dead)?\b"
)
# "charged with three counts of murder", "3 murders": one count per death.
_MURDER_BEFORE = skipping(
    rf"\b{_NUM} (?:counts? of |charges? of )?(?:(?:first|second|third)-degree |capital |felony )?$"
)
# "quadruple murder", "murder-suicide" of a family of four: counts without a numeral.
_MULTIPLE = skipping(
    r"\b(?:(double|triple|quadruple|quintuple)[- ](?:murder|homicide|slaying|killing|fatal)|"
    r"family of (two|three|four|five|six|seven|eight) (?:dies|died|dead|killed|found))"
)
_MULTIPLES = {"double": 2, "triple": 3, "quadruple": 4, "quintuple": 5}
# The shooter's own death after killing others: a murder-suicide kills at least one victim and
# the shooter; other wording ("before turning the gun on himself", "kills daughter, self") adds
# the shooter to a count of victims. ("Shot himself" is no suicide: children shoot themselves by
# accident, and "an accidental, self-inflicted wound" neither.)
_SUICIDE = skipping(
    r"\b(?:(?:(double|triple|quadruple) )?(murder)[- ]suicide|"
    r"(?:killed|kills|killing) (?:him|her)self|before (?:shooting|killing) (?:him|her)self|"
    r"turn(?:ed|ing|s)? the gun on (?:him|her)self|took (?:his|her) own life|"
    r"commit(?:ted|s)? suicide|(?:,| and) self\b(?![-\w]))"
)
_SUICIDE_GATES = ("suicide", "self", "own life")
# A count of the shooter's victims, which leaves the shooter out: "killing three", "killed two
# daughters", "two boys killed" (but not "four people found dead", which may count the shooter).
_VICTIMS = re.compile(
    r"^(?:killed|killing|kills|claimed the lives of) |"
    r"\b(?:children|kids|sons|daughters|boys|girls|family members|relatives)\b"
)
_PARENT_OF = skipping(r"\b(?:father|mother|dad|mom|parent|grandfather|grandmother) of $")
_INJURED_BEFORE = skipping(
    rf"\b{_NUM}{_WHO} (?:were |are |have been |was )?(?:also )?(?:shot and )?"
    r"(?:critically |seriously |severely )?$"
)
_INJURED_AFTER = re.compile(rf"(?:injuring|wounding|injured|wounded|injures|wounds) {_NUM}{_WHO}\b")
_KILLED_WORDS = ("killed", "dead", "died", "slain", "death", "deaths", "fatally shot")
_KILLED_LEADS = ("killed", "killing", "kills", "left", "leaving", "claimed the lives")
_INJURED_WORDS = ("injured", "wounded", "hurt", "hospitalized", "hospitalised", "critical")
_INJURED_LEADS = ("injuring", "wounding", "injured", "wounded", "injures", "wounds")
# Everyone shot, dead or alive: "four people were shot", "shot three men", "a triple shooting".
_SHOT_BEFORE = skipping(rf"\b{_NUM}{_WHO} (?:were |are |have been |had been |was )?(?:also )?$")
_SHOT_AFTER = re.compile(
    rf"(?:shot|shoots|shooting|struck|wounding|hit) {_NUM}{_WHO}\b"
    r"(?! (?:times|rounds|shots|hours|minutes|days|years|of)\b)"
)
_SHOT_WORDS = ("shot", "suffered gunshot", "suffer gunshot")
_SHOT_LEADS = ("shot ", "shoots ", "shooting ", "struck ", "hit ")
_SHOOTING = skipping(r"\b(double|triple|quadruple|quintuple) shooting\b")
_DEATH = skipping(
    r"\b(?:shot and killed|fatally|killed|kills|died|dies|dead|pronounced dead|shot dead|"
    r"found dead|shot to death|death|deadly|fatal|homicide|murder(?:ed)?|slain|succumbed|"
    r"claim(?:s|ed) (?:the )?li(?:fe|ves)|passed away)\b",
)
# Injury wording that a victim who later died may also get ("critical condition") counts only
# when the article reports no death; wording that says the victim lived always counts.
_INJURY_ONLY = skipping(
    r"\b(?:(?:was|were|been) (?:shot and )?(?:wounded|injured|hurt)|wounding|injuring|"
    r"non-?life[- ]threatening|(?:stable|fair|good) condition|expected to (?:survive|recover)|"
    r"survived|recovering|treated and released|lucky to be alive|suffered (?:a )?non-fatal)",
)
# Without a death, anyone shot was hurt: "was shot", "shoots himself in the hand", "grazed".
_INJURY = skipping(
    r"\b(?:(?:was|were|been) (?:shot and )?(?:wounded|injured|hurt|hospitali[sz]ed)|"
    r"wounded|injured|non-?life[- ]threatening|(?:critical|stable|serious|fair|good) condition|"
    r"expected to (?:survive|recover)|survived|recovering|treated (?:for|and released)|"
    r"shot in (?:the |his |her |their )?(?:leg|arm|hand|foot|shoulder|back|stomach|abdomen|"
    r"chest|face|head|neck|hip|thigh|buttocks?|side)|suffered (?:a )?(?:gunshot|non-fatal)|"
    r"fights? for (?:his|her) life|(?:was|were|been|got|being|getting) shot|"
    r"(?:shot|shoots|shooting) (?:him|her)?self|accident(?:al)?ly shot|grazed|gunshot wounds?|"
    r"in critical|critically)",
)


# Victims listed rather than counted: "a 4-year-old girl and her mother were fatally shot",
# "the shooting deaths of a woman and her daughter", "kills daughter, grandchildren, self".
_PERSON_WORDS = frozenset(
    re.findall(
        r"\S+",
        """girl boy man woman mother mom father dad son daughter brother sister child toddler teen
        teenager infant baby wife husband grandmother grandfather grandson granddaughter
        grandchildren nephew niece cousin uncle aunt girlfriend boyfriend self himself herself""",
    )
)
_PERSON = (
    r"(?:(?:a |an |the |his |her |their )?(?:\d+-(?:year|month)-old |young |teenage |sleeping )?"
    r"(?:" + "|".join(sorted(_PERSON_WORDS, key=len, reverse=True)) + r"|\d+-(?:year|month)-old))"
)
_LIST = rf"{_PERSON}((?:, {_PERSON}){{0,2}},? and {_PERSON}|(?:, {_PERSON}){{1,3}})"
_LISTED_BEFORE = re.compile(rf"{_LIST} (?:were |are |have been |had been )?(?:found )?$")
_LISTED_AFTER = re.compile(rf" {_LIST}\b")
_LISTED_VERB = re.compile(
    r"(?:fatally shot|shot and killed|shot dead|shot to death|killed|dead|slain)(?![a-z])"
)
_LISTED_LEAD = re.compile(r"(?:deaths of|killings of|murders of|killed|kills|killing|fatally shot)")
_AUXILIARIES = ("were", "are", "been", "found")


def _listed(text: str) -> int | None:
    """How many victims the first list of victims names ("a girl and her mother" is two).

    A list ends right before a death verb or starts right after a killing word; both are
    found with cheap string tests first, and the list pattern only tried there.
    """
    found: list[tuple[int, str]] = []
    for verb in _LISTED_VERB.finditer(text):
        words = text[max(0, verb.start() - 40) : verb.start()].split()
        while words and words[-1] in _AUXILIARIES:
            words.pop()
        if words and (words[-1] in _PERSON_WORDS or words[-1].endswith("-old")):
            match = _LISTED_BEFORE.search(text, max(0, verb.start() - 160), verb.start())
            if match and not _is_tally(text, match.start(), verb.end()):
                found.append((match.start(), match.group(1)))
                break
    for lead in _LISTED_LEAD.finditer(text):
        match = _LISTED_AFTER.match(text, lead.end())
        if match and not _is_tally(text, lead.start(), match.end()):
            found.append((lead.start(), match.group(1)))
            break
    if not found:
        return None
    tail = min(found)[1]
    return 1 + tail.count(", ") + tail.count(" and ") - tail.count(", and ")


def _count(text: str) -> int | None:
    value = text.lower()
    return int(value) if value.isdigit() else _NUMBERS.get(value)


# Death words that state no death: "was not killed", "attempted murder", "homicide detectives",
# "deadly conduct", "could cause death", "non-fatal", "the death penalty".
_NO_DEATH_BEFORE = re.compile(
    r"(?:\b(?:not|never|nearly|almost|could|would|might|may|no)(?: have|['’]ve)? (?:been |be )?|"
    r"\battempted (?:\w+-degree )?|\bnon-?|\bnear-|\b(?:injury|injuries) or |\bcause |"
    r"\b(?:smell|fear|threat) of )$"
)
_NO_DEATH_AFTER = re.compile(
    r"(?: (?:detectives?|units?|division|investigators?|squad|bureau|sergeant|lieutenant|team|"
    r"conduct|weapon|force|penalty|threats?|sentence|row|end)\b)"
)
# A death of another incident the story recalls: "a teen who was killed in a previous shooting",
# "a shooting last week that left a man dead"; and the video playlists pages run into the text
# ("0:47 Driver shot to death on Blackstone").
_OTHER_INCIDENT = re.compile(
    r"\b(?:previous|earlier (?:shooting|incident)|last (?:week|month|year)|(?:weeks|months|years) "
    r"ago|a year ago|in (?:19|20)\d\d)\b"
)
_PLAYLIST = re.compile(r"\d{1,2}:\d\d ")
# A count inside a tally of other incidents ("at least seven people had been killed in the city
# this weekend", "one of three people killed", "four children died statewide last year") is not
# the incident's own count.
_TALLY = skipping(
    r"\b(?:this year|last year|so far|statewide|nationwide|citywide|each year|every year|"
    r"a year|per year|annually|in (?:19|20)\d\d|separate|death toll|or more|since (?:19|20)\d\d)\b"
)
_TALLY_BEFORE = re.compile(r"\b(?:one|first|second|third|latest|another) of (?:the )?$|\bamong $")


def _sentence_has(text: str, pattern: re.Pattern[str], start: int, end: int) -> bool:
    """Whether ``pattern`` occurs in the sentence around ``text[start:end]`` (150 characters)."""
    left = max(
        text.rfind(". ", max(0, start - 150), start), text.rfind("\n", max(0, start - 150), start)
    )
    right = min(
        (i for i in (text.find(". ", end, end + 150), text.find("\n", end, end + 150)) if i >= 0),
        default=end + 150,
    )
    return pattern.search(text, max(left, 0), right) is not None


def _is_tally(text: str, start: int, end: int) -> bool:
    """Whether the count at ``text[start:end]`` sits in a sentence tallying other incidents."""
    return bool(_TALLY_BEFORE.search(text, max(0, start - 16), start)) or _sentence_has(
        text, _TALLY, start, end
    )


def _death_stated(text: str) -> bool:
    """Whether the text states a death, not just a death word ("attempted murder")."""
    # Death words are in most stories: a direct scan is cheaper than looking for gates first.
    for match in _DEATH.finditer(text):
        start, end = match.start(), match.end()
        if _NO_DEATH_BEFORE.search(text, max(0, start - 30), start):
            continue
        if _NO_DEATH_AFTER.match(text, end, end + 16):
            continue
        line = text.rfind("\n", 0, start) + 1
        if _PLAYLIST.match(text, line, line + 6):
            continue
        if _sentence_has(text, _OTHER_INCIDENT, start, end):
            continue
        return True
    return False


def _first_count(
    text: str, words: tuple[str, ...], before: re.Pattern[str], leads: tuple[str, ...],
    after: re.Pattern[str],
) -> tuple[int, str] | None:  # fmt: skip
    """The count nearest the start of the text, read before a verb or after a lead word.

    Returns the count and the words it was read from ("two children killed", "killing three").
    Counts in a tally of other incidents are passed over (see `_is_tally`).
    """
    best: tuple[int, int, str] | None = None
    for word in words:
        # Only occurrences before the best count so far matter: the search stops there.
        at = text.find(word, 0, len(text) if best is None else best[0] + len(word) - 1)
        while at >= 0 and (best is None or at < best[0]):
            # Every count pattern ends in a space just before the word, and the word must end
            # there too ("shots", "deadly", "shooting" are no "shot", "dead").
            next_char = text[at + len(word) : at + len(word) + 1]
            whole = text[at - 1 : at] == " " and not next_char.isalpha()
            match = before.search(text, max(0, at - 70), at) if whole else None
            if match and _PARENT_OF.search(text, max(0, match.start() - 20), match.start()):
                match = None  # "father of 4 killed": the 4 are his children, not the dead
            value = _count(match.group(1)) if match else None
            if (
                match
                and value is not None
                and value < 1000
                and not text[at - 1 : at].isalpha()
                and not text[at + len(word) : at + len(word) + 1].isalpha()  # "shots", "deadly"
                and not _is_tally(text, match.start(1), at)
            ):
                best = (match.start(), value, text[match.start() : at + len(word)])
                break
            at = text.find(word, at + 1)
    for lead in leads:
        at = text.find(lead, 0, len(text) if best is None else best[0] + len(lead) - 1)
        while at >= 0 and (best is None or at < best[0]):
            match = after.match(text, at)
            value = _count(match.group(1)) if match else None
            if (
                match
                and value is not None
                and value < 1000
                and not text[at - 1 : at].isalpha()
                and not _is_tally(text, match.start(1), match.end())
            ):
                best = (at, value, match.group(0))
                break
            at = text.find(lead, at + 1)
    return (best[1], best[2]) if best else None


def _multiple_shooting(text: str) -> re.Match[str] | None:
    """The first "double shooting" ... (`_SHOOTING`), tried only before each " shooting"."""
    at = text.find(" shooting")
    while at >= 0:
        # The longest number word has nine letters; one character after "shooting" for its \b.
        match = _SHOOTING.search(text, max(0, at - 9), at + 10)
        if match:
            return match
        at = text.find(" shooting", at + 1)
    return None


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
    stated = _first_count(text, _KILLED_WORDS, _KILLED_BEFORE, _KILLED_LEADS, _KILLED_AFTER)
    if stated is None:
        stated = _first_count(text, ("murder", "murders"), _MURDER_BEFORE, (), _KILLED_AFTER)
    killed = stated[0] if stated else None
    counted = _first_count(text, _INJURED_WORDS, _INJURED_BEFORE, _INJURED_LEADS, _INJURED_AFTER)
    injured = counted[0] if counted else None
    multiple = gated_search(
        _MULTIPLE, text, ("double", "triple", "quadruple", "quintuple", "family of")
    )
    if multiple:
        word = multiple.group(1) or multiple.group(2)
        killed = max(killed or 0, _MULTIPLES.get(word) or _NUMBERS.get(word) or 0)
    listed = _listed(text)
    if listed is not None:
        killed = max(killed or 0, listed)
    if killed is None and _death_stated(text):
        killed = 1
    suicide = gated_search(_SUICIDE, text, _SUICIDE_GATES, back=40)
    if suicide:
        # The shooter died too: one more than the victims counted ("killed 2 daughters before
        # shooting himself"), at least two ("murder-suicide"), three for a "double" one.
        at_least = _MULTIPLES.get(suicide.group(1) or "", 1) + 1 if suicide.group(2) else 0
        victims = stated is not None and _VICTIMS.search(stated[1]) is not None
        if killed and victims:
            killed += 1
        if at_least:
            killed = max(killed or 0, at_least)
    shot = _first_count(text, _SHOT_WORDS, _SHOT_BEFORE, _SHOT_LEADS, _SHOT_AFTER)
    total = shot[0] if shot else None
    if total is None:
        multiple = _multiple_shooting(text)
        total = _MULTIPLES[multiple.group(1)] if multiple else None
    if total is not None and total - (killed or 0) > (injured or 0):
        # The people shot who did not die: "6 shot, 1 dead, 1 critical" wounded five.
        injured = total - (killed or 0)
    injury = _INJURY_ONLY if killed else _INJURY
    if injured is None and injury.search(text):  # common words: no gates (see `_death_stated`)
        injured = 1
    if killed is None and injured is None:
        return None, None
    return killed or 0, injured or 0
