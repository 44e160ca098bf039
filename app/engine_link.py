"""The window's link to the training process: commands go down, each message comes up as a signal.

Training runs in a child process (core.training_process), so the window never shares a GIL
with the training loop. What is left here is reading the pipe: at most ~30 coalesced event
batches and ~5 snapshots a second. A reader thread blocks in `TrainingProcess.poll` (the GIL
is released while it waits) and hands each batch of messages to the GUI thread through a queued
signal. Measured (bench/bench_window_training.py): reading on the GUI thread with a polling
QTimer stalled the window for up to 100 ms when a large snapshot arrived in pieces from a busy
child (recv blocks until the whole message is in); in the reader thread that wait costs nothing.

Every public signal is emitted on the GUI thread, so slots may be lambdas and
`qtbot.waitSignal` works on them. Which signal a message becomes is one table
(`_MESSAGE_SIGNALS`, `_EVENT_SIGNALS`); commands are the dataclasses of
`core.training_process.commands`, sent with `send()`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from multiprocessing.process import BaseProcess

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance, Slot

from core.errors import describe_error
from core.events import (
    BatchesEnded,
    EpochEnded,
    Event,
    HealthChecked,
    HyperparameterChanged,
    TrainEnded,
    TrainPaused,
    TrainResumed,
    TrainStarted,
)
from core.plot_points import PlotPoints
from core.training_process.client import TrainingProcess
from core.training_process.commands import Command, Step, Train
from core.training_process.messages import (
    Configured,
    EngineStarting,
    Evaluation,
    Events,
    Exported,
    Failed,
    Message,
    ModelSaved,
    Predicted,
    ProcessDied,
    ProjectOpened,
    ProjectSaved,
    RaceFinished,
    RaceProgress,
    Ready,
    RowWalked,
    RunWeightsKept,
    SearchEnded,
    SearchStarted,
    SearchTrialEnded,
    Snapshot,
)

MAX_RESTARTS = 3  # a child that keeps dying is not restarted forever
POLL_TIMEOUT_S = 0.1  # how long the reader waits for a message before checking it should stop


@dataclass(frozen=True)
class ReadFailed:
    """Reading the pipe raised: said to the user, and the reader goes on."""

    message: str


class _Reader(QObject):
    """Lives in the reader thread: waits for messages and passes them on, until told to stop."""

    received = Signal(list)

    def __init__(self, process: TrainingProcess, stop: threading.Event) -> None:
        super().__init__()
        self.process = process
        self.stop = stop

    @Slot()
    def run(self) -> None:
        while not self.stop.is_set():
            messages: list[Message | ReadFailed]
            try:
                messages = list(self.process.poll(POLL_TIMEOUT_S))
            except Exception as exc:  # never let the thread die silently: report and go on
                messages = [ReadFailed(f"{type(exc).__name__}: {exc}")]
                self.stop.wait(POLL_TIMEOUT_S)
            if messages:
                self.received.emit(messages)
        self.thread().quit()


class EngineLink(QObject):
    """Owns the training process; sends it commands and turns its messages into signals."""

    # One signal per message type (see _MESSAGE_SIGNALS) ...
    starting = Signal(object)  # EngineStarting: a stage of the child's start-up
    ready = Signal(object)  # Ready
    configured = Signal(object)  # Configured
    snapshot_received = Signal(object)  # Snapshot
    model_saved = Signal(object)  # ModelSaved
    project_saved = Signal(object)  # ProjectSaved
    project_opened = Signal(object)  # ProjectOpened
    exported = Signal(object)  # Exported
    evaluated = Signal(object)  # Evaluation
    predicted = Signal(object)  # Predicted
    row_walked = Signal(object)  # RowWalked
    run_weights_kept = Signal(object)  # RunWeightsKept
    failed = Signal(object)  # Failed: the command's type says which one failed
    points_received = Signal(object)  # PlotPoints: the data points to draw
    race_progressed = Signal(object)  # RaceProgress
    race_finished = Signal(object)  # RaceFinished
    search_started = Signal(object)  # SearchStarted: the study's earlier trials
    search_trial_ended = Signal(object)  # SearchTrialEnded
    search_ended = Signal(object)  # SearchEnded
    process_died = Signal(str)  # a sentence for the user; a new process is being started
    # ... and one per training event (see _EVENT_SIGNALS); runs of batches and epochs as lists.
    started = Signal(object)  # TrainStarted
    batches_received = Signal(list)  # list[BatchesEnded], consecutive, in order
    epochs_ended = Signal(list)  # list[EpochEnded]
    hyperparameter_changed = Signal(object)  # HyperparameterChanged
    health_checked = Signal(object)  # HealthChecked: the run's health hints changed
    paused = Signal(object)  # TrainPaused
    resumed = Signal(object)  # TrainResumed
    finished = Signal(object)  # TrainEnded (finished, stopped or failed)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: TrainingProcess | None = None
        self.is_ready = False
        self.busy = False  # the child is training (or about to)
        self.closed = False
        self.restarts = 0
        self.gave_up = False
        self._thread: QThread | None = None
        self._reader: _Reader | None = None
        self._stop_reading = threading.Event()
        self._message_signals: dict[type, SignalInstance] = {
            EngineStarting: self.starting,
            Ready: self.ready,
            Configured: self.configured,
            Snapshot: self.snapshot_received,
            ModelSaved: self.model_saved,
            ProjectSaved: self.project_saved,
            ProjectOpened: self.project_opened,
            Exported: self.exported,
            Evaluation: self.evaluated,
            Predicted: self.predicted,
            RowWalked: self.row_walked,
            RunWeightsKept: self.run_weights_kept,
            Failed: self.failed,
            PlotPoints: self.points_received,
            RaceProgress: self.race_progressed,
            RaceFinished: self.race_finished,
            SearchStarted: self.search_started,
            SearchTrialEnded: self.search_trial_ended,
            SearchEnded: self.search_ended,
        }
        self._event_signals: dict[type, SignalInstance] = {
            TrainStarted: self.started,
            HyperparameterChanged: self.hyperparameter_changed,
            HealthChecked: self.health_checked,
            TrainPaused: self.paused,
            TrainResumed: self.resumed,
            TrainEnded: self.finished,
        }

    # --- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the training process (it imports torch and warms up, then sends Ready)."""
        if self.closed:
            return
        if self._process is None:
            self._process = TrainingProcess()
        self.is_ready = False
        self._process.start()
        self._start_reading(self._process)

    def close(self, timeout: float = 3.0) -> None:
        """Stop any training, end the child process and the reader thread; safe to call twice."""
        self.closed = True
        self._stop_reading_thread()
        if self._process is not None:
            self._process.close(timeout)
            self._process = None

    def _start_reading(self, process: TrainingProcess) -> None:
        if self._thread is not None:
            return
        self._stop_reading.clear()
        thread = QThread()
        thread.setObjectName("nnplay-reader")
        reader = _Reader(process, self._stop_reading)
        reader.moveToThread(thread)
        thread.started.connect(reader.run)
        # Queued: the reader's thread emits, the GUI thread's event loop delivers.
        reader.received.connect(self._on_received)
        self._thread, self._reader = thread, reader
        thread.start()

    def _stop_reading_thread(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop_reading.set()
        # The reader returns within one poll timeout; quit() stops the thread's event loop.
        thread.quit()
        if not thread.wait(int((POLL_TIMEOUT_S + 2.0) * 1000)):
            thread.terminate()  # pragma: no cover - a reader stuck in a syscall
            thread.wait()
        self._reader = None

    @property
    def is_started(self) -> bool:
        """start() was called and close() was not: commands will reach a process."""
        return self._process is not None and not self.closed and not self.gave_up

    @property
    def process(self) -> BaseProcess | None:
        """The training process's OS process (its pid, whether it is alive), if started."""
        return self._process.process if self._process is not None else None

    # --- commands -------------------------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Send a command; its answer comes as a signal, or as `failed` with its type."""
        if self._process is None or self.closed:
            self.failed.emit(Failed("the training engine is not running", type(command)))
            return
        if isinstance(command, (Train, Step)):
            self.busy = True
        try:
            self._process.send(command)
        except Exception as exc:  # a pipe that broke: say so, never raise
            self.failed.emit(
                Failed(describe_error(exc), type(command), getattr(command, "request", ""))
            )

    # --- messages -------------------------------------------------------------------------------

    @Slot(list)
    def _on_received(self, messages: list[Message | ReadFailed]) -> None:
        """On the GUI thread: turn each message into its signal. Never raises."""
        if self.closed:
            return
        for message in messages:
            try:
                self._dispatch(message)
            except Exception as exc:  # a slot that raised must not stop the rest
                self.failed.emit(Failed(f"{type(exc).__name__}: {exc}"))

    def _dispatch(self, message: Message | ReadFailed) -> None:
        match message:
            case Events(events=events):
                self._emit_events(events)
            case ProcessDied(exitcode=exitcode):
                self._on_process_died(exitcode)
            case ReadFailed(message=text):
                self.failed.emit(Failed(f"could not read from the training process ({text})"))
            case _:
                if isinstance(message, Ready):
                    self.is_ready = True
                elif isinstance(message, Failed) and message.command in (Train, Step):
                    self.busy = False
                self._message_signals[type(message)].emit(message)

    def _emit_events(self, events: tuple[Event, ...]) -> None:
        # Runs of batches and of epochs go out as one signal each; order is kept.
        batches: list[BatchesEnded] = []
        epochs: list[EpochEnded] = []

        def flush() -> None:
            if batches:
                self.batches_received.emit(list(batches))
                batches.clear()
            if epochs:
                self.epochs_ended.emit(list(epochs))
                epochs.clear()

        for event in events:
            if isinstance(event, BatchesEnded):
                if epochs:
                    flush()
                batches.append(event)
            elif isinstance(event, EpochEnded):
                epochs.append(event)
            else:
                flush()
                if isinstance(event, TrainStarted):
                    self.busy = True
                elif isinstance(event, TrainEnded):
                    self.busy = False
                signal = self._event_signals.get(type(event))
                if signal is not None:
                    signal.emit(event)
        flush()

    def _on_process_died(self, exitcode: int | None) -> None:
        self.busy = False
        self.is_ready = False
        if self.closed:
            return
        how = (
            f"was killed by signal {-exitcode}"
            if exitcode and exitcode < 0
            else f"exited ({exitcode})"
        )
        # The kernel's out-of-memory killer sends SIGKILL; an exit code of its own is another fault.
        killed = exitcode is not None and exitcode in (-9, 137)
        hint = (
            " It may have run out of memory; try a smaller batch, dataset or network."
            if killed
            else ""
        )
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            self.gave_up = True  # no process any more: the window must not look like it trains
            self.process_died.emit(
                f"The training process {how} again.{hint} Restart the app to train."
            )
            return
        self.process_died.emit(f"The training process {how}.{hint} Restarting it…")
        self.start()
