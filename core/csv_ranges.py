"""Read a large CSV file in byte ranges on several threads with pandas' C parser.

The answer is the DataFrame one pandas.read_csv call would give, or None whenever the ranges
cannot promise that; the caller then reads the file in one call, which also explains errors.
"""

from __future__ import annotations

import io
import os
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from core.cpu_threads import cores

if TYPE_CHECKING:
    from core.csv_io import CsvFormat

# A file at least this large is parsed in byte ranges on several threads (the C parser releases
# the GIL while it tokenises and converts). Below it, one pandas.read_csv call is as fast.
# Measured here (2 cores, 1,000,000 rows x 21 columns, 380 MB, machine idle): 0.6-0.7 s and
# +270 MB, against 0.5-0.6 s and +705 MB for pandas 3.1's own threaded read of a path, which
# maps the whole file into memory (its pages count in the RSS).
PARALLEL_BYTES = 32 * 1024 * 1024
# Ranges per thread. Measured as above: 4 beat 2 (the last range leaves a core idle longer) and
# 8 or 16 (each range pays for a parser of its own: 10 ms of CPU or more).
RANGES_PER_THREAD = 4
# Room for rows beyond the guess from the first lines' length; pages never written cost no memory.
ROWS_GUESS_MARGIN = 1.25
MIN_ROWS_GUESS = 1024


def read_in_ranges(path: Path, fmt: CsvFormat) -> pd.DataFrame | None:
    """The table read in byte ranges on several threads, or None to read it in one call.

    Ranges are cut just after a newline, which is the end of a record only when no field is
    quoted, so a range holding a double quote sends the whole file to the serial reader. So
    does any range that reads differently from how the whole file would (an error, a ragged row
    that pandas turns into an index, a column that is numbers in one range and text in
    another): the serial read then gives the answer, or the error message, exactly as before.
    """
    threads = cores()
    size = path.stat().st_size
    if (
        threads < 2
        or size < PARALLEL_BYTES
        or fmt.encoding not in ("utf-8", "utf-8-sig", "latin-1")
    ):
        return None
    n_ranges = threads * RANGES_PER_THREAD
    with path.open("rb") as f:
        header_end = len(f.readline()) if fmt.header else 0
        cuts = [0]
        for i in range(1, n_ranges):
            f.seek(header_end + (size - header_end) * i // n_ranges)
            f.readline()
            at = f.tell()
            if cuts[-1] < at < size:
                cuts.append(at)
        cuts.append(size)
    if len(cuts) < 3:
        return None

    fd = os.open(path, os.O_RDONLY)
    try:
        # The column names as the whole read would make them, from the first two lines.
        sample = os.pread(fd, min(cuts[1], header_end + 65536), 0)
        head = sample[: sample.find(b"\n", header_end) + 1] or sample
        names = list(pd.read_csv(io.BytesIO(head), **_options(fmt, 0)).columns)
        if len(set(names)) != len(names):
            return None
        # Rows in the file, guessed from the length of the first lines.
        per_row = max(len(sample) - header_end, 1) / max(sample.count(b"\n", header_end), 1)
        rows_guess = max(int((size - header_end) / per_row * ROWS_GUESS_MARGIN), MIN_ROWS_GUESS)
        gather = _Gather(len(cuts) - 1, rows_guess)

        def read_range(i: int) -> None:
            source = _FileRange(fd, cuts[i], cuts[i + 1])
            part = pd.read_csv(
                source, names=None if i == 0 and fmt.header else names, **_options(fmt, i)
            )
            if source.quoted:
                raise _Unsplittable
            if not isinstance(part.index, pd.RangeIndex) or list(part.columns) != names:
                raise _Unsplittable  # a ragged row became an index: the serial read explains it
            gather.add(i, part)

        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(read_range, range(len(cuts) - 1)))
            return gather.table(names, pool)
    except Exception:
        return None
    finally:
        os.close(fd)


class _FileRange(io.RawIOBase):
    """Bytes start..stop of an open file, read a piece at a time (pandas asks for 256 KiB):
    only a few pieces are in memory at once, and no memory map's pages count as this process's
    memory. `quoted` tells whether any piece held a double quote."""

    def __init__(self, fd: int, start: int, stop: int) -> None:
        super().__init__()
        self._fd, self._at, self._stop = fd, start, stop
        self.quoted = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        left = self._stop - self._at
        size = left if size is None or size < 0 else min(size, left)
        data = os.pread(self._fd, size, self._at) if size > 0 else b""
        self._at += len(data)
        self.quoted = self.quoted or b'"' in data
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Gather:
    """Parsed ranges joined in file order while later ranges are still being parsed.

    The columns that the first range holds as float64 are copied into one 2-D block as soon as
    every range before theirs is parsed, and the range's own arrays are dropped, so their memory
    is reused by the ranges still to come and the copy is not left for the end. The block is
    sized from a guess of the row count (grown if the guess falls short); the rows past the end
    are never written, so they take no memory. Other columns are joined at the end.
    """

    def __init__(self, n_ranges: int, rows_guess: int) -> None:
        self._lock = threading.Lock()
        self._parts: list[pd.DataFrame | None] = [None] * n_ranges
        self._placed = 0  # ranges copied into the block, from the first
        self._rows = 0  # rows in the block
        self._rows_guess = rows_guess
        self._floats: list[object] = []
        self._block = np.empty((0, 0))
        self._mixed = False  # a float column held something other than numbers in some range

    def add(self, i: int, part: pd.DataFrame) -> None:
        with self._lock:
            self._parts[i] = part
            if i == 0:
                self._floats = [c for c in part.columns if part[c].dtype == np.float64]
                self._block = np.empty((len(self._floats), self._rows_guess))
            # The copies run under the lock: few, short (one range each), and never racing a
            # growing block.
            while self._placed < len(self._parts):
                ready = self._parts[self._placed]
                if ready is None:
                    break
                self._parts[self._placed] = self._place(ready)
                self._placed += 1

    def _place(self, part: pd.DataFrame) -> pd.DataFrame:
        n = len(part)
        if n and self._floats:
            if self._rows + n > self._block.shape[1]:
                grown = np.empty((len(self._floats), max(2 * self._block.shape[1], self._rows + n)))
                grown[:, : self._rows] = self._block[:, : self._rows]
                self._block = grown
            for j, column in enumerate(self._floats):
                values = part[column]
                if not isinstance(values.dtype, np.dtype) or values.dtype.kind not in "if":
                    self._mixed = True  # text or true/false here: the serial read decides
                    return part
                self._block[j, self._rows : self._rows + n] = values.to_numpy()
        self._rows += n
        return part.drop(columns=self._floats)

    def table(self, names: list[object], pool: Executor) -> pd.DataFrame | None:
        """The whole table in `names` order, or None where ranges disagree on a column's kind."""
        parts = [part for part in self._parts if part is not None]
        if self._mixed or self._placed != len(self._parts) or len(parts) != len(self._parts):
            return None
        floats = pd.DataFrame(self._block[:, : self._rows].T, columns=self._floats, copy=False)
        others = [c for c in names if c not in set(self._floats)]
        if not others:
            return floats if list(floats.columns) == names else floats[names]
        rest = _concat(parts, others, pool)
        if rest is None:
            return None
        joined = pd.concat([floats, rest], axis=1) if self._floats else rest
        return joined if list(joined.columns) == names else joined[names]


def _concat(parts: list[pd.DataFrame], names: list[object], pool: Executor) -> pd.DataFrame | None:
    """The parts one under the other, as pd.concat would make them, or None where a column is
    of different kinds in different parts (numbers in one, text in another).

    Numeric columns are copied straight into one 2-D block per dtype on the pool's threads: a
    copy pd.concat makes on one thread, and that pd.DataFrame(dict) would make twice.
    """
    filled = [part for part in parts if len(part)] or parts[:1]
    numeric: dict[np.dtype, list[object]] = {}
    other: list[object] = []
    for column in names:
        dtypes = [part[column].dtype for part in filled]
        if len({_dtype_family(dtype) for dtype in dtypes}) > 1:
            return None
        plain = [dtype for dtype in dtypes if isinstance(dtype, np.dtype) and dtype.kind in "biuf"]
        if len(plain) == len(dtypes):
            numeric.setdefault(np.result_type(*plain), []).append(column)
        else:
            other.append(column)
    n = sum(len(part) for part in filled)
    pieces = []
    for dtype, columns in numeric.items():
        block = np.empty((len(columns), n), dtype=dtype)

        def fill(j: int, block: np.ndarray = block, columns: list[object] = columns) -> None:
            np.concatenate([part[columns[j]].to_numpy() for part in filled], out=block[j])

        list(pool.map(fill, range(len(columns))))
        pieces.append(pd.DataFrame(block.T, columns=columns, copy=False))
    for column in other:
        pieces.append(pd.concat([part[column] for part in filled], ignore_index=True).to_frame())
    joined = pieces[0] if len(pieces) == 1 else pd.concat(pieces, axis=1)
    return joined if list(joined.columns) == names else joined[names]


def _options(fmt: CsvFormat, range_index: int) -> dict[str, Any]:
    return {
        "sep": fmt.delimiter,
        "encoding": fmt.encoding,
        "decimal": fmt.decimal,
        "header": 0 if (fmt.header and range_index == 0) else None,
        "engine": "c",
        "skip_blank_lines": True,
    }


class _Unsplittable(Exception):
    """A range holds a quote, so its cut may fall inside a quoted field."""


def _dtype_family(dtype: Any) -> str:
    """Dtypes that pd.concat joins into the same column a single read would give."""
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return str(dtype)
