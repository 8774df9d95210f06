"""Officers (with rank), other named people (with a role when stated) and ages.

A name is a run of two to four capitalised words (a middle initial and ``Jr.`` allowed) that has no
word from the stop list (``Drive``, ``Medical``, ``Police``, months, weekdays, states ...) and that
the text supports: an age beside it ("Dan Caron, 63", "16-year-old Dan Caron"), a role, relation
or reporting word before it ("suspect Chad Couture", "his daughter Nicole Caron", "police say
Dan Caron", "identified as Dan Caron"), a verb or an appositive after it ("Caron said", "Dan
Caron, a 29-year-old Bristol resident,"), a possessive ("Dan Caron's family"), or the surname
used again on its own. Capitalised words before a street or building word ("Shady Tree Lane",
"Betty Ford Center") name that place, not a person. A rank before a name makes an officer ("PC
Andrew Turner", "Detective Sergeant Jane Smith"); a rank with an article and no name is a
rank-only officer (norm ``""``). Headlines are Title Case, so names are read from the body only.

Norms: lower-case name without initials and suffixes (``"dan caron"``). A person's role is the
nearest cue within the sentence around it: ``victim``, ``suspect``, ``spokesperson``,
``relative``, ``official``, ``witness``; an officer's role is the rank as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from caselink.extract._gazetteer import STATE_NAMES, key, towns
from caselink.extract._text import body_start, lowered, skipping
from caselink.models import Article, Mention

__all__ = ["find_ages", "find_officers", "find_people"]

_RANK_WORDS = (
    "Detective Chief Superintendent|Detective Chief Inspector|Detective Superintendent|"
    "Detective Inspector|Detective Sergeant|Detective Constable|Police Constable|"
    "Chief Superintendent|Chief Inspector|Chief Constable|Deputy Chief Constable|"
    "Assistant Commissioner|Deputy Commissioner|Commissioner|Superintendent|Inspector|Sergeant|"
    "Constable|Officer|Deputy|Detective|Trooper|Lieutenant|Captain|Corporal|Sheriff|"
    "Police Chief|Chief|Sgt|Lt|Capt|Cpl|Det|Insp|Supt|PC|DC|PS|DS|DI|DCI|PCSO|Special Agent|Agent"
)
_RANK_PHRASES = frozenset(_RANK_WORDS.split("|"))
_RANK_FIRST = frozenset(phrase.split(" ")[0] for phrase in _RANK_PHRASES)
# "the sergeant, Paul Whitcombe" / "police constable John Smith": a rank in running text.
_LOWER_RANKS = (
    "constable", "sergeant", "inspector", "detective", "officer", "deputy", "trooper",
    "superintendent",
)  # fmt: skip
_LOWER_RANK = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Pp]olice) (" + "|".join(("police constable", *_LOWER_RANKS)) + "),? $"
)
# A rank opening a line or sentence with no name after it ("Constable 'exchanged messages'").
_SENTENCE_RANKS = ("Constable", "Sergeant", "Inspector", "Officer")
_RANK_AT_START = re.compile(r"[A-Z][a-z]+(?= [^A-Z\s])")
_RANK_ONLY_GATES = ("constable", "sergeant", "inspector", "pcso", "community support")
_RANK_ONLY = skipping(
    r"\b(?:[Aa]n?|[Tt]he) (?:(?:male|female|serving|former|probationary) )?"
    r"(police constable|constable|police sergeant|sergeant|inspector|detective constable|"
    r"special constable|PCSO|police community support officer)\b(?!,? [A-Z])"
)
# A dot belongs to a token only in initials and abbreviations, so runs stop at sentence ends.
_ABBREVIATIONS = (
    "Jr|Sr|Mr|Mrs|Ms|Dr|St|Sgt|Lt|Capt|Cpl|Det|Insp|Supt|Gov|Sen|Rep|Rev|Gen|Col|Maj|Ch|Const"
)
_TOKEN = (
    rf"(?:(?:{_ABBREVIATIONS})\.|[A-Z]\.|[A-Z]['’][A-Z][a-z]+|"
    r"[A-Z](?:[a-z]+|['’][A-Za-z][a-z]+)(?:[A-Z][a-z]+)?(?:[-'’][A-Z]?[a-z]+)?|[A-Z]{2,5})"
    r"(?![\w'’-])"
)
# The leading look-ahead lets the regex engine skip to capital letters instead of trying the
# look-behind at every position (about twice as fast on news text).
# A run starts after no word character and after no dot, except a sentence's end run together
# with the next one ("was loaded.Steafon Lewis, 19,"): an initial's dot ("J. Smith") keeps out.
_RUN = re.compile(rf"(?=[A-Z])(?<![\w'’-])(?:(?<!\.)|(?<=[a-z]{{2}}\.)){_TOKEN}(?: {_TOKEN})*")
_SUFFIX = frozenset({"jr", "sr", "ii", "iii", "iv"})
_STOP: frozenset[str] = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "he",
        "she",
        "they",
        "we",
        "it",
        "i",
        "you",
        "there",
        "here",
        "and",
        "or",
        "but",
        "if",
        "when",
        "while",
        "after",
        "before",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "to",
        "with",
        "without",
        "about",
        "against",
        "between",
        "during",
        "over",
        "under",
        "up",
        "down",
        "out",
        "off",
        "near",
        "than",
        "then",
        "so",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "some",
        "many",
        "more",
        "most",
        "other",
        "another",
        "each",
        "every",
        "both",
        "few",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "first",
        "second",
        "third",
        "last",
        "next",
        "new",
        "old",
        "big",
        "little",
        "good",
        "great",
        "high",
        "low",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "police",
        "department",
        "dept",
        "office",
        "service",
        "force",
        "sheriff",
        "sheriff's",
        "county",
        "city",
        "town",
        "village",
        "state",
        "court",
        "district",
        "circuit",
        "supreme",
        "federal",
        "national",
        "international",
        "regional",
        "municipal",
        "public",
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "drive",
        "dr",
        "lane",
        "ln",
        "boulevard",
        "blvd",
        "court",
        "ct",
        "way",
        "place",
        "pl",
        "highway",
        "hwy",
        "interstate",
        "route",
        "parkway",
        "pkwy",
        "circle",
        "trail",
        "terrace",
        "square",
        "plaza",
        "park",
        "bridge",
        "creek",
        "river",
        "lake",
        "mountain",
        "hill",
        "hills",
        "valley",
        "beach",
        "island",
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "upper",
        "lower",
        "downtown",
        "hospital",
        "medical",
        "center",
        "centre",
        "clinic",
        "health",
        "school",
        "high",
        "middle",
        "elementary",
        "academy",
        "college",
        "university",
        "church",
        "chapel",
        "temple",
        "mosque",
        "cathedral",
        "library",
        "museum",
        "hall",
        "mall",
        "store",
        "market",
        "restaurant",
        "bar",
        "club",
        "hotel",
        "inn",
        "motel",
        "apartments",
        "apartment",
        "complex",
        "tower",
        "building",
        "house",
        "home",
        "tech",
        "technology",
        "company",
        "corp",
        "corporation",
        "inc",
        "llc",
        "ltd",
        "group",
        "bank",
        "news",
        "press",
        "times",
        "post",
        "herald",
        "tribune",
        "journal",
        "gazette",
        "daily",
        "weekly",
        "chronicle",
        "telegraph",
        "guardian",
        "independent",
        "mirror",
        "sun",
        "star",
        "courier",
        "examiner",
        "observer",
        "radio",
        "tv",
        "television",
        "channel",
        "network",
        "media",
        "associated",
        "reuters",
        "facebook",
        "twitter",
        "instagram",
        "youtube",
        "google",
        "apple",
        "amazon",
        "microsoft",
        "department's",
        "division",
        "unit",
        "bureau",
        "agency",
        "authority",
        "commission",
        "council",
        "committee",
        "board",
        "association",
        "union",
        "party",
        "foundation",
        "institute",
        "society",
        "trust",
        "fund",
        "program",
        "project",
        "family",
        "families",
        "friends",
        "man",
        "woman",
        "men",
        "women",
        "boy",
        "girl",
        "child",
        "children",
        "kid",
        "kids",
        "teen",
        "teens",
        "baby",
        "mother",
        "father",
        "mom",
        "dad",
        "son",
        "daughter",
        "brother",
        "sister",
        "wife",
        "husband",
        "victim",
        "victims",
        "suspect",
        "suspects",
        "officer",
        "officers",
        "deputy",
        "deputies",
        "detective",
        "detectives",
        "trooper",
        "chief",
        "captain",
        "lieutenant",
        "sergeant",
        "sgt",
        "lt",
        "capt",
        "cpl",
        "corporal",
        "constable",
        "inspector",
        "superintendent",
        "commissioner",
        "commander",
        "agent",
        "agents",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "mayor",
        "governor",
        "gov",
        "senator",
        "sen",
        "representative",
        "rep",
        "president",
        "judge",
        "justice",
        "attorney",
        "prosecutor",
        "coroner",
        "examiner",
        "lawyer",
        "pastor",
        "reverend",
        "rev",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "sir",
        "dame",
        "lord",
        "lady",
        "prince",
        "queen",
        "general",
        "gen",
        "col",
        "colonel",
        "major",
        "sgt",
        "pc",
        "dc",
        "ds",
        "di",
        "dci",
        "pcso",
        "mp",
        "read",
        "more",
        "click",
        "share",
        "comment",
        "comments",
        "email",
        "print",
        "subscribe",
        "sign",
        "log",
        "login",
        "advertisement",
        "related",
        "stories",
        "story",
        "video",
        "photo",
        "photos",
        "update",
        "updated",
        "breaking",
        "live",
        "watch",
        "listen",
        "copyright",
        "rights",
        "reserved",
        "privacy",
        "policy",
        "terms",
        "contact",
        "us",
        "about",
        "gun",
        "guns",
        "shooting",
        "shootings",
        "shot",
        "shots",
        "fire",
        "fired",
        "killed",
        "kills",
        "killing",
        "dead",
        "death",
        "deaths",
        "died",
        "murder",
        "homicide",
        "manslaughter",
        "charges",
        "charged",
        "arrest",
        "arrested",
        "crime",
        "crimes",
        "scene",
        "investigation",
        "accident",
        "accidental",
        "incident",
        "emergency",
        "safety",
        "security",
        "911",
        "swat",
        "ems",
        "ems",
        "christmas",
        "thanksgiving",
        "easter",
        "halloween",
        "eve",
        "day",
        "night",
        "morning",
        "afternoon",
        "evening",
        "week",
        "weekend",
        "year",
        "years",
        "month",
        "months",
        "american",
        "african",
        "hispanic",
        "latino",
        "black",
        "white",
        "asian",
        "english",
        "british",
        "scottish",
        "welsh",
        "irish",
        "muslim",
        "jewish",
        "catholic",
        "baptist",
        "methodist",
        "republican",
        "democrat",
        "democratic",
        "republicans",
        "democrats",
        "america",
        "united",
        "states",
        "kingdom",
        "england",
        "scotland",
        "wales",
        "ireland",
        "zealand",
        "australia",
        "canada",
        "usa",
        "uk",
        "us",
    ]
)
_STOP |= frozenset(
    re.findall(
        r"\S+",
        """procurator fiscal professional standards conduct misconduct gross hearing hearings
        panel tribunal tribunals appeal appeals crown prosecution investigations review
        directorate federation bureau behaviour behavior inquiry inquest watchdog ombudsman
        independent complaints operation operations response team squad patrol traffic
        whenever however meanwhile although because despite according authorities officials
        investigators residents neighbors neighbours uptown midtown salon barbershop motorcycle
        motorcycles industries industry auto motors sports weather traffic jobs obituaries
        classifieds sheriffs fox cbs nbc abc cnn msnbc kmov wsmv junior senior freshman sophomore
        neighbor neighbour classmate principal executive director editor legal what oh hide show
        copy link call transcript undersheriff township abuse hotline violence substance""",
    )
)
# Words that are never part of a person's name but often sit in capitalised runs: page furniture
# (photo captions, share buttons, mastheads), compass districts ("Southwest Side") and institutions
# (hospitals, agencies, statutes). Found among the "names" shared by different incidents of the
# train files.
_STOP |= frozenset(
    re.findall(
        r"\S+",
        """images image caption photo photos video loading like close get need share comments
        subscribe sun-times tribune gazette herald times newspaper north south east west
        northwest northeast southwest southeast side sciences services enforcement conservation
        courts court trauma flight alert hospital medical center centre university college
        department administration act agency""",
    )
)
# Words that end the name of a street, a building, an institution or a place: the capitalised
# words before them are that name, not a person's ("Shady Tree Lane", "Salt Works Road").
_DESIGNATORS = frozenset(
    re.findall(
        r"\S+",
        """street st road rd avenue ave drive dr lane ln boulevard blvd court ct way place pl
        highway hwy parkway pkwy circle trail terrace square plaza park bridge creek river lake
        hills valley beach island hospital medical center centre clinic school academy college
        university church chapel temple library museum hall mall store market restaurant bar club
        hotel inn motel apartments complex tower building county township village department
        office hotline""",
    )
)
_CUE_WORDS_BEFORE = (
    "victim", "victims", "suspect", "suspects", "son", "daughter", "wife", "husband", "brother",
    "sister", "mother", "father", "mom", "dad", "friend", "boyfriend", "girlfriend", "fiance",
    "fiancee", "neighbor", "neighbour", "grandmother", "grandfather", "grandson", "granddaughter",
    "uncle", "aunt", "nephew", "niece", "cousin", "identified as", "identified", "named",
    "charged", "arrested", "accused", "shooter", "gunman", "teen", "man", "woman", "boy", "girl",
    "resident", "student", "spokesman", "spokeswoman", "spokesperson", "attorney", "lawyer",
    "judge", "prosecutor", "coroner", "mayor", "pastor", "by", "of", "and", "with", "against",
    "killed", "shot", "told", "found", "including", "say", "says", "said", "as", "was", "were",
)  # fmt: skip
_NAME_CUE_BEFORE = re.compile(
    r"(?:\b(?:" + "|".join(_CUE_WORDS_BEFORE) + r")|\d+-year-old(?: [a-z]+){0,2}|[,:(])\s$"
)
# The last words of the cues: "identified as" ends with the cue "as".
_CUE_LAST_WORDS = frozenset(cue.rsplit(" ", 1)[-1] for cue in _CUE_WORDS_BEFORE)
_LOWER_LETTERS = re.compile("[a-z]*")
_NAME_CUE_AFTER = re.compile(
    r"^(?:,? (?:\d{1,3}|who|whose|was|were|is|has|had|said|says|told|added|explained|wrote|"
    r"testified|pleaded|faces|died|remains|allegedly|reportedly|admitted|denied|called|"
    r"shot|fired|killed|survived|will|would|also|suffered|remained|fled|ran|pulled)\b|['’]s\b|"
    r" \(\d{1,3}\)|, of [A-Z]|"
    r", (?:the |a |an )?(?:[\w-]+ ){0,3}(?i:director|chief|spokes\w+|officer|head|chair\w*|"
    r"commissioner|manager|president|secretary|minister|leader|member|resident|owner|student|"
    r"teacher|attorney|lawyer|coroner|judge|mayor|sheriff|captain|sergeant|deputy|detective|"
    r"father|mother|son|daughter|brother|sister|wife|husband|friend|neighbou?r|uncle|aunt|"
    r"cousin|grand\w+|pastor|principal|superintendent|prosecutor)\b)"
)
# Credits: "(Jane Doe / Chicago Tribune)", "Reporting by Jane Doe; Editing by ...", "Photo by
# Jane Doe", "Get email notifications on Jane Doe daily!".
_CREDIT_AFTER = re.compile(r" ?/ ?[A-Z]| daily!")
_CREDIT_BEFORE = re.compile(
    r"(?:reporting|editing|writing|photo|photos|photograph|photographs|video|graphic|illustration)"
    r"(?: and \w+)? by $|notifications on $|\(photo: ?$"
)
_CREDIT_ENDS = ("by ", "on ", "(photo:", "(photo: ")
_AGE_AFTER = re.compile(r"^,? (?:age |aged )?(\d{1,3})\b(?!-| ?%| percent| years? ago| miles)")
_AGE_BEFORE = skipping(r"\b(\d{1,3})-year-old(?: [a-z]+(?:-[a-z]+)?){0,3} $")
_ROLE_WORDS: dict[str, str] = {
    "suspect": r"suspects?|arrested|charged|accused|shooter|gunman|booked|indicted|pleaded|"
    r"sentenced|custody|jailed|defendant|faces? (?:charges|a charge)",
    "victim": r"victims?|killed|died|dead|wounded|injured|shot|struck|pronounced|fatally|slain|"
    r"death of|hospitali[sz]ed",
    "spokesperson": r"spokes(?:man|woman|person)|public information",
    "relative": r"mother|father|mom|dad|son|daughter|brother|sister|wife|husband|aunt|uncle|"
    r"cousin|grand(?:mother|father|son|daughter)",
    "official": r"mayor|judge|prosecutor|attorney|coroner|commissioner|chairman|chair|director|"
    r"governor|senator",
    "witness": r"witness(?:es)?|neighbou?rs?",
}
# One pass over the lowered text finds every role cue; a named group tells which role.
_ROLE_CUES = skipping(
    r"\b(?:" + "|".join(f"(?P<{role}>{words})" for role, words in _ROLE_WORDS.items()) + r")\b"
)
_MAX_AGE = 110


@functools.lru_cache(maxsize=16384)
def _is_name_token(token: str) -> bool:
    bare = token.rstrip(".").lower().replace("’", "'")
    if bare in _STOP or bare.removesuffix("'s") in _STOP:
        return False
    return not (token.isupper() and len(token.rstrip(".")) > 1)


def _norm(tokens: Sequence[str]) -> str:
    words = []
    for token in tokens:
        word = token.rstrip(".").lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) > 1 and word not in _SUFFIX:
            words.append(word)
    return " ".join(words)


def _role(text: str, start: int, end: int) -> str | None:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start), start - 100, 0)
    right_dot = text.find(".", end)
    right = min(end + 80, right_dot if right_dot >= 0 else len(text))
    best: tuple[int, str] | None = None
    for cue in _ROLE_CUES.finditer(lowered(text), left, right):
        distance = start - cue.end() if cue.end() <= start else cue.start() - end
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, cue.lastgroup or "")
    return best[1] if best else None


def _rank_size(words: list[str], i: int) -> int:
    """How many words (three to one) of a rank start at ``words[i]``; 0 for none."""
    for size in (3, 2, 1):
        if (
            i + size <= len(words)
            and " ".join(words[i : i + size]).removesuffix(".") in _RANK_PHRASES
        ):
            return size
    return 0


class _Segment(NamedTuple):
    """A name-like segment of one capitalised run, its offsets relative to the run's start.

    ``words`` are the segment's tokens without trailing suffixes ("Jr."), ``offsets`` where each
    starts; ``end`` is where the name ends (a last abbreviation's dot left out).
    """

    rank: str | None
    words: tuple[str, ...]
    offsets: tuple[int, ...]
    end: int
    norm: str


@functools.lru_cache(maxsize=32768)
def _run_segments(value: str) -> tuple[_Segment, ...]:
    """The name-like segments of the capitalised run ``value`` (offsets relative to its start).

    A pure function of the run's text, so it is worked out once per distinct run: names,
    headline words and institution names recur across a corpus. (The per-run caches of this
    module and `caselink.extract.places` hold about 25 MB per process when full.)
    """
    words = value.split(" ")
    offsets = [0]
    for word in words[:-1]:
        offsets.append(offsets[-1] + len(word) + 1)
    raw: list[tuple[list[tuple[str, int]], str | None]] = []
    current: list[tuple[str, int]] = []
    rank: str | None = None
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        # A rank of one to three words ends the segment before it and opens the next one.
        size = _rank_size(words, i) if word.rstrip(".") in _RANK_FIRST else 0
        if size:
            if current:
                raw.append((current, rank))
            current, rank = [], " ".join(words[i : i + size]).rstrip(".")
            i += size
            continue
        if _is_name_token(word):
            current.append((word, offsets[i]))
        else:
            # Words before "Lane", "Hospital", "Township" name the street or the place.
            if current and word.rstrip(".").lower() not in _DESIGNATORS:
                raw.append((current, rank))
            current, rank = [], None
        i += 1
    if current:
        raw.append((current, rank))
    return tuple(segment for tokens, rank in raw if (segment := _segment(tokens, rank)) is not None)


def _segment(tokens: list[tuple[str, int]], rank: str | None) -> _Segment | None:
    """The would-be name of ``tokens`` (trailing suffixes dropped), if any is left."""
    names = [t for t, _ in tokens]
    while names and names[-1].rstrip(".").lower() in _SUFFIX:
        names.pop()
    if not names or len(names) > 4:
        return None
    last_token, last_offset = tokens[len(names) - 1]
    if last_token.endswith(".") and len(last_token) == 2:
        return None  # ends with an initial: a sentence split, not a name
    norm = _norm(names)
    if not norm:
        return None
    return _Segment(
        rank,
        tuple(names),
        tuple([at for _, at in tokens[: len(names)]]),
        last_offset + len(last_token.rstrip(".")),
        norm,
    )


@functools.lru_cache(maxsize=1)
def _big_places() -> frozenset[str]:
    """Lookup keys of towns of 50,000 people or more, states and countries."""
    big = {k for k, readings in towns().items() if readings[0].population >= 50_000}
    big.update(key(name) for name in STATE_NAMES)
    return frozenset(big)


@functools.lru_cache(maxsize=16384)
def _place_like(names: tuple[str, ...]) -> bool:
    """Whether a would-be name is a place or holds a large two-word place ("Fort Wayne X").

    A possessive counts as its place ("San Diego's").
    """
    words = [*names[:-1], names[-1].removesuffix("'s").removesuffix("’s")]
    if key(" ".join(words)) in towns():
        return True
    big = _big_places()
    return any(key(" ".join(words[i : i + 2])) in big for i in range(len(words) - 1))


def _surname_repeats(text: str, surname: str, start: int) -> bool:
    bare = surname.rstrip(".")
    if len(bare) < 3:
        return False
    at = text.find(bare)
    while at >= 0:
        after = text[at + len(bare) : at + len(bare) + 1]
        before = text[at - 1 : at] if at else ""
        if at != start and not (after.isalnum() or after == "-") and not before.isalnum():
            return True
        at = text.find(bare, at + 1)
    return False


def _candidates(text: str, article: Article) -> tuple[tuple[Mention, bool], ...]:
    """(mention, is_officer) for every supported name in the body."""
    return _candidates_from(text, body_start(text, article))


def _is_credit(text: str, low: str, start: int, end: int) -> bool:
    """Whether the name at ``text[start:end]`` is a byline or photo credit (the reporter's name)."""
    if _CREDIT_AFTER.match(text, end, end + 30):
        return True
    # `_CREDIT_BEFORE` ends in one of `_CREDIT_ENDS` at ``start`` (or before a final newline).
    begin = max(0, start - 40)
    if not low.endswith(_CREDIT_ENDS, begin, start) and not (
        low[start - 1 : start] == "\n" and low.endswith(_CREDIT_ENDS, begin, start - 1)
    ):
        return False
    return _CREDIT_BEFORE.search(low, begin, start) is not None


def _cue_before(low: str, start: int) -> bool:
    """Whether `_NAME_CUE_BEFORE` finds a cue in the 40 characters before ``start``.

    After a space (most names) the word before it decides, looked up in a set; the pattern
    itself runs only where its "-year-old" branch may match or the character before is no space.
    """
    begin = max(0, start - 40)
    if start < 2 or low[start - 1] != " " or "-year-old" in low[begin:start]:
        return _NAME_CUE_BEFORE.search(low, begin, start) is not None
    if low[start - 2] in ",:(":
        return True
    # The letters before the space: a cue word when the character before them ends no word (\b).
    letters = _LOWER_LETTERS.match(low[begin : start - 1][::-1])
    first = start - 1 - (letters.end() if letters else 0)
    before = low[first - 1] if first else " "
    return low[first : start - 1] in _CUE_LAST_WORDS and not before.isalnum() and before != "_"


def _person_end(text: str, start: int, end: int, last: tuple[str, int]) -> int | None:
    """Where a would-be name ends if the text around it says it is a person's, else ``None``.

    A possessive is a person's ("Jada Page's family", the name ending before the 's); else an
    age, a cue word before or after, or the surname used again (see the module docstring).
    """
    token, at = last
    if token.endswith(("'s", "’s")):
        return end - 2
    after = text[end : end + 50]
    supported = (
        _AGE_AFTER.match(after)
        or _cue_before(lowered(text), start)
        or _NAME_CUE_AFTER.match(after)
        or _surname_repeats(text, token, at)
    )
    return end if supported else None


@functools.lru_cache(maxsize=4)
def _candidates_from(text: str, begin: int) -> tuple[tuple[Mention, bool], ...]:
    low = lowered(text)
    out = []
    for run in _RUN.finditer(text):
        value = run.group(0)
        if " " not in value:
            continue  # one capitalised word is never a name with a rank or a full name
        run_start = run.start()
        for segment in _run_segments(value):
            rank = segment.rank
            words = segment.words
            start = run_start + segment.offsets[0]
            last_offset = run_start + segment.offsets[-1]
            end = run_start + segment.end
            norm = segment.norm
            if rank is None and text[max(0, start - 18) : start].rstrip(", ").endswith(
                _LOWER_RANKS
            ):
                lower_rank = _LOWER_RANK.search(text, max(0, start - 40), start)
                if lower_rank:
                    rank = lower_rank.group(1)
            if rank is not None and start < begin and len(words) > 2:
                # Title Case headline: "PC Jane Doe Testifies" names "Jane Doe".
                words = words[:2]
                last_token, last_offset = words[1], run_start + segment.offsets[1]
                end = last_offset + len(last_token.rstrip("."))
                norm = _norm(words)
            if rank is not None:
                rank_start = text.rfind(rank, 0, start)
                out.append((Mention(text[rank_start:end], norm, rank_start, end, role=rank), True))
                continue
            if start < begin or len(words) < 2 or norm.count(" ") < 1:
                continue
            if _place_like(words) or _is_credit(text, low, start, end):
                continue
            person_end = _person_end(text, start, end, (words[-1], last_offset))
            if person_end is not None:
                role = _role(text, start, person_end)
                out.append(
                    (Mention(text[start:person_end], norm, start, person_end, role=role), False)
                )
    return tuple(out)


def find_officers(text: str, article: Article) -> tuple[Mention, ...]:
    """Find officers named with a rank (norm = name) and rank-only officers (norm ``""``).

    Examples:
        >>> from caselink.models import Article
        >>> [(m.norm, m.role) for m in find_officers("PC Andrew Turner was sacked.", Article("a", "", ""))]
        [('andrew turner', 'PC')]
    """
    found = [m for m, officer in _candidates(text, article) if officer]
    low = lowered(text)
    rank_only: dict[int, re.Match[str]] = {}
    for gate in _RANK_ONLY_GATES:
        # Every rank-only phrase holds a gate word: search only around those.
        at = low.find(gate)
        while at >= 0:
            for match in _RANK_ONLY.finditer(text, max(0, at - 45), at + 60):
                rank_only.setdefault(match.start(1), match)
            at = low.find(gate, at + 1)
    found += [
        Mention(match.group(1), "", match.start(1), match.end(1), role=match.group(1).lower())
        for _start, match in sorted(rank_only.items())
    ]
    for word in _SENTENCE_RANKS:
        at = text.find(word)
        while at >= 0:
            opens = at == 0 or text[at - 1] == "\n" or text[at - 2 : at] in (". ", "! ", "? ")
            if opens and _RANK_AT_START.match(text, at):
                found.append(Mention(word, "", at, at + len(word), role=word.lower()))
            at = text.find(word, at + 1)
    return tuple(sorted(found, key=lambda m: (m.start, m.end)))


def find_people(text: str, article: Article) -> tuple[Mention, ...]:
    """Find other named people, each with a role when the sentence states one.

    Examples:
        >>> from caselink.models import Article
        >>> found = find_people("Police said Dan Caron, 63, was shot. Caron died.", Article("a", "", ""))
        >>> [(m.text, m.norm, m.role) for m in found]
        [('Dan Caron', 'dan caron', 'victim')]
    """
    candidates = _candidates(text, article)
    officers = {m.norm for m, officer in candidates if officer}
    return tuple(m for m, officer in candidates if not officer and m.norm not in officers)


_AGE_SUFFIXES = ("-year-old", "-yr-old", " year old", " years old")
_AGE_PREFIXES = ("aged ", "age ", "age of ")


def _age_spans(low: str) -> list[tuple[int, int]]:
    """Digit spans stated as ages: "63-year-old", "63 years old", "aged 63", "age of 63"."""
    spans = []
    for suffix in _AGE_SUFFIXES:
        at = low.find(suffix)
        while at >= 0:
            start = at
            while start > 0 and low[start - 1].isdigit() and at - start < 3:
                start -= 1
            if start < at and (start == 0 or not low[start - 1].isalnum()):
                spans.append((start, at))
            at = low.find(suffix, at + 1)
    for prefix in _AGE_PREFIXES:
        at = low.find(prefix)
        while at >= 0:
            start = at + len(prefix)
            end = start
            while end < len(low) and low[end].isdigit() and end - start < 3:
                end += 1
            if (
                end > start
                and (at == 0 or not low[at - 1].isalpha())
                and not low[end : end + 1].isdigit()
            ):
                spans.append((start, end))
            at = low.find(prefix, at + 1)
    return spans


def find_ages(text: str, article: Article) -> tuple[Mention, ...]:
    """Find stated ages (norm = years); role = the name the age belongs to, when adjacent.

    Examples:
        >>> from caselink.models import Article
        >>> [(m.norm, m.role) for m in find_ages("Dan Caron, 63, died.", Article("a", "", ""))]
        [('63', 'dan caron')]
    """
    named: dict[int, str] = {}
    for mention, _officer in _candidates(text, article):
        after = _AGE_AFTER.match(text[mention.end : mention.end + 12])
        if after:
            named[mention.end + after.start(1)] = mention.norm
        window = text[max(0, mention.start - 40) : mention.start]
        before = _AGE_BEFORE.search(window) if "-year-old" in window else None
        if before:
            named[
                mention.start - 40 + before.start(1) if mention.start >= 40 else before.start(1)
            ] = mention.norm
    found: dict[int, Mention] = {}
    for start, end in _age_spans(lowered(text)):
        value = int(text[start:end])
        if value <= _MAX_AGE:
            found[start] = Mention(text[start:end], str(value), start, end, role=named.get(start))
    for start, norm in named.items():
        if start not in found:
            digits = re.match(r"\d{1,3}", text[start:])
            if digits and int(digits.group(0)) <= _MAX_AGE:
                found[start] = Mention(
                    digits.group(0),
                    str(int(digits.group(0))),
                    start,
                    start + len(digits.group(0)),
                    role=norm,
                )
    return tuple(found[k] for k in sorted(found))
