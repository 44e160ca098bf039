"""The points a 2-D plot shows for the project's data: positions, targets and which set each is in.

Computed with the engine's own `prepare_data`, so with the same DataSpec (and so the same seed)
the split is exactly the one the training process uses. Needs no torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from core.data_spec import DataSpec
from core.errors import DataError, SpecError

if TYPE_CHECKING:
    import pandas as pd

    from app.project import Project


class DataPoints(NamedTuple):
    """What `OutputView.set_points` takes; unpacks as (x, target, split, task, class_names)."""

    x: np.ndarray  # float64 [n, 2], in the data's own units
    target: np.ndarray  # classification: int64 class index [n]; regression: float64 [n]
    split: np.ndarray  # str [n]: "train", "val" or "test"
    task: str  # "classification" or "regression"
    class_names: tuple[str, ...]  # in class-index order; empty for regression


# A plane over two of many features shows at most this many points (an even sample): more
# would only slow the plot, and the surface behind them is what the view is about.
MAX_PLANE_POINTS = 5000


def axis_names(spec: DataSpec) -> tuple[str, str] | None:
    """The two feature names of a 2-D spec, or None when the data is not two numeric features."""
    features = spec.features
    if len(features) != 2 or any(c.kind != "numeric" for c in features):
        return None
    return features[0].name, features[1].name


def numeric_features(spec: DataSpec) -> tuple[str, ...]:
    """The numeric feature columns: any two of them can span the output's plane."""
    return tuple(c.name for c in spec.features if c.kind == "numeric")


def points_from_spec(
    spec: DataSpec, frame: pd.DataFrame | None = None, features: tuple[str, str] | None = None
) -> DataPoints | None:
    """The points of `spec`'s data over two numeric features (`features`, default the two of
    a 2-D spec), or None when there are no such two or the data cannot be prepared."""
    # Imported here: pandas loads after the window's first paint.
    from core.dataset import load_frame, split_rows
    from core.labels import label_codes, sort_labels

    names = features or axis_names(spec)
    if names is None or not set(names) <= set(numeric_features(spec)):
        return None
    try:
        if frame is None:
            frame = load_frame(spec.source)
        split_of = split_rows(spec, frame)
    except (DataError, SpecError, OSError, ValueError):
        return None
    # The split training uses, without fitting or transforming anything: a million-row table
    # would otherwise hold the window up for seconds.
    parts = dict(zip(("train", "val", "test"), split_of.parts, strict=True))
    order = np.concatenate(list(parts.values()))
    split = np.concatenate([np.full(len(idx), name) for name, idx in parts.items()]).astype(str)
    table = split_of.table
    x = table[list(names)].to_numpy(dtype=np.float64, na_value=np.nan)[order]
    # A missing feature is imputed for training but has no place on a scatter plot.
    keep = np.isfinite(x).all(axis=1)
    if features is not None and keep.sum() > MAX_PLANE_POINTS:
        chosen = np.random.default_rng(0).choice(np.flatnonzero(keep), MAX_PLANE_POINTS, False)
        keep = np.zeros(len(keep), dtype=bool)
        keep[chosen] = True
    shown = table.iloc[order[keep]]
    column = shown[spec.target.name]
    if spec.task == "classification":
        # Classes as the model numbers them: sorted labels of the training rows.
        _, labels = label_codes(table[spec.target.name].iloc[parts["train"]])
        classes = sort_labels(set(labels))
        index = {label: i for i, label in enumerate(classes)}
        shown_codes, shown_labels = label_codes(column)
        lookup = np.array([index.get(label, -1) for label in shown_labels] + [-1], dtype=np.int64)
        target = lookup[shown_codes]
        return DataPoints(x[keep], target, split[keep], "classification", classes)
    # The raw target, not the standardised one the trainer sees: the plot speaks target units.
    target = column.to_numpy(dtype=np.float64, na_value=np.nan)
    return DataPoints(x[keep], target, split[keep], "regression", ())


def points_from_project(project: Project) -> DataPoints | None:
    """The points of the project's current data, or None when it is not 2-D."""
    return points_from_spec(project.data)
