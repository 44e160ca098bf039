"""Compare optimizers: race copies of the network, one per optimizer, from the same weights on the
same batches, and watch their losses and their paths across the loss surface.

The dialog chooses and draws; the training process trains the copies (`RaceOptimizers`) and
leaves the user's own model as it was. Editing the data or the network ends a race (the engine
rebuilds the model, which ends it there), and so does Stop or closing the dialog.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.screen_fit import fitting_size
from app.engine_link import EngineLink
from app.plots.race_loss_plot import RaceLossPlot
from app.plots.race_map import RaceMap
from app.project import Project
from app.race_runs import final_loss
from app.run import Run, RunState
from app.widgets.log_spin_box import LogSpinBox
from core.data_spec import DataSpec
from core.optimizers import OPTIMIZERS
from core.race_spec import (
    DEFAULT_RACE,
    DEFAULT_RACE_STEPS,
    MAX_RACE_STEPS,
    RaceEntry,
    RaceRecord,
    race_problems,
)
from core.spec import NetworkSpec, TrainConfig
from core.training_process.commands import RaceOptimizers, StopRace
from core.training_process.messages import Failed, RaceFinished, RaceProgress

# The default race, then the other optimizers of the registry, unticked.
OFFERED: tuple[tuple[RaceEntry, bool], ...] = (
    *((e, True) for e in DEFAULT_RACE),
    (RaceEntry("adamw", 0.01), False),
    (RaceEntry("adagrad", 0.01), False),
)
SIZE = (1180, 720)
REDRAW_MS = 100  # progress is drawn at most this often


# The optimizers' colours, kept by their copies' runs in the Runs table and on the Training
# plots: Tableau hues without the live run's blue (training) and orange (validation), which a
# ticked copy would otherwise share with the live curves it is drawn beside.
RACE_COLORS = ("#e377c2", "#bcbd22", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#17becf")


def entry_color(index: int) -> str:
    return RACE_COLORS[index % len(RACE_COLORS)]


class _EntryRow:
    """One optimizer's line: ticked or not, its learning rate and (where it has one) momentum."""

    def __init__(self, entry: RaceEntry, ticked: bool, index: int) -> None:
        self.entry = entry
        self.color = entry_color(index)
        self.check = QCheckBox(entry.name)
        self.check.setChecked(ticked)
        self.check.setToolTip(OPTIMIZERS[entry.optimizer].description)
        self.swatch = QLabel("■")
        self.swatch.setStyleSheet(f"color: {self.color};")
        self.lr = LogSpinBox(1e-6, 10.0)
        self.lr.setValue(entry.learning_rate)
        self.lr.setToolTip(f"{entry.name}'s learning rate.")
        self.momentum = QDoubleSpinBox()
        self.momentum.setRange(0.0, 0.999)
        self.momentum.setDecimals(3)
        self.momentum.setSingleStep(0.05)
        self.momentum.setValue(entry.momentum)
        has_momentum = "momentum" in OPTIMIZERS[entry.optimizer].settings
        self.momentum.setEnabled(has_momentum)
        self.momentum.setToolTip(
            "How much of the last step each step keeps." if has_momentum else "No momentum."
        )

    def value(self) -> RaceEntry:
        return RaceEntry(
            self.entry.optimizer, self.lr.value(), self.momentum.value(), self.entry.name
        )


class RaceDialog(QDialog):
    """Settings on the left; the map of the paths and the loss curves on the right."""

    race_finished = Signal(object)  # RaceFinished of a race this dialog started

    def __init__(
        self, engine: EngineLink, run: Run, project: Project, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare optimizers")
        self.engine, self.run, self.project = engine, run, project
        self.race = 0  # the number of the race on its way (or last started)
        self.racing = False
        self.records: tuple[RaceRecord, ...] = ()  # the last race's, once it ended
        # The design the last race started from (data, network, training settings): with each
        # record's `entry.train_config(config)`, all a run history needs to keep a copy as a run.
        self.started_with: tuple[DataSpec, NetworkSpec, TrainConfig] | None = None
        self.colors: list[str] = []  # the last race's, one per entry, as its copies are drawn
        self._entries: tuple[RaceEntry, ...] = ()
        self._losses: list[np.ndarray] = []
        self._progress: RaceProgress | None = None
        self._stop_reason = ""
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self._on_redraw_due)

        self.rows = [_EntryRow(e, ticked, i) for i, (e, ticked) in enumerate(OFFERED)]
        self.steps = QSpinBox()
        self.steps.setRange(1, MAX_RACE_STEPS)
        self.steps.setSingleStep(100)
        self.steps.setGroupSeparatorShown(True)
        self.steps.setValue(DEFAULT_RACE_STEPS)
        self.steps.setToolTip("Optimizer steps (batches) each copy trains for.")
        self.start_from = QComboBox()
        self.start_from.addItem("Fresh weights (the seed's)", False)
        self.start_from.addItem("The current weights", True)
        self.start_from.setToolTip(
            "Where every copy starts: the weights Train starts from (Reset), or the model's now."
        )
        self.start_button = QPushButton("Start")
        self.start_button.setProperty("role", "primary")
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.map = RaceMap()
        self.losses = RaceLossPlot()
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.map)
        plots.addWidget(self.losses)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setChildrenCollapsible(False)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._settings())
        split.addWidget(plots)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        engine.race_progressed.connect(self._on_progress)
        engine.race_finished.connect(self._on_finished)
        engine.failed.connect(self._on_failed)
        engine.process_died.connect(self._on_process_died)
        run.state_changed.connect(self._on_state_changed)
        project.changed.connect(self._on_project_changed)
        self._update_buttons()

    def _settings(self) -> QWidget:
        box = QWidget()
        intro = QLabel(
            "Trains a copy of your network per optimizer, from the same weights on the same "
            "batches in the same order. Your own model is left as it is."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        for column, title in ((0, "Optimizer"), (2, "Learning rate"), (3, "Momentum")):
            label = QLabel(title)
            label.setProperty("role", "muted")
            grid.addWidget(label, 0, column, 1, 2 if column == 0 else 1)
        for i, row in enumerate(self.rows, start=1):
            grid.addWidget(row.swatch, i, 0)
            grid.addWidget(row.check, i, 1)
            grid.addWidget(row.lr, i, 2)
            grid.addWidget(row.momentum, i, 3)
            row.lr.setMinimumWidth(72)
            row.momentum.setMinimumWidth(64)
        grid.setColumnStretch(1, 1)
        form = QFormLayout()
        form.addRow("Steps:", self.steps)
        form.addRow("Start from:", self.start_from)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        box.setMinimumWidth(box.sizeHint().width())
        return box

    def sizeHint(self) -> QSize:
        return fitting_size(self, SIZE)

    # --- the user's commands ----------------------------------------------------------------------

    def entries(self) -> tuple[RaceEntry, ...]:
        return tuple(row.value() for row in self.rows if row.check.isChecked())

    @Slot()
    def start(self) -> None:
        """Send the race, unless something stands in its way (said in the status line)."""
        why = self._cannot_start()
        entries = self.entries()
        problems = race_problems(entries, self.steps.value())
        if why or problems:
            self._say(why or "Cannot race: " + "; ".join(problems) + ".", error=True)
            return
        self.race += 1
        p = self.project
        self.started_with = (p.data, p.network, p.config)
        self._entries = entries
        self._losses = [np.zeros(0, np.float32) for _ in entries]
        self._progress = None
        self._stop_reason = ""
        self.colors = [r.color for r in self.rows if r.check.isChecked()]
        self.map.begin(self.colors)
        self.losses.begin([e.name for e in entries], self.colors, self.steps.value())
        self.engine.send(
            RaceOptimizers(
                self.race, entries, self.steps.value(), bool(self.start_from.currentData())
            )
        )
        self.racing = True
        self._say(f"Racing {len(entries)} optimizers…")
        self._update_buttons()

    @Slot()
    def stop(self) -> None:
        if self.racing:
            self.engine.send(StopRace())

    def _cannot_start(self) -> str:
        if self.racing:
            return "A race is on its way."
        state = self.run.state
        if state == RunState.RUNNING:
            return "Pause or stop training first: the race trains in the same engine."
        if state in (RunState.IDLE, RunState.CONFIGURING) or not self.run.model_fits_design:
            return "Wait until the network is built (or fix what the status bar names)."
        return ""

    # --- the engine -------------------------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, progress: RaceProgress) -> None:
        if progress.race != self.race or not self.racing:
            return
        for i, new in enumerate(progress.losses):
            if len(new):
                self._losses[i] = np.concatenate([self._losses[i], new])
        self._progress = progress
        if not self._redraw.isActive():
            self._redraw.start()

    @Slot()
    def _on_redraw_due(self) -> None:
        progress = self._progress
        if progress is None or not self.racing:
            return
        self.losses.set_losses(self._losses)
        self.map.set_paths(progress.paths, progress.variance_share, final=False)
        self._say(f"Racing: step {progress.step:,} of {progress.steps:,}…")

    @Slot(object)
    def _on_finished(self, finished: RaceFinished) -> None:
        if finished.race != self.race:
            return
        self.racing = False
        self._redraw.stop()
        self.records = finished.records
        self._losses = [r.losses for r in finished.records]
        self.losses.set_losses(self._losses)
        if finished.surface is not None and finished.extent is not None:
            self.map.set_surface(finished.surface, finished.extent, finished.direction_shares)
            self.map.set_paths(finished.paths, finished.variance_share, final=True)
        else:
            self.map.say_pending("No loss map: the race was stopped.")
        self._say(self._summary(finished))
        self._update_buttons()
        self.race_finished.emit(finished)

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is RaceOptimizers and self.racing:
            self.racing = False
            self._say(f"The race failed: {failed.message}", error=True)
            self.map.say_pending("")
            self._update_buttons()

    def _summary(self, finished: RaceFinished) -> str:
        lines = []
        for record in finished.records:
            loss = final_loss(record)
            line = f"{record.name}: loss {'–' if loss is None else f'{loss:.3g}'}"
            if record.outcome == "diverged":
                line += f" (diverged: {record.reason})"
            lines.append(line)
        if finished.outcome == "stopped":
            why = self._stop_reason or "Stopped"
            head = f"{why} (a stopped race draws no map)."
        else:
            head = (
                f"Finished in {finished.seconds:.1f} s; the map's loss is measured on "
                f"{finished.surface_rows:,} training rows."
            )
        return head + "\nLoss at the end (mean of the last 5 % of steps):\n" + "\n".join(lines)

    # --- the window ---------------------------------------------------------------------------------

    @Slot(str)
    def _on_project_changed(self, field: str) -> None:
        if field in ("data", "network") and self.racing:
            # The engine stops the race when it rebuilds the model; this says why.
            self.engine.send(StopRace())
            self._stop_reason = f"Stopped: the {field} changed"
            self._say(f"{self._stop_reason}.")

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == RunState.RUNNING and self.racing:
            self._stop_reason = "Stopped: training started"  # the engine ends the race for it

    @Slot(str)
    def _on_process_died(self, message: str) -> None:
        if self.racing:
            self.racing = False
            self._say(f"The race is lost: {message}", error=True)
            self.map.say_pending("")
            self._update_buttons()

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(not self.racing)
        self.stop_button.setEnabled(self.racing)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else "")
        self.status.style().polish(self.status)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)

    def reject(self) -> None:
        self.stop()
        super().reject()
