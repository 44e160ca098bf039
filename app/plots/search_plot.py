"""A search's score against trial: finished trials as dots, pruned ones as crosses at their last
score, and the best so far as a step line. One scatter item per kind, refilled as trials end."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from app import theme
from app.plots.evaluation_plots import _Plot as StillPlot
from core.search.results import TrialResult


class TrialAxis(pg.AxisItem):
    """Trial numbers: whole numbers only (pyqtgraph would tick 0.5 between two trials)."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = [
            (spacing, [v for v in values if float(v).is_integer()])
            for spacing, values in super().tickValues(minVal, maxVal, size)
            if spacing >= 1
        ]
        if not levels:  # a range under one trial wide
            levels = [(1.0, list(range(math.ceil(minVal), math.floor(maxVal) + 1)))]
        return levels


class SearchPlot(StillPlot):
    """Score (the searched metric) of each trial, by the study's trial number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "trial",
            "score",
            "Each trial's score: dots finished, crosses stopped early by the pruner (at their "
            "last epoch's score); the line is the best so far.",
            parent,
        )
        t = theme.current()
        item = self.getPlotItem()
        item.setAxisItems({"bottom": TrialAxis("bottom")})
        self.set_labels("trial", "score")
        self._apply_theme()
        item.showGrid(x=True, y=True, alpha=t.grid_alpha)
        self.best_line = pg.PlotDataItem(
            stepMode="left", pen=pg.mkPen(t.val, width=1), name="best so far"
        )
        self.complete = pg.ScatterPlotItem(
            size=8, brush=pg.mkBrush(t.train), pen=pg.mkPen(None), name="finished"
        )
        self.pruned = pg.ScatterPlotItem(
            size=9,
            symbol="x",
            brush=pg.mkBrush(t.muted),
            pen=pg.mkPen(t.muted),
            name="pruned (when stopped)",
        )
        for part in (self.best_line, self.complete, self.pruned):
            item.addItem(part)
        self.results: list[TrialResult] = []
        self.minimise = True

    def start(self, y_label: str, minimise: bool, earlier: Sequence[TrialResult] = ()) -> None:
        """A new search: `earlier`, the trials its study already holds, are drawn with it."""
        self.results = list(earlier)
        self.minimise = minimise
        self.getPlotItem().setLabel("left", y_label)
        self._redraw()

    def add(self, result: TrialResult) -> None:
        self.results.append(result)
        self._redraw()

    def _redraw(self) -> None:
        scored = [(r.number, r) for r in self.results if _finite(r.score)]
        done = [(x, r.score) for x, r in scored if r.state == "complete"]
        cut = [(x, r.score) for x, r in scored if r.state == "pruned"]
        self.complete.setData(*_columns(done))
        self.pruned.setData(*_columns(cut))
        xs, best = [], []
        current = math.nan
        for x, score in done:
            if math.isnan(current) or (score < current if self.minimise else score > current):
                current = score
            xs.append(x)
            best.append(current)
        if xs:  # the line runs on to the last trial, whatever ended it
            xs.append(self.results[-1].number)
            best.append(current)
        self.best_line.setData(np.array(xs, dtype=float), np.array(best, dtype=float))
        box = self.getPlotItem().getViewBox()
        if self.results:
            box.autoRange(padding=0.08)
        else:  # nothing yet: the first trials' numbers, not 0.1 to 0.9
            box.setRange(xRange=(0, 10), yRange=(0, 1), padding=0.02)


def legend_html() -> str:
    """The plot's key, for a label above it (a key on the plot would hide the points)."""
    t = theme.current()
    return (
        f"<span style='color:{t.train}'>●</span> finished &nbsp; "
        f"<span style='color:{t.muted}'>✕</span> pruned (score when stopped) &nbsp; "
        f"<span style='color:{t.val}'>━</span> best so far"
    )


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def _columns(points: list[tuple[int, float | None]]) -> tuple[np.ndarray, np.ndarray]:
    if not points:
        return np.zeros(0), np.zeros(0)
    xs, ys = zip(*points, strict=True)
    return np.array(xs, dtype=float), np.array(ys, dtype=float)
