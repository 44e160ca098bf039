"""The data points the window's output plot draws, chosen where the data lives.

The training process holds the table and made the split; it sends the window a capped,
stratified sample of each split's rows as `PlotPoints`, over the two features the plane spans.
The window neither reads the file nor splits it again, and never draws a million points: a
scatter plot of more than a few thousand shows nothing more (the surface behind them is what
the plot is about) and took the window seconds to build and paint.

Imports no torch and no Qt; pandas only where a sample is taken (in the training process).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from core.dataset import PreparedData

# Each split shows at most this many points: 2,000 training, 2,000 validation and 2,000 test
# points at most, about as many as the 64 x 64 grid the plane's surface is drawn from.
PLOT_POINTS_PER_SPLIT = 2000
# Code i in `PlotPoints.split` names SPLITS[i].
SPLITS = ("train", "val", "test")
TRAIN, VAL, TEST = 0, 1, 2


# eq=False: numpy fields have no single truth value under ==.
@dataclass(frozen=True, eq=False)
class PlotPoints:
    """A sample of the data's rows over two numeric features, with their targets and splits."""

    features: tuple[str, str]  # the columns across and up the plot
    x: np.ndarray  # float32 [n, 2], in the columns' own units
    # classification: int64 class index [n] in `class_names` order; regression: float32 [n],
    # the target in its own units (not standardised)
    target: np.ndarray
    split: np.ndarray  # uint8 [n]: TRAIN, VAL or TEST (see SPLITS)
    task: str  # "classification" or "regression"
    class_names: tuple[str, ...]  # in the model's output order; empty for regression
    # Rows in each split (train, val, test), of which the sample shows at most
    # PLOT_POINTS_PER_SPLIT each.
    split_rows: tuple[int, int, int] = (0, 0, 0)

    def __len__(self) -> int:
        return len(self.x)


def sample_plot_points(
    frame: pd.DataFrame,
    data: PreparedData,
    features: tuple[str, str],
    cap_per_split: int = PLOT_POINTS_PER_SPLIT,
) -> PlotPoints:
    """At most `cap_per_split` rows of each of `data`'s splits over `features` of `frame`.

    `frame` is the table `data` was prepared from (its splits' `rows` index it). A row whose
    feature is missing has no place on the plot and is left out. Classification samples each
    class in proportion to its share of the split's rows (largest remainders get the rest), so
    a rare class stays visible in the proportion training sees it; regression samples evenly.
    Deterministic: the same data gives the same points. Rows keep their order in the file.
    """
    import pandas as pd  # not at import time: the window reads PlotPoints before its first paint

    columns = [
        pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        for name in features
    ]
    classification = data.task == "classification"
    target_name = data.spec.target.name
    xs, targets, codes = [], [], []
    parts = (data.train, data.val, data.test)
    for code, part in enumerate(parts):
        rows = part.rows
        x = np.column_stack([c[rows] for c in columns]) if len(rows) else np.empty((0, 2))
        finite = np.flatnonzero(np.isfinite(x).all(axis=1))
        labels = np.asarray(part.y[finite], dtype=np.int64) if classification else None
        rng = np.random.default_rng(code)
        chosen = finite[_stratified(len(finite), labels, cap_per_split, rng)]
        xs.append(x[chosen])
        if classification:
            targets.append(np.asarray(part.y[chosen], dtype=np.int64))
        else:
            # The raw target, not the standardised one the trainer sees: the plot speaks its units.
            raw = pd.to_numeric(frame[target_name].iloc[rows[chosen]], errors="coerce")
            targets.append(raw.to_numpy(dtype=np.float32, na_value=np.nan))
        codes.append(np.full(len(chosen), code, dtype=np.uint8))
    return PlotPoints(
        features=(features[0], features[1]),
        x=np.concatenate(xs).astype(np.float32),
        target=np.concatenate(targets),
        split=np.concatenate(codes),
        task=data.task,
        class_names=data.class_names,
        split_rows=(len(data.train), len(data.val), len(data.test)),
    )


def _stratified(
    n: int, labels: np.ndarray | None, cap: int, rng: np.random.Generator
) -> np.ndarray:
    """Ascending positions into range(n): all of them, or `cap` chosen, per label in proportion."""
    if n <= cap:
        return np.arange(n)
    if labels is None:
        return np.sort(rng.choice(n, cap, replace=False))
    classes, counts = np.unique(labels, return_counts=True)
    chosen = []
    for label, k in zip(classes, _proportional(counts, cap), strict=True):
        members = np.flatnonzero(labels == label)
        chosen.append(rng.choice(members, k, replace=False) if k < len(members) else members)
    return np.sort(np.concatenate(chosen))


def _proportional(counts: np.ndarray, total: int) -> list[int]:
    """`total` shared in proportion to `counts` (largest remainders, then earlier, get the rest)."""
    n = int(counts.sum())
    exact = [int(c) * total / n for c in counts]
    shares = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares
