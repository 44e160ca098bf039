"""How many CPU threads a training run should use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

# Below about this many floating-point operations per step, splitting each op across threads
# costs more in hand-offs than it gains (measured on 2 cores, torch 2.13: a 2-[8,8] net runs
# 1.1-1.5x faster on one thread; a 100-[512x3] net at batch 256 runs faster on all cores).
# Spinning OpenMP threads also steal the core the window draws on.
MULTI_THREAD_FLOPS = 2e7


def training_threads(parameters: int, batch_size: int, device: torch.device) -> int:
    """Intra-op threads for training on `device`: 1 for small steps, all cores (up to 8) else."""
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    if device.type != "cpu":
        return 1  # the host only launches kernels
    flops = 6 * parameters * max(batch_size, 1)
    return 1 if flops < MULTI_THREAD_FLOPS else max(1, min(cores, 8))
