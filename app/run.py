"""The run: what Train, Pause, Step, Stop and Reset mean, and the one place that knows the state.

One state machine (`RunState`) and one model version. Views listen to `state_changed` and
`model_changed(version)`; none of them rebuilds "did the model change?" from the engine's
signals. The rules, as a user sees them:
- Train continues the current model when the design (data, network, settings other than the
  live ones) is what it was built with; otherwise it builds afresh (new weights, plots start
  over). Train after a finished run trains as many epochs again from the trained weights.
- Learning rate, weight decay and L1/L2 may change while training: each change is sent to the
  running loop as a `SetLive` command, applied before its next batch (a mark on the plots).
- While training, the data and the network cannot change (the panels are locked); if one
  changes anyway (undo), the run is stopped.
- With nothing running, a changed network or dataset is sent to the engine at once, so the
  diagram and the output show the new, untrained model.

    idle ──Configure──▶ configuring ──Configured──▶ ready ──Train──▶ running ◀─Resume─▶ paused
      ▲                     │ Failed                  ▲                 │ TrainEnded
      └─────────────────────┘       ready / finished / failed ◀─────────┘
"""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.engine_link import EngineLink
from app.project import Project
from core.control import LIVE_SETTINGS
from core.events import TrainEnded, TrainPaused, TrainResumed, TrainStarted
from core.spec import TrainConfig
from core.text import plural, split_text
from core.training_process.commands import (
    Command,
    Configure,
    Export,
    OpenProject,
    Pause,
    Resume,
    SaveModel,
    SaveProject,
    SetLive,
    SetPlane,
    Step,
    Stop,
    TakeSnapshot,
    Train,
)
from core.training_process.messages import Configured, Failed, Ready


class RunState(StrEnum):
    IDLE = "idle"  # no model in the engine: it is starting, or the design cannot be built
    CONFIGURING = "configuring"  # the engine is building the model of the design sent
    READY = "ready"  # a model, untrained or stopped part-way: Train starts or continues
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # the last run did all its epochs: Train goes on as many again
    FAILED = "failed"  # the last run failed (its loss became NaN): the last finite weights stay


ACTIVE = (RunState.RUNNING, RunState.PAUSED)
# No model is built yet: nothing to evaluate, predict or walk through.
NO_MODEL = (RunState.IDLE, RunState.CONFIGURING)
# What the status bar says could not be done, per command that failed.
COMMAND_WORDS: dict[type[Command], str] = {
    Configure: "prepare the data and the network",
    Train: "train",
    Step: "step",
    SetLive: "change the setting",
    SaveModel: "save the model",
    SaveProject: "save the project",
    OpenProject: "open the project",
    Export: "export the model",
    SetPlane: "show that plane",
    TakeSnapshot: "draw the model",
}


def design_key(project: Project) -> tuple[object, ...]:
    """What a trained model depends on: everything but the settings that may change live."""
    config = project.config
    fixed = tuple(
        getattr(config, f.name) for f in fields(TrainConfig) if f.name not in LIVE_SETTINGS
    )
    return (project.data, project.network, fixed)


def live_values(config: TrainConfig) -> dict[str, float]:
    return {name: float(getattr(config, name)) for name in LIVE_SETTINGS}


class Run(QObject):
    """Turns the user's commands into the engine's, and the engine's answers into one state."""

    state_changed = Signal(str)  # a RunState
    model_changed = Signal(int)  # the new model version: built, or its weights trained
    message_changed = Signal(str, bool)  # (text, is_error)
    configured = Signal(object)  # Configured: a new model (the plots start over)

    def __init__(self, project: Project, engine: EngineLink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.engine = engine
        self.state = RunState.IDLE
        self.model_version = 0
        self.model_trained = False  # the engine's model has trained (Export needs that)
        self.devices: tuple[object, ...] = ()
        self.info: Configured | None = None  # the engine's model, as last built
        self.last_outcome: str | None = None
        # (finished, trained) of a project being opened: its model is the one on its way.
        self._opened: tuple[bool, bool] | None = None
        self._configured_key: tuple[object, ...] | None = None
        # Between Train and the run's TrainStarted the engine may still be building the model;
        # a pause asked for then is held back until the run exists (the engine would drop it).
        self._run_started = True
        self._pause_pending = False
        self._live: dict[str, float] = {}
        self._preview = QTimer(self)
        self._preview.setSingleShot(True)
        self._preview.setInterval(150)  # a burst of edits (a slider drag) configures once
        self._preview.timeout.connect(self._on_preview_due)

        project.changed.connect(self._on_project_changed)
        engine.ready.connect(self._on_ready)
        engine.configured.connect(self._on_configured)
        engine.started.connect(self._on_started)
        engine.paused.connect(self._on_paused)
        engine.resumed.connect(self._on_resumed)
        engine.finished.connect(self._on_finished)
        engine.failed.connect(self._on_failed)
        engine.process_died.connect(self._on_process_died)

    @property
    def is_active(self) -> bool:
        """A run is going on (running or paused): the design is locked."""
        return self.state in ACTIVE

    @property
    def model_fits_design(self) -> bool:
        """The engine's model was built for the data and network the window shows now (the
        training settings may have changed since: a trained model keeps its own)."""
        key = self._configured_key
        return key is not None and key[:2] == design_key(self.project)[:2]

    def adopt_opened(self, finished: bool, trained: bool) -> None:
        """The engine is building the model of a project just opened, or of a run restored
        (with its saved weights): train on from it (a finished run goes on for as many epochs
        again)."""
        self._configured_key = design_key(self.project)
        self._live = live_values(self.project.config)
        self.last_outcome = "finished" if finished else None
        self._opened = (finished, trained)
        self._set_state(RunState.CONFIGURING)

    def forget_model(self) -> None:
        """The model belongs to a design that is gone (File > New): build a fresh one."""
        self._configured_key = None
        self.last_outcome = None
        self._set_state(RunState.IDLE)
        self._preview.start()

    # --- the user's commands ----------------------------------------------------------------------

    def toggle(self) -> None:
        """The Train/Pause button: train, pause or resume."""
        if self.state == RunState.RUNNING:
            self.pause()
        elif self.state == RunState.PAUSED:
            self.resume()
        else:
            self.train()

    def train(self) -> None:
        if self.is_active or self._cannot_train():
            return
        if self._prepare():
            self.engine.send(Train())
            self._run_started, self._pause_pending = False, False
            self._set_state(RunState.RUNNING)
            if not self.engine.is_ready:
                self._say("Starting the training engine…")

    def pause(self) -> None:
        if self.state != RunState.RUNNING:
            return
        if self._run_started:
            self.engine.send(Pause())
        else:
            self._pause_pending = True

    def resume(self) -> None:
        if self.state == RunState.PAUSED:
            self._pause_pending = False
            self.engine.send(Resume())
            self._set_state(RunState.RUNNING)

    def step(self, n: int = 1) -> None:
        """Run `n` batches, then pause (starting a paused run when none is going on)."""
        if self._cannot_train() or (not self.is_active and not self._prepare()):
            return
        self.engine.send(Step(n))
        self._set_state(RunState.PAUSED)

    def stop(self) -> None:
        if self.is_active:
            self.engine.send(Stop())

    def reset_weights(self) -> None:
        """Stop, and start over with fresh weights from the seed: the plots start over."""
        if not self._cannot_train() and self._configure():
            self._say("Weights reset.")

    # --- helpers --------------------------------------------------------------------------------

    def _problems(self) -> list[str]:
        p = self.project
        return p.data.problems() + p.network.problems() + p.config.problems()

    def _cannot_train(self) -> bool:
        """Say what stands in the way of training, if anything: bad settings, or no engine."""
        problems = self._problems()
        if problems:
            self._say("Cannot train yet: " + "; ".join(problems) + ".", error=True)
            return True
        if self.engine.is_started:
            return False
        self._say("The training engine is not running.", error=True)
        return True

    def _configure(self) -> bool:
        problems = self._problems()
        if problems:
            self._say("Cannot train yet: " + "; ".join(problems) + ".", error=True)
            return False
        p = self.project
        self.engine.send(Configure(p.data, p.network, p.config))
        self._configured_key = design_key(p)
        self._live = live_values(p.config)
        self.last_outcome = None
        self._opened = None
        self._set_state(RunState.CONFIGURING)
        return True

    def _prepare(self) -> bool:
        """Make sure the engine holds the model to train: configure afresh or send live changes."""
        if self._configured_key != design_key(self.project):
            return self._configure()
        self._send_live_changes()
        return True

    def _send_live_changes(self) -> None:
        for name, value in live_values(self.project.config).items():
            if self._live.get(name) != value:
                self.engine.send(SetLive(name, value))
                self._live[name] = value

    def _set_state(self, state: RunState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(str(state))

    def _new_model_version(self) -> None:
        self.model_version += 1
        self.model_changed.emit(self.model_version)

    def _say(self, text: str, error: bool = False) -> None:
        self.message_changed.emit(text, error)

    # --- the project ----------------------------------------------------------------------------

    @Slot(str)
    def _on_project_changed(self, field: str) -> None:
        if field == "config":
            if self.is_active:
                self._send_live_changes()
            return
        if self.is_active:
            # The panels are locked while training; an undo can still get here.
            self.engine.send(Stop())
            self._say(
                f"Training stopped: the {'network' if field == 'network' else 'data'} changed."
            )
        self._preview.start()

    @Slot()
    def configure_pending(self) -> None:
        """Send now the Configure a design edit is waiting to send: a command sent next (a
        Search after "Use best") then comes after it, instead of being stopped by it."""
        if self._preview.isActive():
            self._preview.stop()
            self._on_preview_due()

    def _on_preview_due(self) -> None:
        stale = self._configured_key != design_key(self.project)
        if stale and not self.is_active and self.engine.is_ready and not self._problems():
            self._configure()

    # --- the engine -----------------------------------------------------------------------------

    @Slot(object)
    def _on_ready(self, ready: Ready) -> None:
        self.devices = ready.devices
        if self._configured_key is None:
            self._configure()
        self._say("Ready: press Train (Space) to start.")

    @Slot(object)
    def _on_configured(self, info: Configured) -> None:
        self.info = info
        opened = self._opened
        self.model_trained = bool(opened and opened[1])
        if not self.is_active:  # a Train sent right after Configure keeps its running state
            finished = bool(opened and opened[0])
            self._set_state(RunState.FINISHED if finished else RunState.READY)
        self.configured.emit(info)
        self._new_model_version()

    @Slot(object)
    def _on_started(self, event: TrainStarted) -> None:
        self._run_started = True
        if self._pause_pending:
            self._pause_pending = False
            self.engine.send(Pause())
        if self.state != RunState.PAUSED:
            self._set_state(RunState.RUNNING)
        self.model_trained = True
        self._new_model_version()  # the weights are changing from here on
        where = "Continuing" if event.step else "Training"
        # The split as the engine made it (its Configured), as the data panel and the
        # Evaluation tab show it: "3 training rows, 0 validation, 1 test".
        info = self.info
        rows = (
            split_text(info.n_train, info.n_val, info.n_test)
            if info is not None and info.n_train == event.n_train
            else plural(event.n_train, "training row", "training rows")
        )
        parameters = plural(event.parameters, "parameter", "parameters")
        self._say(f"{where} on {event.device_name}: {parameters}; {rows}.")

    @Slot(object)
    def _on_paused(self, event: TrainPaused) -> None:
        self._set_state(RunState.PAUSED)
        self._new_model_version()
        self._say(f"Paused at epoch {event.epoch}, step {event.step:,}.")

    @Slot(object)
    def _on_resumed(self, event: TrainResumed) -> None:
        self._set_state(RunState.RUNNING)
        # Replaces "Paused at ...", which would otherwise stay while training runs.
        self._say(f"Training continues from epoch {event.epoch}, step {event.step:,}.")

    @Slot(object)
    def _on_finished(self, event: TrainEnded) -> None:
        self.last_outcome = event.outcome
        after = {"finished": RunState.FINISHED, "failed": RunState.FAILED}
        self._set_state(after.get(event.outcome, RunState.READY))
        self._new_model_version()
        reason = event.reason[:1].upper() + event.reason[1:]
        if event.outcome == "failed":
            self._say(f"Training failed: {event.reason}.", error=True)
        else:
            self._say(f"{reason}.")

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is Configure:
            self._configured_key = None
            self.info = None
            self._set_state(RunState.IDLE)
        elif failed.command in (Train, Step) and self.is_active:
            self._set_state(RunState.READY if self.info is not None else RunState.IDLE)
        words = COMMAND_WORDS.get(failed.command) if failed.command else None
        if words is not None:
            self._say(f"Could not {words}: {failed.message}", error=True)
        elif failed.command is None:
            self._say(failed.message[:1].upper() + failed.message[1:] + ".", error=True)

    @Slot(str)
    def _on_process_died(self, message: str) -> None:
        self._configured_key = None
        self.info = None
        self.model_trained = False
        self._set_state(RunState.IDLE)
        self._say(message, error=True)
