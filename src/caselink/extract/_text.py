"""Text helpers shared by the extractors."""

from __future__ import annotations

import functools
import string

__all__ = ["lowered"]

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@functools.lru_cache(maxsize=8)
def lowered(text: str) -> str:
    """ASCII lower case of ``text``, the same length, so offsets carry over.

    Case-insensitive patterns run on this copy without ``re.IGNORECASE``, which Python's regex
    engine runs several times slower on word alternations.

    Examples:
        >>> lowered("Shot İn Bristol") == "shot İn bristol"
        True
    """
    # str.lower is fast on ASCII; elsewhere it may change lengths ("İ"), so map A-Z only.
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
