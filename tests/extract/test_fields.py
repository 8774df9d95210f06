"""Field extractors on hand-written sentences (every name invented)."""

from __future__ import annotations

import datetime as dt

import pytest

from caselink.extract import extract_fields
from caselink.extract.agencies import find_agencies, find_oversight_bodies
from caselink.extract.casualties import find_casualties
from caselink.extract.dates import find_event_dates
from caselink.extract.events import find_outcomes
from caselink.extract.people import find_ages, find_officers, find_people
from caselink.extract.places import find_places
from caselink.models import Article

SUNDAY = dt.date(2016, 10, 23)


def _article(text: str, title: str = "", published: dt.date | None = SUNDAY) -> Article:
    return Article("t", title, text, published=published)


def _places(text: str, **kwargs: object) -> list[tuple[str, str | None]]:
    return [(m.norm, m.role) for m in find_places(text, _article(text), **kwargs)]  # type: ignore[arg-type]


# Places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A man was shot in Bristol, Conn., on Friday.", "bristol|CT|US"),
        ("Police in Harwinton, Conn., said the boy was hurt.", "harwinton|CT|US"),
        ("SALISBURY, N.C. (WBTV) — A shooting left one dead.", "salisbury|NC|US"),
        ("ST. LOUIS (AP) — A girl was shot.", "st. louis|MO|US"),
        ("He lived in Greenwood, Ind., with his mother.", "greenwood|IN|US"),
        ("The family moved to Wichita, Kansas, last year.", "wichita|KS|US"),
    ],
)
def test_town_with_state_resolves_in_that_state(text: str, expected: str) -> None:
    """``Town, State`` pairs and datelines resolve to the town of that state."""
    assert (expected, "city") in _places(text)


def test_state_named_elsewhere_disambiguates_a_bare_town() -> None:
    """A bare "Bristol" is read in the state the article names, not the largest Bristol."""
    text = "Officers were called to a home in Bristol. The Tennessee man was arrested."
    assert ("bristol|TN|US", "city") in _places(text)
    assert ("bristol|CT|US", "city") not in _places(text)


def test_uk_town_carries_its_county() -> None:
    """Worksop is related to Nottinghamshire: the county is the town's admin part."""
    found = _places("The officer from Worksop was dismissed by Nottinghamshire Police.")
    assert ("worksop|nottinghamshire|GB", "city") in found


def test_person_named_like_a_town_is_not_a_place() -> None:
    """Capitalised runs that are not wholly a place ("Austin Smith", "Crestview Drive") are no towns."""
    found = _places("Austin Smith lived on Crestview Drive near the lake.")
    assert all(not norm.startswith(("austin|", "crestview")) for norm, _ in found)


def test_name_words_suppress_a_bare_small_town() -> None:
    """A first name that is also a town ("Devon") is not a place when it names a person."""
    text = "Devon was found by his mother. Devon Lofton, 7, died."
    assert all(not n.startswith("devon") for n, _ in _places(text, names=frozenset({"devon"})))


def _fields_places(
    title: str, text: str, source: str | None = None
) -> list[tuple[str, str | None]]:
    fields = extract_fields(Article("t", title, text, source=source))
    return [(m.norm, m.role) for m in fields.places]


def test_ambiguous_town_is_read_in_the_state_the_story_points_at() -> None:
    """ "Woodlawn" beside Chicago is the Illinois one, though Maryland is mentioned in passing."""
    text = (
        "Officers were called to a home in Woodlawn. The Chicago police said the boy lived "
        "there. His aunt lives in Maryland."
    )
    found = _fields_places("", text)
    assert ("woodlawn|IL|US", "city") in found
    assert all(not norm.startswith("woodlawn|MD") for norm, _ in found)


def test_several_towns_of_one_state_outvote_a_big_namesake() -> None:
    """Near Indiana towns and the state's name, "Brooklyn" is not New York's borough."""
    text = (
        "Indiana conservation officers said the boy was hunting near the town of Brooklyn. He "
        "was taken to a hospital in Mooresville and then to Indianapolis."
    )
    found = _fields_places("", text)
    assert ("brooklyn|IN|US", "city") in found
    assert ("brooklyn|NY|US", "city") not in found


def test_outlet_masthead_in_the_title_is_no_place_of_the_story() -> None:
    """ "... - WXYZ News 4 Shreveport, Louisiana" names the outlet's market, not the story's."""
    found = _fields_places(
        "Boy shot in Bristol - WXYZ News 4 Shreveport, Louisiana", "Police in Bristol said."
    )
    assert all("shreveport" not in norm and norm != "LA|US" for norm, _ in found)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("", "Cincinnati Police Lt. Dana Crow said the boy was hit.", "cincinnati|OH|US"),
        ("Teen Killed in St. Paul Shooting", "A teen died.", "saint paul|MN|US"),
        ("South Windsor Man Shot By His Father", "A man was hurt.", "south windsor|CT|US"),
        ("", "A boy was shot in southwest Columbus Tuesday afternoon.", "columbus|OH|US"),
    ],
)
def test_town_at_the_head_of_a_longer_capitalised_run(title: str, text: str, expected: str) -> None:
    """A town followed by a rank or a headline word, or opened by a compass word that is part of
    its name, is found."""
    assert (expected, "city") in _fields_places(title, text)


def test_named_neighbourhood_is_not_a_town() -> None:
    """ "the Englewood neighborhood" is part of Chicago: role neighborhood, Chicago stays the city."""
    text = "A man was shot in the Englewood neighborhood, Chicago police said. Englewood mourned."
    found = _fields_places("", text)
    assert found.count(("englewood|IL|US", "neighborhood")) == 2
    assert ("chicago|IL|US", "city") in found
    assert all(role != "city" for norm, role in found if norm.startswith("englewood"))


def test_a_compass_part_of_the_city_leaves_the_city_a_city() -> None:
    """ "the North Phoenix neighborhood" does not make Phoenix a neighbourhood."""
    text = "A girl was shot in the North Phoenix neighborhood, Phoenix police said."
    assert ("phoenix|AZ|US", "city") in _fields_places("", text)


def test_street_after_block_of_is_no_town() -> None:
    """ "the 6700 block of South Aberdeen" is a street, not Aberdeen, South Dakota."""
    text = "He was shot in the 6700 block of South Aberdeen, Chicago police said."
    assert all(not norm.startswith("aberdeen") for norm, _ in _fields_places("", text))


def test_county_of_one_state_rules_out_a_namesake_elsewhere() -> None:
    """After "Routt County" (Colorado only), "Stagecoach" is no town in Nevada."""
    text = "The Routt County Sheriff's Office said the boy was at home in the Stagecoach area."
    found = _fields_places("", text)
    assert ("routt county|CO|US", "county") in found
    assert all(not norm.startswith("stagecoach|NV") for norm, _ in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "HALIFAX CO., Va. - A woman was hit by a stray round.",
            ("halifax county|VA|US", "county"),
        ),
        (
            "He lived in Capitol Heights, in Prince George's County.",
            ("prince george's county|MD|US", "county"),
        ),
        ("The Berks Co. coroner said the man died.", ("berks county|PA|US", "county")),
    ],
)
def test_county_abbreviations_and_possessives(text: str, expected: tuple[str, str]) -> None:
    """ "Co." is "County"; a county's name may hold a possessive."""
    assert expected in _fields_places("", text)


def test_streets_named_in_pairs_are_no_towns() -> None:
    """ "at Brook and Winter streets" names streets, not Brook, Indiana."""
    text = "Four young people were shot at Brook and Winter streets in Hartford on Friday."
    assert all(not norm.startswith("brook|") for norm, _ in _fields_places("", text))


def test_surname_used_alone_is_not_the_city() -> None:
    """ "Jackson was booked" is the person Vincent Jackson, not Jackson, Mississippi."""
    text = (
        "Police said Vincent Jackson, 29, was arrested in San Diego, Calif., on Friday. "
        "Jackson was booked into jail."
    )
    assert all(not norm.startswith("jackson") for norm, _ in _fields_places("", text))


# Dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("He was shot Friday evening.", "2016-10-21"),
        ("It happened on Saturday night.", "2016-10-22"),
        ("Police were called last Sunday.", "2016-10-16"),
        ("It happened on Sunday.", "2016-10-23"),
        ("The shooting on Oct. 21 shocked the town.", "2016-10-21"),
        ("The shooting on 21 October 2016 shocked the town.", "2016-10-21"),
        ("A boy was hurt yesterday.", "2016-10-22"),
        ("The boy was shot on Halloween.", "2015-10-31"),
        ("A teen was shot over the weekend.", "2016-10-22"),
    ],
)
def test_relative_dates_resolve_against_publication(text: str, iso: str) -> None:
    """Weekdays, yesterday, dates without a year and holidays resolve against `published`."""
    assert iso in [m.norm for m in find_event_dates(text, _article(text))]


def test_day_without_year_in_january_belongs_to_last_year() -> None:
    """ "Dec. 28" in an article of 10 January is the previous December."""
    text = "The shooting on Dec. 28 remains unsolved."
    found = find_event_dates(text, _article(text, published=dt.date(2017, 1, 10)))
    assert [m.norm for m in found] == ["2016-12-28"]


def test_months_and_years_have_their_granularity() -> None:
    """ "last February" is a month, "in 2019" a year."""
    text = "The complaint was made last February and the officer joined in 2019."
    found = {(m.norm, m.role) for m in find_event_dates(text, _article(text))}
    assert ("2016-02", "month") in found
    assert ("2019", "year") in found


def test_publication_stamp_is_not_an_event_date() -> None:
    """ "Published Tuesday, Nov. 29, 2016" is the article's own date, not an event."""
    text = "(Published Tuesday, Nov. 29, 2016) The girl was shot on Friday."
    norms = [
        m.norm for m in find_event_dates(text, _article(text, published=dt.date(2016, 11, 29)))
    ]
    assert "2016-11-29" not in norms
    assert "2016-11-25" in norms


def test_without_publication_date_relative_dates_are_unknown() -> None:
    """No `published`: weekdays cannot be resolved and are left out."""
    assert find_event_dates("He was shot Friday.", _article("", published=None)) == ()


# People


def test_victim_and_suspect_with_ages_and_roles() -> None:
    """Names beside ages are found, with the age and the role the sentence gives."""
    text = (
        "Dan Caron, 63, was shot in the chest. Police arrested 35-year-old suspect "
        "Chad Couture. Couture is behind bars."
    )
    article = _article(text)
    people = {m.norm: m.role for m in find_people(text, article)}
    assert people == {"dan caron": "victim", "chad couture": "suspect"}
    ages = {(m.norm, m.role) for m in find_ages(text, article)}
    assert {("63", "dan caron"), ("35", "chad couture")} <= ages


@pytest.mark.parametrize(
    "text",
    [
        "Officers went to Crestview Drive, where Hamilton Medical said it was ready.",
        "From climate change to Big Tech, the paper covers it all.",
        "The Procurator Fiscal will review the Professional Standards report.",
        "Tuesday Night Football was cancelled after the Main Street parade.",
        "A man was shot on the Southwest Side, and taken to Maryland Shock Trauma by Life Flight.",
        "Caption Close Image: Getty Images shows the scene; Customs Enforcement was called.",
        "Get email notifications on Joel Currier daily! Rain fell. (Erin Hooley / Chicago Tribune)",
        "(Reporting by Brendan O'Brien in Milwaukee; Editing by Mohammad Zargham)",
    ],
)
def test_places_and_organisations_are_not_people(text: str) -> None:
    """Streets, companies, offices, events and bylines or photo credits are not taken for people."""
    assert find_people(text, _article(text)) == ()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Police say Dora Quint suffered a wound to the head.", "dora quint"),
        ("The gun was loaded.Omar Reyes, 19, was charged.", "omar reyes"),
        ("Friends identified him as Luke Okafor, a high school sophomore.", "luke okafor"),
        ("16-year-old Christian Walsh died at the scene.", "christian walsh"),
        ("Police say Tyre Kingsley, an 8th grader, was shot.", "tyre kingsley"),
        ("Ana Couture, a 29-year-old Bristol resident, remains in hospital.", "ana couture"),
        ("Neighbor Mina Patel said she heard shots.", "mina patel"),
    ],
)
def test_names_with_cues_in_running_text(text: str, name: str) -> None:
    """Names after "say", "as", an age, or before an appositive with an age are found, without
    a title word ("Neighbor") in front."""
    assert name in [m.norm for m in find_people(text, _article(text))]


def test_possessive_name_is_a_person_without_the_s() -> None:
    """ "Jada Quint's family" names Jada Quint; the span stops before the 's."""
    text = "Jada Quint's family took to social media."
    found = [(m.text, m.norm) for m in find_people(text, _article(text))]
    assert found == [("Jada Quint", "jada quint")]
    text = "San Diego's police chief spoke."
    assert find_people(text, _article(text)) == ()


def test_words_before_a_street_or_building_are_no_person() -> None:
    """ "Shady Tree Lane", "Salt Works Road" are places, not people, whatever the cue."""
    text = "He was shot in the 9700 block of Shady Tree Lane, near Salt Works Road."
    assert find_people(text, _article(text)) == ()


def test_officer_with_rank_and_rank_only() -> None:
    """A rank before a name makes an officer; "a constable" alone is a rank-only officer."""
    text = "PC Andrew Turner was sacked. A constable was also warned by the Detective Sergeant."
    officers = [(m.norm, m.role) for m in find_officers(text, _article(text))]
    assert ("andrew turner", "PC") in officers
    assert ("", "constable") in officers


def test_officer_named_after_an_appositive_rank() -> None:
    """ "The sergeant, Paul Whitcombe," names an officer."""
    text = "The sergeant, Paul Whitcombe, had claimed overtime."
    assert [(m.norm, m.role) for m in find_officers(text, _article(text))] == [
        ("paul whitcombe", "sergeant")
    ]


def test_headline_names_need_a_rank() -> None:
    """Title Case headlines are not read for names, except after a rank."""
    article = Article(
        "t", "Family Of Father Killed Speaks Out As PC Jane Doe Testifies", "No names."
    )
    fields = extract_fields(article)
    assert [m.norm for m in fields.people] == []
    assert [m.norm for m in fields.officers] == ["jane doe"]


# Agencies and oversight


@pytest.mark.parametrize(
    ("text", "norm"),
    [
        ("The Met said the officer was sacked.", "metropolitan police service"),
        ("A Met Police constable was dismissed.", "metropolitan police service"),
        ("Nottinghamshire Chief Constable Jane Roe chaired it.", "nottinghamshire police"),
        ("Officers from Thames Valley Police attended.", "thames valley police"),
        ("The PSNI said it would cooperate.", "police service of northern ireland"),
        ("The Bristol Police Department said the man died.", "bristol police department"),
        ("Harris County Sheriff's Office deputies responded.", "harris county sheriff's office"),
        ("Troopers from the Indiana State Police responded.", "indiana state police"),
    ],
)
def test_agencies_normalise_to_canonical_names(text: str, norm: str) -> None:
    """Aliases, force areas and US patterns normalise to one canonical name."""
    assert norm in [m.norm for m in find_agencies(text, _article(text))]


def test_english_force_area_in_a_us_story_is_the_us_town() -> None:
    """ "Cleveland police" in an Ohio story is not the English Cleveland force."""
    text = "Cleveland police said the man, of Cleveland, Ohio, was shot."
    article = _article(text)
    norms = [m.norm for m in find_agencies(text, article, find_places(text, article))]
    assert "cleveland police" not in norms
    assert "cleveland police department" in norms


def test_single_force_oversight_body_implies_its_force() -> None:
    """The IPCA oversees only New Zealand Police, so "police" in its report is that force."""
    text = "The Independent Police Conduct Authority found police acted lawfully."
    found = find_agencies(text, _article(text))
    assert [(m.norm, m.role) for m in found] == [("new zealand police", "implied")]


def test_oversight_bodies() -> None:
    """IOPC, its predecessor and the NI ombudsman are found under canonical names."""
    text = "The IOPC, once the IPCC, and the Police Ombudsman for Northern Ireland met."
    assert [m.norm for m in find_oversight_bodies(text, _article(text))] == [
        "independent office for police conduct",
        "independent police complaints commission",
        "police ombudsman for northern ireland",
    ]


# Outcomes and casualties


@pytest.mark.parametrize(
    "text",
    [
        "Police are looking for whoever fired shots from a car.",
        "The gunman fired at officers and fired rounds into the house.",
        "He fired a gun twice before fleeing.",
        "Shots were fired and a man was hurt.",
        "Neighbours said a single shot was fired inside the home.",
        "He turned and fired, striking the boy.",
    ],
)
def test_firing_a_gun_is_no_dismissal(text: str) -> None:
    """ "fired shots", "fired at", "fired a gun" are shooting, not the outcome "dismissed"."""
    assert "dismissed" not in [m.norm for m in find_outcomes(text, _article(text))]


@pytest.mark.parametrize(
    "text",
    [
        "The judge dismissed the charges.",
        "The charges against him were dismissed last year.",
        "Classes were dismissed early after the shooting.",
        "The claim was dismissed by critics as a sham.",
    ],
)
def test_a_case_or_an_idea_dismissed_is_no_dismissal(text: str) -> None:
    """Charges, cases, classes and ideas are dismissed without anyone losing a job."""
    assert "dismissed" not in [m.norm for m in find_outcomes(text, _article(text))]


@pytest.mark.parametrize(
    "text",
    [
        "The officer was fired last week.",
        "The chief fired him.",
        "He was fired from the force.",
        "She became the third coach fired this season.",
        "The fired officer appealed.",
    ],
)
def test_firing_an_officer_is_a_dismissal(text: str) -> None:
    """ "was fired", "fired him", "fired from the force" are the outcome "dismissed"."""
    assert [m.norm for m in find_outcomes(text, _article(text))] == ["dismissed"]


def test_no_case_to_answer_phrasings() -> None:
    """ "could not find a case to answer" is the outcome "no case to answer"."""
    text = "The panel could not find a case to answer for the officer."
    assert [m.norm for m in find_outcomes(text, _article(text))] == ["no case to answer"]


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("A 7-year-old boy was shot and killed Saturday.", (1, 0)),
        ("Two people were killed and three others were wounded.", (2, 3)),
        ("The shooting left four dead and wounded two others.", (4, 2)),
        ("A man was shot in the leg and is in stable condition.", (0, 1)),
        ("The council approved the budget.", (None, None)),
        ("Police said the deaths were a murder-suicide.", (2, 0)),
        ("A father of 4 killed in a shooting was remembered.", (1, 0)),
        ("The man, 19, was found dead in his car.", (1, 0)),
    ],
)
def test_casualty_counts(text: str, counts: tuple[int | None, int | None]) -> None:
    """Explicit counts win; singular wording counts one; no casualty wording is unknown."""
    assert find_casualties(text, _article(text)) == counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        (
            (
                "A boy was shot and killed Friday. At least seven people have been killed in "
                "separate shootings across the city this year."
            ),
            (1, 0),
        ),
        (
            "He was one of three people killed over the holiday. A woman was shot and killed.",
            (1, 0),
        ),
        (
            (
                "A man was shot in the leg. He is charged with attempted murder, and homicide "
                "detectives are investigating."
            ),
            (0, 1),
        ),
        ("Neighbours heard four shots. A man was wounded.", (0, 1)),
        ("He was charged with three counts of first-degree murder.", (3, 0)),
        ("Accidental gun discharge kills officer's son", (1, 0)),
        ("A boy was wounded. He could've been killed, his father said.", (0, 1)),
        ("A girl was shot in the arm on a dead end street.", (0, 1)),
        (
            "A man was wounded at the same corner where a teen was killed in a previous shooting.",
            (0, 1),
        ),
        ("A boy was grazed by a bullet.\n0:47 Driver shot to death on Main Street", (0, 1)),
    ],
)
def test_casualty_wording_that_is_not_the_incidents_count(
    text: str, counts: tuple[int | None, int | None]
) -> None:
    """Tallies of other incidents, death words that state no death and "shots" are no counts."""
    assert find_casualties(text, _article(text)) == counts


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Four people were shot, one fatally, on Friday.", (1, 3)),
        ("6 Shot, 1 Dead, 1 Critical In Kingsessing Shooting", (1, 5)),
        ("A 4-year-old boy accidentally shot himself in the hand on Friday.", (0, 1)),
        ("Police said a man killed his two daughters before turning the gun on himself.", (3, 0)),
        ("The girl died of an accidental, self-inflicted gunshot wound.", (1, 0)),
        ("Police called it a murder-suicide.", (2, 0)),
        ("A 4-year-old girl and her mother were fatally shot near their home.", (2, 0)),
        ("He is charged in the shooting deaths of a woman and her daughter.", (2, 0)),
        ("Police said a grandmother kills daughter, grandchildren, self.", (3, 0)),
    ],
)
def test_people_shot_and_shooters_who_kill_themselves(
    text: str, counts: tuple[int | None, int | None]
) -> None:
    """Everyone shot who did not die was injured; a shooter's suicide adds one to his victims;
    victims listed by name count one each."""
    assert find_casualties(text, _article(text)) == counts
