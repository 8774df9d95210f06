"""A deterministic process-pool map for the per-article stages and pair comparison.

Results come back in input order whatever the worker count, so ``workers=1`` and ``workers=2`` give
identical output as long as the mapped function is pure (every stage function is). Work is sent in
batches with a bounded number in flight, so a long input is never pickled all at once.

Read-only state that every call needs (boilerplate sentences, the profile table, a config section) is
passed as ``shared``: it reaches each worker once, by inheritance when the pool can fork (Linux, no
other threads running) and pickled once per worker otherwise, never once per item.
"""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from caselink._progress import track

__all__ = ["effective_workers", "iter_batches", "parallel_map"]

_T = TypeVar("_T")
_R = TypeVar("_R")

_DEFAULT_BATCH = 256
# Below this many items a pool costs more than it saves; results are the same either way.
_MIN_PARALLEL_ITEMS = 512

# Per-worker copy of ``shared``, installed by `_install` when the worker starts.
_SHARED: tuple[Any, ...] = ()


def effective_workers(workers: int) -> int:
    """Return how many processes a map with ``workers`` will use (never more than the CPUs).

    Examples:
        >>> effective_workers(1)
        1
    """
    return max(1, min(workers, os.cpu_count() or 1))


def _install(shared: tuple[Any, ...]) -> None:
    global _SHARED  # noqa: PLW0603 - one read-only slot per worker process, set once at start-up
    _SHARED = shared


def _each(func: Callable[..., Any], items: list[Any], *shared: Any) -> list[Any]:
    """A batch function that applies ``func`` to every item (how `parallel_map` uses batches)."""
    return [func(item, *shared) for item in items]


def _run_batch(func: Callable[..., Any], items: list[Any], shared: tuple[Any, ...]) -> list[Any]:
    results = list(func(items, *shared))
    if len(results) != len(items):
        msg = f"{func!r} returned {len(results)} results for a batch of {len(items)}; it must return one per item"
        raise ValueError(msg)
    return results


def _in_worker(func: Callable[..., Any], items: list[Any]) -> list[Any]:
    return _run_batch(func, items, _SHARED)


def _context() -> multiprocessing.context.BaseContext:
    # fork is fast and passes ``shared`` without pickling, but forking a threaded process can
    # deadlock (and warns on Python 3.12+), so fall back to spawn when other threads run.
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _pooled(
    func: Callable[..., Any],
    *,
    items: Iterable[Any],
    shared: tuple[Any, ...],
    workers: int,
    batch_size: int,
) -> Iterator[Any]:
    """Yield the results of ``func(batch, *shared)`` for every batch, in order, on ``workers`` processes."""
    in_flight: collections.deque[concurrent.futures.Future[list[Any]]] = collections.deque()
    context = _context()
    forked = context.get_start_method() == "fork"
    if forked:
        # A forked worker shares the parent's pages until it writes to them, and the cyclic garbage
        # collector writes to every object it visits: frozen objects are never visited, so the
        # parent's heap (profiles, tables) stays shared instead of being copied into each worker.
        gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_install, initargs=(shared,)
        ) as pool:
            try:
                for batch in _batches(items, batch_size):
                    in_flight.append(pool.submit(_in_worker, func, batch))
                    if len(in_flight) >= 2 * workers:
                        yield from in_flight.popleft().result()
                while in_flight:
                    yield from in_flight.popleft().result()
            finally:
                for future in in_flight:
                    future.cancel()
    finally:
        if forked:
            gc.unfreeze()


def _sequential(
    func: Callable[..., Any],
    *,
    items: Iterable[Any],
    shared: tuple[Any, ...],
    batch_size: int,
) -> Iterator[Any]:
    for batch in _batches(items, batch_size):
        yield from _run_batch(func, batch, shared)


def parallel_map(
    func: Callable[..., _R],
    items: Sequence[_T],
    *,
    shared: tuple[Any, ...] = (),
    workers: int = 1,
    batch_size: int = _DEFAULT_BATCH,
    progress: bool | None = False,
    desc: str = "",
    min_items: int = _MIN_PARALLEL_ITEMS,
) -> list[_R]:
    """Return ``[func(item, *shared) for item in items]``, computed on up to ``workers`` processes.

    Args:
        func: a picklable (module-level) function; it must not depend on global mutable state.
        items: the inputs, each picklable.
        shared: extra read-only arguments passed to every call; sent to each worker once.
        workers: processes to use; 1 runs in this process. Capped at the number of CPUs.
        batch_size: items per task sent to a worker.
        progress: show a progress bar with ETA (``None``: only on a terminal).
        desc: the progress bar's label.
        min_items: fewer items than this run in this process (a pool costs more than small work
            saves); lower it when each item is a lot of work.

    Returns:
        The results in the order of ``items``, identical for any ``workers``.

    Examples:
        >>> parallel_map(divmod, [7, 9], shared=(4,))
        [(1, 3), (2, 1)]
    """
    return list(
        iter_batches(
            functools.partial(_each, func),
            items,
            shared=shared,
            workers=workers,
            batch_size=batch_size,
            progress=progress,
            desc=desc,
            min_items=min_items,
        )
    )


def iter_batches(
    func: Callable[..., Iterable[_R]],
    items: Sequence[_T],
    *,
    shared: tuple[Any, ...] = (),
    workers: int = 1,
    batch_size: int = _DEFAULT_BATCH,
    progress: bool | None = False,
    desc: str = "",
    min_items: int = _MIN_PARALLEL_ITEMS,
) -> Iterator[_R]:
    """Yield ``func(batch, *shared)``'s results over consecutive batches of ``items``, in order.

    For functions that work on a list at once, so set-up is paid once per batch; ``func`` must
    return one result per item of its batch, in order. Results come as soon as they are ready, so
    the caller can fold them into compact state instead of holding all of them. The options are
    `parallel_map`'s.

    Examples:
        >>> list(iter_batches(sorted, [3, 1, 2], batch_size=3))
        [1, 2, 3]
    """
    if batch_size < 1:
        msg = f"batch_size must be at least 1, got {batch_size!r}"
        raise ValueError(msg)
    processes = effective_workers(workers)
    if processes == 1 or len(items) < min_items:
        results = _sequential(func, items=items, shared=shared, batch_size=batch_size)
    else:
        results = _pooled(
            func, items=items, shared=shared, workers=processes, batch_size=batch_size
        )
    return track(results, desc=desc, total=len(items), progress=progress)
