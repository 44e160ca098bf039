"""Train / Pause (Space), Step (S), Stop, Reset weights (Ctrl+R), counters and progress with ETA."""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.icons import icon
from core.events import BatchesEnded, EpochEnded, TrainEnded, TrainStarted

RATE_WINDOW_S = 3.0  # steps per second are measured over the last few seconds
# Counters and progress are redrawn at most this often: each redraw repaints part of the window.
DISPLAY_INTERVAL_MS = 100

SHORTCUT_WORDS = {
    "train": "Train, pause or resume",
    "step": "Step: train one batch, then pause",
    "reset": "Reset the weights",
}


class ControlsPanel(QWidget):
    """The run's buttons and where it stands; the buttons follow `set_state`."""

    train_clicked = Signal()  # Train, Pause or Resume, depending on the state
    step_clicked = Signal()
    stop_clicked = Signal()
    reset_clicked = Signal()
    race_clicked = Signal()  # Compare optimizers

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = "idle"
        self.train_button = QPushButton("Train")
        self.train_button.setProperty("role", "primary")
        self.train_button.setIconSize(QSize(16, 16))
        self.train_button.setMinimumWidth(104)
        self.train_button.clicked.connect(self.train_clicked)
        self.step_button = self._tool(
            "step", "Step", "Run one batch, then pause (S).", self.step_clicked
        )
        self.stop_button = self._tool(
            "stop", "Stop", "End this run; Train continues it later.", self.stop_clicked
        )
        self.reset_button = self._tool(
            "reset",
            "Reset",
            "Start over with fresh random weights from the seed (Ctrl+R).",
            self.reset_clicked,
        )

        self.race_button = self._tool(
            "race",
            "Compare",
            "Compare optimizers: race copies of this network, one per optimizer, from the same "
            "weights, and see their paths across the loss surface.",
            self.race_clicked,
        )

        self.epoch_label = self._counter(
            "Epoch",
            "The pass over the training rows that is running, of how many; once training "
            "stops, the passes completed (the status bar and the trainer count the same way).",
        )
        self.step_label = self._counter("Step", "Optimizer steps (batches) so far.")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(8)
        self.progress.setToolTip("How much of the chosen epochs is done.")
        self.progress.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.speed_label = QLabel("")
        self.speed_label.setProperty("role", "muted")
        self.speed_label.setToolTip(
            "Time left at the current speed, and rows processed per second."
        )

        progress_box = QVBoxLayout()
        progress_box.setSpacing(3)
        progress_box.addStretch(1)
        progress_box.addWidget(self.progress)
        progress_box.addWidget(self.speed_label)
        progress_box.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.train_button)
        layout.addWidget(self.step_button)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.race_button)
        layout.addSpacing(10)
        layout.addWidget(_separator())
        layout.addSpacing(6)
        layout.addWidget(self.epoch_label[0])
        layout.addSpacing(14)
        layout.addWidget(self.step_label[0])
        layout.addSpacing(14)
        layout.addLayout(progress_box, 1)

        self.shortcuts = {
            "train": QShortcut(QKeySequence(Qt.Key.Key_Space), self, self._on_train_shortcut),
            "step": QShortcut(QKeySequence(Qt.Key.Key_S), self, self._on_step_shortcut),
            "reset": QShortcut(QKeySequence("Ctrl+R"), self, self._on_reset_shortcut),
        }
        for name, shortcut in self.shortcuts.items():
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setWhatsThis(SHORTCUT_WORDS[name])  # Help > Keyboard shortcuts lists it

        self._epochs = 0
        self._steps_per_epoch = 0
        self._batch_size = 0
        self._step = 0
        self._epoch = 0
        self._rates: deque[tuple[float, int]] = deque()
        self._samples_per_second = 0.0
        self._display = QTimer(self)
        self._display.setSingleShot(True)
        self._display.setInterval(DISPLAY_INTERVAL_MS)
        self._display.timeout.connect(self._on_display_due)
        self.set_state("idle")

    # --- building -------------------------------------------------------------------------------

    def _tool(self, icon_name: str, text: str, tip: str, signal: Signal) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setIcon(icon(icon_name))
        button.setIconSize(QSize(16, 16))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setToolTip(tip)
        button.setAutoRaise(False)
        button.setMinimumHeight(30)
        button.clicked.connect(signal)
        return button

    def _counter(self, title: str, tip: str) -> tuple[QWidget, QLabel]:
        box = QWidget()
        box.setToolTip(tip)
        caption = QLabel(title)
        caption.setProperty("role", "muted")
        value = QLabel("0")
        value.setProperty("role", "value")
        font = value.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        value.setFont(font)
        value.setMinimumWidth(value.fontMetrics().horizontalAdvance("00,000 / 000"))
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(caption)
        lay.addWidget(value)
        return box, value

    # --- state ----------------------------------------------------------------------------------

    def set_state(self, state: str) -> None:
        """idle, running, paused or finished: which buttons mean what."""
        self.state = state
        running, paused = state == "running", state == "paused"
        if running:
            text, name, tip = "Pause", "pause", "Pause training; Resume goes on from here (Space)."
        elif paused:
            text, name, tip = "Resume", "play", "Go on training from here (Space)."
        else:
            text, name, tip = (
                "Train",
                "play",
                "Start training, or continue the current model (Space).",
            )
        self.train_button.setText(text)
        self.train_button.setIcon(icon(name, "#ffffff"))
        self.train_button.setToolTip(tip)
        self.stop_button.setEnabled(running or paused)
        if running:
            self._rates.clear()
        else:  # paused or ended: no time is running out, the last speed stays
            self._show_speed(final=True)

    # --- progress -------------------------------------------------------------------------------

    def clear(self) -> None:
        self._step = self._epoch = 0
        self._rates.clear()
        self._samples_per_second = 0.0
        self.progress.setValue(0)
        self.speed_label.setText("")
        self._show_counters()

    def set_plan(self, epochs: int, steps_per_epoch: int | None = None) -> None:
        """The run the settings ask for (from the engine's model, or an edit of Epochs while
        nothing runs): the counter's total follows it before Train is pressed."""
        self._epochs = epochs
        if steps_per_epoch is not None:
            self._steps_per_epoch = steps_per_epoch
        self._show_counters()

    def on_started(self, e: TrainStarted) -> None:
        self._epochs, self._steps_per_epoch, self._batch_size = (
            e.epochs,
            e.steps_per_epoch,
            e.batch_size,
        )
        self._step, self._epoch = e.step, e.epoch
        self._rates.clear()
        self._rates.append((time.monotonic(), e.step))
        # "Until stopped" has no end to measure against: the bar shows work going on instead.
        self.progress.setRange(0, 1000 if e.epochs else 0)
        self._show_counters()

    def add_batches(self, events: list[BatchesEnded]) -> None:
        last = events[-1]
        self._step = last.first_step + len(last.loss) - 1
        # The epoch these steps belong to: "3 / 200" while the third runs, as "Paused at
        # epoch 3" says; an epoch's end (reported after its steps) never moves it back.
        self._epoch = max(self._epoch, last.epoch)
        now = time.monotonic()
        self._rates.append((now, self._step))
        while len(self._rates) > 2 and now - self._rates[0][0] > RATE_WINDOW_S:
            self._rates.popleft()
        self._schedule_display()

    def add_epochs(self, events: list[EpochEnded]) -> None:
        last = events[-1]
        # Once an epoch has ended the next one is the running one (a pause there says so too).
        running = last.epoch + 1 if not self._epochs or last.epoch < self._epochs else last.epoch
        self._epoch, self._step = max(self._epoch, running), max(self._step, last.step)
        if last.samples_per_second == last.samples_per_second:  # not NaN
            self._samples_per_second = last.samples_per_second
        self._schedule_display()

    def _schedule_display(self) -> None:
        if not self._display.isActive():
            self._display.start()

    @Slot()
    def _on_display_due(self) -> None:
        self._show_counters()
        if self.state == "running":
            self._show_speed()

    def on_finished(self, e: TrainEnded) -> None:
        self._epoch, self._step = e.epoch, e.step
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(0)
        self._show_counters()

    def _show_counters(self) -> None:
        # A model trained past the chosen epochs (a finished run trained on, then Epochs set
        # lower) shows no total smaller than what it has done: Train goes on from there.
        past = self._epoch > self._epochs
        epochs = f" / {self._epochs:,}" if self._epochs and not past else ""
        self.epoch_label[1].setText(f"{self._epoch:,}{epochs}")
        self.step_label[1].setText(f"{self._step:,}")
        total = self._epochs * self._steps_per_epoch
        if total and self.progress.maximum():
            # setValue repaints only when the rounded value changes.
            self.progress.setValue(min(1000, round(1000 * self._step / total)))

    def _show_speed(self, final: bool = False) -> None:
        parts = []
        rate = self.steps_per_second
        total = self._epochs * self._steps_per_epoch
        if not final and rate > 0 and total:
            parts.append(f"{_duration((total - self._step) / rate)} left")
        sps = self._samples_per_second or rate * self._batch_size
        if sps > 0:
            parts.append(f"{sps:,.0f} samples/s")
        self.speed_label.setText(" · ".join(parts))

    @property
    def steps_per_second(self) -> float:
        if len(self._rates) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self._rates[0], self._rates[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0

    # --- shortcuts ------------------------------------------------------------------------------

    @Slot()
    def _on_train_shortcut(self) -> None:
        if self.train_button.isEnabled() and not self._user_is_typing():
            self.train_button.click()

    @Slot()
    def _on_step_shortcut(self) -> None:
        if self.step_button.isEnabled() and not self._user_is_typing():
            self.step_button.click()

    def _user_is_typing(self) -> bool:
        """Whether a single-letter key (S, Space) is text the user types rather than a command.

        Qt also lets a window's shortcuts fire while a tool window of it is active, and a path
        typed where a file dialog failed to open once stepped the model three times.
        """
        if QApplication.activeWindow() is not self.window():
            return True
        return is_text_entry(QApplication.focusWidget())

    @Slot()
    def _on_reset_shortcut(self) -> None:
        if self.reset_button.isEnabled():
            self.reset_button.click()


def is_text_entry(widget: QWidget | None) -> bool:
    """A widget that takes typed text: keys pressed there are not commands."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QAbstractSpinBox | QTextEdit | QPlainTextEdit)


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setStyleSheet("color: palette(mid);")
    return line


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, s = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{s:02d}"
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}"
