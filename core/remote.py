"""Training in a long-lived child process, so the window's plots never share a GIL with the loop.

Measured on this stack, training on a QThread next to live pyqtgraph plots ran at 0.2-0.7x its
speed; in a child process it keeps full speed. The window's side is `RemoteTrainer`: it sends
commands down a pipe and returns at once; `poll()` hands back whatever the child reported.

In the child, a reader thread receives commands. Pause, resume, step, stop and live settings act
on the `TrainingControl` straight away; everything that touches the model (configure, train,
snapshots, saving, resetting, evaluating, predicting) runs on the child's main thread, between
batches while it trains, so the model is never read while the optimizer writes it. Events are
coalesced into at most ~30 `Events` messages a second and `Snapshot`s of the model's answer are
sent at most 5 times a second, so the pipe never floods however fast a tiny network trains.

Nothing here imports torch in the window's process: the child imports it.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from core.control import LIVE_SETTINGS, TrainingControl
from core.data_spec import CsvSource, DataSpec, ToySource
from core.errors import SpecError, describe_error
from core.events import (
    HOOKS,
    BatchesEnded,
    Callback,
    Event,
    TrainEnded,
    TrainPaused,
    TrainStarted,
)
from core.plot_points import PlotPoints, sample_plot_points
from core.spec import NetworkSpec, TrainConfig

if TYPE_CHECKING:
    import pandas as pd
    import torch

    from core.dataset import PreparedData
    from core.device import DeviceChoice
    from core.modelfile import TrainedModel
    from core.predictions import Predictions
    from core.preprocess import FittedPreprocessor
    from core.project import ProjectFile
    from core.trainer import Trainer

# Events go out at most this often (seconds); pauses, starts and ends go out at once.
FLUSH_INTERVAL = 1 / 30
# Snapshots of the model's answer go out at most this often while training.
SNAPSHOT_INTERVAL = 0.2
# The decision surface is drawn from GRID x GRID points, each hidden unit from UNIT_GRID x UNIT_GRID.
GRID = 64
UNIT_GRID = 24
# Weights and per-unit pictures are sent only when no layer is wider than this (the diagram's limit).
MAX_DIAGRAM_UNITS = 12
# The plane extends this fraction of the data's range beyond it on every side.
PLANE_MARGIN = 0.05
# A regression evaluation sends at most this many (actual, predicted) pairs for plotting.
EVAL_POINTS = 5000


# --- messages from the child ------------------------------------------------------------------


@dataclass(frozen=True)
class Ready:
    """The child has imported torch and warmed up; commands run without start-up delay now."""

    devices: tuple[DeviceChoice, ...]  # what TrainConfig.device may name here, best first
    torch_version: str


# eq=False: numpy fields have no single truth value under ==.
@dataclass(frozen=True, eq=False)
class Configured:
    """A trainer was built (by configure() or reset_weights()): what it will train, and how."""

    task: str  # classification or regression
    class_names: tuple[str, ...]  # in output order; empty for regression
    input_names: tuple[str, ...]  # one per network input
    layer_names: tuple[str, ...]  # trainable layers: the columns of BatchesEnded.grad_norms
    parameters: int
    loss: str
    seed: int
    n_train: int
    n_val: int
    n_test: int
    dropped_rows: int  # rows left out because their target was missing
    batch_size: int
    steps_per_epoch: int
    device: str
    device_name: str
    # The two feature columns snapshots are drawn over, and their extent (x min, x max, y min,
    # y max) in the columns' own units; None when the data has fewer than two numeric features.
    # With more features, the others are held at their training median (or most frequent
    # category); set_plane() chooses the two.
    plane_features: tuple[str, str] | None
    extent: tuple[float, float, float, float] | None
    train_rows: np.ndarray  # int64: 0-based rows of the loaded table in each split
    val_rows: np.ndarray
    test_rows: np.ndarray
    # The fitted preparation of the inputs (torch-free): the feature columns, their categories.
    preprocessor: FittedPreprocessor | None = None
    layer_labels: tuple[str, ...] = ()  # one per layer name, for legends


@dataclass(frozen=True)
class Events:
    """Training events in the order they happened; consecutive BatchesEnded are merged into one."""

    events: tuple[Event, ...]


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The model as it is now: its answer over the input plane, and its weights when it is small.

    Grids are indexed [row, column] = [y, x], row 0 at the extent's y min; each value is taken at
    the centre of its cell, so an image stretched over `Configured.extent` lines up exactly.
    """

    step: int
    epoch: int  # completed epochs
    # probability: class-1 probability (two classes); class: the most likely class index, with
    # its probability in `confidence`; value: the prediction in the target's units (regression).
    kind: Literal["probability", "class", "value"]
    output: np.ndarray | None  # float32 [GRID, GRID]; None when the data is not 2-D
    confidence: np.ndarray | None  # float32 [GRID, GRID] for kind "class", else None
    # Dense layers (hidden ones, then "output") whose weights follow; empty when the network is
    # too large to draw (any layer wider than MAX_DIAGRAM_UNITS).
    dense_names: tuple[str, ...]
    weights: tuple[np.ndarray, ...]  # float32 [out, in] per dense layer
    biases: tuple[np.ndarray | None, ...]  # float32 [out] per dense layer
    # Each hidden dense layer's activations over the plane: float32 [units, UNIT_GRID, UNIT_GRID];
    # empty unless the network is small enough to draw and the data is 2-D.
    units: tuple[np.ndarray, ...]
    # The plane `output` is drawn over: its two features and extent; None without a plane.
    features: tuple[str, str] | None = None
    extent: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Saved:
    path: str


@dataclass(frozen=True)
class ProjectSaved:
    """Answer to save_project(): the file is written (atomically)."""

    path: str
    trained: bool  # the file holds the trained model (weights, preprocessing, history)


# eq=False: `extras` is a dict (unhashable, and compared by nobody).
@dataclass(frozen=True, eq=False)
class ProjectOpened:
    """Answer to load_project(): the design the file holds, already checked by core.project.

    When `configured`, a `Configured` and a `Snapshot` of the project's model follow (its saved
    weights when `trained`, else fresh ones), then its training history as `Events` of
    EpochEnded, so the plots redraw. With `missing_source` set nothing was loaded: the CSV
    file is not where the project says; ask for it and call load_project(path, csv_path).
    """

    path: str
    data: DataSpec | None
    network: NetworkSpec
    config: TrainConfig
    extras: dict[str, Any]
    trained: bool
    configured: bool
    finished: bool  # the saved training had done all its epochs
    missing_source: str | None = None
    # The data's shape as the network sees it (known when `configured`).
    input_names: tuple[str, ...] = ()
    class_names: tuple[str, ...] = ()
    n_rows: int = 0


@dataclass(frozen=True)
class Exported:
    """Answer to export(): the files written."""

    format: str
    paths: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class SplitEvaluation:
    """The current weights on one split's rows, as `nnplay evaluate` reports them."""

    split: Literal["val", "test"]
    report: dict[str, Any]  # core.predict.evaluate_frame's report (`nnplay evaluate --json`)
    # Regression: true and predicted values in the target's units, at most EVAL_POINTS of them
    # (an even sample of the split's rows); None for classification.
    actual: np.ndarray | None
    predicted: np.ndarray | None


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Answer to evaluate(): the validation split, then the test split when there is one."""

    step: int
    epoch: int
    splits: tuple[SplitEvaluation, ...]


@dataclass(frozen=True, eq=False)
class Predicted:
    """Answer to predict(): what the current weights say, as `nnplay predict` would."""

    request: str  # as given to predict()
    predictions: Predictions
    step: int
    epoch: int


@dataclass(frozen=True)
class Error:
    """A command failed; the child goes on working. `message` is meant for the user."""

    message: str
    command: str  # the command that failed: configure, train, set, save_model, ...
    request: str = ""  # predict()'s request, so the window knows which one failed


@dataclass(frozen=True)
class ProcessDied:
    """The child process ended without being asked to (killed, crashed); start() spawns a new one."""

    exitcode: int | None  # negative: killed by that signal


Message = (
    Ready
    | Configured
    | Events
    | Snapshot
    | Saved
    | ProjectSaved
    | ProjectOpened
    | Exported
    | Evaluation
    | Predicted
    | Error
    | ProcessDied
    | PlotPoints
)


# --- the window's side --------------------------------------------------------------------------


class RemoteTrainer:
    """Runs the engine in a child process; every method but `close()` returns at once.

    Call `start()` early (importing torch takes seconds) and keep the trainer for the whole
    session. Commands may be sent from any thread; `poll()` is meant for one thread (a worker
    that turns messages into Qt signals). Poll steadily while training: the child waits when
    the pipe is full.
    """

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._send_lock = threading.Lock()
        self._recv_lock = threading.Lock()
        self._lost = False
        self._died_reported = False
        self._ready = False

    # --- life cycle ---

    def start(self) -> None:
        """Spawn the child if none is running; it sends `Ready` once warmed up."""
        if self._process is not None and self._process.is_alive() and not self._lost:
            return
        self._discard()
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        # daemon: the child is terminated if this process exits without close().
        process = ctx.Process(target=_child_main, args=(child,), name="nnplay-trainer", daemon=True)
        process.start()
        child.close()  # the child holds its end; closing ours lets EOF reach each side
        self._process, self._conn = process, parent
        self._lost = self._died_reported = self._ready = False

    @property
    def process(self) -> BaseProcess | None:
        return self._process

    def is_alive(self) -> bool:
        return self._process is not None and self._process.is_alive() and not self._lost

    def close(self, timeout: float = 3.0) -> None:
        """Stop training, shut the child down and wait for it (killing it after `timeout`)."""
        process = self._process
        if process is not None and process.is_alive():
            if self._ready:
                self._send("stop")
                self._send("shutdown")
                process.join(timeout)
            # Before Ready the child is only importing and warming up: nothing to finish.
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
        self._discard()

    def __enter__(self) -> RemoteTrainer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- commands ---

    def configure(self, data: DataSpec, network: NetworkSpec, config: TrainConfig) -> None:
        """Load and prepare the data and build a trainer; answered by `Configured` or `Error`.

        Stops a running training first.
        """
        self._send("configure", data, network, config)

    def train(self) -> None:
        """Start training, or continue where the last run ended; resumes a paused run."""
        self._send("train")

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self._send("resume")

    def step(self, n: int = 1) -> None:
        """Run `n` batches, then pause (starts a paused run when idle)."""
        self._send("step", int(n))

    def stop(self) -> None:
        self._send("stop")

    def set(self, name: str, value: float) -> None:
        """Change a live setting (core.control.LIVE_SETTINGS); arrives as HyperparameterChanged."""
        if name not in LIVE_SETTINGS:
            raise ValueError(
                f"{name!r} cannot change while training; live settings: {', '.join(LIVE_SETTINGS)}"
            )
        self._send("set", name, float(value))

    def reset_weights(self, seed: int) -> None:
        """Stop, and rebuild the network with fresh weights drawn from `seed`; answered by `Configured`."""
        self._send("reset_weights", int(seed))

    def snapshot(self) -> None:
        """Ask for a `Snapshot` of the model now."""
        self._send("snapshot")

    def save_model(self, path: str | Path) -> None:
        """Write the current state as a model file; answered by `Saved` or `Error`."""
        self._send("save_model", str(path))

    def save_project(
        self,
        path: str | Path,
        data: DataSpec | None,
        network: NetworkSpec,
        config: TrainConfig,
        extras: dict[str, Any],
        with_model: bool,
    ) -> None:
        """Write a project file (core.project) of this design; with `with_model`, and once the
        model has trained, its weights, preprocessing and history too. Answered by
        `ProjectSaved` or `Error`; while training, written between two batches."""
        self._send("save_project", str(path), data, network, config, dict(extras), with_model)

    def load_project(self, path: str | Path, csv_path: str | Path | None = None) -> None:
        """Open a project file, reading its CSV file from `csv_path` when given (it moved).

        Stops a running training. Answered by `ProjectOpened` (see there) or, for a file that
        is not a valid project, an `Error` that says why; the current model is kept then.
        """
        self._send("load_project", str(path), None if csv_path is None else str(csv_path))

    def export(self, format: str, path: str | Path) -> None:
        """Write the trained model in an export format (core.export.EXPORT_FORMATS).

        Answered by `Exported` or `Error`.
        """
        self._send("export", str(format), str(path))

    def evaluate(self) -> None:
        """Evaluate the current weights on the validation and test rows; answered by `Evaluation`."""
        self._send("evaluate")

    def predict(self, rows: pd.DataFrame | str | Path, request: str = "") -> None:
        """Predict raw rows (a table, or a CSV file's path) as `nnplay predict` does.

        Answered by `Predicted` or by an `Error` that names the problem (a missing feature
        column, text in a numeric one), both carrying `request`.
        """
        self._send("predict", rows if not isinstance(rows, Path) else str(rows), str(request))

    def set_plane(self, feature_x: str, feature_y: str) -> None:
        """Draw snapshots over these two numeric features, the others held at their median.

        Answered by a `Snapshot` over the new plane and the data's `PlotPoints` over it, or an
        `Error`; kept when the data is configured again with both features still numeric inputs.
        """
        self._send("set_plane", str(feature_x), str(feature_y))

    def shutdown(self) -> None:
        """Ask the child to exit (close() also waits for it)."""
        self._send("shutdown")

    # --- messages ---

    def poll(self, timeout: float = 0.0) -> list[Message]:
        """The messages that arrived, waiting up to `timeout` seconds for the first one.

        A child that died is reported once, as `ProcessDied`.
        """
        with self._recv_lock:
            conn, process = self._conn, self._process
            if conn is None or process is None or self._died_reported:
                if timeout > 0:
                    time.sleep(timeout)  # keeps a polling loop from spinning on a dead child
                return []
            out: list[Message] = []
            try:
                ready = conn.poll(timeout)
                while ready:
                    received = conn.recv()
                    out.extend(received if isinstance(received, list) else [received])
                    self._ready = self._ready or any(isinstance(m, Ready) for m in out)
                    ready = conn.poll(0)
            except (EOFError, OSError):
                self._lost = True
            if self._lost or not process.is_alive():
                process.join(0.5)  # the pipe closes just before the process is reaped
                out.append(ProcessDied(process.exitcode))
                self._died_reported = True
            return out

    # --- helpers ---

    def _send(self, *command: Any) -> None:
        conn = self._conn
        if conn is None:
            raise RuntimeError("the training process is not started; call start() first")
        with self._send_lock:
            try:
                conn.send(command)
            except (OSError, ValueError):
                # The child is gone: the next poll() reports ProcessDied.
                self._lost = True

    def _discard(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self._process = None, None


# --- the child's side -----------------------------------------------------------------------


def _child_main(conn: Connection) -> None:
    """Entry point of the training process."""
    # Ctrl+C in a terminal reaches the whole process group; the window decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _Service(conn).run()


def _warm_up() -> None:
    """Pay the one-off costs (the first optimizer step imports torch._dynamo: 1.5-2 s) now."""
    from core.columns import auto_data_spec
    from core.dataset import load_frame, prepare_data
    from core.trainer import Trainer

    source = ToySource("circle", samples=64)
    frame = load_frame(source)
    data = prepare_data(auto_data_spec(frame, source, "label"), frame)
    for device in ("auto", "cpu"):
        try:
            Trainer(NetworkSpec(), data, TrainConfig(epochs=1, device=device)).fit()
            return
        except Exception:  # a broken GPU driver shows up when training is asked for
            continue


class _ChildControl(TrainingControl):
    """TrainingControl whose pause wait also serves snapshot and save requests."""

    def __init__(self, serve: Callable[[], None]) -> None:
        super().__init__()
        self._serve = serve

    def wait_while_paused(self, timeout: float = 0.1) -> None:
        self._serve()  # on the training thread, while the model is still
        super().wait_while_paused(timeout)

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def prepare_run(self, steps: int) -> None:
        """A fresh run: unpaused, or paused after `steps` batches; pending settings are kept."""
        with self._cond:
            self.paused = steps > 0
            self.steps_allowed = steps
            self.stop_requested = False
            self.attention = self.paused or bool(self.pending)


class _Outbox:
    """Buffers events and sends them, with anything attached, as one pipe message."""

    def __init__(self, conn: Connection, on_lost: Callable[[], None]) -> None:
        self._conn = conn
        self._on_lost = on_lost
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._attached: list[Message] = []
        self._last = 0.0
        self.lost = False

    def add(self, event: Event, *attached: Message) -> None:
        """Buffer `event`; `attached` messages go out in the same flush, after the events."""
        with self._lock:
            self._events.append(event)
            self._attached.extend(attached)

    def send(self, *messages: Message) -> None:
        """Send now, after whatever is buffered."""
        with self._lock:
            self._attached.extend(messages)
            self._flush_locked()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def flush_if_due(self) -> None:
        if time.perf_counter() - self._last >= FLUSH_INTERVAL:
            self.flush()

    def _flush_locked(self) -> None:
        out: list[Message] = []
        if self._events:
            out.append(Events(tuple(_merge_batches(self._events))))
        out += self._attached
        self._events, self._attached = [], []
        self._last = time.perf_counter()
        if not out or self.lost:
            return
        try:
            self._conn.send(out)
        except (OSError, ValueError):
            self.lost = True
            self._on_lost()


def _merge_batches(events: list[Event]) -> list[Event]:
    """Consecutive BatchesEnded of one epoch become one (their arrays concatenated)."""
    out: list[Event] = []
    run: list[BatchesEnded] = []

    def close_run() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.append(
                BatchesEnded(
                    run[0].first_step,
                    run[0].epoch,
                    np.concatenate([b.loss for b in run]),
                    np.concatenate([b.grad_norms for b in run]),
                )
            )
        run.clear()

    for event in events:
        if isinstance(event, BatchesEnded):
            if run and (
                event.epoch != run[-1].epoch
                or event.first_step != run[-1].first_step + len(run[-1].loss)
            ):
                close_run()
            run.append(event)
        else:
            close_run()
            out.append(event)
    close_run()
    return out


class _Relay(Callback):
    """The trainer's callback in the child: buffers events, adds snapshots, serves requests."""

    def __init__(self, service: _Service) -> None:
        self.service = service
        for hook in HOOKS.values():
            setattr(self, hook, self._on_event)

    def _on_event(self, event: Event) -> None:
        service = self.service
        service.serve_model_jobs()
        urgent = isinstance(event, (TrainStarted, TrainPaused, TrainEnded))
        if isinstance(event, TrainStarted):
            service.run_started()
        # A pause or the end always shows the final state; otherwise at most every interval.
        due = time.perf_counter() - service.last_snapshot >= SNAPSHOT_INTERVAL
        wanted = isinstance(event, (TrainPaused, TrainEnded)) or (due and not urgent)
        if wanted and service.pictured:
            service.outbox.add(event, service.snapshot())
        else:
            service.outbox.add(event)
        if urgent:
            service.outbox.flush()
        else:
            service.outbox.flush_if_due()


@dataclass(frozen=True)
class _Plane:
    """The 2-D input plane snapshots are drawn over, with its grid points already preprocessed."""

    features: tuple[str, str]
    extent: tuple[float, float, float, float]
    fine: torch.Tensor  # [GRID * GRID, 2] network inputs, row-major over (y, x)
    coarse: torch.Tensor  # [UNIT_GRID * UNIT_GRID, 2]


# Commands that read the model: answered on the main thread, between batches while training.
MODEL_JOBS = (
    "snapshot",
    "save_model",
    "save_project",
    "export",
    "evaluate",
    "predict",
    "set_plane",
)


class _Service:
    """The child process: a reader thread for commands, the main thread for model work."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.control = _ChildControl(self.serve_model_jobs)
        self.outbox = _Outbox(conn, self._lost)
        self.jobs: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.model_jobs: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.relay = _Relay(self)
        self.trainer: Trainer | None = None
        self._run_epochs = 0  # the epochs a run asks for: a finished run goes on by as many
        self.plane: _Plane | None = None
        self.plane_choice: tuple[str, str] | None = None  # the features set_plane() asked for
        self.pictured = False  # whether snapshots have anything to show
        self.last_snapshot = 0.0
        self._frame_key: tuple[Any, ...] | None = None
        self._frame: pd.DataFrame | None = None
        # Which run the reader considers active (None: idle, or being stopped). The reader
        # alone starts and stops runs; the main thread clears a run that ended by itself.
        self._lock = threading.Lock()
        self._active_run: int | None = None
        self._next_run = 0
        self._fitting_run: int | None = None

    def run(self) -> None:
        import torch

        from core.device import available_devices

        _warm_up()
        reader = threading.Thread(target=self._read_commands, name="nnplay-commands", daemon=True)
        reader.start()
        self.outbox.send(Ready(tuple(available_devices()), torch.__version__))
        while True:
            job = self.jobs.get()
            name = job[0]
            if name == "shutdown":
                break
            try:
                getattr(self, f"_do_{name}")(*job[1:])
            except Exception as exc:
                self.outbox.send(Error(_describe(exc), name))
        self.outbox.flush()
        self.conn.close()

    # --- the reader thread ---

    def _read_commands(self) -> None:
        while True:
            try:
                # Waking up every flush interval sends events a quiet training left behind.
                if not self.conn.poll(FLUSH_INTERVAL):
                    self.outbox.flush_if_due()
                    continue
                command = self.conn.recv()
            except (EOFError, OSError):  # the window's process is gone
                self._lost()
                return
            try:
                self._dispatch(command[0], *command[1:])
            except Exception as exc:
                self.outbox.send(Error(_describe(exc), str(command[0])))
            if command[0] == "shutdown":
                return

    def _dispatch(self, name: str, *args: Any) -> None:
        control = self.control
        with self._lock:
            active = self._active_run is not None
            if name == "pause":
                if active:
                    control.pause()
            elif name == "resume":
                if active:
                    control.resume()
            elif name == "stop":
                self._stop_locked()
            elif name == "set":
                setting, value = args
                # Validated as the whole config would be: a negative rate never reaches the loop.
                replace(TrainConfig(), **{setting: value}).validate()
                control.set(setting, value)
            elif name in ("train", "step"):
                steps = args[0] if name == "step" else 0
                if steps < 0:
                    raise SpecError(f"cannot step {steps} batches")
                if not active:
                    self._next_run += 1
                    self._active_run = self._next_run
                    self.jobs.put(("train", self._active_run, steps))
                elif steps:
                    control.step(steps)
                else:
                    control.resume()
            elif name in MODEL_JOBS:
                self.model_jobs.put((name, *args))
                self.jobs.put(("serve",))  # wakes an idle main thread
                control.wake()  # wakes a paused one
            elif name in ("configure", "reset_weights", "load_project", "shutdown"):
                self._stop_locked()
                self.jobs.put((name, *args))
            else:
                raise ValueError(f"unknown command {name!r}")

    def _stop_locked(self) -> None:
        if self._active_run is not None:
            self._active_run = None
            self.control.stop()

    def _lost(self) -> None:
        """The window is gone: stop and exit."""
        with self._lock:
            self._stop_locked()
        self.jobs.put(("shutdown",))

    # --- the main thread ---

    def _do_serve(self) -> None:
        self.serve_model_jobs()

    def serve_model_jobs(self) -> None:
        """Answer snapshot and save requests; called only where the model is not changing."""
        while True:
            try:
                job = self.model_jobs.get_nowait()
            except queue.Empty:
                return
            name = job[0]
            try:
                if name == "snapshot":
                    self.outbox.send(self.snapshot())
                elif name == "save_model":
                    self._save_model(job[1])
                elif name == "save_project":
                    self._save_project(*job[1:])
                elif name == "export":
                    self._export(job[1], job[2])
                elif name == "evaluate":
                    self.outbox.send(self._evaluate())
                elif name == "predict":
                    self.outbox.send(self._predict(job[1], job[2]))
                elif name == "set_plane":
                    self._set_plane(job[1], job[2])
            except Exception as exc:
                request = job[2] if name == "predict" else ""
                self.outbox.send(Error(_describe(exc), name, request))

    def _do_configure(self, data: DataSpec, network: NetworkSpec, config: TrainConfig) -> None:
        from core.dataset import prepare_data

        self.trainer = self.plane = None  # a failed configure leaves nothing stale to train
        self.control.take_pending()  # settings changed before now are in `config`
        frame = self._load(data.source)
        prepared = prepare_data(data, frame)
        self._build(network, prepared, config, frame)

    def _do_reset_weights(self, seed: int) -> None:
        trainer = self._require_trainer()
        self.trainer = None
        assert self._frame is not None
        config = replace(trainer.config, seed=seed, epochs=self._run_epochs)
        self._build(trainer.network, trainer.data, config, self._frame)

    def _do_train(self, run: int, steps: int) -> None:
        trainer = self.trainer
        with self._lock:
            starts = self._active_run == run and trainer is not None
            if starts:
                self.control.prepare_run(steps)
                self._fitting_run = run
            elif self._active_run == run:
                self._active_run = None
        if trainer is None:
            raise SpecError("choose data and a network before training")
        if not starts:  # stopped (or reconfigured) before it started
            ended = TrainEnded(
                "stopped", "stopped before it started", trainer.epoch, trainer.step, trainer.epoch
            )
            self.outbox.add(ended)
            self.outbox.flush()
            return
        cfg = trainer.config
        if cfg.epochs and trainer.epoch >= cfg.epochs:
            # Train after a finished run goes on for as many epochs again, from the trained
            # weights (as Keras' fit() does; TensorFlow Playground never stops); Reset starts over.
            trainer.config = replace(cfg, epochs=trainer.epoch + self._run_epochs)
        try:
            trainer.fit()
        finally:
            with self._lock:
                if self._active_run == run:
                    self._active_run = None
                self._fitting_run = None
            self.outbox.flush()

    def run_started(self) -> None:
        # fit() clears a stop request when it starts; one that came in the meantime is repeated.
        with self._lock:
            if self._fitting_run is not None and self._active_run != self._fitting_run:
                self.control.stop()

    # --- model work (main thread) ---

    def _require_trainer(self) -> Trainer:
        if self.trainer is None:
            raise SpecError("choose data and a network first")
        return self.trainer

    def _load(self, source: CsvSource | ToySource) -> pd.DataFrame:
        """The source's table, kept while neither the source nor the file changes."""
        from core.dataset import load_frame

        key: tuple[Any, ...] = (source,)
        if isinstance(source, CsvSource):
            try:
                stat = Path(source.path).stat()
                key = (source, stat.st_mtime_ns, stat.st_size)
            except OSError:
                key = (source, None)  # load_frame says what is wrong with the path
        if key != self._frame_key or self._frame is None:
            self._frame, self._frame_key = None, None
            self._frame = load_frame(source)
            self._frame_key = key
        return self._frame

    def _build(
        self,
        network: NetworkSpec,
        data: PreparedData,
        config: TrainConfig,
        frame: pd.DataFrame,
        model: TrainedModel | None = None,
        first: tuple[Message, ...] = (),
    ) -> None:
        """Build the trainer (around `model`'s weights and history when given) and report it,
        after the `first` messages."""
        from core.device import describe
        from core.trainer import Trainer

        trainer = Trainer(
            network,
            data,
            config,
            callbacks=[self.relay],
            control=self.control,
            model=None if model is None else model.model,
        )
        if model is not None:
            _continue_from(trainer, model)
        self._run_epochs = config.epochs
        plane = _make_plane(frame, data, trainer, self.plane_choice)
        self.trainer, self.plane = trainer, plane
        self.pictured = plane is not None or _drawable(trainer.model)
        configured = Configured(
            task=data.task,
            class_names=data.class_names,
            input_names=data.preprocessor.input_names,
            layer_names=tuple(trainer.layers),
            layer_labels=tuple(trainer.layer_labels()),
            parameters=sum(p.numel() for p in trainer.params),
            loss=trainer.loss_name,
            seed=config.seed,
            n_train=len(data.train),
            n_val=len(data.val),
            n_test=len(data.test),
            dropped_rows=data.dropped_rows,
            batch_size=trainer.batch_size,
            steps_per_epoch=trainer.steps_per_epoch,
            device=str(trainer.device),
            device_name=describe(trainer.device, trainer.threads),  # what training will use
            plane_features=plane.features if plane else None,
            extent=plane.extent if plane else None,
            train_rows=data.train.rows,
            val_rows=data.val.rows,
            test_rows=data.test.rows,
            preprocessor=data.preprocessor,
        )
        # The data points the window draws: a capped sample of this split, over the plane.
        points = () if plane is None else (sample_plot_points(frame, data, plane.features),)
        self.outbox.send(*first, configured, self.snapshot(), *points)

    def snapshot(self) -> Snapshot:
        trainer = self._require_trainer()
        self.last_snapshot = time.perf_counter()
        return _take_snapshot(trainer, self.plane)

    def _save_model(self, path: str) -> None:
        from core.modelfile import save_model
        from core.workflow import trained_model

        save_model(trained_model(self._require_trainer()), path)
        self.outbox.send(Saved(path))

    def _save_project(
        self,
        path: str,
        data: DataSpec | None,
        network: NetworkSpec,
        config: TrainConfig,
        extras: dict[str, Any],
        with_model: bool,
    ) -> None:
        from core.project import ProjectFile, save_project
        from core.workflow import trained_model

        trainer = self.trainer
        model = None
        if with_model and trainer is not None and trainer.step > 0:
            model = trained_model(trainer)
        save_project(path, ProjectFile(data, network, config, model, extras))
        self.outbox.send(ProjectSaved(path, model is not None))

    def _export(self, format: str, path: str) -> None:
        from core.export import export_model
        from core.workflow import trained_model

        trainer = self._require_trainer()
        if trainer.step == 0:
            raise SpecError("train the model before exporting it")
        paths = export_model(trained_model(trainer), format, path)
        self.outbox.send(Exported(format, tuple(str(p) for p in paths)))

    def _do_load_project(self, path: str, csv_path: str | None) -> None:
        """Open a project: check it all (core.project) before anything here changes, then build
        its model, with the saved weights and history when it was trained."""
        from core.dataset import prepare_data
        from core.project import load_project

        project = load_project(path)
        if csv_path is not None:
            project = project.relocated(csv_path)
        data, tm = project.data, project.model
        if tm is not None and (data is None or not _same_design(project, tm)):
            tm = None  # a model of another design (a file edited by hand): train afresh
        opened = ProjectOpened(
            path,
            data,
            project.network,
            project.config,
            project.extras,
            trained=tm is not None,
            configured=False,
            finished=False,
            missing_source=project.missing_source,
        )
        if project.missing_source is not None:
            self.outbox.send(opened)  # nothing changes until the window says where the file is
            return
        self.trainer = self.plane = None  # the open design replaces the old one, built or not
        problems = [] if data is None else data.problems()
        problems += project.network.problems() + project.config.problems()
        if data is None or problems:
            self.outbox.send(opened)  # an unfinished design: the window shows what is missing
            return
        self.control.take_pending()
        try:
            frame = self._load(data.source)
            # The model's own preprocessing, not one fitted anew: the same rows in, the same out.
            prepared = prepare_data(
                data, frame, preprocessor=None if tm is None else tm.preprocessor
            )
        except Exception as exc:  # the design opens; its data cannot be read as it is now
            self.outbox.send(opened, Error(_describe(exc), "configure"))
            return
        epochs = project.config.epochs
        finished = tm is not None and epochs > 0 and tm.history.last("epoch") >= epochs
        opened = replace(
            opened,
            configured=True,
            finished=finished,
            input_names=prepared.preprocessor.input_names,
            class_names=prepared.class_names,
            n_rows=len(frame),
        )
        self._build(project.network, prepared, project.config, frame, tm, first=(opened,))
        if tm is not None and tm.history.rows:
            self.outbox.send(Events(_history_events(tm)))

    def _evaluate(self) -> Evaluation:
        from core.predict import evaluation_details
        from core.workflow import trained_model

        trainer = self._require_trainer()
        frame = self._frame
        assert frame is not None
        model = trained_model(trainer)  # the exact path of a saved model and `nnplay evaluate`
        splits: list[SplitEvaluation] = []
        parts: tuple[tuple[Literal["val", "test"], np.ndarray], ...] = (
            ("val", trainer.data.val.rows),
            ("test", trainer.data.test.rows),
        )
        for name, rows in parts:
            if len(rows) == 0:
                continue
            done = evaluation_details(model, frame.iloc[rows])
            actual, predicted = done.actual, done.predicted
            if actual is not None and predicted is not None and len(actual) > EVAL_POINTS:
                rng = np.random.default_rng(0)
                keep = np.sort(rng.choice(len(actual), EVAL_POINTS, replace=False))
                actual, predicted = actual[keep], predicted[keep]
            splits.append(SplitEvaluation(name, done.report, actual, predicted))
        if not splits:
            raise SpecError(
                "there are no validation or test rows to evaluate on; "
                "give the validation set a share of the data"
            )
        return Evaluation(trainer.step, trainer.epoch, tuple(splits))

    def _predict(self, rows: pd.DataFrame | str, request: str) -> Predicted:
        from core.csv_io import read_csv
        from core.predict import predict_frame
        from core.workflow import trained_model

        trainer = self._require_trainer()
        frame = read_csv(CsvSource(rows))[0] if isinstance(rows, str) else rows
        predictions = predict_frame(trained_model(trainer), frame)  # as `nnplay predict` does
        return Predicted(request, predictions, trainer.step, trainer.epoch)

    def _set_plane(self, feature_x: str, feature_y: str) -> None:
        from core.preprocess import NumericFeature

        trainer = self._require_trainer()
        numeric = [
            f.name for f in trainer.data.preprocessor.features if isinstance(f, NumericFeature)
        ]
        for name in (feature_x, feature_y):
            if name not in numeric:
                raise SpecError(
                    f"{name!r} is not a numeric feature of the data; choose among: "
                    + ", ".join(numeric)
                )
        if feature_x == feature_y:
            raise SpecError("choose two different features for the plane")
        assert self._frame is not None
        self.plane_choice = (feature_x, feature_y)
        self.plane = _make_plane(self._frame, trainer.data, trainer, self.plane_choice)
        self.pictured = self.plane is not None or _drawable(trainer.model)
        points = (
            ()
            if self.plane is None
            else (sample_plot_points(self._frame, trainer.data, self.plane.features),)
        )
        self.outbox.send(self.snapshot(), *points)


def _same_design(project: ProjectFile, tm: TrainedModel) -> bool:
    """Whether the project's model was trained on the project's own data and network (the
    training settings may have changed since; the data file's path may differ: it moved)."""
    assert project.data is not None
    data = tm.data
    if isinstance(data.source, CsvSource) and isinstance(project.data.source, CsvSource):
        data = replace(data, source=replace(data.source, path=project.data.source.path))
    return data == project.data and tm.network == project.network


def _continue_from(trainer: Trainer, tm: TrainedModel) -> None:
    """Carry a saved model's history and counters over, so training continues where it was."""
    trainer.history = tm.history
    if tm.history.rows:
        trainer.epoch = trainer.best_epoch = int(tm.history.last("epoch"))
        trainer.step = int(tm.history.last("step"))


def _history_events(tm: TrainedModel) -> tuple[Event, ...]:
    """A saved training history as the events that drew it: its thinned steps, then its epochs."""
    from core.events import BatchesEnded, EpochEnded
    from core.history import COLUMNS

    metric: Literal["accuracy", "r2"] = "r2" if tm.history.metric == "r2" else "accuracy"
    out: list[Event] = []
    epochs = [int(r[0]) for r in tm.history.rows]
    ends = [int(r[1]) for r in tm.history.rows]
    for row in tm.history.step_rows:
        step = int(row[0])
        # The epoch a step belongs to: the first whose last step is at or after it.
        epoch = next(
            (e for e, end in zip(epochs, ends, strict=True) if end >= step), len(epochs) + 1
        )
        out.append(BatchesEnded(step, epoch, np.array([row[1]]), np.array([row[2:]])))
    for row in tm.history.rows:
        r = dict(zip(COLUMNS, row, strict=True))
        out.append(
            EpochEnded(
                epoch=int(r["epoch"]),
                step=int(r["step"]),
                train_loss=r["train_loss"],
                val_loss=r["val_loss"],
                train_metric=r["train_metric"],
                val_metric=r["val_metric"],
                metric=metric,
                learning_rate=r["learning_rate"],
                samples_per_second=float("nan"),
                elapsed=r["elapsed"],
            )
        )
    return tuple(out)


def _describe(exc: BaseException) -> str:
    """A user-facing sentence for an exception: ours as they are, others with their type."""
    return describe_error(exc, "out of memory; try a smaller dataset, batch or network")


# --- snapshots ----------------------------------------------------------------------------------


def _make_plane(
    frame: pd.DataFrame,
    data: PreparedData,
    trainer: Trainer,
    choice: tuple[str, str] | None = None,
) -> _Plane | None:
    """The plane over two numeric features (`choice`, else `default_plane`'s), or None when the
    data has fewer than two. Other features are held at their median over the training rows
    (categories at the most frequent one), so the plane is a slice through typical rows.
    """
    import pandas as pd
    import torch

    from core.labels import as_labels
    from core.preprocess import NumericFeature

    features = data.preprocessor.features
    numeric = [f.name for f in features if isinstance(f, NumericFeature)]
    if len(numeric) < 2:
        return None
    if choice is not None and choice[0] != choice[1] and set(choice) <= set(numeric):
        names = choice
    else:
        from core.plane import default_plane

        names = default_plane(frame, data.spec) or (numeric[0], numeric[1])
    bounds: list[float] = []
    for name in names:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
        values = values[np.isfinite(values)]
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        pad = (hi - lo) * PLANE_MARGIN if hi > lo else 1.0
        bounds += [lo - pad, hi + pad]
    extent = (bounds[0], bounds[1], bounds[2], bounds[3])

    train = frame.iloc[data.train.rows]
    fixed: dict[str, float | str] = {}
    for f in features:
        if f.name in names:
            continue
        if isinstance(f, NumericFeature):
            values = pd.to_numeric(train[f.name], errors="coerce").to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            fixed[f.name] = float(np.median(values)) if len(values) else f.fill
        else:
            counts = as_labels(train[f.name]).value_counts()
            fixed[f.name] = str(counts.index[0]) if len(counts) else f.fill

    def inputs(n: int) -> torch.Tensor:
        xs = _cell_centres(extent[0], extent[1], n)
        ys = _cell_centres(extent[2], extent[3], n)
        gx, gy = np.meshgrid(xs, ys)  # [y, x]
        columns: dict[str, object] = {names[0]: gx.ravel(), names[1]: gy.ravel()}
        for name, value in fixed.items():
            columns[name] = np.full(n * n, value, dtype=object if isinstance(value, str) else None)
        table = pd.DataFrame(columns)
        return torch.as_tensor(data.preprocessor.transform(table)).to(trainer.device)

    return _Plane(names, extent, inputs(GRID), inputs(UNIT_GRID))


def _cell_centres(lo: float, hi: float, n: int) -> np.ndarray:
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def _drawable(model: torch.nn.Module) -> bool:
    """Whether the network is small enough for the diagram: no layer wider than the limit."""
    from torch import nn

    linears = [m for m in model.children() if isinstance(m, nn.Linear)]
    return all(max(m.in_features, m.out_features) <= MAX_DIAGRAM_UNITS for m in linears)


def _take_snapshot(trainer: Trainer, plane: _Plane | None) -> Snapshot:
    """The model's answer over `plane` and, for a network small enough to draw, its weights.

    Runs in evaluation mode without gradients and draws no random numbers, so taking snapshots
    never changes what training computes.
    """
    import torch
    from torch import nn

    from core.loss_functions import probabilities

    model, head = trainer.model, trainer.head
    linears = [(name, m) for name, m in model.named_children() if isinstance(m, nn.Linear)]
    small = _drawable(model)
    kind: Literal["probability", "class", "value"]
    if head.kind == "linear":
        kind = "value"
    elif head.kind == "sigmoid" or head.units == 2:
        kind = "probability"
    else:
        kind = "class"
    output = confidence = None
    units: list[torch.Tensor] = []
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if plane is not None:
                logits = model(plane.fine)
                if kind == "value":
                    output = logits[:, 0]
                else:
                    probs = probabilities(logits, head)
                    if kind == "probability":
                        output = probs[:, 1]
                    else:
                        best, index = probs.max(dim=1)
                        output, confidence = index.float(), best
                if small:
                    h = plane.coarse
                    for name, module in model.named_children():
                        h = module(h)
                        if name.endswith("_act"):
                            units.append(h.T.reshape(-1, UNIT_GRID, UNIT_GRID))
            tensors = [t for t in (output, confidence) if t is not None] + units
            if small:
                tensors += [m.weight for _, m in linears]
                tensors += [m.bias for _, m in linears if m.bias is not None]
            # One transfer to the host for everything: on a GPU each transfer is a sync point.
            parts = [t.detach().float().reshape(-1) for t in tensors]
            flat = torch.cat(parts).cpu().numpy() if parts else np.empty(0, np.float32)
    finally:
        model.train(was_training)
    host, at = [], 0
    for t in tensors:
        host.append(flat[at : at + t.numel()].reshape(tuple(t.shape)))
        at += t.numel()
    it = iter(host)
    out_np = next(it).reshape(GRID, GRID) if output is not None else None
    conf_np = next(it).reshape(GRID, GRID) if confidence is not None else None
    units_np = tuple(next(it) for _ in units)
    weights: tuple[np.ndarray, ...] = ()
    biases: tuple[np.ndarray | None, ...] = ()
    if small:
        weights = tuple(next(it) for _ in linears)
        biases = tuple(next(it) if m.bias is not None else None for _, m in linears)
    if out_np is not None and kind == "value":
        out_np = trainer.data.preprocessor.decode_values(out_np).astype(np.float32)
    return Snapshot(
        step=trainer.step,
        epoch=trainer.epoch,
        kind=kind,
        output=out_np,
        confidence=conf_np,
        dense_names=tuple(name for name, _ in linears) if small else (),
        weights=weights,
        biases=biases,
        units=units_np,
        features=plane.features if plane is not None else None,
        extent=plane.extent if plane is not None else None,
    )
