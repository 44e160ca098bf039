"""Where the output plot looks: the box around the data, the surface's grid, the colour range.

Plain numbers, no Qt: the box the view shows (`data_box`), the surface's wider box (`grow`), the
cell centres the model is evaluated at (`grid_points`) and the range regression colours span
(`value_range`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Box", "data_box", "grid_points", "grow", "value_range"]

Box = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax


def grid_points(extent: tuple[float, float, float, float], size: int) -> np.ndarray:
    """float64 [size * size, 2]: cell centres of a size x size surface over `extent`.

    Evaluate the model at these and `reshape(size, size)` the outputs for `set_surface`.
    """
    xmin, xmax, ymin, ymax = extent
    xs = xmin + (np.arange(size) + 0.5) * (xmax - xmin) / size
    ys = ymin + (np.arange(size) + 0.5) * (ymax - ymin) / size
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def data_box(x: np.ndarray) -> tuple[Box, bool]:
    """What the plot shows: the points' bounding box with a margin, and whether to lock aspect.

    When both features have comparable spans the box is made square and both axes share one
    scale, so circles look round; otherwise each axis gets its own scale.
    """
    finite = x[np.isfinite(x).all(axis=1)] if len(x) else x
    if len(finite) == 0:
        return (-6.0, 6.0, -6.0, 6.0), True
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, np.maximum(np.abs(lo), 1.0))
    mid = (lo + hi) / 2
    square = span.max() / span.min() < 3
    if square:
        span = np.full(2, span.max())
    half = span * 0.55  # 5% margin on each side
    return (
        float(mid[0] - half[0]),
        float(mid[0] + half[0]),
        float(mid[1] - half[1]),
        float(mid[1] + half[1]),
    ), bool(square)


def grow(box: Box, fraction: float) -> Box:
    """`box` widened by `fraction` of its width and height on each side."""
    xmin, xmax, ymin, ymax = box
    dx, dy = (xmax - xmin) * fraction, (ymax - ymin) * fraction
    return (xmin - dx, xmax + dx, ymin - dy, ymax + dy)


def value_range(values: np.ndarray) -> tuple[float, float]:
    """Colour range for regression values: symmetric about 0 when they straddle it."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return (-1.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo < 0 < hi:
        m = max(-lo, hi)
        return (-m, m)
    if lo == hi:
        return (lo - 1.0, hi + 1.0)
    return (lo, hi)
