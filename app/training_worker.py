"""The window's end of the training process: RemoteTrainer's messages as Qt signals.

Training runs in a child process (core.remote), so the window never shares a GIL with the
training loop. What is left is reading the pipe: at most ~30 coalesced event batches and ~5
snapshots a second. A small reader QThread does that, blocking in `RemoteTrainer.poll` (the GIL
is released while it waits), and hands each batch of messages to the GUI thread through a queued
signal. Measured (bench/bench_window_training.py): reading on the GUI thread with a polling
QTimer stalled the window for up to 100 ms when a large snapshot arrived in pieces from a busy
child (recv blocks until the whole message is in); in the reader thread that wait costs the
window nothing.

Every public signal below is emitted on the GUI thread (the reader only emits `_received`), so
slots may be lambdas and `qtbot.waitSignal` works on them. Commands (train, pause, step, ...) go
straight down the pipe from the GUI thread and return at once; the child acts on pause and stop
between batches through a threading primitive, never a queued Qt slot.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.data_spec import DataSpec
from core.events import (
    BatchesEnded,
    EpochEnded,
    HyperparameterChanged,
    TrainEnded,
    TrainPaused,
    TrainResumed,
    TrainStarted,
)
from core.plot_points import PlotPoints
from core.spec import NetworkSpec, TrainConfig

MAX_RESTARTS = 3  # a child that keeps dying is not restarted forever
POLL_TIMEOUT_S = 0.1  # how long the reader waits for a message before checking it should stop


class _Reader(QObject):
    """Lives in the reader thread: waits for messages and passes them on, until told to stop."""

    received = Signal(list)

    def __init__(self, remote: object, stop: threading.Event) -> None:
        super().__init__()
        self.remote = remote
        self.stop = stop

    @Slot()
    def run(self) -> None:
        while not self.stop.is_set():
            try:
                messages = self.remote.poll(POLL_TIMEOUT_S)
            except Exception as exc:  # never let the thread die silently: report and go on
                messages = [_ReadFailed(f"{type(exc).__name__}: {exc}")]
                self.stop.wait(POLL_TIMEOUT_S)
            if messages:
                self.received.emit(messages)
        self.thread().quit()


class _ReadFailed:
    def __init__(self, message: str) -> None:
        self.message = message


class TrainingWorker(QObject):
    """Owns the training process; turns its messages into signals (on the GUI thread)."""

    ready = Signal(object)  # tuple[DeviceChoice, ...]: the devices the child can train on
    configured = Signal(object)  # core.remote.Configured
    started = Signal(object)  # TrainStarted
    batches_received = Signal(list)  # list[BatchesEnded], consecutive, in order
    epochs_ended = Signal(list)  # list[EpochEnded]
    hyperparameter_changed = Signal(object)  # HyperparameterChanged
    paused = Signal(object)  # TrainPaused
    resumed = Signal(object)  # TrainResumed
    finished = Signal(object)  # TrainEnded (finished, stopped or failed)
    snapshot_received = Signal(object)  # core.remote.Snapshot
    points_received = Signal(object)  # core.plot_points.PlotPoints: the data points to draw
    saved = Signal(str)  # path of a saved model file
    project_saved = Signal(object)  # core.remote.ProjectSaved
    project_opened = Signal(object)  # core.remote.ProjectOpened
    exported = Signal(object)  # core.remote.Exported
    evaluated = Signal(object)  # core.remote.Evaluation
    evaluation_failed = Signal(str)  # message for the user
    predicted = Signal(object)  # core.remote.Predicted
    prediction_failed = Signal(str, str)  # (the request, message for the user)
    failed = Signal(str, str)  # (message for the user, the command that failed)
    process_died = Signal(str)  # message for the user; a new process is being started

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._remote = None  # core.remote.RemoteTrainer, created by start()
        self.is_ready = False
        self.busy = False  # the child is training (or about to): poll fast
        self.closed = False
        self.restarts = 0
        self.gave_up = False
        self._thread: QThread | None = None
        self._reader: _Reader | None = None
        self._stop_reading = threading.Event()

    # --- life cycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the training process (it imports torch and warms up, then sends Ready)."""
        from core.remote import RemoteTrainer

        if self.closed:
            return
        if self._remote is None:
            self._remote = RemoteTrainer()
        self.is_ready = False
        self._remote.start()
        self._start_reading()

    def close(self, timeout: float = 3.0) -> None:
        """Stop any training, end the child process and the reader thread; safe to call twice."""
        self.closed = True
        if self._remote is not None:
            self._remote.stop()  # the run ends between two batches while the reader winds down
        self._stop_reading_thread()
        if self._remote is not None:
            self._remote.close(timeout)
            self._remote = None

    def _start_reading(self) -> None:
        if self._thread is not None:
            return
        self._stop_reading.clear()
        thread = QThread()
        thread.setObjectName("nnplay-reader")
        reader = _Reader(self._remote, self._stop_reading)
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
        return self._remote is not None and not self.closed and not self.gave_up

    @property
    def process(self):
        return self._remote.process if self._remote is not None else None

    # --- commands -------------------------------------------------------------------------------

    def configure(self, data: DataSpec, network: NetworkSpec, config: TrainConfig) -> None:
        self._command("configure", data, network, config)

    def train(self) -> None:
        self.busy = True
        self._command("train")

    def step(self, n: int = 1) -> None:
        self.busy = True
        self._command("step", n)

    def pause(self) -> None:
        self._command("pause")

    def resume(self) -> None:
        self._command("resume")

    def stop(self) -> None:
        self._command("stop")

    def set(self, name: str, value: float) -> None:
        self._command("set", name, value)

    def reset_weights(self, seed: int) -> None:
        self._command("reset_weights", seed)

    def snapshot(self) -> None:
        self._command("snapshot")

    def save_model(self, path: str) -> None:
        self._command("save_model", path)

    def save_project(
        self,
        path: str,
        data: DataSpec | None,
        network: NetworkSpec,
        config: TrainConfig,
        extras: dict[str, object],
        with_model: bool,
    ) -> None:
        """Answered by `project_saved`, or `failed(..., "save_project")`."""
        self._command("save_project", path, data, network, config, extras, with_model)

    def load_project(self, path: str, csv_path: str | None = None) -> None:
        """Answered by `project_opened`, or `failed(..., "load_project")`."""
        self._command("load_project", path, csv_path)

    def export(self, format: str, path: str) -> None:
        """Answered by `exported`, or `failed(..., "export")`."""
        self._command("export", format, path)

    def evaluate(self) -> None:
        self._command("evaluate")

    def predict(self, rows: object, request: str) -> None:
        """Predict a table (or a CSV's path); answered by `predicted` or `prediction_failed`."""
        if self._remote is None or self.closed:
            self.prediction_failed.emit(request, "the training engine is not running")
            return
        try:
            self._remote.predict(rows, request)
        except Exception as exc:  # a dead pipe: say so, never raise
            self.prediction_failed.emit(request, str(exc) or type(exc).__name__)

    def set_plane(self, feature_x: str, feature_y: str) -> None:
        self._command("set_plane", feature_x, feature_y)

    def _command(self, name: str, *args: object) -> None:
        if self._remote is None or self.closed:
            self.failed.emit("the training engine is not running", name)
            return
        try:
            getattr(self._remote, name)(*args)
        except Exception as exc:  # a bad value (ValueError) or a dead pipe: say so, never raise
            self.failed.emit(str(exc) or type(exc).__name__, name)

    # --- messages -------------------------------------------------------------------------------

    @Slot(list)
    def _on_received(self, messages: list[object]) -> None:
        """On the GUI thread: turn each message into its signal. Never raises."""
        if self.closed:
            return
        for message in messages:
            try:
                self._dispatch(message)
            except Exception as exc:  # a slot that raised must not stop the rest
                self.failed.emit(f"{type(exc).__name__}: {exc}", "poll")

    def _dispatch(self, message: object) -> None:
        from core import remote

        if isinstance(message, _ReadFailed):
            self.failed.emit(
                f"could not read from the training process ({message.message})", "poll"
            )
        elif isinstance(message, remote.Events):
            self._emit_events(message.events)
        elif isinstance(message, remote.Snapshot):
            self.snapshot_received.emit(message)
        elif isinstance(message, remote.Configured):
            self.configured.emit(message)
        elif isinstance(message, PlotPoints):
            self.points_received.emit(message)
        elif isinstance(message, remote.Ready):
            self.is_ready = True
            self.ready.emit(message.devices)
        elif isinstance(message, remote.Saved):
            self.saved.emit(message.path)
        elif isinstance(message, remote.ProjectSaved):
            self.project_saved.emit(message)
        elif isinstance(message, remote.ProjectOpened):
            self.project_opened.emit(message)
        elif isinstance(message, remote.Exported):
            self.exported.emit(message)
        elif isinstance(message, remote.Evaluation):
            self.evaluated.emit(message)
        elif isinstance(message, remote.Predicted):
            self.predicted.emit(message)
        elif isinstance(message, remote.Error) and message.command == "predict":
            self.prediction_failed.emit(message.request, message.message)
        elif isinstance(message, remote.Error) and message.command == "evaluate":
            self.evaluation_failed.emit(message.message)
        elif isinstance(message, remote.Error):
            if message.command == "train":
                self.busy = False
            self.failed.emit(message.message, message.command)
        elif isinstance(message, remote.ProcessDied):
            self._on_process_died(message.exitcode)

    def _emit_events(self, events: tuple[object, ...]) -> None:
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
                continue
            if isinstance(event, EpochEnded):
                epochs.append(event)
                continue
            flush()
            if isinstance(event, TrainStarted):
                self.busy = True
                self.started.emit(event)
            elif isinstance(event, HyperparameterChanged):
                self.hyperparameter_changed.emit(event)
            elif isinstance(event, TrainPaused):
                self.paused.emit(event)
            elif isinstance(event, TrainResumed):
                self.resumed.emit(event)
            elif isinstance(event, TrainEnded):
                self.busy = False
                self.finished.emit(event)
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
