"""Work on the columns or row blocks of a big table spread over the CPU cores.

numpy releases the GIL inside its loops (gathers, arithmetic, reductions, copies), so threads
run them side by side; a small table is worked on in the calling thread, where starting threads
would cost more than they save.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below about this many values the work takes a few milliseconds: not worth starting threads.
MIN_PARALLEL_VALUES = 1 << 20
MAX_THREADS = 8


def cores() -> int:
    """CPU cores this process may run on (at most MAX_THREADS)."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(n, MAX_THREADS))


def map_work(function: Callable[[T], R], items: Iterable[T], values: int) -> list[R]:
    """`[function(item) for item in items]`, on several threads when `values` (the number of
    values the work touches) makes that worth it. Exceptions propagate as from the loop."""
    items = list(items)
    threads = min(cores(), len(items))
    if threads < 2 or values < MIN_PARALLEL_VALUES:
        return [function(item) for item in items]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, items))
