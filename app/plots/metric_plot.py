"""Accuracy (classification) or R² (regression) on the training and validation rows, per epoch."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import theme
from app.plots.live_plot import LivePlot
from app.plots.series_buffer import SeriesBuffer
from core.events import EpochEnded

TITLES = {"accuracy": ("Accuracy", "accuracy"), "r2": ("R²", "R²")}


class MetricPlot(LivePlot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Accuracy",
            "accuracy",
            tooltip="How often the predicted class is right (or R² for regression: 1 is a perfect fit).",
            empty_text="Measured on the training and validation rows after every epoch.",
            parent=parent,
        )
        t = theme.current()
        self.epochs = SeriesBuffer(2, capacity=256)
        self._train = self.add_curve("train", t.train, self.epochs, 0, width=2, fmt="{:.1%}")
        self._val = self.add_curve("validation", t.val, self.epochs, 1, width=2, fmt="{:.1%}")
        self.set_metric("accuracy")

    def set_metric(self, metric: str) -> None:
        title, label = TITLES.get(metric, (metric, metric))
        self.metric_name = metric
        self.title.setText(title)
        self.plot.getPlotItem().setLabel("left", label)
        fmt = "{:.1%}" if metric == "accuracy" else "{:.3f}"
        for curve in self._curves:
            curve.fmt = fmt
        # Accuracy on a fixed 0..1 scale: the curve's climb is the story, not the axis rescaling.
        self._auto_y = metric != "accuracy"
        self._empty_range = (0.0, 1.0)
        if metric == "accuracy":
            self.plot.getPlotItem().getViewBox().setYRange(0, 1, padding=0.02)
        else:
            self.fit_view(force=True)

    def add_epochs(self, events: list[EpochEnded]) -> None:
        if events and events[-1].metric != self.metric_name:
            self.set_metric(events[-1].metric)
        xs = [e.step for e in events]
        self.epochs.append(xs, [[e.train_metric, e.val_metric] for e in events])
