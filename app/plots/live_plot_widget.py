"""The pyqtgraph plot inside a live plot, set up for being redrawn many times a second, and its
left axis, which labels a log scale readably."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from app import theme

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


def live_plot_widget(y_label: str, tooltip: str, log_y: bool) -> pg.PlotWidget:
    """A plot of values against training steps: no menu or buttons, horizontal grid lines, the
    view moved by the program (never auto-ranged), axes drawn from a cache."""
    plot = pg.PlotWidget(axisItems={"left": LogFriendlyAxis("left")})
    plot.setToolTip(tooltip)
    plot.setMinimumSize(160, 110)
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    # Horizontal grid lines only: each grid is redrawn with its axis, a cost paid per frame.
    item.showGrid(x=False, y=True, alpha=theme.current().grid_alpha)
    item.setLabel("bottom", "step")
    item.setLabel("left", y_label)
    item.getAxis("left").setWidth(54)
    for axis in ("left", "bottom"):
        item.getAxis(axis).enableAutoSIPrefix(False)
        # Redrawn from the pixmap unless its range or size changed: the curves' redraws
        # repaint the area under the grid lines, and would replay every tick label.
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    item.setLogMode(y=log_y)
    item.getViewBox().disableAutoRange()
    return plot
