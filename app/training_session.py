"""What Train, Pause, Step, Stop and Reset mean, given the project and the training process.

The rules, as a user sees them:
- Train continues the current model when the design (data, network, settings other than the
  live ones) is what it was trained with, and the last run did not simply finish its epochs;
  otherwise it starts afresh (new weights, the plots start over).
- Learning rate, weight decay and L1/L2 may change while training runs: they are sent to the
  running loop, which applies them before its next batch and reports where (a mark on the plots).
- While training, the data and the network cannot change (the panels are locked); if one
  changes anyway (undo), the run is stopped.
- With nothing running, a changed network or dataset is sent to the engine at once, so the
  diagram and the output show the new, untrained model.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.state import Project
from app.training_worker import TrainingWorker
from core.control import LIVE_SETTINGS
from core.events import TrainEnded, TrainPaused, TrainStarted
from core.spec import TrainConfig

IDLE, RUNNING, PAUSED, FINISHED = "idle", "running", "paused", "finished"
COMMAND_WORDS = {
    "configure": "prepare the data and the network",
    "train": "train",
    "step": "step",
    "set": "change the setting",
    "reset_weights": "reset the weights",
    "save_model": "save the model",
    "save_project": "save the project",
    "load_project": "open the project",
    "export": "export the model",
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


class TrainingSession(QObject):
    """Turns the user's commands into the worker's, and the worker's answers into a state."""

    state_changed = Signal(str)  # idle, running, paused, finished
    message_changed = Signal(str, bool)  # (text, is_error)
    configured = Signal(object)  # core.remote.Configured: a new model (the plots start over)

    def __init__(
        self, project: Project, worker: TrainingWorker, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.worker = worker
        self.state = IDLE
        self.devices: tuple[object, ...] = ()
        self.info = None  # the latest core.remote.Configured
        self.last_outcome: str | None = None
        self._configured_key: tuple[object, ...] | None = None
        # Between Train and the run's TrainStarted the engine may still be preparing; a pause
        # asked for then is held back until the run exists (the engine would drop it).
        self._run_started = True
        self._pause_pending = False
        self._live: dict[str, float] = {}
        self._preview = QTimer(self)
        self._preview.setSingleShot(True)
        self._preview.setInterval(150)  # a burst of edits (a slider drag) configures once
        self._preview.timeout.connect(self._on_preview_due)

        project.changed.connect(self._on_project_changed)
        worker.ready.connect(self._on_ready)
        worker.configured.connect(self._on_configured)
        worker.started.connect(self._on_started)
        worker.paused.connect(self._on_paused)
        worker.resumed.connect(self._on_resumed)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        worker.process_died.connect(self._on_process_died)

    @property
    def is_active(self) -> bool:
        """A run is going on (running or paused): the design is locked."""
        return self.state in (RUNNING, PAUSED)

    @property
    def model_fits_design(self) -> bool:
        """The engine's model was built for the data and network the window shows now (the
        training settings may have changed since: a trained model keeps its own)."""
        key = self._configured_key
        return key is not None and key[:2] == design_key(self.project)[:2]

    def adopt_opened(self, finished: bool) -> None:
        """The engine built the model of a project just opened (with its saved weights): train
        on from it (a finished run goes on for as many epochs again)."""
        self._configured_key = design_key(self.project)
        self._live = live_values(self.project.config)
        self.last_outcome = "finished" if finished else None
        self._set_state(FINISHED if finished else IDLE)

    def forget_model(self) -> None:
        """The model belongs to a design that is gone (File > New): build a fresh one."""
        self._configured_key = None
        self.last_outcome = None
        self._set_state(IDLE)
        self._preview.start()

    # --- the user's commands ----------------------------------------------------------------------

    def toggle(self) -> None:
        """The Train/Pause button: train, pause or resume."""
        if self.state == RUNNING:
            self.pause()
        elif self.state == PAUSED:
            self.resume()
        else:
            self.train()

    def _cannot_train(self) -> bool:
        """Say what stands in the way of training, if anything: bad settings, or no engine."""
        problems = self._problems()
        if problems:
            self._say("Cannot train yet: " + "; ".join(problems) + ".", error=True)
            return True
        if self.worker.is_started:
            return False
        self._say("The training engine is not running.", error=True)
        return True

    def train(self) -> None:
        if self.is_active or self._cannot_train():
            return
        if self._prepare():
            self.worker.train()
            self._run_started, self._pause_pending = False, False
            self._set_state(RUNNING)
            if not self.worker.is_ready:
                self._say("Starting the training engine…")

    def pause(self) -> None:
        if self.state != RUNNING:
            return
        if self._run_started:
            self.worker.pause()
        else:
            self._pause_pending = True

    def resume(self) -> None:
        if self.state == PAUSED:
            self._pause_pending = False
            self.worker.resume()
            self._set_state(RUNNING)

    def step(self, n: int = 1) -> None:
        """Run one batch, then pause (starting a paused run when none is going on)."""
        if self._cannot_train() or (not self.is_active and not self._prepare()):
            return
        self.worker.step(n)
        self._set_state(PAUSED)

    def stop(self) -> None:
        if self.is_active:
            self.worker.stop()

    def reset_weights(self) -> None:
        """Stop, and start over with fresh weights from the seed: the plots start over."""
        if not self._cannot_train() and self._configure():
            self._set_state(IDLE)
            self._say("Weights reset.")

    # --- helpers --------------------------------------------------------------------------------

    def _problems(self) -> list[str]:
        p = self.project
        return p.data.problems() + p.network.problems() + p.config.problems()

    def _configure(self) -> bool:
        problems = self._problems()
        if problems:
            self._say("Cannot train yet: " + "; ".join(problems) + ".", error=True)
            return False
        p = self.project
        self.worker.configure(p.data, p.network, p.config)
        self._configured_key = design_key(p)
        self._live = live_values(p.config)
        self.last_outcome = None
        return True

    def _prepare(self) -> bool:
        """Make sure the engine holds the model to train: configure afresh or send live changes."""
        # A finished model trains on (the engine runs as many epochs again); Reset starts over.
        fresh = self._configured_key != design_key(self.project)
        if fresh:
            return self._configure()
        self._send_live_changes()
        return True

    def _send_live_changes(self) -> None:
        for name, value in live_values(self.project.config).items():
            if self._live.get(name) != value:
                self.worker.set(name, value)
                self._live[name] = value

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

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
            self.worker.stop()
            self._say(
                f"Training stopped: the {'network' if field == 'network' else 'data'} changed."
            )
        self._preview.start()

    @Slot()
    def _on_preview_due(self) -> None:
        stale = self._configured_key != design_key(self.project)
        if stale and not self.is_active and self.worker.is_ready and not self._problems():
            self._configure()

    # --- the engine -----------------------------------------------------------------------------

    @Slot(object)
    def _on_ready(self, devices: tuple[object, ...]) -> None:
        self.devices = devices
        if self._configured_key is None:
            self._configure()
        self._say("Ready: press Train (Space) to start.")

    @Slot(object)
    def _on_configured(self, info: object) -> None:
        self.info = info
        self.configured.emit(info)

    @Slot(object)
    def _on_started(self, event: TrainStarted) -> None:
        self._run_started = True
        if self._pause_pending:
            self._pause_pending = False
            self.worker.pause()
        if self.state != PAUSED:
            self._set_state(RUNNING)
        where = "Continuing" if event.step else "Training"
        self._say(
            f"{where} on {event.device_name}: {event.parameters:,} parameters, {event.n_train:,} rows."
        )

    @Slot(object)
    def _on_paused(self, event: TrainPaused) -> None:
        self._set_state(PAUSED)
        self._say(f"Paused at epoch {event.epoch}, step {event.step:,}.")

    @Slot(object)
    def _on_resumed(self, _event: object) -> None:
        self._set_state(RUNNING)

    @Slot(object)
    def _on_finished(self, event: TrainEnded) -> None:
        self.last_outcome = event.outcome
        self._set_state(FINISHED if event.outcome == "finished" else IDLE)
        reason = event.reason[:1].upper() + event.reason[1:]
        if event.outcome == "failed":
            self._say(f"Training failed: {event.reason}.", error=True)
        else:
            self._say(f"{reason}.")

    @Slot(str, str)
    def _on_failed(self, message: str, command: str) -> None:
        if command == "configure":
            self._configured_key = None
        if command in ("configure", "train", "step", "reset_weights") and self.is_active:
            self._set_state(IDLE)
        what = COMMAND_WORDS.get(command, command)
        self._say(f"Could not {what}: {message}", error=True)

    @Slot(str)
    def _on_process_died(self, message: str) -> None:
        self._configured_key = None
        self.info = None
        self._set_state(IDLE)
        self._say(message, error=True)
