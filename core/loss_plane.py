"""The plane a loss landscape is drawn on (Li et al., "Visualizing the Loss Landscape of Neural
Nets", 2018, section 7): numpy only, so it is tested without torch.

The plane passes through the initial weights and is spanned by the two principal directions of
the trajectories' displacements from there. The displacements are not mean-centred, because
the plane is anchored at the start rather than at the paths' mean: then the share of variance
the plane holds is exactly 1 - (squared distance of the path points from the plane) /
(squared distance of the path points from the start), the number a user needs to judge how
much a flat picture hides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# Each optimizer's trajectory keeps at most this many weight vectors (evenly spread steps)...
MAX_PATH_POINTS = 200
# ... and all of them together at most this many bytes (float32), so a wide network keeps fewer.
PATH_MEMORY_BYTES = 256 * 2**20
MIN_PATH_POINTS = 3  # the start, the middle and the end at the least
# The map's border lies this share of the paths' extent beyond the farthest point.
MARGIN = 0.25
# Neither axis of the map covers less than this share of the other: a path that barely leaves
# the first direction still gets a readable band around it.
MIN_ASPECT = 0.25

# eigh(symmetric matrix) -> (eigenvalues ascending, eigenvectors as columns), as numpy's.
Eigh = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, eq=False)
class PathPlane:
    """Two orthonormal directions in weight space and the paths' coordinates along them."""

    directions: np.ndarray  # float64 [2, P], unit rows, orthogonal
    paths: tuple[np.ndarray, ...]  # float64 [T_i, 2] per trajectory
    variance_share: float  # in [0, 1]: how much of the displacements the plane holds
    direction_shares: tuple[float, float] = (0.0, 0.0)  # each direction's part of it


def recorded_steps(steps: int, parameters: int, trajectories: int) -> np.ndarray:
    """The steps (0 = the start, `steps` = the end) at which each trajectory keeps its weights:
    evenly spread, at most MAX_PATH_POINTS and within PATH_MEMORY_BYTES for all trajectories."""
    if steps < 0:
        raise ValueError(f"steps must be at least 0, not {steps}")
    per_point = 4 * max(parameters, 1) * max(trajectories, 1)
    budget = max(MIN_PATH_POINTS, min(MAX_PATH_POINTS, PATH_MEMORY_BYTES // per_point))
    return np.unique(np.round(np.linspace(0, steps, min(budget, steps + 1))).astype(np.int64))


def principal_plane(
    trajectories: Sequence[np.ndarray],
    origin: np.ndarray,
    fitted: Sequence[bool] | None = None,
    eigh: Eigh = np.linalg.eigh,
) -> PathPlane:
    """The plane through `origin` spanned by the first two principal directions of the
    trajectories' points minus `origin` (rows: points, columns: weights), and each trajectory's
    coordinates on it. With `fitted`, only the trajectories it marks True define the plane and
    its share (a diverged path, far off, would take the plane for itself); all are projected.
    Each direction's sign puts the fitted paths' last points on its positive side on average,
    so the picture does not flip as steps are added. `eigh` is numpy's unless the caller has a
    faster one (numpy's OpenBLAS threads spin against a busy training process: 0.2 s for a
    160 x 160 matrix on a loaded 2-core machine, against 3.5 ms for torch's on one thread)."""
    origin = np.asarray(origin, dtype=np.float64).ravel()
    displaced = [
        np.asarray(t, dtype=np.float64).reshape(-1, origin.size) - origin for t in trajectories
    ]
    use = [d for d, f in zip(displaced, fitted or [True] * len(displaced), strict=True) if f]
    stacked = np.concatenate(use) if use else np.zeros((0, origin.size))
    total = float(np.square(stacked).sum())
    directions = np.zeros((2, origin.size))
    share = 1.0  # nothing moved: the plane misses nothing
    parts = [0.0, 0.0]
    if total > 0:
        top = _top_directions(stacked, eigh)
        k = len(top)
        directions[:k] = top
        # Each direction's squared length of the projections over the whole squared length.
        parts[:k] = (np.square(stacked @ top.T).sum(axis=0) / total).tolist()
        share = float(sum(parts))
        ends = np.array([d[-1] for d in use if len(d)])
        for i in range(k):
            if (ends @ directions[i]).sum() < 0:
                directions[i] = -directions[i]
    paths = tuple(d @ directions.T for d in displaced)
    return PathPlane(directions, paths, min(max(share, 0.0), 1.0), (parts[0], parts[1]))


def _top_directions(x: np.ndarray, eigh: Eigh) -> np.ndarray:
    """The (up to) two leading right singular vectors of `x` [points, weights], from the
    eigenvectors of the smaller of its two Gram matrices (cheaper than a full SVD)."""
    if x.shape[0] >= x.shape[1]:
        values, vectors = eigh(x.T @ x)  # ascending
        top = vectors[:, ::-1][:, :2].T
    else:
        values, u = eigh(x @ x.T)
        values, u = values[::-1][:2], u[:, ::-1][:, :2]
        keep = values > values[0] * 1e-12
        top = (x.T @ u[:, keep] / np.sqrt(values[keep])).T
    top = top[: min(2, *x.shape)]
    return top / np.linalg.norm(top, axis=1, keepdims=True)


def map_extent(paths: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    """(x min, x max, y min, y max) of a map holding the start (0, 0) and every path point, with
    a MARGIN around them, neither axis shorter than MIN_ASPECT of the other."""
    points = [np.zeros((1, 2))] + [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in paths]
    stacked = np.concatenate(points)
    stacked = stacked[np.isfinite(stacked).all(axis=1)]
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    span = high - low
    longest = float(span.max())
    if longest == 0:
        longest = 1.0  # no path left the start: a unit square around it
    span = np.maximum(span, MIN_ASPECT * longest)
    centre = (low + high) / 2
    half = span * (0.5 + MARGIN)
    return (
        float(centre[0] - half[0]),
        float(centre[0] + half[0]),
        float(centre[1] - half[1]),
        float(centre[1] + half[1]),
    )


def grid_coordinates(extent: tuple[float, float, float, float], size: int) -> np.ndarray:
    """[size * size, 2] (a, b) coordinates at the centres of a size x size grid over `extent`,
    row by row from y min (the layout of messages.Snapshot's grids)."""
    x0, x1, y0, y1 = extent
    xs = x0 + (np.arange(size) + 0.5) * (x1 - x0) / size
    ys = y0 + (np.arange(size) + 0.5) * (y1 - y0) / size
    a, b = np.meshgrid(xs, ys)
    return np.stack([a.ravel(), b.ravel()], axis=1)


def surface_grid_size(
    parameters: int, rows: int, largest: int, smallest: int, budget: float
) -> int:
    """Grid points per side: `largest`, fewer when a forward pass over `rows` rows for each of
    size**2 points would cost more than `budget` multiply-adds (about rows * parameters each)."""
    per_point = max(rows, 1) * max(parameters, 1)
    fits = int(np.sqrt(budget / per_point))
    return int(min(largest, max(smallest, fits)))
