"""A table column's values as float64 numbers, and the row a bad value is reported in.

Both fitting the preprocessing and applying it read numeric columns this way: a column that
holds numbers as its own array, text that holds numbers converted, anything else a DataError
that names its first bad row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import DataError
from core.text import plural


def _holds_numbers(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)


def column_numbers(series: pd.Series, rows: np.ndarray | None) -> tuple[np.ndarray, bool]:
    """(float64 values, whether they are indexed by `rows`): a column holding numbers as its own
    array (read-only, not copied) for the caller to index at `rows`; text holding numbers
    converted at `rows` only (a DataError names its first row that is not a number)."""
    if _holds_numbers(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), True
    return to_numbers(series if rows is None else series.take(rows)), False


def to_numbers(series: pd.Series) -> np.ndarray:
    """float64 copy of a numeric column, NaN where missing; text is a DataError naming the row."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    bad = np.flatnonzero(np.isnan(numbers) & series.notna().to_numpy())
    if len(bad):
        first = bad[0]
        raise DataError(
            f"column {series.name!r}, row {row_number(series, first)}: "
            f"{series.iloc[first]!r} is not a number"
            + (
                f" ({plural(len(bad) - 1, 'more row', 'more rows')} like it)"
                if len(bad) > 1
                else ""
            )
        )
    return numbers


def row_number(series: pd.Series, position: int) -> int:
    """1-based data row: from the index when it holds row numbers (as read_csv makes it)."""
    label = series.index[position]
    if isinstance(label, (int, np.integer)):
        return int(label) + 1
    return position + 1
