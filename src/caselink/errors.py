"""Exceptions raised by caselink.

Every public exception derives from `CaselinkError` and from the builtin it refines, so callers can
catch either::

    CaselinkError(Exception)
    ├── ConfigError(CaselinkError, ValueError)              invalid configuration values
    ├── InputError(CaselinkError, ValueError)               a malformed record or unusable input
    ├── IncompatibleSignatureError(CaselinkError, ValueError)  signatures made with other settings
    ├── ModelError(CaselinkError, RuntimeError)             a scoring model that cannot be fitted or loaded
    └── StoreError(CaselinkError, OSError)                  the case store cannot be read or written

    CaselinkDeprecationWarning(DeprecationWarning)

Messages say what was expected, what was received and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "CaselinkDeprecationWarning",
    "CaselinkError",
    "ConfigError",
    "IncompatibleSignatureError",
    "InputError",
    "ModelError",
    "StoreError",
]


class CaselinkError(Exception):
    """Base class of every exception caselink raises on purpose."""


class ConfigError(CaselinkError, ValueError):
    """One or more configuration values are invalid.

    Attributes:
        problems: every problem found, one message each; the exception message joins them.
    """

    def __init__(self, problems: str | list[str]) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("; ".join(self.problems))


class InputError(CaselinkError, ValueError):
    """An input record or file cannot be used.

    Attributes:
        article_id: the id of the offending record, when known.
        field: the offending field, when known.
        source: the file the record came from, when known.
        line: the 1-based line number in ``source``, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        article_id: str | None = None,
        field: str | None = None,
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        self.article_id = article_id
        self.field = field
        self.source = source
        self.line = line
        super().__init__(message)


class IncompatibleSignatureError(CaselinkError, ValueError):
    """Two signatures, or a signature and an index, were made with different settings."""


class ModelError(CaselinkError, RuntimeError):
    """A scoring model cannot be fitted, saved or loaded."""


class StoreError(CaselinkError, OSError):
    """The case store cannot be opened, read or written."""


class CaselinkDeprecationWarning(DeprecationWarning):
    """A caselink feature that will be removed in a later release."""
