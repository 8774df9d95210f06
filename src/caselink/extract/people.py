"""Officers (with rank) and other named people."""

from __future__ import annotations

import re

from caselink.models import Article, Mention

__all__ = ["find_officers", "find_people"]

_RANKS = (
    "Detective Chief Superintendent|Detective Chief Inspector|Detective Superintendent|Detective Inspector|"
    "Detective Sergeant|Detective Constable|Police Constable|Chief Superintendent|Chief Inspector|"
    "Chief Constable|Superintendent|Inspector|Sergeant|Constable|Officer|Deputy|Detective|Trooper|"
    "PC|DC|PS|DS|DI|Sgt|Insp|Det"
)
_NAME = r"[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
_OFFICER = re.compile(rf"\b({_RANKS})\.?\s+((?:{_NAME}\s)?{_NAME})\b")
_PERSON = re.compile(rf"\b({_NAME}(?:\s[A-Z]\.)?\s{_NAME})\b")
_NOT_NAMES = frozenset(
    re.findall(
        r"\S+",
        """
        police officer officers constable sergeant inspector department office service force court
        independent conduct county city street road the a an this that his her their on in at of
        for and said says monday tuesday wednesday thursday friday saturday sunday january
        february march april may june july august september october november december north south
        east west new read more gross misconduct chief regional director college policing
        professional standards public prosecution crown state university hospital school news
        press associated superintendent deputy judge detective command unit sheriff sheriff's
        trooper commissioner commander assistant justice project
        """,
    )
)


def _is_name(words: list[str]) -> bool:
    return all(w.lower() not in _NOT_NAMES for w in words)


def find_officers(text: str, _article: Article) -> tuple[Mention, ...]:
    """Find officers given with a rank, e.g. ``"PC Andrew Turner"`` (norm ``"andrew turner"``)."""
    found = []
    for match in _OFFICER.finditer(text):
        words = match.group(2).split()
        while words and not _is_name([words[0]]):
            words.pop(0)
        if not words or not _is_name(words):
            continue
        name = " ".join(words)
        start = match.start(2) + match.group(2).index(words[0])
        found.append(
            Mention(
                text[match.start() : start + len(name)],
                name.lower(),
                match.start(),
                start + len(name),
                role=match.group(1),
            )
        )
    return tuple(found)


def find_people(text: str, article: Article) -> tuple[Mention, ...]:
    """Find other people named with first and last name (officers excluded)."""
    officer_names = {m.norm for m in find_officers(text, article)}
    found = []
    for match in _PERSON.finditer(text):
        words = match.group(1).replace(".", "").split()
        if not _is_name(words):
            continue
        norm = " ".join(w.lower() for w in words if len(w) > 1)
        if norm in officer_names:
            continue
        found.append(Mention(match.group(1), norm, match.start(1), match.end(1)))
    return tuple(found)
