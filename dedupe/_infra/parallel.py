"""One ordered, bounded map over a process pool.

A scan hands work to worker processes in chunks and must get the answers back in input order
with memory flat however long the input: at most ``2 × workers`` chunks are in flight, and the
next chunk's arguments are built only when there is room for it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["ordered_map", "worker_count"]

K = TypeVar("K")
R = TypeVar("R")


def worker_count(jobs: int) -> int:
    """The processes ``jobs`` asks for: 0 means one per core."""
    return (os.cpu_count() or 1) if jobs == 0 else jobs


def ordered_map(func: Callable[..., R], work: Iterable[tuple[K, tuple[Any, ...]]], jobs: int) -> Iterator[tuple[K, R]]:
    """``(key, func(*args))`` for each ``(key, args)`` of ``work``, in order; in ``jobs`` worker
    processes when more than one (``func`` and its arguments must pickle)."""
    workers = worker_count(jobs)
    if workers <= 1:
        for key, args in work:
            yield key, func(*args)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[tuple[K, Future[R]]] = deque()
        for key, args in work:
            pending.append((key, pool.submit(func, *args)))
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
