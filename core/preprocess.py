"""Turn table columns into the network's inputs and targets, with statistics from training rows.

`fit_preprocessor` learns fill values, scales, categories and classes from the training rows
only (so validation and test scores are honest); the `FittedPreprocessor` it returns
(`core/fitted_preprocessor.py`) applies them to any table with the same columns, and is saved in
model files as plain JSON.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.column_numbers import column_numbers, to_numbers
from core.cpu_threads import map_work
from core.data_spec import ColumnSpec, DataSpec
from core.errors import DataError
from core.fitted_preprocessor import (
    CategoricalFeature,
    Feature,
    FittedPreprocessor,
    NumericFeature,
    TargetEncoding,
    with_input_features,
)
from core.labels import LabelCodes, label_codes, sort_labels
from core.spec import Task

MISSING_CATEGORY = "missing"
# One-hot encoding a column with more values than this would swamp the network with inputs.
MAX_CATEGORIES = 1000


def fit_preprocessor(
    train_df: pd.DataFrame,
    spec: DataSpec,
    rows: np.ndarray | None = None,
    target_labels: LabelCodes | None = None,
) -> FittedPreprocessor:
    """Learn every statistic from `train_df` (the training rows only).

    Rows whose target is missing are left out of every statistic. With `rows` (positions), only
    those rows count: as `fit_preprocessor(train_df.take(rows), spec)` without copying the table.
    `target_labels` are `label_codes` of the whole target column when already computed.
    """
    target = spec.target
    if spec.input_features:
        train_df = with_input_features(train_df, spec.input_features)
    absent = [c.name for c in (*spec.features, target) if c.name not in train_df.columns]
    if absent:
        raise DataError("no column(s) " + ", ".join(repr(a) for a in absent) + " in the data")
    positions = np.arange(len(train_df)) if rows is None else np.asarray(rows, dtype=np.int64)
    has_target = train_df[target.name].notna().to_numpy()[positions]
    if not has_target.all():
        positions = positions[has_target]
    if len(positions) == 0:
        raise DataError(f"no training rows have a value for the target {target.name!r}")
    picked = None if rows is None and len(positions) == len(train_df) else positions

    columns = [(train_df[c.name], c) for c in spec.features]
    n_values = len(positions) * len(columns)
    features = tuple(map_work(lambda job: _fit_feature(*job, picked), columns, n_values))
    if spec.task == "classification" and target_labels is not None:
        codes, labels = target_labels
        seen = np.bincount(codes[positions], minlength=len(labels)) > 0
        classes = sort_labels({labels[i] for i in np.flatnonzero(seen)})
        encoding = _target_classes(target.name, classes)
    else:
        series = train_df[target.name]
        encoding = _fit_target(series if picked is None else series.take(picked), spec.task)
    return FittedPreprocessor(features, encoding, spec.input_features)


def _fit_feature(series: pd.Series, column: ColumnSpec, rows: np.ndarray | None) -> Feature:
    """One feature's statistics from the rows at `rows` (every row when None)."""
    if column.kind == "numeric":
        values, by_row = column_numbers(series, rows)
        if by_row and rows is not None:
            values = values[rows]  # one column's training rows, a copy of their own
        missing = np.isnan(values)
        has_missing = bool(missing.any())
        present = values[~missing] if has_missing else values
        if len(present) == 0:
            raise DataError(f"feature {column.name!r} has no values in the training rows")
        fill = float(np.median(present) if column.impute == "median" else np.mean(present))
        if has_missing:
            if by_row and rows is None:
                values = values.copy()  # the column's own array is never written
            values[missing] = fill
        # Scaling statistics come from the imputed column: the one the network will see.
        if column.scaling == "minmax":
            shift, spread = float(values.min()), float(values.max() - values.min())
        elif column.scaling == "standard":
            # Population std (ddof=0), as scikit-learn's StandardScaler uses.
            shift, spread = float(values.mean()), float(values.std())
        else:
            shift, spread = 0.0, 1.0
        # A constant column would divide by zero; scale 1 maps it to 0 (minmax) or 0 (standard).
        return NumericFeature(column.name, fill, shift, spread if spread > 0 else 1.0)

    codes, labels = label_codes(series if rows is None else series.take(rows))
    if column.impute == "missing_category":
        label = MISSING_CATEGORY
    else:
        counts = np.bincount(codes[codes >= 0], minlength=len(labels))
        if len(labels) == 0:
            raise DataError(f"feature {column.name!r} has no values in the training rows")
        # Ties go to the first label in sorted order, so the choice does not depend on row order.
        label = sort_labels({labels[i] for i in np.flatnonzero(counts == counts.max())})[0]
    categories = sort_labels({*labels, label} if (codes < 0).any() else set(labels))
    if len(categories) > MAX_CATEGORIES:
        raise DataError(
            f"feature {column.name!r} has {len(categories):,} distinct values, more than the "
            f"{MAX_CATEGORIES:,} one-hot inputs a column may add; ignore it or make it numeric"
        )
    return CategoricalFeature(column.name, categories, label)


def _fit_target(series: pd.Series, task: Task) -> TargetEncoding:
    name = str(series.name)
    if task == "regression":
        values = to_numbers(series)
        std = float(values.std())  # population std, like the features
        return TargetEncoding(name, task, (), float(values.mean()), std if std > 0 else 1.0)
    return _target_classes(name, sort_labels(set(label_codes(series)[1])))


def _target_classes(name: str, classes: tuple[str, ...]) -> TargetEncoding:
    if len(classes) < 2:
        raise DataError(
            f"the training rows of target {name!r} hold a single class "
            f"({classes[0] if classes else 'none'}); classification needs at least two"
        )
    return TargetEncoding(name, "classification", classes)
