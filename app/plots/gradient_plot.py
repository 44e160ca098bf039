"""The size (L2 norm) of each layer's gradient at every step, one line per layer, log scale."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app import theme
from app.plots.live_plot import LivePlot
from app.plots.series_buffer import SeriesBuffer
from app.widgets.learn_button import learn_button
from core.events import BatchesEnded

# A zero gradient has no logarithm; draw it at this floor rather than leave a hole.
FLOOR = 1e-12
SMOOTHING = 0.05  # weight of each new step in the running average: about the last 20 steps


class GradientPlot(LivePlot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Gradient size per layer",
            "gradient size",
            log_toggle=True,
            log_y=True,
            tooltip=(
                "How large each layer's gradient is (smoothed over about 20 steps): "
                "a line sinking towards zero means that layer has stopped learning."
            ),
            empty_text="One line per layer: how strongly each layer is being pushed.",
            empty_range=(1e-4, 1.0),
            legend_below=True,
            parent=parent,
        )
        # Each line is the size of one layer's ∂L/∂W, as backpropagation finds it.
        self.legend_row.addWidget(
            learn_button("backprop", self, self.plot), 0, Qt.AlignmentFlag.AlignTop
        )
        self.norms = SeriesBuffer(1, capacity=4096)
        # Its legend names the layers; the runs' dotted lines are named on the other plots.
        self.overlays.in_legend = False
        self.layer_names: tuple[str, ...] = ()
        self.layer_labels: tuple[str, ...] = ()
        self._smoothed: np.ndarray | None = None  # running log10-mean per layer

    def set_layers(self, names: tuple[str, ...], labels: tuple[str, ...]) -> None:
        """One line per trainable layer; keeps the history if the layers are the same."""
        if names == self.layer_names:
            if labels != self.layer_labels:  # e.g. another activation: rename, keep the history
                self.layer_labels = labels
                for curve, label in zip(self._curves, labels, strict=False):
                    curve.name = _short(label)
                self._show_legend()
            return
        self.remove_curves()
        self.layer_names, self.layer_labels = names, labels
        self.norms = SeriesBuffer(len(names), capacity=4096)
        self._smoothed = None
        series = theme.current().series
        for i, label in enumerate(labels):
            self.add_curve(_short(label), series[i % len(series)], self.norms, i, fmt="{:.3g}")

    def add_batches(self, events: list[BatchesEnded]) -> None:
        if not self.layer_names:
            return
        xs = np.concatenate([e.first_step + np.arange(len(e.loss)) for e in events])
        norms = np.concatenate([e.grad_norms for e in events])
        if norms.shape[1] != len(self.layer_names):
            return
        self.norms.append(xs, self._smooth(np.log10(np.maximum(norms, FLOOR))))

    def clear(self) -> None:
        self._smoothed = None
        super().clear()

    def _smooth(self, logs: np.ndarray) -> np.ndarray:
        """Exponential moving average in log space (a running geometric mean), per layer.

        Raw per-step norms jump by a decade from batch to batch and the lines hide each other;
        averaged, each layer's trend is readable.
        """
        out = np.empty_like(logs)
        state = logs[0] if self._smoothed is None else self._smoothed
        for i, row in enumerate(logs):
            state = state + SMOOTHING * (row - state)
            out[i] = state
        self._smoothed = state
        return 10.0**out


def _short(label: str) -> str:
    # "dense1: Dense 8, tanh" -> "dense1 (8, tanh)": legends have little room.
    name, _, rest = label.partition(": ")
    kind, _, details = rest.partition(" ")
    return f"{name} ({details})" if kind == "Dense" and details else name
