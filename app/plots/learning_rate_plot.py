"""The learning rate in use, per epoch and wherever it was changed while training ran."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app import theme
from app.plots.live_plot import LivePlot
from app.plots.series_buffer import SeriesBuffer
from core.events import EpochEnded


class LearningRatePlot(LivePlot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Learning rate",
            "learning rate",
            log_toggle=True,
            log_y=False,
            tooltip="The step size the optimizer used: changed by the schedule or by you while training.",
            empty_text="Changes made by the schedule, or by you while training, show here.",
            parent=parent,
        )
        self.values = SeriesBuffer(1, capacity=256)
        self.add_curve(
            "learning rate", theme.current().train, self.values, width=2, legend=False, fmt="{:.4g}"
        )
        self._factor = 1.0  # the schedule's factor, learned from what the engine reports
        self._base = 0.0

    def data_y_range(self) -> tuple[float, float] | None:
        data = super().data_y_range()
        if data is None or self.log_y:
            return data
        # From zero up: a constant rate reads as a flat line at its value, not as noise
        # magnified around it.
        return 0.0, data[1] if data[1] > 0 else 1.0

    def begin(self, base: float, step: int) -> None:
        self._base = base
        if step == 0:
            self._factor = 1.0
        self.values.append(step, base * self._factor)

    def add_epochs(self, events: list[EpochEnded]) -> None:
        for e in events:
            if self._base > 0:
                self._factor = e.learning_rate / self._base
        self.values.append([e.step for e in events], [e.learning_rate for e in events])

    def base_changed(self, step: int, base: float) -> None:
        self._base = base
        self.values.append(step, base * self._factor)
