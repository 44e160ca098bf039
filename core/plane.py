"""Which two numeric features the output plot spans first: the two that tell most about the target.

A yes/no column (two values) on an axis draws two stripes of points and teaches little, and the
first two columns of a file are often an id and a category code: so the default plane is the two
numeric features, with more than two values, most related to the target. "Related" is the
share of the feature's variance explained by the target: the squared correlation for a numeric
target, the share between the class means for classes. Both are unit-free, so features measured
in different units compare fairly. The training process picks the plane and sends it with the
points and the model's surface, so both are drawn over the same plane.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.data_spec import DataSpec

MAX_ROWS_SCORED = 50_000  # an evenly spread sample is enough to rank a few columns


def default_plane(frame: pd.DataFrame, spec: DataSpec) -> tuple[str, str] | None:
    """The two numeric features to span the plane by default, or None if there are fewer."""
    numeric = [
        c.name for c in spec.table_features if c.kind == "numeric" and c.name in frame.columns
    ]
    if len(numeric) <= 2:
        return (numeric[0], numeric[1]) if len(numeric) == 2 else None
    step = max(1, len(frame) // MAX_ROWS_SCORED)
    rows = frame.iloc[::step]
    target = rows[spec.target.name] if spec.target.name in rows.columns else None
    scores: list[tuple[bool, float, int]] = []
    for i, name in enumerate(numeric):
        x = pd.to_numeric(rows[name], errors="coerce").to_numpy(dtype=np.float64)
        many_values = len(np.unique(x[np.isfinite(x)])) > 2
        score = _relation(x, target, spec.task) if target is not None else 0.0
        # Sorted: columns with more than two values first, then the most related, then in order.
        scores.append((not many_values, -score, i))
    best = sorted(scores)[:2]
    first, second = sorted(i for _, _, i in best)  # kept in the file's order, as shown
    return numeric[first], numeric[second]


def _relation(x: np.ndarray, target: pd.Series, task: str) -> float:
    """The share of x's variance that goes with the target (0 when unknown)."""
    if task == "regression":
        y = pd.to_numeric(target, errors="coerce").to_numpy(dtype=np.float64)
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
            return 0.0
        return float(np.corrcoef(x[ok], y[ok])[0, 1] ** 2)
    codes = pd.factorize(target.astype("string"))[0]  # -1 where the target is missing
    ok = np.isfinite(x) & (codes >= 0)
    x, codes = x[ok], codes[ok]
    total = float(np.sum((x - x.mean()) ** 2)) if len(x) else 0.0
    if total == 0:
        return 0.0
    counts = np.bincount(codes)
    sums = np.bincount(codes, weights=x)
    present = counts > 0
    means = sums[present] / counts[present]
    between = float(np.sum(counts[present] * (means - x.mean()) ** 2))
    return between / total
