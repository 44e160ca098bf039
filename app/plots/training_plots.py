"""The four live plots of a training run, redrawn together on one timer (at most 20 times a second).

Incoming events only append to the plots' buffers and mark them dirty; the timer redraws. The
timer runs while data keeps arriving and stops itself once a redraw found nothing new.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QGridLayout, QWidget

from app.plots.gradient_plot import GradientPlot
from app.plots.learning_rate_plot import LearningRatePlot
from app.plots.loss_plot import LossPlot
from app.plots.metric_plot import MetricPlot
from app.plots.run_overlays import overlays_for
from core.events import BatchesEnded, EpochEnded, HyperparameterChanged, TrainStarted
from core.runs import RunRecord

# The timer redraws one plot per tick, in turn: each plot then updates 10 times a second, and
# no single stretch of drawing holds the GUI thread for the cost of all four (measured: the four
# together held it 40-60 ms, one at a time 10-15 ms).
REDRAW_INTERVAL_MS = 25

LABELS = {"learning_rate": "lr", "weight_decay": "decay", "l1": "L1", "l2": "L2"}


class TrainingPlots(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss = LossPlot()
        self.accuracy = MetricPlot()
        self.gradients = GradientPlot()
        self.learning_rate = LearningRatePlot()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        grid.addWidget(self.loss, 0, 0)
        grid.addWidget(self.accuracy, 0, 1)
        grid.addWidget(self.gradients, 1, 0)
        grid.addWidget(self.learning_rate, 1, 1)
        for i in (0, 1):  # equal shares, whatever each plot's header holds
            grid.setRowStretch(i, 1)
            grid.setColumnStretch(i, 1)
        for plot in self.plots[1:]:
            plot.follow_x(self.loss)
        self.loss.steps_moved.connect(self._on_steps_moved)
        self.redraws = 0  # plot redraws so far (tests and benchmarks read it)
        self._stale: set[int] = set()  # plots with news not drawn yet
        self._turn = 0
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._on_redraw_due)

    @property
    def plots(self) -> tuple[LossPlot, MetricPlot, GradientPlot, LearningRatePlot]:
        return (self.loss, self.accuracy, self.gradients, self.learning_rate)

    # --- events in ------------------------------------------------------------------------------

    def begin(self, started: TrainStarted, base_learning_rate: float) -> None:
        """A run started; a run from step 0 starts the plots afresh, a continued one adds to them."""
        if started.step == 0:
            self.clear()
        self.accuracy.set_metric(started.metric)
        self.gradients.set_layers(started.layer_names, started.layer_labels)
        self.learning_rate.begin(base_learning_rate, started.step)
        self._touch()

    def add_batches(self, events: list[BatchesEnded]) -> None:
        if events:
            self.loss.add_batches(events)
            self.gradients.add_batches(events)
            self._touch()

    def add_epochs(self, events: list[EpochEnded]) -> None:
        if events:
            self.loss.add_epochs(events)
            self.accuracy.add_epochs(events)
            self.learning_rate.add_epochs(events)
            self._touch()

    def mark_change(self, event: HyperparameterChanged) -> None:
        """Draw a dashed line on every plot where a setting was changed while training ran."""
        text = f"{LABELS.get(event.name, event.name)} {event.value:g}"
        for plot in self.plots:
            plot.add_marker(event.step, text)
        if event.name == "learning_rate":
            self.learning_rate.base_changed(event.step, event.value)
        self._touch()

    def clear(self) -> None:
        for plot in self.plots:
            plot.clear()

    def show_runs(self, runs: list[RunRecord]) -> None:
        """Draw these earlier runs under the live curves (none: take them all away)."""
        accuracy = self.accuracy
        if runs and not len(accuracy.epochs):
            accuracy.set_metric(runs[-1].metric)  # nothing live: the plot shows the runs' metric
        for plot, overlays in zip(
            self.plots, overlays_for(runs, accuracy.metric_name), strict=True
        ):
            plot.set_overlays(overlays)

    # --- drawing ------------------------------------------------------------------------------

    def _touch(self) -> None:
        self._stale = set(range(len(self.plots)))
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_steps_moved(self) -> None:
        # The others take the loss plot's new steps on their turns, one per tick.
        self._stale |= set(range(1, len(self.plots)))
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_redraw_due(self) -> None:
        if not self._stale:
            self._timer.stop()
            return
        while self._turn not in self._stale:
            self._turn = (self._turn + 1) % len(self.plots)
        self._stale.discard(self._turn)
        self.plots[self._turn].refresh()
        self._turn = (self._turn + 1) % len(self.plots)
        self.redraws += 1

    def refresh(self) -> None:
        """Redraw every plot now."""
        self._stale.clear()
        self.redraws += 1
        for plot in self.plots:
            plot.refresh()
