"""Category and class labels as text, written the same way whichever way the file was read."""

from __future__ import annotations

import numpy as np
import pandas as pd

# label_codes' answer: int64 codes per row (-1 where missing) into the distinct labels.
LabelCodes = tuple[np.ndarray, tuple[str, ...]]


def as_labels(series: pd.Series) -> pd.Series:
    """Each value as a stripped string, missing values kept missing (NaN).

    A whole number reads as '2' whether pandas parsed its column as int or, because of a gap, as
    float: otherwise a model trained on one file would not know the labels of another.
    """
    missing = series.isna().to_numpy()
    out = np.full(len(series), np.nan, dtype=object)
    if pd.api.types.is_bool_dtype(series.dtype):
        out[:] = np.where(series.to_numpy(dtype=bool), "True", "False")
    elif pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            whole = ~missing & (values == np.round(values)) & (np.abs(values) < 2**53)
        out[whole] = values[whole].astype(np.int64).astype(str)
        other = ~missing & ~whole
        # numpy writes the shortest text that reads back as the same float, like repr().
        out[other] = values[other].astype(str)
    else:
        present = series[~missing]
        out[~missing] = present.astype(str).str.strip().to_numpy(dtype=object)
    out[missing] = np.nan
    return pd.Series(out, index=series.index, name=series.name, dtype=object)


def sort_labels(labels: list[str] | set[str]) -> tuple[str, ...]:
    """Labels in numeric order when all are numbers ('2' before '10'), else in text order."""
    items = list(labels)
    try:
        return tuple(sorted(items, key=lambda v: (float(v), v)))
    except ValueError:
        return tuple(sorted(items))


def _mixed(series: pd.Series) -> bool:
    """Whether the column may hold values of several Python types (1, 1.0 and True side by side):
    an object column. Text read by pandas 3 is StringDtype, by pandas 2 object: both hold only
    strings (and gaps), which the fast path writes the same way."""
    return pd.api.types.is_object_dtype(series.dtype)


def label_codes(series: pd.Series) -> LabelCodes:
    """`as_labels(series)` as int64 codes into its distinct labels (-1 where missing).

    Each distinct value is written once, so a million rows holding a few labels cost little.
    """
    if _mixed(series):
        # factorize would merge 1, 1.0 and True, which as_labels writes differently.
        codes, uniques = pd.factorize(as_labels(series), use_na_sentinel=True)
        return codes.astype(np.int64), tuple(str(u) for u in uniques)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) == 0:
        return np.full(len(series), -1, dtype=np.int64), ()
    texts = as_labels(pd.Series(uniques, dtype=series.dtype)).to_numpy(dtype=object)
    # Values that differ only in spaces, or 2 and 2.0, are one label: merge their codes.
    merged, labels = pd.factorize(texts)
    if len(labels) < len(texts):
        codes = np.where(codes >= 0, merged[np.maximum(codes, 0)], -1)
    return codes.astype(np.int64, copy=False), tuple(str(label) for label in labels)


def distinct_labels(series: pd.Series) -> tuple[str, ...]:
    """`label_codes(series)[1]`, the distinct labels in order of appearance, without the codes."""
    if _mixed(series):
        return label_codes(series)[1]
    uniques = series.dropna().unique()
    texts = as_labels(pd.Series(uniques, dtype=series.dtype)).to_numpy(dtype=object)
    return tuple(str(label) for label in pd.unique(texts))
