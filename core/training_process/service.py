"""The training process itself: commands in, messages out, one model, trained between them.

A reader thread receives commands. Run control (pause, resume, step, stop, live settings) acts on
the `TrainingControl` at once; everything that touches the model runs on the main thread,
between two batches while it trains, so the model is never read while the optimizer writes it.
Events are coalesced into at most ~30 `Events` messages a second (`outbox.Outbox`) and
`Snapshot`s are sent at most 5 times a second, so the pipe never floods however fast a tiny
network trains. The commands are listed in `commands.py`, the messages in `messages.py`.
"""

from __future__ import annotations

import queue
import signal
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from core.data_spec import CsvSource, ToySource
from core.dataset import PreparedData, load_frame, prepare_data
from core.device import available_devices
from core.errors import SpecError, describe_error
from core.events import TrainEnded
from core.modelfile import TrainedModel
from core.plot_points import sample_plot_points
from core.spec import NetworkSpec, TrainConfig
from core.trainer import Trainer
from core.training_process import model_work
from core.training_process.client import START_STAGES
from core.training_process.commands import (
    Command,
    Configure,
    KeepRunWeights,
    OpenProject,
    Pause,
    RaceOptimizers,
    Resume,
    SaveProject,
    Search,
    SetLive,
    SetPlane,
    Shutdown,
    Step,
    Stop,
    StopRace,
    TakeSnapshot,
    Train,
)
from core.training_process.jobs import Job, RunSearch, ServeModelWork, StartRun, command_of
from core.training_process.loop_hooks import ChildControl, Relay, warm_up
from core.training_process.messages import (
    EngineStarting,
    Events,
    Failed,
    FeatureRange,
    HeldValues,
    Message,
    Ready,
    Snapshot,
)
from core.training_process.outbox import FLUSH_INTERVAL, Outbox
from core.training_process.projects import (
    configured_opening,
    continue_from,
    has_problems,
    history_events,
    read_project,
)
from core.training_process.races import Races
from core.training_process.run_weights import RunWeights
from core.training_process.search_work import SearchWork
from core.training_process.snapshots import (
    Plane,
    chosen_plane,
    configured_message,
    drawable,
    feature_ranges,
    make_plane,
    take_snapshot,
)

# What Failed says for a MemoryError (through describe_error): what the user can do about it.
OUT_OF_MEMORY = "out of memory; try a smaller dataset, batch or network"


class TrainingService:
    """The child process: a reader thread for commands, the main thread for model work."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.control = ChildControl(self.serve_model_work)
        self.outbox = Outbox(conn, self._lost)
        self.jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self.model_work: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self.relay = Relay(self)
        self.races = Races()
        self.search = SearchWork(self.outbox, self.serve_model_work)
        self.run_weights = RunWeights()  # the final models of the last runs
        self.trainer: Trainer | None = None
        self.run_epochs = 0  # the epochs a run asks for: a finished run goes on by as many
        self.plane: Plane | None = None
        self.plane_choice: tuple[str, str] | None = None  # the features SetPlane asked for
        self.held_choice: HeldValues = ()  # and the values it holds the others at
        self.ranges: tuple[FeatureRange, ...] = ()  # the built data's features (Configured)
        self.pictured = False  # whether snapshots have anything to show
        self.last_snapshot = 0.0
        self.frame: pd.DataFrame | None = None
        self._frame_key: tuple[Any, ...] | None = None
        # Which run the reader considers active (None: idle, or being stopped). The reader
        # alone starts and stops runs; the main thread clears a run that ended by itself.
        self._lock = threading.Lock()
        self._active_run: int | None = None
        self._next_run = 0
        self._fitting_run: int | None = None

    def run(self) -> None:
        # Ctrl+C in a terminal reaches the whole process group; the window decides when we stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.conn.send(EngineStarting(START_STAGES[1], 2, len(START_STAGES)))
        warm_up()
        reader = threading.Thread(target=self._read_commands, name="nnplay-commands", daemon=True)
        reader.start()
        # str(): torch.__version__ is a TorchVersion, and unpickling one would import torch.
        self.outbox.send(Ready(tuple(available_devices()), str(torch.__version__)))
        while True:
            job = self.jobs.get()
            if isinstance(job, Shutdown):
                break
            try:
                self._run_job(job)
            except Exception as exc:
                self.outbox.send(Failed(describe_error(exc, OUT_OF_MEMORY), command_of(job)))
        self.outbox.flush()
        self.conn.close()

    # --- the reader thread: run control at once, the rest queued for the main thread ---

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
                self._receive(command)
            except Exception as exc:
                self.outbox.send(Failed(describe_error(exc, OUT_OF_MEMORY), type(command)))
            if isinstance(command, Shutdown):
                return

    def _receive(self, command: Command) -> None:
        control = self.control
        with self._lock:
            active = self._active_run is not None
            match command:
                case Pause():
                    if active:
                        control.pause()
                case Resume():
                    self.races.cancel()  # a race served while paused would hold the run back
                    if active:
                        control.resume()
                case Stop():
                    self._stop_locked()
                case StopRace():
                    self.races.cancel()
                case SetLive(name=name, value=value):
                    control.set(name, value)
                case Train() | Step():
                    self.races.cancel()  # the user's own training comes first
                    steps = command.batches if isinstance(command, Step) else 0
                    if not active:
                        self._next_run += 1
                        self._active_run = self._next_run
                        self.jobs.put(StartRun(self._active_run, steps))
                    elif steps:
                        control.step(steps)
                    else:
                        control.resume()
                case Search():
                    self._stop_locked()
                    self.jobs.put(self.search.queued(command))
                case Configure() | OpenProject() | Shutdown():
                    self._stop_locked()
                    self.jobs.put(command)
                case _:  # model work: answered between batches, or at once when idle
                    self.model_work.put(command)
                    self.jobs.put(ServeModelWork())  # wakes an idle main thread
                    control.wake()  # wakes a paused one

    def _stop_locked(self) -> None:
        self.search.stop()
        self.races.cancel()
        if self._active_run is not None:
            self._active_run = None
            self.control.stop()

    def _lost(self) -> None:
        """The window is gone: stop and exit."""
        with self._lock:
            self._stop_locked()
        self.jobs.put(Shutdown())

    # --- the main thread ---

    def _run_job(self, job: Job) -> None:
        match job:
            case ServeModelWork():
                self.serve_model_work()
            case StartRun(run=run, steps=steps):
                self._train(run, steps)
            case RunSearch():
                self.search.run(job, self._load)
            case Configure(data=data, network=network, config=config, weights_of=run):
                self.trainer = self.plane = None  # a failed configure leaves nothing stale
                self.control.take_pending()  # settings changed before now are in `config`
                frame = self._load(data.source)
                tm = self.run_weights.model(run, data, network)  # None: fresh weights
                prepared = prepare_data(data, frame, None if tm is None else tm.preprocessor)
                self._build(network, prepared, config, frame, tm)
            case OpenProject(path=path, csv_path=csv_path, without_data=without_data):
                self._open_project(path, csv_path, without_data)
            case _:
                raise SpecError(f"the training process cannot run {type(job).__name__}")

    def serve_model_work(self) -> None:
        """Answer model work; called only where the model is not changing."""
        while True:
            try:
                command = self.model_work.get_nowait()
            except queue.Empty:
                return
            try:
                self._serve(command)
            except Exception as exc:
                request = getattr(command, "request", "")
                self.outbox.send(Failed(describe_error(exc, OUT_OF_MEMORY), type(command), request))

    def _serve(self, command: Command) -> None:
        match command:
            case TakeSnapshot():
                self.outbox.send(self.snapshot())
            case SetPlane(feature_x=x, feature_y=y, held=held):
                self._set_plane(x, y, held)
            case SaveProject():
                self.outbox.send(model_work.save_project(command, self.trainer, self.run_weights))
            case KeepRunWeights():
                self.outbox.send(self.run_weights.keep(command))
            case RaceOptimizers():
                self.races.run(command, self._require_trainer(), self.outbox)
            case _:
                trainer = self._require_trainer()
                assert self.frame is not None
                self.outbox.send(model_work.answer(command, trainer, self.frame))

    def _train(self, run: int, steps: int) -> None:
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
            # weights (as Keras' fit() does; TensorFlow Playground never stops).
            trainer.config = replace(cfg, epochs=trainer.epoch + self.run_epochs)
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

    # --- the model (main thread) ---

    def _require_trainer(self) -> Trainer:
        if self.trainer is None:
            raise SpecError("choose data and a network first")
        return self.trainer

    def _load(self, source: CsvSource | ToySource) -> pd.DataFrame:
        """The source's table, kept while neither the source nor the file changes."""
        key: tuple[Any, ...] = (source,)
        if isinstance(source, CsvSource):
            try:
                stat = Path(source.path).stat()
                key = (source, stat.st_mtime_ns, stat.st_size)
            except OSError:
                key = (source, None)  # load_frame says what is wrong with the path
        if key != self._frame_key or self.frame is None:
            self.frame, self._frame_key = None, None
            self.frame = load_frame(source)
            self._frame_key = key
        return self.frame

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
        trainer = Trainer(
            network,
            data,
            config,
            callbacks=[self.relay],
            control=self.control,
            model=None if model is None else model.model,
        )
        if model is not None:
            continue_from(trainer, model)
        self.run_epochs = config.epochs
        self.ranges = feature_ranges(frame, data)
        plane = make_plane(frame, data, trainer, self.plane_choice, self.held_choice, self.ranges)
        self.trainer, self.plane = trainer, plane
        self.pictured = plane is not None or drawable(trainer.model)
        configured = configured_message(trainer, data, config, plane, self.ranges)
        # The data points the window draws: a capped sample of this split, over the plane.
        points = () if plane is None else (sample_plot_points(frame, data, plane.features),)
        self.outbox.send(*first, configured, self.snapshot(), *points)
        if model is not None and model.history.rows:
            self.outbox.send(Events(history_events(model)))

    def snapshot(self) -> Snapshot:
        trainer = self._require_trainer()
        self.last_snapshot = time.perf_counter()
        return take_snapshot(trainer, self.plane)

    def _open_project(self, path: str, csv_path: str | None, without_data: bool = False) -> None:
        """Check all of a project (core.project) before anything here changes, then build its
        model, with the saved weights and history when it was trained."""
        project, tm, opened = read_project(path, csv_path, without_data)
        data = project.data
        if project.missing_source is not None:
            self.outbox.send(opened)  # nothing changes until the window says where the file is
            return
        self.trainer = self.plane = None  # the open design replaces the old one, built or not
        self.run_weights.replace(project.run_models)
        if data is None or has_problems(project):
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
            self.outbox.send(opened, Failed(describe_error(exc, OUT_OF_MEMORY), Configure))
            return
        opened = configured_opening(opened, project, tm, prepared, len(frame))
        self._build(project.network, prepared, project.config, frame, tm, first=(opened,))

    def _set_plane(self, feature_x: str, feature_y: str, held: HeldValues) -> None:
        trainer = self._require_trainer()
        assert self.frame is not None
        before = self.plane.features if self.plane is not None else None
        self.plane, points = chosen_plane(
            self.frame, trainer, (feature_x, feature_y), held, self.ranges, before
        )
        self.plane_choice, self.held_choice = (feature_x, feature_y), held
        self.pictured = self.plane is not None or drawable(trainer.model)
        self.outbox.send(self.snapshot(), *points)
