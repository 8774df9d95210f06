"""Generate a synthetic news corpus about police-misconduct cases and local shootings, with gold labels.

    python benchmarks/generate_corpus.py --articles 100000 --seed 1 --out /tmp/corpus-100k

writes ``articles.jsonl`` (id, title, text, published, source, url) and ``gold.jsonl`` (id, incident_id)
and prints a JSON summary. Everything is invented and written for this project; real forces, towns,
US cities and oversight bodies appear only as setting, and people, quotes and reference numbers are
made up. The output is a pure function of ``--seed`` and ``--articles`` (every case draws from its own
``random.Random`` seeded with a string, which is hashed with SHA-512, never with ``hash()``), and it is
written case by case, so memory stays flat at any size.

What makes it hard, on purpose:

- several outlets per case, each writing its own article from the same facts with its own wording,
  sentence order, name forms ("PC Jane Doe", "Doe", "the officer") and date forms;
- syndicated near-copies (a wire story reprinted with a new headline, a dropped or reworded sentence);
- follow-ups weeks or months later with the next outcome (hearing, dismissal, charge, sentence);
- outlet boilerplate (newsletter appeals, contact lines) shared by every article of an outlet, and
  stock phrases shared across outlets ("Anyone with information is asked to call...");
- hard negatives: a quarter of the cases share the force, town and month of a recent case, a tenth
  share an officer's surname with it, and surnames come from a small pool;
- heavy-tailed case sizes (Pareto, exponent 1.4, capped at 250 articles): most cases have one or two
  articles and a few have hundreds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# Setting: forces, towns, cities, outlets (real places as setting only; outlet hosts are invented).

UK_FORCES: dict[str, tuple[str, ...]] = {
    "Metropolitan Police": ("Lewisham", "Croydon", "Hounslow", "Hackney", "Brixton", "Ealing"),
    "Nottinghamshire Police": ("Nottingham", "Mansfield", "Worksop", "Newark"),
    "West Midlands Police": ("Birmingham", "Walsall", "Wolverhampton", "Coventry", "Dudley"),
    "Greater Manchester Police": ("Manchester", "Bolton", "Wigan", "Oldham", "Rochdale"),
    "Merseyside Police": ("Liverpool", "Birkenhead", "St Helens", "Bootle"),
    "West Yorkshire Police": ("Leeds", "Bradford", "Huddersfield", "Wakefield", "Halifax"),
    "South Yorkshire Police": ("Sheffield", "Rotherham", "Doncaster", "Barnsley"),
    "Kent Police": ("Maidstone", "Canterbury", "Margate", "Dartford"),
    "Essex Police": ("Chelmsford", "Colchester", "Basildon", "Southend"),
    "Avon and Somerset Police": ("Bristol", "Bath", "Taunton", "Weston-super-Mare"),
    "Thames Valley Police": ("Oxford", "Reading", "Slough", "Milton Keynes"),
    "Lancashire Police": ("Blackburn", "Preston", "Blackpool", "Burnley"),
    "Devon and Cornwall Police": ("Plymouth", "Exeter", "Torquay", "Truro"),
    "Northumbria Police": ("Newcastle", "Sunderland", "Gateshead", "South Shields"),
    "Hampshire Constabulary": ("Southampton", "Portsmouth", "Basingstoke", "Winchester"),
    "Sussex Police": ("Brighton", "Crawley", "Eastbourne", "Hastings"),
    "Cheshire Constabulary": ("Chester", "Warrington", "Crewe", "Macclesfield"),
    "Leicestershire Police": ("Leicester", "Loughborough", "Hinckley"),
    "Derbyshire Constabulary": ("Derby", "Chesterfield", "Buxton"),
    "Police Scotland": ("Glasgow", "Dundee", "Aberdeen", "Edinburgh", "Paisley"),
    "Police Service of Northern Ireland": ("Belfast", "Newry", "Lisburn", "Armagh"),
}
UK_OVERSIGHT = {
    "Police Scotland": ("Police Investigations and Review Commissioner", "PIRC"),
    "Police Service of Northern Ireland": ("Police Ombudsman", "Police Ombudsman"),
}
UK_DEFAULT_OVERSIGHT = ("Independent Office for Police Conduct", "IOPC")

US_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Memphis", "Tennessee", "TN"),
    ("Chattanooga", "Tennessee", "TN"),
    ("Knoxville", "Tennessee", "TN"),
    ("Jacksonville", "Florida", "FL"),
    ("Lakeland", "Florida", "FL"),
    ("Orlando", "Florida", "FL"),
    ("Tampa", "Florida", "FL"),
    ("Columbus", "Ohio", "OH"),
    ("Dayton", "Ohio", "OH"),
    ("Toledo", "Ohio", "OH"),
    ("Akron", "Ohio", "OH"),
    ("Birmingham", "Alabama", "AL"),
    ("Mobile", "Alabama", "AL"),
    ("Montgomery", "Alabama", "AL"),
    ("Jackson", "Mississippi", "MS"),
    ("Baton Rouge", "Louisiana", "LA"),
    ("Shreveport", "Louisiana", "LA"),
    ("Tulsa", "Oklahoma", "OK"),
    ("Little Rock", "Arkansas", "AR"),
    ("Macon", "Georgia", "GA"),
    ("Savannah", "Georgia", "GA"),
    ("Augusta", "Georgia", "GA"),
    ("Louisville", "Kentucky", "KY"),
    ("Indianapolis", "Indiana", "IN"),
    ("Milwaukee", "Wisconsin", "WI"),
    ("Kansas City", "Missouri", "MO"),
    ("Springfield", "Missouri", "MO"),
    ("Springfield", "Illinois", "IL"),
    ("Albuquerque", "New Mexico", "NM"),
    ("Fresno", "California", "CA"),
    ("Stockton", "California", "CA"),
    ("Baltimore", "Maryland", "MD"),
    ("Cleveland", "Ohio", "OH"),
    ("Detroit", "Michigan", "MI"),
    ("Flint", "Michigan", "MI"),
    ("Charlotte", "North Carolina", "NC"),
    ("Durham", "North Carolina", "NC"),
    ("Fayetteville", "North Carolina", "NC"),
    ("Richmond", "Virginia", "VA"),
    ("Norfolk", "Virginia", "VA"),
    ("Columbia", "South Carolina", "SC"),
    ("Houston", "Texas", "TX"),
    ("San Antonio", "Texas", "TX"),
    ("Chicago", "Illinois", "IL"),
    ("Philadelphia", "Pennsylvania", "PA"),
)

FIRST_NAMES = [
    "James",
    "John",
    "Robert",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Steven",
    "Paul",
    "Andrew",
    "Joshua",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ryan",
    "Jacob",
    "Gary",
    "Nicholas",
    "Eric",
    "Jonathan",
    "Stephen",
    "Justin",
    "Scott",
    "Brandon",
    "Benjamin",
    "Samuel",
    "Gregory",
    "Alexander",
    "Patrick",
    "Jack",
    "Dennis",
    "Tyler",
    "Aaron",
    "Nathan",
    "Adam",
    "Kyle",
    "Marcus",
    "Darnell",
    "Tremaine",
    "Luis",
    "Carlos",
    "Craig",
    "Stuart",
    "Neil",
    "Gareth",
    "Liam",
    "Callum",
    "Owen",
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Sandra",
    "Ashley",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Laura",
    "Sharon",
    "Cynthia",
    "Kathleen",
    "Amy",
    "Angela",
    "Shirley",
    "Anna",
    "Emma",
    "Nicole",
    "Helen",
    "Samantha",
    "Katherine",
    "Christine",
    "Rachel",
    "Kirsty",
    "Gemma",
    "Leanne",
    "Chloe",
    "Aisha",
    "Keisha",
    "Tanya",
    "Maria",
    "Rosa",
]
# A small pool on purpose: unrelated cases share surnames.
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Lewis",
    "James",
    "Phillips",
    "Mason",
    "Mitchell",
    "Rose",
    "Davis",
    "Rodriguez",
    "Cox",
    "Alexander",
    "Morgan",
    "Moore",
    "Martin",
    "Price",
    "Turner",
    "Harris",
    "Cooper",
    "Ward",
    "King",
    "Baker",
    "Hughes",
    "Carter",
    "Hill",
    "Scott",
    "Young",
    "Allen",
    "Campbell",
    "Kelly",
    "Murphy",
    "Bell",
    "Parker",
    "Collins",
    "Stewart",
    "Ellis",
    "Bennett",
    "Gray",
    "Russell",
    "Marshall",
    "Hargreaves",
    "Whitcombe",
    "Castleton",
    "Meldrew",
    "Delgado",
    "Brandt",
    "Tate",
    "Dunnachie",
    "Malone",
    "Garcia",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Perez",
    "Sanders",
    "Washington",
    "Butler",
    "Simmons",
    "Foster",
    "Bryant",
    "Reed",
    "Fisher",
    "Henderson",
    "Coleman",
    "Jenkins",
    "Perry",
    "Powell",
    "Long",
    "Patterson",
]
STREETS = (
    "Main Street",
    "Oak Avenue",
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Road",
    "Mill Street",
    "Victoria Road",
    "King Street",
    "Elm Drive",
    "Market Square",
    "Queen Street",
    "Riverside Drive",
    "Martin Luther King Jr. Boulevard",
    "Lincoln Avenue",
    "Washington Street",
    "Maple Court",
    "Cedar Lane",
)
ALLEGATIONS_UK = (
    ("sending offensive messages in a WhatsApp group", "discreditable conduct"),
    ("pursuing a relationship with a vulnerable domestic abuse victim", "abuse of position"),
    ("making false overtime claims", "dishonesty"),
    ("using excessive force during an arrest", "use of force"),
    ("misusing police computer systems to look up an ex-partner", "data misuse"),
    ("driving while over the drink-drive limit", "drink-driving"),
    ("sexually harassing junior colleagues", "sexual misconduct"),
    ("stealing cash from a property store", "theft"),
    ("failing to investigate a report of domestic abuse", "neglect of duty"),
    ("lying about a stop and search", "dishonesty"),
)
ALLEGATIONS_US = (
    ("punching a handcuffed man", "excessive force"),
    ("slamming a teenager to the ground during an arrest", "excessive force"),
    ("switching off a body-worn camera during a traffic stop", "body camera violation"),
    ("taking cash seized during traffic stops", "theft"),
    ("crashing a patrol car while drunk", "DUI"),
    ("lying in an arrest report", "untruthfulness"),
    ("using a stun gun on a restrained woman", "excessive force"),
    ("sending racist text messages", "misconduct"),
)
VENUES = (
    "a house party",
    "a gas station",
    "an apartment complex",
    "a nightclub parking lot",
    "a city park",
    "a convenience store",
    "a basketball court",
    "a restaurant",
    "a strip mall",
    "a birthday gathering",
)
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
UK_PAPER_WORDS = ("Echo", "Gazette", "Chronicle", "Herald", "Post", "Mercury", "Advertiser", "Star")
US_PAPER_WORDS = ("Tribune", "Courier", "Daily News", "Times", "Journal", "Ledger", "Press")
NATIONAL_UK = (
    "britain-today.co.uk",
    "the-national-desk.co.uk",
    "ukwire-news.com",
    "dailyreport.uk",
)
NATIONAL_US = ("usnewsline.com", "crimebeat-us.com", "americadaily-report.com", "thewirenow.com")
WIRES = ("Pressline", "Newswire Service")

STOCK_PHRASES = (
    "Anyone with information is asked to contact police.",
    "The investigation is ongoing.",
    "No further details have been released.",
    "Police have not released further information at this stage.",
)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _rng(seed: int, *parts: object) -> random.Random:
    # String seeds are hashed with SHA-512 by random.seed (version 2): stable across processes.
    return random.Random(":".join(["caselink-corpus", str(seed), *map(str, parts)]))


# --------------------------------------------------------------------------------------------------
# Outlets.


@dataclass(frozen=True)
class Outlet:
    host: str
    name: str
    region: str
    boilerplate: tuple[str, ...]
    says: str  # house style for reported speech: "said" or "says"


def _outlet(region: str, kind: str, seed: int) -> Outlet:
    rng = _rng(seed, "outlet", region, kind)
    if kind.startswith("national"):
        pool = NATIONAL_UK if region == "UK" else NATIONAL_US
        host = pool[int(kind.split("-")[1]) % len(pool)]
        name = host.split(".")[0].replace("-", " ").title()
    else:
        words = UK_PAPER_WORDS if "|" not in region else US_PAPER_WORDS
        town = region.split("|", maxsplit=1)[0]
        name = f"{town} {rng.choice(words)}"
        tld = ".co.uk" if "|" not in region else ".com"
        host = _slug(name).replace("-", "") + tld if rng.random() < 0.5 else _slug(name) + tld
    boilerplate = (
        f"Sign up to the {name} newsletter for the latest news, sent straight to your inbox every morning.",
        f"Got a story for the {name}? Email our newsdesk or message us on social media.",
        f"Support local journalism: subscribe to the {name} from just one pound a week.",
        f"Follow the {name} on Facebook and X for breaking news and updates.",
    )
    picked = tuple(rng.sample(boilerplate, k=rng.randint(1, 2)))
    return Outlet(host, name, region, picked, rng.choice(("said", "said", "says")))


def _outlets_for(region: str, seed: int, n_local: int = 3) -> list[Outlet]:
    national = "UK" if "|" not in region else "US"
    locals_ = [_outlet(region, f"local-{i}", seed) for i in range(n_local)]
    nationals = [_outlet(national, f"national-{i}", seed) for i in range(4)]
    return locals_ + nationals


# --------------------------------------------------------------------------------------------------
# Cases.


@dataclass
class Person:
    first: str
    last: str
    age: int

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Case:
    index: int
    kind: str  # "uk_misconduct", "us_misconduct", "us_shooting"
    agency: str
    town: str
    region: str  # UK town, or "City|State|ST"
    state: str
    day: dt.date
    officer: Person | None
    rank: str
    allegation: str
    allegation_type: str
    oversight: tuple[str, str] | None
    reference: str
    victims: list[Person]
    killed: int
    injured: int
    venue: str
    street: str
    suspect: Person | None
    stages: list[str]  # outcome after each step, first report first
    size: int
    spokes: Person = field(default_factory=lambda: Person("Alex", "Morgan", 40))


def _setting(seed: int, index: int) -> tuple[str, str, str, str, str, dt.date]:
    """The kind, agency, town, region, state and date of case ``index`` (used for hard negatives)."""
    rng = _rng(seed, "setting", index)
    roll = rng.random()
    day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(9 * 365))
    if roll < 0.45:
        agency = rng.choice(sorted(UK_FORCES))
        town = rng.choice(UK_FORCES[agency])
        return "uk_misconduct", agency, town, town, "", day
    city, state, abbr = rng.choice(US_CITIES)
    region = f"{city}|{state}|{abbr}"
    kind = "us_misconduct" if roll < 0.6 else "us_shooting"
    if kind == "us_misconduct" and rng.random() < 0.3:
        agency = f"{city} County Sheriff's Office"
    else:
        agency = f"{city} Police Department"
    return kind, agency, city, region, state, day


def _case_size(rng: random.Random) -> int:
    return min(int(rng.paretovariate(1.4)), 250)


def _person(rng: random.Random, lo: int, hi: int) -> Person:
    return Person(rng.choice(FIRST_NAMES), rng.choice(SURNAMES), rng.randint(lo, hi))


def make_case(seed: int, index: int) -> Case:
    """Build the facts of case ``index``; a pure function of ``seed`` and ``index``."""
    rng = _rng(seed, "case", index)
    anchor = index - 1 - rng.randrange(40) if index > 0 and rng.random() < 0.25 else None
    kind, agency, town, region, state, day = _setting(seed, index if anchor is None else anchor)
    if anchor is not None:
        # Same force, town and month as a recent case: a different incident nonetheless.
        day = day.replace(day=rng.randint(1, 28))
    officer = _person(rng, 23, 56)
    if anchor is not None and rng.random() < 0.4:
        officer.last = _person(_rng(seed, "case", anchor, "officer"), 23, 56).last
    if kind == "uk_misconduct":
        rank = rng.choice(("PC", "PC", "PC", "Sergeant", "Detective Constable", "Inspector"))
        allegation, allegation_type = rng.choice(ALLEGATIONS_UK)
        oversight = UK_OVERSIGHT.get(agency, UK_DEFAULT_OVERSIGHT)
        reference = f"{day.year}/{rng.randrange(1000, 30000):06d}"
        outcome = rng.choice(
            (
                "dismissed without notice",
                "dismissed without notice",
                "given a final written warning",
                "would have been dismissed had they not resigned",
            )
        )
        stages = ["suspended", "gross misconduct hearing", outcome]
        if outcome.startswith("dismissed") and rng.random() < 0.4:
            stages.append("appeal rejected")
    elif kind == "us_misconduct":
        rank = "Deputy" if "Sheriff" in agency else rng.choice(("Officer", "Officer", "Sgt."))
        allegation, allegation_type = rng.choice(ALLEGATIONS_US)
        oversight, reference = None, f"IA-{day.year}-{rng.randrange(100, 999)}"
        stages = ["placed on administrative leave", "fired", "charged"]
        if rng.random() < 0.5:
            stages.append("pleaded guilty")
    else:
        rank, allegation, allegation_type, oversight = "", "", "", None
        reference = f"{day.year % 100:02d}-{rng.randrange(10000, 99999)}"
        stages = ["shooting", "victims identified", "suspect charged", "suspect sentenced"]
        officer = None
    killed = rng.choice((0, 1, 1, 1, 2, 2, 3)) if kind == "us_shooting" else 0
    injured = rng.choice((0, 1, 1, 2, 3, 4, 5)) if kind == "us_shooting" else 0
    if kind == "us_shooting" and killed + injured == 0:
        injured = 1
    victims = [_person(rng, 15, 70) for _ in range(max(1, killed + injured))]
    return Case(
        index=index,
        kind=kind,
        agency=agency,
        town=town,
        region=region,
        state=state,
        day=day,
        officer=officer,
        rank=rank,
        allegation=allegation,
        allegation_type=allegation_type,
        oversight=oversight,
        reference=reference,
        victims=victims,
        killed=killed,
        injured=injured,
        venue=rng.choice(VENUES),
        street=rng.choice(STREETS),
        suspect=_person(rng, 16, 45) if kind == "us_shooting" else None,
        stages=stages,
        size=_case_size(rng),
        spokes=_person(rng, 30, 60),
    )


# --------------------------------------------------------------------------------------------------
# Writing: each article picks its own wording from the facts known at its stage.


def _count(n: int, rng: random.Random) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) and rng.random() < 0.6 else str(n)


def _date_phrase(day: dt.date, published: dt.date, rng: random.Random) -> str:
    gap = (published - day).days
    roll = rng.random()
    if 0 <= gap <= 6 and roll < 0.5:
        return f"on {day.strftime('%A')}"
    if roll < 0.75:
        return (
            f"on {day.day} {day.strftime('%B')}"
            if rng.random() < 0.6
            else day.strftime("on %B %-d")
        )
    if roll < 0.9:
        return f"in {day.strftime('%B %Y')}"
    return f"on {day.strftime('%-d %B %Y')}"


def _officer_forms(case: Case, rng: random.Random) -> tuple[str, str]:
    """(first mention, later mention) of the officer."""
    assert case.officer is not None
    o = case.officer
    full = f"{case.rank} {o.full}".strip()
    first = rng.choice(
        (full, f"{full}, {o.age},", f"{o.full}, a {case.rank.lower().rstrip('.')},", full)
    )
    later = rng.choice((o.last, f"{case.rank} {o.last}".strip(), "the officer", o.last))
    return first, later


def _misconduct_sentences(
    case: Case, stage: int, published: dt.date, rng: random.Random, says: str
) -> list[str]:
    first, later = _officer_forms(case, rng)
    when = _date_phrase(case.day, published, rng)
    force = (
        case.agency
        if rng.random() < 0.7
        else case.agency.replace(" Police", "").strip() + " Police"
    )
    outcome = case.stages[min(stage, len(case.stages) - 1)]
    sentences = []
    lede_forms = (
        f"{first} of {force} has been {outcome} after {case.allegation}.",
        f"A {case.town} officer has been {outcome} following allegations of {case.allegation}.",
        f"{force} has confirmed that {first} was {outcome} over claims of {case.allegation}.",
        f"An officer based in {case.town} has been {outcome}, {force} {says}.",
    )
    if outcome in ("gross misconduct hearing", "charged", "appeal rejected", "pleaded guilty"):
        verbs = {
            "gross misconduct hearing": "will face a gross misconduct hearing",
            "charged": "has been charged",
            "appeal rejected": "has lost an appeal against dismissal",
            "pleaded guilty": "has pleaded guilty",
        }[outcome]
        lede_forms = (
            f"{first} of {force} {verbs} over {case.allegation}.",
            f"A {case.town} officer {verbs} after being accused of {case.allegation}.",
            f"{force} officer {first} {verbs}, it has been confirmed.",
        )
    sentences.append(rng.choice(lede_forms))
    sentences.append(
        rng.choice(
            (
                f"The incident happened {when} in {case.town}.",
                f"It is alleged that {later} was {case.allegation} {when}.",
                f"The concerns were first raised {when}, when a colleague reported {later}.",
                f"Officers in {case.town} were made aware of the allegations {when}.",
            )
        )
    )
    if case.oversight is not None:
        body, short = case.oversight
        sentences.append(
            rng.choice(
                (
                    f"The {body} ({short}) investigated and found a case to answer for {case.allegation_type}.",
                    f"The {short} carried out an independent investigation, reference {case.reference}.",
                    f"An investigation by the {body} concluded the officer had a case to answer.",
                    f"The matter was referred to the {short}, which examined {case.allegation_type} allegations.",
                )
            )
        )
    else:
        sentences.append(
            rng.choice(
                (
                    f"An internal affairs investigation ({case.reference}) reviewed body camera footage.",
                    "Internal affairs opened an inquiry after the footage surfaced, records show.",
                    f"The department's professional standards unit investigated the {case.allegation_type} complaint.",
                )
            )
        )
    spokes = case.spokes
    sentences.append(
        rng.choice(
            (
                f'"The public rightly expect the highest standards," {spokes.full}, for {force}, {says}.',
                f'Superintendent {spokes.full} {says}: "This behaviour has no place in policing."',
                f'A {force} spokesperson {says} the force "will not tolerate" such conduct.',
                f'Chief {spokes.last} {says} the conduct "fell far below" what residents deserve.',
            )
        )
    )
    if stage >= 1:
        sentences.append(
            rng.choice(
                (
                    f"{later[0].upper() + later[1:]} was first {case.stages[0]} after the allegations emerged.",
                    f"The case follows an earlier decision to place {later} on restricted duties.",
                    f"This is the latest development in a case that began {when}.",
                )
            )
        )
    if case.officer is not None:
        sentences.append(
            rng.choice(
                (
                    f"{case.officer.last} had served with the force for {rng.randint(2, 20)} years.",
                    f"The officer, who is {case.officer.age}, joined {force} in {case.day.year - rng.randint(2, 15)}.",
                    f"{case.officer.last}, {case.officer.age}, did not respond to a request for comment.",
                )
            )
        )
    return sentences


def _shooting_sentences(
    case: Case, stage: int, published: dt.date, rng: random.Random, says: str
) -> list[str]:
    city, state = case.town, case.state
    when = _date_phrase(case.day, published, rng)
    dead = _count(case.killed, rng)
    hurt = _count(case.injured, rng)
    dept = case.agency if rng.random() < 0.6 else "police"
    hour = rng.choice(
        ("shortly after 2 a.m.", "around 11 p.m.", "just before midnight", "early in the morning")
    )
    sentences = [
        rng.choice(
            (
                f"{_toll(case, rng).capitalize()} in a shooting at {case.venue} in {city} {when}.",
                f"A shooting at {case.venue} on {case.street} left {dead} dead and {hurt} wounded, {dept} {says}.",
                f"{city} police are investigating a shooting {when} in which {_toll(case, rng)}.",
                f"Gunfire erupted at {case.venue} in {city}, {state}, {hour} {when}.",
            )
        )
    ]
    sentences.append(
        rng.choice(
            (
                f"Officers responded to the {case.street} area {hour} and found several people with gunshot wounds.",
                f"According to {dept}, the victims were taken to a local hospital.",
                f"Police said the shooting happened {hour} near {case.street}.",
            )
        )
    )
    if stage >= 1:
        names = ", ".join(f"{v.full}, {v.age}" for v in case.victims[: max(case.killed, 1)])
        sentences.append(
            rng.choice(
                (
                    f"The victims were identified as {names}.",
                    f"The county coroner identified those killed as {names}.",
                    f"Family members named the victims as {names}.",
                )
            )
        )
    if stage >= 2 and case.suspect is not None:
        s = case.suspect
        verb = "was sentenced to life in prison" if stage >= 3 else "has been charged with murder"
        sentences.append(
            rng.choice(
                (
                    f"{s.full}, {s.age}, {verb} in connection with the shooting.",
                    f"Police {says} {s.full} {verb}.",
                    f"A {s.age}-year-old man, {s.full}, {verb}.",
                )
            )
        )
    else:
        sentences.append(
            rng.choice(
                (
                    "No arrests have been made and police have not identified a suspect.",
                    f"Investigators {says} they are looking for a suspect who fled on foot.",
                    "Detectives have not released a description of the shooter.",
                )
            )
        )
    sentences.append(
        rng.choice(
            (
                f'"We will find whoever did this," {case.spokes.full}, a police spokesperson, {says}.',
                f'Police Chief {case.spokes.full} {says} the violence was "senseless".',
                f"Case number {case.reference} has been assigned to the homicide unit.",
            )
        )
    )
    return sentences


FILLER_COMMON = (
    "Residents said the area had been quiet in recent months.",
    "Community leaders have called for calm while the process runs its course.",
    "Local councillors said public confidence in policing had been damaged.",
    "Officials urged anyone who witnessed the incident to come forward.",
    "The news prompted a flurry of reaction on social media, with many residents expressing shock.",
    "Several people who live nearby said they had not heard about the incident until the next day.",
)
FILLER_MISCONDUCT = (
    "The force has faced criticism over its handling of complaints in recent years.",
    "Campaigners said the case showed the need for stronger vetting of new recruits.",
    "The hearing was held in public and lasted several days.",
    "Figures published last year showed a rise in misconduct cases across the country.",
    "The police federation said it was supporting the officer throughout the process.",
    "Misconduct hearings are usually chaired by an independent legally qualified person.",
    "Officers dismissed for gross misconduct are placed on a barred list and cannot rejoin policing.",
    "The chief constable said the vast majority of officers served the public with integrity.",
)
FILLER_SHOOTING = (
    "A vigil was planned for later in the week.",
    "The city has recorded several shootings this year.",
    "Crime scene tape remained in place for several hours as detectives searched the area.",
    "The mayor said the city would not accept gun violence as normal.",
    "Neighbours said they heard several shots and ran for cover.",
    "Community groups have called for more funding for violence prevention programs.",
    "Shell casings could be seen on the ground near the entrance.",
)


def _toll(case: Case, rng: random.Random) -> str:
    dead, hurt = _count(case.killed, rng), _count(case.injured, rng)
    if case.killed == 0:
        return f"{hurt} {'person was' if case.injured == 1 else 'people were'} wounded"
    if case.injured == 0:
        return f"{dead} {'person was' if case.killed == 1 else 'people were'} killed"
    return f"{dead} {'person was' if case.killed == 1 else 'people were'} killed and {hurt} wounded"


def _details(case: Case, rng: random.Random) -> list[str]:
    """Further case-specific sentences, from which each article takes a few."""
    if case.kind == "us_shooting":
        v = case.victims[0]
        return [
            f"Witnesses said an argument broke out at {case.venue} before shots were fired.",
            f"One of the victims, {v.full}, was described by relatives as a devoted parent.",
            f"Detectives recovered several shell casings from the {case.street} scene.",
            f"The {case.agency} asked residents with doorbell cameras near {case.street} to check footage.",
            f"It was at least the third shooting in {case.town} that month.",
        ]
    assert case.officer is not None
    o, v = case.officer, case.victims[0]
    return [
        f"The complaint was brought by {v.full}, {v.age}, who said the experience left them shaken.",
        f"{o.last} denied the allegations throughout the {case.allegation_type} investigation.",
        f"The panel heard evidence from colleagues who worked alongside {o.last} in {case.town}.",
        f"{case.agency} said it had apologised to those affected by the officer's conduct.",
        f"The allegations related to {o.last}'s time working on a response team in {case.town}.",
    ]


def _headline(case: Case, stage: int, rng: random.Random) -> str:
    if case.kind == "us_shooting":
        return rng.choice(
            (
                f"{_toll(case, rng).capitalize()} in {case.town} shooting",
                f"Shooting at {case.venue} in {case.town} leaves {case.killed} dead",
                f"{case.town} police investigate deadly shooting on {case.street}",
                f"Victims named after {case.town} shooting"
                if stage >= 1
                else f"Gunfire at {case.town} {case.venue.split()[-1]}",
                f"Man charged with murder over {case.town} shooting"
                if stage >= 2
                else f"{case.town} shooting: police seek suspect",
            )
        )
    assert case.officer is not None
    outcome = case.stages[min(stage, len(case.stages) - 1)]
    return rng.choice(
        (
            f"{case.rank} {case.officer.full} {outcome}",
            f"{case.town} officer {outcome} over {case.allegation_type}",
            f"{case.agency} officer {outcome}",
            f"Officer {outcome} over {case.allegation_type} claims",
        )
    )


# Each outlet's writer picks its own words: phrase -> alternatives (the phrase itself included).
REWORDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (" said ", (" said ", " told reporters ", " confirmed ", " stated ")),
    (" said.", (" said.", " told reporters.", " confirmed.", " added.")),
    (" says", (" says", " said", " has said")),
    ("investigation", ("investigation", "inquiry", "probe")),
    ("allegations", ("allegations", "claims", "accusations")),
    ("in recent months", ("in recent months", "lately", "over the past few months")),
    ("several", ("several", "a number of", "multiple")),
    ("found", ("found", "discovered", "located")),
    ("taken to", ("taken to", "rushed to", "transported to")),
    ("a local hospital", ("a local hospital", "hospital", "a nearby hospital")),
    ("the area", ("the area", "the neighbourhood", "the vicinity")),
    ("following", ("following", "after", "in the wake of")),
    (
        "did not respond to a request for comment",
        (
            "did not respond to a request for comment",
            "could not be reached for comment",
            "declined to comment",
            "has not commented",
        ),
    ),
    ("community", ("community", "neighbourhood")),
    ("called for", ("called for", "demanded", "urged")),
    ("people", ("people", "individuals", "people")),
    ("the shooting", ("the shooting", "the gunfire", "the attack")),
    ("officers", ("officers", "police", "officers")),
    ("the officer", ("the officer", "the constable", "the officer")),
    ("residents", ("residents", "locals", "people living nearby")),
    ("has been", ("has been", "was", "has been")),
    ("confirmed", ("confirmed", "said", "announced")),
    ("It is alleged that", ("It is alleged that", "It is claimed that", "Prosecutors say")),
    ("spokesperson", ("spokesperson", "spokesman", "spokeswoman", "representative")),
    ("recorded", ("recorded", "seen", "had")),
    ("investigating", ("investigating", "looking into", "probing")),
)


def reword(text: str, rng: random.Random) -> str:
    """Swap common phrases for an outlet-specific choice, so independent articles rarely share runs of words."""
    for phrase, choices in REWORDINGS:
        if phrase in text:
            text = text.replace(phrase, rng.choice(choices))
    return text


def write_article(
    case: Case, stage: int, published: dt.date, outlet: Outlet, rng: random.Random
) -> tuple[str, str]:
    """Return (title, text) for one independent article."""
    writer = _shooting_sentences if case.kind == "us_shooting" else _misconduct_sentences
    sentences = writer(case, stage, published, rng, outlet.says)
    head, rest = sentences[0], sentences[1:]
    rng.shuffle(rest)
    rest += rng.sample(_details(case, rng), k=rng.randint(2, 4))
    rng.shuffle(rest)
    pool = FILLER_SHOOTING if case.kind == "us_shooting" else FILLER_MISCONDUCT
    extras = rng.sample(pool, k=rng.randint(1, 3)) + rng.sample(FILLER_COMMON, k=rng.randint(0, 2))
    if rng.random() < 0.5:
        extras.append(rng.choice(STOCK_PHRASES))
    rng.shuffle(extras)
    body = [head, *rest[:3], *extras[:1], *rest[3:], *extras[1:]]
    body = [reword(sentence, rng) for sentence in body if rng.random() < 0.85 or sentence is head]
    paragraphs = []
    while body:
        take = rng.randint(1, 2)
        paragraphs.append(" ".join(body[:take]))
        body = body[take:]
    paragraphs.extend(outlet.boilerplate)
    return _headline(case, stage, rng), "\n\n".join(paragraphs)


def syndicate(title: str, text: str, outlet: Outlet, rng: random.Random) -> tuple[str, str]:
    """A near-copy of a wire story: the outlet's own headline tweak, one paragraph dropped or reworded."""
    paragraphs = [
        p
        for p in text.split("\n\n")
        if not p.startswith(("Sign up", "Got a story", "Support local", "Follow the"))
    ]
    if len(paragraphs) > 3 and rng.random() < 0.5:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    if rng.random() < 0.5:
        i = rng.randrange(len(paragraphs))
        paragraphs[i] = paragraphs[i].replace(" said ", " says ").replace("has been", "was")
    if rng.random() < 0.5:
        title = rng.choice(("UPDATE: ", "", "Watch: ", "")) + title
    paragraphs.append(f"This story was provided by {rng.choice(WIRES)}.")
    paragraphs.extend(outlet.boilerplate)
    return title, "\n\n".join(paragraphs)


# --------------------------------------------------------------------------------------------------
# Corpus.


def case_articles(seed: int, case: Case, size: int) -> Iterator[dict[str, object]]:
    """Yield ``size`` articles about ``case``: originals, syndicated copies and follow-ups."""
    rng = _rng(seed, "articles", case.index)
    outlets = _outlets_for(case.region, seed)
    written: list[tuple[str, str, dt.date, int]] = []
    for j in range(size):
        outlet = (
            outlets[min(int(rng.expovariate(0.45)), len(outlets) - 1)]
            if j < 6
            else rng.choice(outlets)
        )
        if written and rng.random() < 0.2:
            title, text, published, stage = rng.choice(written)
            title, text = syndicate(title, text, outlet, rng)
            published += dt.timedelta(days=rng.randint(0, 1))
        else:
            stage = 0
            if j > 0 and rng.random() < 0.3:
                stage = rng.randint(1, len(case.stages) - 1)
            delay = rng.randint(0, 3) if stage == 0 else rng.randint(14 * stage, 50 * stage)
            published = case.day + dt.timedelta(days=delay)
            title, text = write_article(case, stage, published, outlet, rng)
            written.append((title, text, published, stage))
        digest = hashlib.sha1(
            f"{seed}:{case.index}:{j}".encode(), usedforsecurity=False
        ).hexdigest()
        article_id = f"g{digest[:15]}"
        yield {
            "id": article_id,
            "title": title,
            "text": text,
            "published": published.isoformat(),
            "source": outlet.host,
            "url": f"https://www.{outlet.host}/news/{_slug(title)[:60]}-{int(digest[15:22], 16) % 10**7}",
            "incident_id": f"case-{seed}-{case.index:07d}",
        }


def generate(n_articles: int, seed: int = 1) -> Iterator[dict[str, object]]:
    """Yield ``n_articles`` articles (each with its gold ``incident_id``), case after case.

    Examples:
        >>> rows = list(generate(20, seed=3))
        >>> len(rows), rows == list(generate(20, seed=3))
        (20, True)
    """
    produced = 0
    index = 0
    while produced < n_articles:
        case = make_case(seed, index)
        size = min(case.size, n_articles - produced)
        yield from case_articles(seed, case, size)
        produced += size
        index += 1


def write_corpus(n_articles: int, seed: int, out: Path) -> dict[str, object]:
    """Write ``articles.jsonl`` and ``gold.jsonl`` under ``out``; return a summary."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    sizes: dict[str, int] = {}
    chars = 0
    with (
        (out / "articles.jsonl").open("w", encoding="utf-8") as arts,
        (out / "gold.jsonl").open("w", encoding="utf-8") as gold,
    ):
        for row in generate(n_articles, seed):
            label = str(row.pop("incident_id"))
            sizes[label] = sizes.get(label, 0) + 1
            chars += len(str(row["text"]))
            arts.write(json.dumps(row, ensure_ascii=False) + "\n")
            gold.write(json.dumps({"id": row["id"], "incident_id": label}) + "\n")
    counts = sorted(sizes.values())
    return {
        "articles": n_articles,
        "seed": seed,
        "cases": len(counts),
        "singleton_cases": sum(1 for c in counts if c == 1),
        "largest_case": counts[-1] if counts else 0,
        "mean_chars": round(chars / max(n_articles, 1)),
        "seconds": round(time.perf_counter() - start, 2),
        "out": str(out),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    print(json.dumps(write_corpus(args.articles, args.seed, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
