"""What each column of a table holds, and a first DataSpec built from that."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from core.cpu_threads import map_work
from core.data_spec import ColumnRole, ColumnSpec, CsvSource, DataSpec, Scaling, ToySource
from core.errors import DataError
from core.labels import as_labels, distinct_labels
from core.spec import TASKS, Task

ColumnKindFound = Literal["numeric", "categorical", "constant", "identifier"]

MAX_CLASSES = 200
# An integer target is a class code when it has at most this many values ...
MAX_INTEGER_CLASSES = 20
# ... and, on average, at least this many rows per value.
MIN_ROWS_PER_CLASS = 10
# Fewer rows than this are too little evidence to call a column an identifier.
MIN_ROWS_FOR_IDENTIFIER = 10
TOP_VALUES = 5
# Words that, as a word of a column's name, say it is what the table is for; the import proposes
# the first column holding the earliest word of this list as the target. Generic words first,
# then the targets of well-known tables (iris and penguins' species, the Titanic's survived, a
# fuel-economy table's mpg, a price), and `class` late: in a car table it is the kind of car.
# `y` counts only when no column is named x or z (beside them it is a coordinate).
TARGET_WORDS = (
    "target", "label", "outcome", "response", "diagnosis", "species", "survived", "mpg",
    "price", "class", "y",
)  # fmt: skip
# A text column whose first this many values hold a repeat cannot be an identifier.
IDENTIFIER_PROBE = 1000


@dataclass(frozen=True)
class ColumnProfile:
    """A summary of one column, for the data panel and for choosing its role."""

    name: str
    kind: ColumnKindFound
    n_missing: int
    n_distinct: int  # among the values present
    min: float | None  # None for non-numeric columns
    max: float | None
    mean: float | None
    top_values: tuple[tuple[str, int], ...]  # the most frequent values and their counts


def profile_columns(df: pd.DataFrame) -> list[ColumnProfile]:
    """Profile every column of `df`, in order."""
    return [profile_column(df[column]) for column in df.columns]


def profile_column(series: pd.Series) -> ColumnProfile:
    """Profile one column; see `_kind` for how its kind is decided."""
    present = series.dropna()
    # Count raw values (fast), and write only the few shown as labels.
    counts = present.value_counts(sort=True)
    head = counts.iloc[:TOP_VALUES]
    shown = as_labels(pd.Series(head.index, dtype=series.dtype if len(head) else object))
    top = tuple((str(label), int(count)) for label, count in zip(shown, head, strict=True))
    numeric = _is_numeric(series)
    values = present.to_numpy(dtype=np.float64) if numeric else np.empty(0)
    # Statistics of the finite values: one infinity would make the mean inf or NaN.
    values = values[np.isfinite(values)]
    has_values = numeric and len(values) > 0
    return ColumnProfile(
        name=str(series.name),
        kind=_kind(present, numeric, len(counts)),
        n_missing=int(len(series) - len(present)),
        n_distinct=len(counts),
        min=float(values.min()) if has_values else None,
        max=float(values.max()) if has_values else None,
        mean=float(values.mean()) if has_values else None,
        top_values=top,
    )


def column_kind(series: pd.Series) -> ColumnKindFound:
    """`profile_column(series).kind` without counting every value (seconds on a million rows).

    Numbers: constant when min == max, and an identifier only when whole numbers span exactly
    as many values as there are rows (then they are counted). Text: constant when every value
    equals the first, and an identifier only when the first rows hold no repeat (then counted).
    """
    if _is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        low, high = (values.min(), values.max()) if len(values) else (np.nan, np.nan)
        if np.isnan(low) or np.isnan(high):  # NaN wins min and max: there are gaps
            values = values[~np.isnan(values)]
            if len(values) == 0:
                return "constant"
            low, high = values.min(), values.max()
        n = len(values)
        if low == high:
            return "constant"
        if (
            n >= MIN_ROWS_FOR_IDENTIFIER
            and high - low == n - 1
            and np.all(values == np.round(values))
            and len(np.unique(values)) == n
        ):
            return "identifier"
        return "numeric"
    present = series.dropna()
    n = len(present)
    if n == 0:
        return "constant"
    first_rows = present.iloc[:IDENTIFIER_PROBE]
    if n >= MIN_ROWS_FOR_IDENTIFIER and first_rows.is_unique:
        n_distinct = present.nunique()
        if n_distinct == n:
            return "identifier"
        return "constant" if n_distinct <= 1 else "categorical"
    if (present != present.iloc[0]).any():
        return "categorical"
    return "constant"


def _is_numeric(series: pd.Series) -> bool:
    """Numbers, not text or true/false (a bool column is two categories)."""
    dtype = series.dtype
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _kind(present: pd.Series, numeric: bool, n_distinct: int) -> ColumnKindFound:
    """constant: one value (or none); identifier: text unique to each row, or whole numbers
    forming a run like 0..n-1 or 1..n (row ids) -- both tell a model nothing it can generalise.
    """
    n = len(present)
    if n_distinct <= 1:
        return "constant"
    if n >= MIN_ROWS_FOR_IDENTIFIER and n_distinct == n:
        if not numeric:
            return "identifier"
        values = present.to_numpy(dtype=np.float64)
        if np.all(values == np.round(values)) and values.max() - values.min() == n - 1:
            return "identifier"
    return "numeric" if numeric else "categorical"


def infer_task(series: pd.Series) -> Task:
    """Guess the task a target column asks for.

    Text and true/false are classes. Numbers with a fraction are a quantity (regression). Whole
    numbers are class codes when there are at most 2 distinct values, or at most 20 with, on
    average, 10 or more rows per value (a 1..5 rating in 500 rows); otherwise they are counts or
    amounts (regression), like ages or prices.
    """
    present = series.dropna()
    if not _is_numeric(series):
        return "classification"
    values = present.to_numpy(dtype=np.float64)
    if len(values) == 0 or not np.all(values == np.round(values)):
        return "regression"
    n_distinct = len(np.unique(values))
    if n_distinct <= 2:
        return "classification"
    few = n_distinct <= MAX_INTEGER_CLASSES and n_distinct * MIN_ROWS_PER_CLASS <= len(values)
    return "classification" if few else "regression"


def default_target(profiles: Sequence[ColumnProfile]) -> str:
    """The column an import proposes to predict: the first whose name holds a word of
    TARGET_WORDS (earliest word first), else the last column that is not an identifier (a
    constant one is kept: that it holds a single class is worth saying)."""
    usable = [p.name for p in profiles if p.kind != "identifier"]
    if not usable:
        return profiles[-1].name
    words = {name: _name_words(name) for name in usable}
    coordinates = {"x", "z"} & {p.name.strip().lower() for p in profiles}
    for word in TARGET_WORDS:
        if word == "y" and coordinates:
            continue
        for name in usable:
            if word in words[name]:
                return name
    return usable[-1]


def target_reason(name: str) -> str:
    """Why an import proposes `name` as the target, in a few words for the user."""
    words = _name_words(name)
    said = next((w for w in TARGET_WORDS if w in words), None)
    return f"its name says \u201c{said}\u201d" if said else "it is the last column"


def _name_words(name: str) -> set[str]:
    """The lower-case words of a column name: 'HeartDisease_Diagnosis' -> heart, disease, diagnosis."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return {w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w}


def source_label(source: CsvSource | ToySource) -> str:
    """How messages name a data source: the file name, or the toy dataset."""
    if isinstance(source, CsvSource):
        return Path(source.path).name or source.path
    return f"the {source.name} toy dataset"


def auto_data_spec(
    df: pd.DataFrame,
    source: CsvSource | ToySource,
    target: str,
    features: list[str] | None = None,
    task: str = "auto",
    val_fraction: float = 0.2,
    test_fraction: float = 0.0,
    seed: int = 0,
    profiles: list[ColumnProfile] | None = None,
) -> DataSpec:
    """A DataSpec for predicting `target` from `features` (default: every usable column).

    Numeric features are standardised and mean-imputed; categorical ones one-hot encoded and
    imputed with their most frequent value. Constant and identifier columns are ignored unless
    listed in `features`. `profiles` are `profile_columns(df)` when already computed (profiling
    a million rows takes a second).
    """
    where = source_label(source)
    columns = [str(c) for c in df.columns]
    if target not in columns:
        raise DataError(f"no column {target!r} in {where}; columns are: {', '.join(columns)}")
    if features is not None:
        unknown = [f for f in features if f not in columns]
        if unknown:
            listed = ", ".join(repr(f) for f in unknown)
            raise DataError(
                f"no feature column(s) {listed} in {where}; columns are: {', '.join(columns)}"
            )
        if target in features:
            raise DataError(f"{target!r} is the target, so it cannot also be a feature")

    chosen = _check_target(df[target], where, task)
    # Only the kinds are needed here; column_kind finds them without profiling every value.
    kinds = {p.name: p.kind for p in profiles} if profiles is not None else {}
    if profiles is None and features is None:
        others = [name for name in columns if name != target]
        found = map_work(column_kind, [df[name] for name in others], len(df) * len(others))
        kinds = dict(zip(others, found, strict=True))
    specs = []
    for name in columns:
        numeric = _is_numeric(df[name])
        if name == target:
            specs.append(_column(name, "target", chosen == "regression"))
        elif features is not None:
            specs.append(_column(name, "feature" if name in features else "ignore", numeric))
        elif (kinds.get(name) or column_kind(df[name])) in ("constant", "identifier"):
            specs.append(_column(name, "ignore", numeric))
        else:
            specs.append(_column(name, "feature", numeric))
    if not any(s.role == "feature" for s in specs):
        raise DataError(
            f"{where} has no column to learn {target!r} from: every other column is constant or "
            "an identifier; choose features yourself"
        )
    spec = DataSpec(source, tuple(specs), chosen, val_fraction, test_fraction, seed)
    return spec.validate()


def _column(name: str, role: ColumnRole, numeric: bool) -> ColumnSpec:
    if numeric:
        scaling: Scaling = "standard" if role == "feature" else "none"
        return ColumnSpec(name, role, "numeric", scaling, "mean")
    return ColumnSpec(name, role, "categorical", "none", "most_frequent")


def _check_target(series: pd.Series, where: str, task: str) -> Task:
    """The task for this target, or a DataError saying why it cannot be one."""
    name = str(series.name)
    if task not in ("auto", *TASKS):
        raise DataError(f"task must be auto, classification or regression, not {task!r}")
    present = series.dropna()
    if len(present) == 0:
        raise DataError(f"target {name!r} in {where} has no values")
    chosen: Task = infer_task(series) if task == "auto" else task  # type: ignore[assignment]
    if chosen == "regression":
        if not _is_numeric(series):
            example = str(present.iloc[0])
            raise DataError(
                f"regression needs a numeric target, but {name!r} in {where} holds text such as "
                f"{example!r}; choose classification"
            )
        return chosen
    labels = distinct_labels(present)
    n_classes = len(labels)
    if n_classes < 2:
        raise DataError(
            f"target {name!r} in {where} has a single class ({labels[0]!r}); "
            "classification needs at least two"
        )
    if n_classes > MAX_CLASSES:
        hint = "; if it is a quantity, choose regression" if _is_numeric(series) else ""
        raise DataError(
            f"target {name!r} in {where} has {n_classes:,} distinct values, more than the "
            f"{MAX_CLASSES} classes allowed{hint}"
        )
    return chosen
