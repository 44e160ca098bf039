"""The preprocessing a model was trained with, fitted: each feature's kind and statistics, the
target's encoding, and the `FittedPreprocessor` that applies them to any table with the same
columns (and is saved in model files as plain JSON). `core/preprocess.py` fits them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.column_numbers import column_numbers, row_number, to_numbers
from core.cpu_threads import cores, map_work
from core.errors import DataError, ModelFileError, SpecError
from core.input_features import (
    INPUT_FEATURES,
    RAW_COLUMNS,
    compute_features,
    computes,
    feature_label,
    input_feature_problems,
)
from core.labels import LabelCodes, label_codes, sort_labels
from core.spec import Task, from_json, to_json

PREPROCESSOR_FORMAT = 1
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
    """Everything needed to turn a table into network inputs and targets, and back.

    With `input_features` (a toy dataset's x1_sq, sin_x1, ...; core.input_features), the
    features are computed from the table's columns x1 and x2 first, and `features` prepare
    those computed values; empty, the features are the table's own columns.
    """

    features: tuple[Feature, ...]
    target: TargetEncoding
    input_features: tuple[str, ...] = ()

    @property
    def task(self) -> Task:
        return self.target.task

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The source columns a table must have."""
        return RAW_COLUMNS if self.input_features else tuple(f.name for f in self.features)

    @property
    def source_features(self) -> tuple[Feature, ...]:
        """The table's own feature columns: `features`, or x1 and x2 when the features are
        computed from them (the output plane spans these; their own values are never missing
        in a toy dataset, so a fill of 0 is never used)."""
        if not self.input_features:
            return self.features
        return tuple(NumericFeature(name, 0.0, 0.0, 1.0) for name in RAW_COLUMNS)

    @property
    def input_labels(self) -> tuple[str, ...]:
        """`input_names` as people read them: 'x₁²' for x1_sq."""
        if not self.input_features:
            return self.input_names
        return tuple(feature_label(name) for name in self.input_names)

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
        if rows is not None:
            rows = _positions(rows, len(df))
        if self.input_features:
            df, rows = with_input_features(df, self.input_features, rows), None
        n = len(df) if rows is None else len(rows)
        out = np.zeros((n, self.n_inputs), dtype=np.float32)
        inputs = self._input_positions
        numeric = [i for i, f in enumerate(self.features) if isinstance(f, NumericFeature)]
        # Each numeric column as float64: the column's own array (read at `rows` block by block,
        # never copied whole) or, for text that holds numbers, the requested rows converted.
        columns = [column_numbers(df[self.features[i].name], rows) for i in numeric]
        stats = np.array(
            [[f.fill, f.shift, f.scale] for f in (self.features[i] for i in numeric)],  # type: ignore[union-attr]
            dtype=np.float64,
        ).reshape(-1, 3, 1)
        categorical = [
            (int(inputs[i]), _category_of_row(df[f.name], f, rows))
            for i, f in enumerate(self.features)
            if isinstance(f, CategoricalFeature)
        ]
        at = inputs[numeric] if numeric else np.empty(0, np.int64)
        side_by_side = len(at) > 0 and at[-1] - at[0] == len(at) - 1

        def fill(span: tuple[int, int]) -> None:
            # Row blocks: the numbers of a block are gathered column by column into rows of
            # `buffer` (contiguous writes), scaled there, and written into `out` while both are
            # in the cache.
            buffer = np.empty((len(numeric), min(span[1] - span[0], ROW_BLOCK)), dtype=np.float64)
            for start in range(*span, ROW_BLOCK):
                stop = min(start + ROW_BLOCK, span[1])
                if numeric:
                    block = buffer[:, : stop - start]
                    picked = None if rows is None else rows[start:stop]
                    for j, (values, by_row) in enumerate(columns):
                        if by_row and picked is not None:
                            np.take(values, picked, out=block[j], mode="clip")  # checked above
                        else:
                            block[j] = values[start:stop]
                    missing = np.isnan(block)
                    if missing.any():
                        np.copyto(block, np.broadcast_to(stats[:, 0], block.shape), where=missing)
                    block -= stats[:, 1]
                    block /= stats[:, 2]
                    if side_by_side:  # a plain slice
                        out[start:stop, at[0] : at[-1] + 1] = block.T
                    else:
                        out[start:stop, at] = block.T
                for first, category in categorical:
                    codes = category[start:stop]
                    known = codes >= 0  # -1: a category never seen in training stays all zeros
                    out[start + np.flatnonzero(known), first + codes[known]] = 1.0

        # Whole blocks per thread, so that no two threads write the same rows.
        span = -(-n // (cores() * ROW_BLOCK)) * ROW_BLOCK or ROW_BLOCK
        map_work(fill, [(a, min(a + span, n)) for a in range(0, n, span)], n * self.n_inputs)
        return out

    @property
    def _input_positions(self) -> np.ndarray:
        """Each feature's first network input."""
        widths = [1 if isinstance(f, NumericFeature) else len(f.categories) for f in self.features]
        return np.cumsum([0, *widths[:-1]]).astype(np.int64)

    def encode_target(self, series: pd.Series, known: LabelCodes | None = None) -> np.ndarray:
        """Classification: int64 [n] class indices. Regression: float32 [n, 1] standardised.

        `known` is `label_codes(series)` when already computed.
        """
        t = self.target
        if t.task == "regression":
            values = to_numbers(series)
            _no_missing(series, values)
            return ((values - t.mean) / t.std).astype(np.float32).reshape(-1, 1)
        # Each distinct label is looked up once, not once per row.
        label_of_row, labels = known if known is not None else label_codes(series)
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
        out: dict[str, Any] = {
            "format": PREPROCESSOR_FORMAT,
            "features": features,
            "target": to_json(self.target),
        }
        if self.input_features:  # absent otherwise: files without computed features unchanged
            out["input_features"] = list(self.input_features)
        return out

    @classmethod
    def from_json(cls, data: Any) -> FittedPreprocessor:
        """Rebuild from `to_json` output, raising ModelFileError on anything malformed."""
        try:
            return _from_json(data)
        except SpecError as exc:
            raise ModelFileError(f"invalid preprocessing in model file: {exc}") from None


def with_input_features(
    df: pd.DataFrame, names: tuple[str, ...], rows: np.ndarray | None = None
) -> pd.DataFrame:
    """`df` (its rows at `rows`, when given) with the input features `names` computed from its
    columns x1 and x2, in float64 (a missing x1 or x2 leaves the features it makes missing)."""
    raw = {}
    for name in RAW_COLUMNS:
        if name not in df.columns:
            raise DataError(
                f"the data lacks the column {name!r} that the input features "
                f"{', '.join(feature_label(n) for n in names)} are computed from"
            )
        values, by_row = column_numbers(df[name], rows)
        raw[name] = values[rows] if by_row and rows is not None else values
    computed = compute_features(raw, names)
    if rows is not None:
        return pd.DataFrame(computed)
    return df.assign(**computed)


def _positions(rows: np.ndarray, n: int) -> np.ndarray:
    """`rows` as int64 positions into n rows (negative ones count from the end, as in take)."""
    positions = np.asarray(rows, dtype=np.int64)
    if len(positions) and (positions.min() < -n or positions.max() >= n):
        raise IndexError(f"row positions must be within {n} rows")
    return np.where(positions < 0, positions + n, positions) if (positions < 0).any() else positions


def _category_of_row(
    series: pd.Series, feature: CategoricalFeature, rows: np.ndarray | None
) -> np.ndarray:
    """Per row (at `rows`), the index of its category in `feature.categories`, -1 if unseen;
    a missing value takes the fill's category."""
    codes, labels = label_codes(series if rows is None else series.take(rows))
    categories = pd.Index(feature.categories, dtype=object)
    lookup = categories.get_indexer(pd.Index(labels, dtype=object))
    # Code -1 (missing) reads the last entry: the fill's category.
    lookup = np.append(lookup, categories.get_indexer(pd.Index([feature.fill], dtype=object)))
    return lookup[codes]


def _no_missing(series: pd.Series, missing: np.ndarray) -> None:
    where = np.flatnonzero(np.isnan(missing) if missing.dtype.kind == "f" else missing)
    if len(where):
        raise DataError(
            f"target {series.name!r} is missing in row {row_number(series, where[0])}"
            + (f" and {len(where) - 1:,} more" if len(where) > 1 else "")
        )


# --- JSON -------------------------------------------------------------------------------------


def _from_json(data: Any) -> FittedPreprocessor:
    if not isinstance(data, dict):
        raise SpecError(f"expected an object, got {type(data).__name__}")
    unknown = set(data) - {"format", "features", "target", "input_features"}
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
    input_features = _input_features(data.get("input_features", []), features)
    target = from_json(TargetEncoding, data.get("target"), "target")
    if target.task == "classification" and (
        len(target.classes) < 2 or len(set(target.classes)) != len(target.classes)
    ):
        raise SpecError("target: a classifier needs two or more distinct classes")
    if target.task == "regression" and not (
        np.isfinite([target.mean, target.std]).all() and target.std > 0
    ):
        raise SpecError("target: mean must be finite and std above 0")
    return FittedPreprocessor(tuple(features), target, input_features)


def _input_features(raw: Any, features: list[Feature]) -> tuple[str, ...]:
    if not isinstance(raw, list):
        raise SpecError("input_features: expected a list of names")
    names = tuple(raw)
    if not names:
        return ()
    problems = input_feature_problems(names)
    if problems:
        raise SpecError("input_features: " + "; ".join(problems))
    if not computes(names) or names != tuple(f.name for f in features):
        raise SpecError(
            "input_features: the features must be the computed ones, "
            + ", ".join(n for n in names if n in INPUT_FEATURES)
        )
    if not all(isinstance(f, NumericFeature) for f in features):
        raise SpecError("input_features: computed features are numeric")
    return names
