"""Step 1: each raw column value becomes the network's inputs with the training rows' constants.

The same arithmetic as `FittedPreprocessor.transform` (core/fitted_preprocessor.py), one value at
a time: a missing number takes the fill, then (value − shift) / scale; a missing category takes
the fill category, then its one-hot vector (an unseen category: all zeros).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from core.fitted_preprocessor import CategoricalFeature, FittedPreprocessor, NumericFeature
from core.input_features import INPUT_FEATURES, RAW_COLUMNS
from core.walk.steps import ColumnPrep

# A raw value: a number for a numeric column, a label for a categorical one; None or NaN if missing.
RawValue = float | str | None


def is_missing(value: RawValue) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def prepare_column(
    feature: NumericFeature | CategoricalFeature,
    value: RawValue,
    scaling: str = "",
    impute: str = "",
) -> ColumnPrep:
    """One column's value → its prepared input(s); `scaling` names the kind (minmax, standard,
    none) when known, else it is read from the constants; `impute` how the fill was chosen."""
    missing = is_missing(value)
    raw = "" if missing else (f"{value:g}" if isinstance(value, float) else str(value))
    if isinstance(feature, NumericFeature):
        used = feature.fill if missing else float(value)  # type: ignore[arg-type]
        prepared = (used - feature.shift) / feature.scale
        return ColumnPrep(
            column=feature.name,
            kind=scaling or _numeric_kind(feature),
            raw=raw,
            missing=missing,
            fill=feature.fill,
            impute=impute,
            shift=feature.shift,
            scale=feature.scale,
            used=used,
            input_names=(feature.name,),
            prepared=np.array([prepared], dtype=np.float64),
        )
    category = feature.fill if missing else str(value)
    one_hot = np.array([1.0 if c == category else 0.0 for c in feature.categories])
    return ColumnPrep(
        column=feature.name,
        kind="one_hot",
        raw=raw,
        missing=missing,
        fill=feature.fill,
        impute=impute,
        categories=feature.categories,
        used=category,
        input_names=tuple(f"{feature.name}={c}" for c in feature.categories),
        prepared=one_hot,
    )


def prepare_row(
    preprocessor: FittedPreprocessor,
    raw: Mapping[str, RawValue],
    scalings: Mapping[str, str] | None = None,
    imputes: Mapping[str, str] | None = None,
) -> tuple[tuple[ColumnPrep, ...], np.ndarray]:
    """Every feature column of one row, and the input vector x they make side by side;
    `scalings` and `imputes` name each column's preparation (DataSpec) where known."""
    scalings, imputes = scalings or {}, imputes or {}
    values = dict(raw)
    formulas: dict[str, str] = {}
    if preprocessor.input_features:
        # Toy input features are computed from the raw x1 and x2 before anything else.
        xy = {n: np.array([_number(raw.get(n))]) for n in RAW_COLUMNS}
        for name in preprocessor.input_features:
            values[name] = float(INPUT_FEATURES[name].compute(xy)[0])
            formulas[name] = INPUT_FEATURES[name].formula
    columns = tuple(
        replace(
            prepare_column(
                f, values.get(f.name), scalings.get(f.name, ""), imputes.get(f.name, "")
            ),
            computed=formulas.get(f.name, ""),
        )
        for f in preprocessor.features
    )
    x = np.concatenate([c.prepared for c in columns])
    return columns, x


def _number(value: RawValue) -> float:
    return np.nan if is_missing(value) else float(value)  # type: ignore[arg-type]


def _numeric_kind(feature: NumericFeature) -> str:
    if feature.shift == 0.0 and feature.scale == 1.0:
        return "none"
    return "scaled"  # min-max or standardised: the constants alone do not say which
