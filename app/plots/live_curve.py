"""A live plot's curves: a curve and what it remembers between redraws, and the curves' values
under the mouse."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.plots.series_buffer import SeriesBuffer

__all__ = ["LiveCurve", "solid_name", "values_at"]


@dataclass
class LiveCurve:
    """A curve of a live plot: its item, the buffer column it draws, what it last drew."""

    name: str
    item: pg.PlotDataItem
    buffer: SeriesBuffer
    column: int
    drawn_version: int = -1
    fmt: str = "{:.4g}"
    in_legend: bool = True
    # Lowest and highest value so far, for (buffer generation, log scale), over the first n points:
    # appended points update it, so a redraw does not scan the whole history.
    extent_key: tuple[int, bool] | None = None
    extent_n: int = 0
    extent: tuple[float, float] | None = None

    def value_extent(self, log: bool) -> tuple[float, float] | None:
        """Lowest and highest finite value (positive ones only on a log scale)."""
        buffer = self.buffer
        key = (buffer.generation, log)
        if key != self.extent_key or buffer.n < self.extent_n:
            self.extent_key, self.extent_n, self.extent = key, 0, None
        new = buffer.y(self.column)[self.extent_n :]
        self.extent_n = buffer.n
        if log:
            new = new[new > 0]
        new = new[np.isfinite(new)]
        if len(new):
            low, high = float(new.min()), float(new.max())
            if self.extent is not None:
                low, high = min(low, self.extent[0]), max(high, self.extent[1])
            self.extent = (low, high)
        return self.extent


def values_at(curves: Sequence[LiveCurve], x: float) -> tuple[str, float | None]:
    """Each curve's value at its point nearest to `x`, as rich text, and the step of the point
    nearest of all (None when no curve has any)."""
    parts, nearest_x = [], None
    for curve in curves:
        xs = curve.buffer.x
        if not len(xs):
            continue
        i = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
        if i > 0 and abs(xs[i - 1] - x) < abs(xs[i] - x):
            i -= 1
        value = curve.buffer.y(curve.column)[i]
        if nearest_x is None or abs(xs[i] - x) < abs(nearest_x - x):
            nearest_x = xs[i]
        color = solid_name(curve.item.opts["pen"].color())
        value_text = curve.fmt.format(value)
        parts.append(f"<span style='color:{color}'>{curve.name}</span>&nbsp;<b>{value_text}</b>")
    return " · ".join(parts), nearest_x


def solid_name(color: QColor) -> str:
    """The colour's name (#rrggbb), without its transparency."""
    return QColor(color.red(), color.green(), color.blue()).name()
