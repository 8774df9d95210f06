"""Text helpers shared by the extractors."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable

__all__ = ["Spans", "capital_words", "gated_search", "lowered"]

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@functools.lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """Lower case of ``text`` with the same length, so offsets carry over.

    Case-insensitive patterns run on this copy without ``re.IGNORECASE``, which Python's regex
    engine runs several times slower on word alternations.

    Examples:
        >>> lowered("Shot In Bristol")
        'shot in bristol'
        >>> len(lowered("Shot İn Bristol")) == len("Shot İn Bristol")
        True
    """
    # str.lower may lengthen a few characters ("İ"); then map A-Z only.
    low = text.lower()
    if len(low) == len(text):
        return low  # no character changed length, so offsets carry over
    return text.translate(_ASCII_LOWER)


def gated_search(
    pattern: re.Pattern[str], low: str, gates: Iterable[str], back: int = 40
) -> re.Match[str] | None:
    """``pattern.search(low)``, skipped when no gate substring occurs in ``low``.

    Every match of ``pattern`` must contain one of ``gates`` no further than ``back`` characters
    from its start; the search then starts just before the first gate, so a 2 KB text costs a
    few substring scans instead of a regex attempt at every position.

    Examples:
        >>> gated_search(re.compile(r"\\bshot dead"), "he was shot dead", ("dead",)).start()
        7
    """
    first = -1
    for gate in gates:
        at = low.find(gate)
        if at >= 0 and (first < 0 or at < first):
            first = at
    if first < 0:
        return None
    return pattern.search(low, max(0, first - back))


class Spans:
    """Character ranges already taken by a mention: constant work per check, never quadratic.

    Examples:
        >>> spans = Spans(10)
        >>> spans.take(2, 5)
        True
        >>> spans.take(4, 6), spans.take(5, 6)
        (False, True)
    """

    __slots__ = ("_taken",)

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length + 1)

    def free(self, start: int, end: int) -> bool:
        """Whether no character of ``[start, end)`` is taken."""
        return self._taken.find(1, start, max(start + 1, end)) < 0

    def take(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` if it is free; return whether it was."""
        if not self.free(start, end):
            return False
        self._taken[start:end] = b"\x01" * (end - start)
        return True


_CAPITAL_WORD = re.compile(r"[A-Z][^\W\d_]*")


@functools.lru_cache(maxsize=8)
def capital_words(text: str) -> frozenset[str]:
    """The words of ``text`` that start with a capital letter (letters only).

    One regex pass lets a lookup of a long name list skip every name whose first word does not
    occur, instead of searching the text once per name.

    Examples:
        >>> sorted(capital_words("Police in New York said"))
        ['New', 'Police', 'York']
    """
    return frozenset(_CAPITAL_WORD.findall(text))
