"""Earlier runs drawn under a live plot's curves: faded, in each run's own colour, named in the
legend, the running run on top.

Each overlaid curve is created once, when its run is ticked, and given its points once (a run's
curves are at most `core.runs.MAX_POINTS` points and never change while it is drawn); a redraw
of the live curves costs them nothing but their repaint. Unticked, the curve is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from core.runs import (
    GRADIENT,
    LEARNING_RATE,
    LOSS_STEP,
    LOSS_TRAIN,
    LOSS_VAL,
    METRIC_TRAIN,
    METRIC_VAL,
    Curve,
    RunRecord,
)

# Tableau 10's hues, in an order that keeps the first runs apart from the live run's blue
# (training) and orange (validation) and from the gradient plot's first layers (blue, orange,
# green, red: theme.series).
RUN_COLORS = (
    "#9467bd",
    "#e377c2",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#2ca02c",
    "#d62728",
)
SOLID, DASHED, DOTTED = Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine
FADED_ALPHA = 150  # of 255: an earlier run reads as background to the live one
Z_BELOW_LIVE = -5


def run_color(number: int) -> str:
    """The colour run `number` is drawn in, the same on every plot and in the table."""
    return RUN_COLORS[(number - 1) % len(RUN_COLORS)]


def record_color(run: RunRecord) -> str:
    """A run's colour: its own where it has one (a race copy's is its optimizer's)."""
    return run.color or run_color(run.number)


@dataclass(frozen=True, eq=False)
class Overlay:
    """One curve of an earlier run on one plot."""

    key: tuple[int, str]  # (run number, curve name)
    name: str  # the run's name, for the legend
    color: str
    curve: Curve
    # Validation curves dashed (the live plot tells them apart by colour); gradient curves
    # dotted, apart from the live layers' solid lines.
    style: Qt.PenStyle = Qt.PenStyle.SolidLine


class PlotOverlays:
    """The overlaid curves of one plot."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self._plot = plot
        self.in_legend = True  # the runs named in the plot's legend
        self._items: dict[tuple[int, str], tuple[pg.PlotDataItem, Overlay]] = {}
        # Lowest and highest x, y and positive y over all overlays (None when there are none).
        self._extent: tuple[float, float, float, float, float] | None = None

    def __bool__(self) -> bool:
        return bool(self._items)

    def set(self, overlays: Sequence[Overlay]) -> bool:
        """Draw exactly `overlays`; returns whether anything changed."""
        wanted = {o.key: o for o in overlays}
        changed = False
        for key in list(self._items):
            if key not in wanted:
                self._plot.removeItem(self._items.pop(key)[0])
                changed = True
        for key, overlay in wanted.items():
            shown = self._items.get(key)
            if shown is not None and shown[1].curve is overlay.curve:
                if shown[1].name != overlay.name:
                    self._items[key] = (shown[0], overlay)
                    changed = True
                continue
            item = shown[0] if shown is not None else self._new_item(overlay)
            item.setData(np.asarray(overlay.curve.x), np.asarray(overlay.curve.y))
            self._items[key] = (item, overlay)
            changed = True
        if changed:
            self._extent = _extent([o.curve for _, o in self._items.values()])
        return changed

    def _new_item(self, overlay: Overlay) -> pg.PlotDataItem:
        color = QColor(overlay.color)
        color.setAlpha(FADED_ALPHA)
        item = pg.PlotDataItem(pen=pg.mkPen(color, width=1, style=overlay.style), connect="finite")
        item.setZValue(Z_BELOW_LIVE)
        self._plot.addItem(item)
        item.setClipToView(True)
        return item

    def x_extent(self) -> tuple[float, float] | None:
        e = self._extent
        return None if e is None else (e[0], e[1])

    def y_extent(self, log: bool) -> tuple[float, float] | None:
        e = self._extent
        if e is None:
            return None
        low = e[4] if log else e[2]
        return None if not np.isfinite(low) else (low, e[3])

    def legend(self) -> list[tuple[str, str]]:
        """(name, colour) of each run drawn, once each, in the order ticked."""
        seen: dict[int, tuple[str, str]] = {}
        if not self.in_legend:
            return []
        for _item, overlay in self._items.values():
            seen.setdefault(overlay.key[0], (overlay.name, overlay.color))
        return list(seen.values())


def _extent(curves: list[Curve]) -> tuple[float, float, float, float, float] | None:
    xs = [np.asarray(c.x) for c in curves if len(c.x)]
    ys = [np.asarray(c.y) for c in curves if len(c.y)]
    if not xs:
        return None
    x, y = np.concatenate(xs), np.concatenate(ys)
    y = y[np.isfinite(y)]
    if not len(y):
        return None
    positive = y[y > 0]
    low_positive = float(positive.min()) if len(positive) else float("nan")
    return float(x.min()), float(x.max()), float(y.min()), float(y.max()), low_positive


def overlays_for(runs: Sequence[RunRecord], metric: str) -> tuple[list[Overlay], ...]:
    """The overlays of the loss, metric, gradient and learning-rate plots for `runs`: training
    curves solid, validation dashed; the metric plot only the runs measuring `metric`."""
    loss: list[Overlay] = []
    metric_plot: list[Overlay] = []
    gradients: list[Overlay] = []
    rates: list[Overlay] = []

    def add(into: list[Overlay], run: RunRecord, name: str, style: Qt.PenStyle = SOLID) -> None:
        curve = run.curve(name)
        if curve is not None and len(curve.x):
            into.append(Overlay((run.number, name), run.name, record_color(run), curve, style))

    for run in runs:
        add(loss, run, LOSS_TRAIN)
        add(loss, run, LOSS_VAL, DASHED)
        if run.curve(LOSS_TRAIN) is None:  # a race's copy: its loss at every step
            add(loss, run, LOSS_STEP)
        if run.metric == metric:
            add(metric_plot, run, METRIC_TRAIN)
            add(metric_plot, run, METRIC_VAL, DASHED)
        for layer, _curve in run.gradient_curves:
            add(gradients, run, GRADIENT + layer, DOTTED)
        add(rates, run, LEARNING_RATE)
    return loss, metric_plot, gradients, rates
