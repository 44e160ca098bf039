"""A growing x/y history in preallocated numpy arrays, thinned by half whenever it gets too long.

Curves draw views of these arrays with `setData`, so appending costs a copy of the new points and
a redraw costs no allocation. Memory stays bounded over 100,000+ steps: past `max_points`, every
other stored point is dropped and from then on only every `stride`-th new point is kept.
"""

from __future__ import annotations

import numpy as np

MAX_POINTS = 2**17


class SeriesBuffer:
    """x values (ascending) and `columns` y values per x."""

    def __init__(
        self, columns: int = 1, capacity: int = 1024, max_points: int = MAX_POINTS
    ) -> None:
        self.columns = columns
        self.max_points = max(2, max_points)
        self._x = np.empty(min(capacity, self.max_points))
        self._y = np.empty((len(self._x), columns))
        self.n = 0
        self.stride = 1  # keep one point in `stride` of those appended
        self._seen = 0  # points appended since the last clear, kept or not
        self.version = 0  # bumped on every change, so a plot can tell it must redraw
        # Bumped when stored points are dropped (clear, thinning): until then, points only append.
        self.generation = 0

    def __len__(self) -> int:
        return self.n

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    def y(self, column: int = 0) -> np.ndarray:
        return self._y[: self.n, column]

    def clear(self) -> None:
        self.n = self._seen = 0
        self.stride = 1
        self.version += 1
        self.generation += 1

    def append(self, x: np.ndarray | float, y: np.ndarray | float) -> None:
        """Append k points: x of shape [k] (or a scalar) and y of shape [k, columns] (or [k])."""
        xs = np.atleast_1d(np.asarray(x, dtype=np.float64))
        ys = np.asarray(y, dtype=np.float64).reshape(len(xs), self.columns)
        index = self._seen + np.arange(len(xs))
        self._seen += len(xs)
        keep = index % self.stride == 0
        xs, ys, index = xs[keep], ys[keep], index[keep]
        while self.n + len(xs) > self.max_points:
            self._halve()
            keep = index % self.stride == 0
            xs, ys, index = xs[keep], ys[keep], index[keep]
        if not len(xs):
            return
        end = self.n + len(xs)
        if end > len(self._x):
            self._grow(end)
        self._x[self.n : end] = xs
        self._y[self.n : end] = ys
        self.n = end
        self.version += 1

    def _halve(self) -> None:
        # Stored points are the appended ones numbered 0, s, 2s, ...: keeping every other
        # leaves 0, 2s, 4s, ..., which is what stride 2s would have kept from the start.
        kept = (self.n + 1) // 2
        self._x[:kept] = self._x[: self.n : 2]
        self._y[:kept] = self._y[: self.n : 2]
        self.n = kept
        self.stride *= 2
        self.version += 1
        self.generation += 1

    def _grow(self, needed: int) -> None:
        size = len(self._x)
        while size < needed:
            size *= 2
        size = min(size, self.max_points)
        x, y = np.empty(size), np.empty((size, self.columns))
        x[: self.n] = self._x[: self.n]
        y[: self.n] = self._y[: self.n]
        self._x, self._y = x, y
