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

# A CSV table is sized against the memory free before pandas reads it, never by a fixed count of
# columns or rows (wide tables, such as gene expression or pixels, are normal). Measured (pandas
# 3.1, C engine): reading holds 24 bytes a value at its peak (20,000 rows x 1,000 columns) and
# about 1.4 KB a column (3 rows x 50,000 columns); the prepared float32 inputs and their tensors
# add 8 bytes a value, and the column analysis and the import dialog some more a column.
TABLE_BYTES_PER_VALUE = 32
TABLE_BYTES_PER_COLUMN = 4 * 1024
# The memory any table may use however little the system reports free (a container's
# /proc/meminfo may show the host's figure, or a low one at a bad moment): a small file is
# always tried, and a failed allocation still ends in a message (core.errors).
MIN_TABLE_MEMORY = 512 * 1024 * 1024
# A header line is read whole before its columns are counted (core.csv_io): at most this, or a
# sixteenth of the memory free when that is more (its fields cost about 8 times their bytes).
MIN_HEADER_BYTES = 16 * 1024 * 1024


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


def table_memory(n_rows: int, n_columns: int) -> int:
    """Bytes a table of `n_rows` x `n_columns` takes once read and prepared for training."""
    return n_rows * n_columns * TABLE_BYTES_PER_VALUE + n_columns * TABLE_BYTES_PER_COLUMN


def table_memory_limit(free: int | None = None) -> int:
    """The most memory a table may take: what is free now, never less than MIN_TABLE_MEMORY."""
    free = available_memory() if free is None else free
    return max(free or 0, MIN_TABLE_MEMORY)


def header_bytes_limit(free: int | None = None) -> int:
    """The longest header line read before its columns are counted."""
    free = available_memory() if free is None else free
    return max((free or 0) // 16, MIN_HEADER_BYTES)


def table_problem(name: str, n_rows: int, n_columns: int, estimated: bool) -> str | None:
    """Why a table of `n_rows` x `n_columns` cannot be loaded into the memory free, or None."""
    needed = table_memory(n_rows, n_columns)
    limit = table_memory_limit()
    if needed <= limit:
        return None
    about = "about " if estimated else ""
    return (
        f"{name} holds {about}{n_rows:,} rows x {n_columns:,} columns "
        f"({n_rows * n_columns:,} values), which need {about}{_bytes(needed)} of memory once "
        f"loaded ({TABLE_BYTES_PER_VALUE} bytes a value); this machine has {_bytes(limit)} free"
    )


def _bytes(n: int) -> str:
    """`n` bytes in the largest unit that keeps a number of at least 1: '1.5 GB'."""
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if value < 1024 or unit == "PB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
