"""Training loss of every step (faint) and of every epoch, and the validation loss."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QWidget

from app import theme
from app.plots.live_plot import LivePlot
from app.plots.series_buffer import SeriesBuffer
from core.events import BatchesEnded, EpochEnded


class LossPlot(LivePlot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Loss",
            "loss",
            log_toggle=True,
            log_y=True,
            tooltip="The loss the optimizer minimises: per step (faint), per epoch, and on the validation rows.",
            empty_text="Press Train: the loss of every step and epoch appears here.",
            empty_range=(0.001, 1.0),
            parent=parent,
        )
        t = theme.current()
        self.steps = SeriesBuffer(1, capacity=4096)
        self.epochs = SeriesBuffer(2, capacity=256)
        self.add_curve("step", t.train, self.steps, alpha=45, legend=False)
        self.add_curve("train", t.train, self.epochs, 0, width=2)
        self.add_curve("validation", t.val, self.epochs, 1, width=2)

    def add_batches(self, events: list[BatchesEnded]) -> None:
        xs = np.concatenate([e.first_step + np.arange(len(e.loss)) for e in events])
        self.steps.append(xs, np.concatenate([e.loss for e in events]))

    def add_epochs(self, events: list[EpochEnded]) -> None:
        xs = [e.step for e in events]
        self.epochs.append(xs, [[e.train_loss, e.val_loss] for e in events])
