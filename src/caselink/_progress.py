"""Progress bars with ETA for long stages (tqdm), off unless asked for or on an interactive terminal.

Stages take a ``progress`` flag; ``None`` means "on when stderr is a terminal", so scripts, CI and
notebooks piping output stay quiet by default.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

__all__ = ["progress_enabled", "track"]

_T = TypeVar("_T")


def progress_enabled(progress: bool | None) -> bool:
    """Resolve a ``progress`` setting: ``None`` shows bars only on an interactive terminal."""
    if progress is None:
        return sys.stderr.isatty()
    return progress


def track(
    items: Iterable[_T], *, desc: str, total: int | None = None, progress: bool | None = None
) -> Iterator[_T]:
    """Iterate over ``items``, showing a progress bar with ETA when progress is enabled."""
    if not progress_enabled(progress):
        yield from items
        return
    # tqdm's monitor thread would make worker pools start by spawn instead of fork (forking a
    # threaded process is unsafe): every later pool would then pickle its shared state.
    tqdm.monitor_interval = 0
    yield from tqdm(items, desc=desc, total=total, unit="it", leave=False, dynamic_ncols=True)
