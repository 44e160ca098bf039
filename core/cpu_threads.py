"""The CPU's cores: how many this process may use, numpy work on a big table spread over them,
and how many threads torch trains with.

numpy releases the GIL inside its loops (gathers, arithmetic, reductions, copies), so threads
run them side by side; a small table is worked on in the calling thread, where starting threads
would cost more than they save.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import torch

T = TypeVar("T")
R = TypeVar("R")

# Below about this many values the work takes a few milliseconds: not worth starting threads.
MIN_PARALLEL_VALUES = 1 << 20
MAX_THREADS = 8
# Below about this many floating-point operations per step, splitting each op across threads
# costs more in hand-offs than it gains (measured on 2 cores, torch 2.13: a 2-[8,8] net runs
# 1.1-1.5x faster on one thread; a 100-[512x3] net at batch 256 runs faster on all cores).
# Spinning OpenMP threads also steal the core the window draws on.
MULTI_THREAD_FLOPS = 2e7


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


def training_threads(parameters: int, batch_size: int, device: torch.device) -> int:
    """Intra-op threads for training on `device`: 1 for small steps, all cores (up to 8) else."""
    if device.type != "cpu":
        return 1  # the host only launches kernels
    flops = 6 * parameters * max(batch_size, 1)
    return 1 if flops < MULTI_THREAD_FLOPS else cores()
