"""The optimizer race's loss curves: each optimizer's batch loss per step (faint) and its running
mean (bold), in the optimizer's colour, on a log scale."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from app.plots.live_plot import LivePlot
from app.plots.series_buffer import SeriesBuffer

SMOOTHING_SHARE = 0.02  # the running mean spans this share of the race's steps (at least 1)
# Steps shown past the last one: pyqtgraph drops a tick label that would cross the axis' end,
# so a race of 1,000 steps in a view ending at 1,001 lost its "1000".
END_ROOM = 1.05


def running_mean(values: np.ndarray, window: int) -> np.ndarray:
    """The mean of the last `window` values at each step (of fewer at the start)."""
    total = np.concatenate([[0.0], np.cumsum(np.asarray(values, dtype=np.float64))])
    end = np.arange(1, len(total))
    start = np.maximum(0, end - max(1, window))
    return (total[end] - total[start]) / (end - start)


class RaceLossPlot(LivePlot):
    """Loss per step of each racing copy; `begin` names them, `set_losses` redraws them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Loss",
            "loss",
            log_toggle=True,
            log_y=True,
            tooltip="Each optimizer's training loss per step (faint) and its running mean.",
            empty_text="Press Start: each optimizer's loss appears here as it trains.",
            empty_range=(0.01, 1.0),
            legend_below=True,
            parent=parent,
        )
        self._raw: list[SeriesBuffer] = []
        self._mean: list[SeriesBuffer] = []
        self._window = 1

    def begin(self, names: list[str], colors: list[str], steps: int) -> None:
        self.remove_curves()
        self._raw = [SeriesBuffer(1, capacity=4096) for _ in names]
        self._mean = [SeriesBuffer(1, capacity=4096) for _ in names]
        self._window = max(1, round(steps * SMOOTHING_SHARE))
        for name, color, raw, mean in zip(names, colors, self._raw, self._mean, strict=True):
            self.add_curve(f"{name} (step)", color, raw, alpha=50, legend=False)
            self.add_curve(name, color, mean, width=2)
        self._show_empty(True)

    def set_losses(self, losses: list[np.ndarray]) -> None:
        """Each copy's losses from step 1 on (redrawn whole: a race holds at most 20,000)."""
        for values, raw, mean in zip(losses, self._raw, self._mean, strict=True):
            raw.clear()
            mean.clear()
            if len(values):
                steps = np.arange(1, len(values) + 1)
                raw.append(steps, values)
                mean.append(steps, running_mean(values, self._window))
        self.refresh()
        self.fit_view()

    def fit_view(self, force: bool = False) -> None:
        super().fit_view(force)
        last = max((raw.x[-1] for raw in self._raw if len(raw)), default=0.0)
        vb = self.plot.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        if self._following and last and x1 < last * END_ROOM:
            vb.setXRange(x0, last * END_ROOM, padding=0)
