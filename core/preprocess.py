"""Turn table columns into the network's inputs and targets, with statistics from training rows.

`fit_preprocessor` learns fill values, scales, categories and classes from the training rows
only (so validation and test scores are honest); the `FittedPreprocessor` it returns applies
them to any table with the same columns, and is saved in model files as plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.data_spec import ColumnSpec, DataSpec
from core.errors import DataError, ModelFileError, SpecError
from core.labels import as_labels, label_codes, sort_labels
from core.spec import Task, from_json, to_json

PREPROCESSOR_FORMAT = 1
MISSING_CATEGORY = "missing"
# One-hot encoding a column with more values than this would swamp the network with inputs.
MAX_CATEGORIES = 1000
# transform() fills its output this many rows at a time, so a block of it stays in the cache
# while every column is written into it (column by column over a million rows, each column's
# write touched the whole output: measured 2-3x slower).
ROW_BLOCK = 32768


@dataclass(frozen=True)
class NumericFeature:
    """A numeric input: missing -> `fill`, then (x - shift) / scale."""

    name: str
    fill: float
    shift: float
    scale: float


@dataclass(frozen=True)
class CategoricalFeature:
    """A one-hot input block; missing -> `fill`; a value not in `categories` -> all zeros."""

    name: str
    categories: tuple[str, ...]
    fill: str


@dataclass(frozen=True)
class TargetEncoding:
    """Classification: the classes, sorted. Regression: mean and std used to standardise."""

    name: str
    task: Task
    classes: tuple[str, ...] = ()
    mean: float = 0.0
    std: float = 1.0


Feature = NumericFeature | CategoricalFeature


@dataclass(frozen=True)
class FittedPreprocessor:
    """Everything needed to turn a table into network inputs and targets, and back."""

    features: tuple[Feature, ...]
    target: TargetEncoding

    @property
    def task(self) -> Task:
        return self.target.task

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The source columns a table must have."""
        return tuple(f.name for f in self.features)

    @property
    def input_names(self) -> tuple[str, ...]:
        """One name per network input: the column, or 'column=category' for one-hot inputs."""
        names: list[str] = []
        for f in self.features:
            if isinstance(f, NumericFeature):
                names.append(f.name)
            else:
                names += [f"{f.name}={c}" for c in f.categories]
        return tuple(names)

    @property
    def n_inputs(self) -> int:
        return sum(1 if isinstance(f, NumericFeature) else len(f.categories) for f in self.features)

    @property
    def classes(self) -> tuple[str, ...]:
        """Class names in output order; empty for regression."""
        return self.target.classes

    def transform(self, df: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        """float32 [len(df), n_inputs]; extra columns are ignored, missing ones are an error.

        With `rows` (positions), only those rows, in that order: as `transform(df.take(rows))`
        without copying the table.
        """
        absent = [name for name in self.feature_names if name not in df.columns]
        if absent:
            raise DataError(
                "the data lacks feature column(s) "
                + ", ".join(repr(a) for a in absent)
                + " that the model was trained with"
            )
        n = len(df) if rows is None else len(rows)
        out = np.zeros((n, self.n_inputs), dtype=np.float32)
        columns = df[list(dict.fromkeys(self.feature_names))]
        for start in range(0, n, ROW_BLOCK):
            stop = min(start + ROW_BLOCK, n)
            block = columns.iloc[start:stop] if rows is None else columns.take(rows[start:stop])
            self._transform_block(block, out[start:stop])
        return out

    def _transform_block(self, df: pd.DataFrame, out: np.ndarray) -> None:
        at, numeric = 0, self._numeric_block(df)
        if numeric is not None:
            # All numeric columns hold numbers: fill and scale them together.
            positions, fill, shift, scale = numeric
            values = df[[self.features[i].name for i in positions]].to_numpy(
                dtype=np.float64, na_value=np.nan
            )
            if not values.flags.writeable:  # a view of a single column's own array
                values = values.copy()
            np.copyto(values, np.broadcast_to(fill, values.shape), where=np.isnan(values))
            values -= shift
            values /= scale
            inputs = self._input_positions[positions]
            if inputs[-1] - inputs[0] == len(inputs) - 1:  # side by side: a plain slice
                out[:, inputs[0] : inputs[-1] + 1] = values
            else:
                out[:, inputs] = values
        for f in self.features:
            if isinstance(f, NumericFeature) and numeric is not None:
                at += 1
            elif isinstance(f, NumericFeature):
                values = _numbers(df[f.name])
                values[np.isnan(values)] = f.fill
                out[:, at] = (values - f.shift) / f.scale
                at += 1
            else:
                labels = as_labels(df[f.name]).fillna(f.fill)
                codes = pd.Index(f.categories).get_indexer(pd.Index(labels))
                known = codes >= 0  # -1: a category never seen in training stays all zeros
                out[np.flatnonzero(known), at + codes[known]] = 1.0
                at += len(f.categories)

    @property
    def _input_positions(self) -> np.ndarray:
        """Each feature's first network input."""
        widths = [1 if isinstance(f, NumericFeature) else len(f.categories) for f in self.features]
        return np.cumsum([0, *widths[:-1]]).astype(np.int64)

    def _numeric_block(
        self, df: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """(features, fills, shifts, scales) of the numeric features, when all hold numbers."""
        numeric = [i for i, f in enumerate(self.features) if isinstance(f, NumericFeature)]
        if not numeric or not all(_holds_numbers(df[self.features[i].name]) for i in numeric):
            return None
        stats = np.array(
            [[f.fill, f.shift, f.scale] for f in (self.features[i] for i in numeric)],  # type: ignore[union-attr]
            dtype=np.float64,
        )
        return np.asarray(numeric, dtype=np.int64), stats[:, 0], stats[:, 1], stats[:, 2]

    def encode_target(self, series: pd.Series) -> np.ndarray:
        """Classification: int64 [n] class indices. Regression: float32 [n, 1] standardised."""
        t = self.target
        if t.task == "regression":
            values = _numbers(series)
            _no_missing(series, values)
            return ((values - t.mean) / t.std).astype(np.float32).reshape(-1, 1)
        # Each distinct label is looked up once, not once per row.
        label_of_row, labels = label_codes(series)
        _no_missing(series, label_of_row < 0)
        class_of_label = pd.Index(t.classes).get_indexer(pd.Index(labels, dtype=object))
        codes = class_of_label.astype(np.int64)[label_of_row]
        if (codes < 0).any():
            unknown = sort_labels({labels[i] for i in np.flatnonzero(class_of_label < 0)})
            raise DataError(
                f"target {t.name!r}: label(s) {', '.join(repr(u) for u in unknown[:10])} were "
                f"not seen in training; known classes: {', '.join(t.classes)}"
            )
        return codes

    def decode_classes(self, indices: np.ndarray) -> np.ndarray:
        """Class indices -> class names (array of str)."""
        return np.asarray(self.target.classes)[np.asarray(indices, dtype=np.int64)]

    def decode_values(self, z: np.ndarray) -> np.ndarray:
        """Standardised regression outputs -> float64 values in the target's own units."""
        return np.asarray(z, dtype=np.float64) * self.target.std + self.target.mean

    def to_json(self) -> dict[str, Any]:
        """Plain dicts and lists, for a model file."""
        features = []
        for f in self.features:
            kind = "numeric" if isinstance(f, NumericFeature) else "categorical"
            features.append({"type": kind, **to_json(f)})
        return {
            "format": PREPROCESSOR_FORMAT,
            "features": features,
            "target": to_json(self.target),
        }

    @classmethod
    def from_json(cls, data: Any) -> FittedPreprocessor:
        """Rebuild from `to_json` output, raising ModelFileError on anything malformed."""
        try:
            return _from_json(data)
        except SpecError as exc:
            raise ModelFileError(f"invalid preprocessing in model file: {exc}") from None


def fit_preprocessor(
    train_df: pd.DataFrame, spec: DataSpec, rows: np.ndarray | None = None
) -> FittedPreprocessor:
    """Learn every statistic from `train_df` (the training rows only).

    Rows whose target is missing are left out of every statistic. With `rows` (positions), only
    those rows count: as `fit_preprocessor(train_df.take(rows), spec)` without copying the table.
    """
    target = spec.target
    absent = [c.name for c in (*spec.features, target) if c.name not in train_df.columns]
    if absent:
        raise DataError("no column(s) " + ", ".join(repr(a) for a in absent) + " in the data")
    positions = np.arange(len(train_df)) if rows is None else np.asarray(rows, dtype=np.int64)
    has_target = train_df[target.name].take(positions).notna().to_numpy()
    if not has_target.all():
        positions = positions[has_target]
    if len(positions) == 0:
        raise DataError(f"no training rows have a value for the target {target.name!r}")
    everything = rows is None and len(positions) == len(train_df)

    def column(name: str) -> pd.Series:
        # One column at a time: the copies are one column long, not the whole table.
        return train_df[name] if everything else train_df[name].take(positions)

    features = tuple(_fit_feature(column(c.name), c) for c in spec.features)
    return FittedPreprocessor(features, _fit_target(column(target.name), spec.task))


def _fit_feature(series: pd.Series, column: ColumnSpec) -> Feature:
    if column.kind == "numeric":
        values = _numbers(series)
        present = values[~np.isnan(values)]
        if len(present) == 0:
            raise DataError(f"feature {column.name!r} has no values in the training rows")
        fill = float(np.median(present) if column.impute == "median" else np.mean(present))
        values[np.isnan(values)] = fill
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

    labels = as_labels(series)
    if column.impute == "missing_category":
        label = MISSING_CATEGORY
    else:
        counts = labels.value_counts()
        if len(counts) == 0:
            raise DataError(f"feature {column.name!r} has no values in the training rows")
        # Ties go to the first label in sorted order, so the choice does not depend on row order.
        label = sort_labels(set(counts.index[counts == counts.max()]))[0]
    categories = sort_labels(set(labels.fillna(label)))
    if len(categories) > MAX_CATEGORIES:
        raise DataError(
            f"feature {column.name!r} has {len(categories):,} distinct values, more than the "
            f"{MAX_CATEGORIES:,} one-hot inputs a column may add; ignore it or make it numeric"
        )
    return CategoricalFeature(column.name, categories, label)


def _fit_target(series: pd.Series, task: Task) -> TargetEncoding:
    name = str(series.name)
    if task == "regression":
        values = _numbers(series)
        std = float(values.std())  # population std, like the features
        return TargetEncoding(name, task, (), float(values.mean()), std if std > 0 else 1.0)
    classes = sort_labels(set(label_codes(series)[1]))
    if len(classes) < 2:
        raise DataError(
            f"the training rows of target {name!r} hold a single class "
            f"({classes[0] if classes else 'none'}); classification needs at least two"
        )
    return TargetEncoding(name, task, classes)


def _holds_numbers(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)


def _numbers(series: pd.Series) -> np.ndarray:
    """float64 copy of a numeric column, NaN where missing; text is a DataError naming the row."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(np.isnan(numbers) & series.notna().to_numpy())
    if len(bad):
        first = bad[0]
        raise DataError(
            f"column {series.name!r}, row {_row_number(series, first)}: "
            f"{series.iloc[first]!r} is not a number"
            + (f" ({len(bad) - 1:,} more rows like it)" if len(bad) > 1 else "")
        )
    return numbers


def _no_missing(series: pd.Series, missing: np.ndarray) -> None:
    where = np.flatnonzero(np.isnan(missing) if missing.dtype.kind == "f" else missing)
    if len(where):
        raise DataError(
            f"target {series.name!r} is missing in row {_row_number(series, where[0])}"
            + (f" and {len(where) - 1:,} more" if len(where) > 1 else "")
        )


def _row_number(series: pd.Series, position: int) -> int:
    """1-based data row: from the index when it holds row numbers (as read_csv makes it)."""
    label = series.index[position]
    if isinstance(label, (int, np.integer)):
        return int(label) + 1
    return position + 1


# --- JSON -------------------------------------------------------------------------------------


def _from_json(data: Any) -> FittedPreprocessor:
    if not isinstance(data, dict):
        raise SpecError(f"expected an object, got {type(data).__name__}")
    unknown = set(data) - {"format", "features", "target"}
    if unknown:
        raise SpecError(f"unknown field(s) {', '.join(sorted(unknown))}")
    if data.get("format") != PREPROCESSOR_FORMAT:
        raise SpecError(f"unsupported preprocessing format {data.get('format')!r}")
    raw_features = data.get("features")
    if not isinstance(raw_features, list) or not raw_features:
        raise SpecError("features: expected a non-empty list")
    features: list[Feature] = []
    for i, item in enumerate(raw_features):
        where = f"features[{i}]"
        if not isinstance(item, dict):
            raise SpecError(f"{where}: expected an object")
        fields = {k: v for k, v in item.items() if k != "type"}
        if item.get("type") == "numeric":
            numeric = from_json(NumericFeature, fields, where)
            if not all(np.isfinite([numeric.fill, numeric.shift, numeric.scale])):
                raise SpecError(f"{where}: fill, shift and scale must be finite numbers")
            if numeric.scale <= 0:
                raise SpecError(f"{where}: scale must be above 0, not {numeric.scale}")
            features.append(numeric)
        elif item.get("type") == "categorical":
            categorical = from_json(CategoricalFeature, fields, where)
            if not categorical.categories or len(set(categorical.categories)) != len(
                categorical.categories
            ):
                raise SpecError(f"{where}: categories must be a non-empty list without repeats")
            features.append(categorical)
        else:
            raise SpecError(f"{where}: type must be 'numeric' or 'categorical'")
    target = from_json(TargetEncoding, data.get("target"), "target")
    if target.task == "classification" and (
        len(target.classes) < 2 or len(set(target.classes)) != len(target.classes)
    ):
        raise SpecError("target: a classifier needs two or more distinct classes")
    if target.task == "regression" and not (
        np.isfinite([target.mean, target.std]).all() and target.std > 0
    ):
        raise SpecError("target: mean must be finite and std above 0")
    return FittedPreprocessor(tuple(features), target)
