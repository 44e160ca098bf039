"""Reading a CSV for the import dialog: the work, as functions that any thread may run.

Read, profile, choose a target, check the choice with `prepare_data`; the dialog runs them with
`app.background.LatestJobs`, so a job that a newer one of its group has superseded (the user
changed the delimiter again) stops at its next step and its result is dropped. The long ones are
generators that yield their progress as text between steps. `bench/bench_csv_import.py` times
them with the longest wait of the GUI thread meanwhile: on a 1,000,000 x 20 file (136 MB, 2 cores)
the preview showed after 0.06 s, Import was enabled after 2.2 s, the GUI thread's longest gap
was 40 ms. The preview reads only the first rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.project import DataShape
from core.data_spec import CsvSource, DataSpec
from core.text import plural

if TYPE_CHECKING:  # pandas and the CSV modules load with the first file, not with the window
    import pandas as pd

    from core.columns import ColumnProfile
    from core.csv_io import CsvFormat

PREVIEW_ROWS = 100
HISTOGRAM_BINS = 20
# What the file is too big for, said in the dialog (a MemoryError has no message of its own).
OUT_OF_MEMORY = "the file is too large to load into memory"


@dataclass(frozen=True, eq=False)
class Preview:
    """The first rows of a file, and the format they were read with."""

    frame: pd.DataFrame
    format: CsvFormat


@dataclass(frozen=True, eq=False)
class LoadedTable:
    """The whole file, read and profiled."""

    source: CsvSource  # the format as read, written out (nothing left to detect)
    frame: pd.DataFrame
    format: CsvFormat
    profiles: tuple[ColumnProfile, ...]

    @property
    def name(self) -> str:
        return Path(self.source.path).name


@dataclass(frozen=True)
class TargetSummary:
    """What the target holds: class counts (classification) or a histogram (regression)."""

    labels: tuple[str, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class CheckedChoice:
    """A DataSpec that `prepare_data` accepted, and what the network needs to know of it."""

    spec: DataSpec
    shape: DataShape
    n_train: int
    n_val: int
    n_test: int
    dropped_rows: int


# --- the work (any thread) ------------------------------------------------------------------------


def read_preview(source: CsvSource) -> Preview:
    from core.csv_io import read_csv

    frame, fmt = read_csv(source, nrows=PREVIEW_ROWS)
    return Preview(frame, fmt)


def load_table(source: CsvSource) -> Generator[str, None, LoadedTable]:
    """Read and profile the whole file, yielding what it is doing."""
    from core.columns import profile_columns
    from core.csv_io import read_csv

    name = Path(source.path).name
    try:
        size = Path(source.path).stat().st_size
        yield f"Reading {name} ({_size_text(size)})…"
    except OSError:
        yield f"Reading {name}…"
    frame, fmt = read_csv(source)
    yield f"Summarising {plural(frame.shape[1], 'column', 'columns')} of {plural(len(frame), 'row', 'rows')}…"
    profiles = tuple(profile_columns(frame))
    resolved = CsvSource(source.path, fmt.delimiter, fmt.encoding, fmt.decimal, fmt.header)
    return LoadedTable(resolved, frame, fmt, profiles)


def choose_target(
    table: LoadedTable,
    target: str,
    features: list[str] | None,
    task: str,
    val_fraction: float = 0.2,
    test_fraction: float = 0.0,
    seed: int = 0,
) -> DataSpec:
    """`auto_data_spec` for this target: its task and column defaults, or a DataError why not."""
    from core.columns import auto_data_spec

    return auto_data_spec(
        table.frame,
        table.source,
        target,
        features=features,
        task=task,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        seed=seed,
        profiles=list(table.profiles),
    )


def summarise_target(frame: pd.DataFrame, target: str, task: str) -> TargetSummary:
    """Class counts in class order, or a histogram of a numeric target."""
    import pandas as pd

    from core.labels import as_labels, sort_labels

    series = frame[target].dropna()
    if task == "regression":
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return TargetSummary((), ())
        counts, edges = np.histogram(values, bins=HISTOGRAM_BINS)
        labels = tuple(f"{lo:.4g} – {hi:.4g}" for lo, hi in itertools.pairwise(edges))
        return TargetSummary(labels, tuple(int(c) for c in counts))
    counts = as_labels(series).value_counts()
    order = sort_labels(set(counts.index))
    return TargetSummary(tuple(order), tuple(int(counts[c]) for c in order))


def check_choice(spec: DataSpec, frame: pd.DataFrame) -> Generator[str, None, CheckedChoice]:
    """Prepare the data as training will (split, fit on the training rows, transform)."""
    from core.dataset import prepare_data

    yield f"Checking the choices on {plural(len(frame), 'row', 'rows')}…"
    prepared = prepare_data(spec, frame)
    p = prepared.preprocessor
    shape = DataShape(p.n_inputs, p.task, p.classes, p.input_names, len(frame))
    return CheckedChoice(
        spec,
        shape,
        len(prepared.train),
        len(prepared.val),
        len(prepared.test),
        prepared.dropped_rows,
    )


def _size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""
