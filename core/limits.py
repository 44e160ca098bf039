"""The largest numbers a design or a file may hold, and why (README "Limits" lists them).

A number a user typed or a file declared is checked against these before anything is built,
allocated or shown: a spin box holds a 32-bit int, numpy's seeds stop at 2**32 - 1, and a
network is sized from its spec before torch allocates it. No torch here: the window's process
validates specs with it.
"""

from __future__ import annotations

import os

# The window's spin boxes are 32-bit (QSpinBox); the training panel's own ranges are narrower.
MAX_SPIN_BOX = 2**31 - 1
# Seeds: numpy takes up to 2**32 - 1, the window's seed boxes up to 2**31 - 1.
MAX_SEED = MAX_SPIN_BOX
# The training panel's ranges (app/panels/training_panel.py): what a project may ask for.
MAX_EPOCHS = 1_000_000
MAX_BATCH_SIZE = 1_000_000
MAX_PATIENCE = 100_000  # early stopping, schedule step size and plateau patience, in epochs

# A network: 1,000 layers is far past anything a playground trains well, and a spec with
# 200,000 took minutes to build. 100 million parameters is 400 MB of float32 weights, about
# 1.6 GB while training with Adam (weights, gradients and two moments).
MAX_UNITS = 65_536
MAX_LAYERS = 1_000
MAX_PARAMETERS = 100_000_000
BYTES_PER_PARAMETER = 4  # float32, the dtype every network is built and saved in

# Members of a model or project file (a zip): JSON is read whole, so it is capped; the weights
# member may hold no more than the network its spec describes (see core.modelfile).
MAX_JSON_BYTES = 64 * 1024 * 1024
# A safetensors header names each tensor with its dtype, shape and offsets: a few hundred bytes
# per tensor at most, plus its 8-byte length and some padding.
SAFETENSORS_HEADER_BYTES = 64 * 1024
SAFETENSORS_BYTES_PER_TENSOR = 512


def count_problem(what: str, value: object, low: int, high: int) -> str | None:
    """Why `value` is not a whole number from `low` to `high`, or None when it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{what} must be a whole number, not {value!r}"
    if not low <= value <= high:
        shown = (
            f"{value:,}" if abs(value) < 10**30 else f"a number of {len(str(abs(value)))} digits"
        )
        return f"{what} must be from {low:,} to {high:,}, not {shown}"
    return None


def available_memory() -> int | None:
    """Bytes of memory free for a new allocation, when the system says so cheaply; else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
