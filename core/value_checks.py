"""Values a network cannot learn from, read as missing: infinities, numbers beyond float32's
range and stray texts in a column of numbers. Each column touched gets one note saying so.

Training runs in float32, so a value beyond its range (about ±3.4e38, such as 1e308) becomes
infinite there, and one infinite input makes every loss NaN. Such values are treated as missing,
and the column's missing-value handling (mean, median, ...) fills them in.

A text column is read as numbers when at least MOSTLY_NUMERIC (90 %) of its non-empty values are
numbers: the rest ('?', '--', 'missing', ...) are stray marks of a missing value, as Orange reads
'?' and pandas' `na_values` reads 'n/a'. The column's kind stays the user's to change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.text import plural

FLOAT32_MAX = float(np.finfo(np.float32).max)
# The share of a text column's non-empty values that must be numbers for it to be read as numbers.
MOSTLY_NUMERIC = 0.9
# A text column's first values, parsed before the whole column: most text columns stop here.
PROBE_VALUES = 200
# How many distinct stray texts a note names.
NAMED_STRAYS = 5


@dataclass(frozen=True)
class ColumnNote:
    """What reading did to one column's values: counts of those now missing, and why."""

    column: str
    infinite: int = 0
    out_of_range: int = 0  # finite, but beyond float32's range
    not_numbers: int = 0  # stray texts in a column of numbers
    stray_values: tuple[str, ...] = ()  # the most frequent distinct stray texts

    @property
    def text(self) -> str:
        """One line for the user: 'x2: 2 infinite values treated as missing'."""
        parts = []
        if self.not_numbers:
            shown = ", ".join(repr(v) for v in self.stray_values)
            parts.append(
                f"{plural(self.not_numbers, 'value that is not a number', 'values that are not numbers')}"
                f" ({shown})"
            )
        if self.infinite:
            parts.append(plural(self.infinite, "infinite value", "infinite values"))
        if self.out_of_range:
            parts.append(
                f"{plural(self.out_of_range, 'value', 'values')} beyond float32's range "
                f"(±{FLOAT32_MAX:.1e})"
            )
        said = " and ".join(parts)
        line = f"{self.column}: {said} treated as missing"
        if self.not_numbers:
            line += "; the column is read as numbers (choose categorical to keep the texts)"
        return line


def unusable_as_missing(
    df: pd.DataFrame, decimal: str = ".", parse_text: bool = True
) -> tuple[pd.DataFrame, tuple[ColumnNote, ...]]:
    """`df` with unusable values made missing, and one note per column changed.

    `df` itself is left as it was; columns without such values are shared, not copied. With
    `parse_text`, mostly-numeric text columns become numbers (`decimal` is the file's mark).
    """
    changed: dict[object, pd.Series] = {}
    notes = []
    for column in df.columns:
        series = df[column]
        note_fields: dict[str, object] = {}
        converted = False
        if _is_text(series) and parse_text:
            parsed = _mostly_numbers(series, decimal)
            if parsed is None:
                continue
            series, strays = parsed
            converted = True
            if len(strays):
                note_fields = {"not_numbers": len(strays), "stray_values": _top(strays)}
        elif not pd.api.types.is_float_dtype(series.dtype):
            continue  # integers cannot be infinite, nor beyond float32's range
        # A float64 column is read in place; na_value would make pandas copy it.
        values = (
            series.to_numpy()
            if series.dtype == np.float64
            else series.to_numpy(dtype=np.float64, na_value=np.nan)
        )
        with np.errstate(invalid="ignore"):
            huge = np.abs(values) > FLOAT32_MAX  # infinities too; NaN compares False
        # One pass over a clean column (nearly all are): the counts only where something is.
        if huge.any():
            infinite = np.isinf(values)
            out_of_range = huge & ~infinite
            series = pd.Series(np.where(huge, np.nan, values), index=series.index, name=column)
            note_fields.update(infinite=int(infinite.sum()), out_of_range=int(out_of_range.sum()))
        if converted or note_fields:
            changed[column] = series
        if note_fields:
            notes.append(ColumnNote(str(column), **note_fields))  # type: ignore[arg-type]
    if not changed:
        return df, ()
    out = df.copy(deep=False)
    for name, values_now in changed.items():
        out[name] = values_now
    return out, tuple(notes)


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)


def _mostly_numbers(series: pd.Series, decimal: str) -> tuple[pd.Series, pd.Series] | None:
    """(the column as float64, the stray texts) when it is mostly numbers, else None."""
    present = series.dropna()
    if len(present) == 0:
        return None
    # Most text columns hold no numbers at all: their first values say so cheaply.
    probe = _as_numbers(present.iloc[:PROBE_VALUES], decimal)
    if probe.notna().mean() < MOSTLY_NUMERIC / 2:
        return None
    text = present.astype(str).str.strip()
    present = present[text != ""]
    text = text[text != ""]
    numbers = _as_numbers(text, decimal)
    is_number = numbers.notna()
    if len(text) == 0 or is_number.mean() < MOSTLY_NUMERIC:
        return None
    column = pd.Series(np.nan, index=series.index, name=series.name, dtype=np.float64)
    column[numbers.index] = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    return column, text[~is_number]


def _as_numbers(values: pd.Series, decimal: str) -> pd.Series:
    text = values.astype(str).str.strip()
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _top(strays: pd.Series) -> tuple[str, ...]:
    """The most frequent distinct stray texts, most frequent first (ties in order of appearance)."""
    counts = strays.value_counts(sort=True)
    return tuple(str(v) for v in counts.index[:NAMED_STRAYS])
