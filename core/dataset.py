"""From a DataSpec to arrays the trainer can use: load, split, fit on training rows, transform."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.columns import source_label
from core.csv_io import read_csv
from core.data_spec import CsvSource, DataSpec, ToySource
from core.errors import DataError
from core.fitted_preprocessor import FittedPreprocessor
from core.labels import LabelCodes, label_codes
from core.preprocess import fit_preprocessor
from core.spec import Task
from core.split import split_indices
from core.toy import make_toy
from core.value_checks import unusable_as_missing


# eq=False: the fields are numpy arrays, whose == is elementwise and has no single truth value.
@dataclass(frozen=True, eq=False)
class Split:
    """One set of rows: inputs, targets, and where each row came from."""

    x: np.ndarray  # float32 [n, n_inputs]
    y: np.ndarray  # classification: int64 [n]; regression: float32 [n, 1], standardised
    rows: np.ndarray  # int64 [n]: 0-based positions in the loaded table (data row = rows + 1)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, eq=False)
class PreparedData:
    """The data ready for training, and the preprocessor that made it."""

    spec: DataSpec
    preprocessor: FittedPreprocessor
    train: Split
    val: Split
    test: Split
    dropped_rows: int = 0  # rows left out because their target was missing

    @property
    def task(self) -> Task:
        return self.preprocessor.task

    @property
    def n_inputs(self) -> int:
        return self.preprocessor.n_inputs

    @property
    def class_names(self) -> tuple[str, ...]:
        """Class names in output order; empty for regression."""
        return self.preprocessor.classes


def load_frame(source: CsvSource | ToySource) -> pd.DataFrame:
    """The whole table a source describes."""
    if isinstance(source, CsvSource):
        return read_csv(source)[0]
    return make_toy(source)


def prepare_data(
    spec: DataSpec,
    frame: pd.DataFrame | None = None,
    preprocessor: FittedPreprocessor | None = None,
) -> PreparedData:
    """Validate `spec`, drop rows without a target, split, fit on training rows, transform all.

    `frame` is the already loaded table, if there is one; otherwise the source is read.
    `preprocessor`, when given, is used as it is instead of being fitted: a reopened model must
    see its rows exactly as in training.
    """
    if frame is None:
        frame = load_frame(spec.source)
    rows = split_rows(spec, frame)
    table, kept, parts = rows.table, rows.kept, rows.parts
    target = spec.target.name
    if preprocessor is None:
        preprocessor = fit_preprocessor(table, spec, rows=parts[0], target_labels=rows.labels)
    y = preprocessor.encode_target(table[target], rows.labels)

    def make(idx: np.ndarray) -> Split:
        return Split(
            x=preprocessor.transform(table, rows=idx),
            y=y[idx],
            # Every row kept (the usual case): positions in the table are those in the file.
            rows=idx if len(kept) == len(frame) else kept[idx].astype(np.int64),
        )

    train, val, test = (make(idx) for idx in parts)
    return PreparedData(spec, preprocessor, train, val, test, int(len(frame) - len(kept)))


@dataclass(frozen=True, eq=False)
class SplitRows:
    """Which rows train, validate and test, before any preprocessing."""

    table: pd.DataFrame  # the model's columns of the rows that have a target
    kept: np.ndarray  # int64: positions in the loaded table of `table`'s rows
    parts: tuple[np.ndarray, np.ndarray, np.ndarray]  # train, val, test positions in `table`
    labels: LabelCodes | None = None  # classification: label_codes of the target column


def split_rows(spec: DataSpec, frame: pd.DataFrame) -> SplitRows:
    """Validate `spec`, drop rows without a target and split: the split training uses, cheaply
    (the window shows it on plots without fitting or transforming anything)."""
    spec.validate()
    target = spec.target.name
    # Computed input features (x1², sin x1, ...) are made from x1 and x2 by the preprocessor.
    columns = (*spec.table_features, spec.target)
    absent = [c.name for c in columns if c.name not in frame.columns]
    if absent:
        raise DataError(
            f"no column(s) {', '.join(repr(a) for a in absent)} in {source_label(spec.source)}; "
            f"columns are: {', '.join(str(c) for c in frame.columns)}"
        )
    # Only the columns the model uses are copied. Infinities and numbers beyond float32's range
    # are missing (read_csv already made them so; a frame from elsewhere may hold them): one
    # such input would make every loss NaN. Column kinds are the spec's, so no text is parsed.
    needed = [c.name for c in columns]
    table, _ = unusable_as_missing(frame[needed], parse_text=False)
    has_target = table[target].notna().to_numpy()
    kept = np.flatnonzero(has_target)
    if len(kept) == 0:
        raise DataError(f"no row of {source_label(spec.source)} has a value for {target!r}")
    table = table if len(kept) == len(frame) else table.iloc[kept]
    classification = spec.task == "classification"
    labels = label_codes(table[target]) if classification else None
    groups = _label_order(labels) if labels is not None else None
    parts = split_indices(
        len(table), groups, spec.val_fraction, spec.test_fraction, spec.seed, classification
    )
    return SplitRows(table, kept, parts, labels)


def _label_order(label_codes: LabelCodes) -> np.ndarray:
    """Per row, the rank of its label among the distinct labels in text order.

    split_indices groups rows exactly as it would by the label texts themselves (numpy sorts
    text by code point, as Python does), without a million-row text array.
    """
    codes, labels = label_codes
    rank = np.empty(len(labels), dtype=np.int64)
    rank[np.argsort(np.asarray(labels, dtype=str), kind="stable")] = np.arange(len(labels))
    return rank[codes]
