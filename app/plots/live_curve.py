"""A live plot's parts below the widget: a curve and what it remembers between redraws, the
marks where a setting changed, the curves' values under the mouse, and the left axis that
labels a log scale readably."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app import theme
from app.plots.series_buffer import SeriesBuffer

__all__ = ["LiveCurve", "LogFriendlyAxis", "marker_line", "solid_name", "values_at"]


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


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PLAIN_DECADES = (-2, 2)  # 0.01 to 100 read best as plain numbers; beyond, as powers of ten


def log_tick_label(exponent: float) -> str:
    """The label of the tick at 10**exponent: "0.01", "5", "100", "10⁻⁴", "2·10⁻⁶"; never wider
    than the axis' fixed width (pyqtgraph wrote "0.0001" under the axis title, "10⁻⁶" below it)."""
    decade = int(np.floor(exponent + 1e-9))
    mantissa = round(10 ** (exponent - decade), 3)
    if mantissa >= 10:  # rounding up into the next decade
        decade, mantissa = decade + 1, 1.0
    if PLAIN_DECADES[0] <= decade <= PLAIN_DECADES[1]:
        return f"{mantissa * 10.0**decade:g}"
    power = "10" + str(decade).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


class LogFriendlyAxis(pg.AxisItem):
    """Log-scale labels in one notation (`log_tick_label`); on a scale spanning few decades,
    only 1, 2 and 5 of each decade are labelled.

    pyqtgraph labels every minor tick (0.2, 0.3, ... 0.9) then, and the labels run into each other.
    """

    def logTickStrings(self, values, scale, spacing):
        strings = [log_tick_label(float(v)) for v in values]
        powers = [abs(v - round(v)) < 1e-6 for v in values]
        if any(powers):
            # "2·10⁻⁴" is wider than the axis: beside a power of ten, only plain numbers.
            strings = [s if p or "·" not in s else "" for s, p in zip(strings, powers, strict=True)]
        if len(values) <= 6:
            return strings
        mantissas = [round(10 ** (v - np.floor(v)), 3) for v in values]
        return [s if m in (1.0, 2.0, 5.0) else "" for s, m in zip(strings, mantissas, strict=True)]


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


def marker_line(x: float, text: str) -> pg.InfiniteLine:
    """A dashed vertical line at step `x`, labelled `text`: where a setting was changed."""
    t = theme.current()
    line = pg.InfiniteLine(
        pos=x,
        angle=90,
        movable=False,
        pen=pg.mkPen(t.marker, width=1, style=Qt.PenStyle.DashLine),
        label=text,
        labelOpts={"position": 0.92, "color": t.marker, "anchors": [(0, 0), (0, 0)]},
    )
    line.setToolTip(text)
    return line


def solid_name(color: QColor) -> str:
    """The colour's name (#rrggbb), without its transparency."""
    return QColor(color.red(), color.green(), color.blue()).name()
