"""The training process's hooks into the loop: the pause wait, and the callback that reports.

Both run on the training thread, between two batches, where the model is still: that is where
the service answers model work and takes snapshots.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.columns import auto_data_spec
from core.control import TrainingControl
from core.data_spec import ToySource
from core.dataset import load_frame, prepare_data
from core.events import HOOKS, Callback, Event, TrainEnded, TrainPaused, TrainStarted
from core.spec import NetworkSpec, TrainConfig
from core.trainer import Trainer

if TYPE_CHECKING:
    from core.training_process.service import TrainingService

# Snapshots of the model's answer go out at most this often while training.
SNAPSHOT_INTERVAL = 0.2


def warm_up() -> None:
    """Pay the one-off costs (the first optimizer step imports torch._dynamo: 1.5-2 s) now."""
    source = ToySource("circle", samples=64)
    frame = load_frame(source)
    data = prepare_data(auto_data_spec(frame, source, "label"), frame)
    for device in ("auto", "cpu"):
        try:
            Trainer(NetworkSpec(), data, TrainConfig(epochs=1, device=device)).fit()
            return
        except Exception:  # a broken GPU driver shows up when training is asked for
            continue


class ChildControl(TrainingControl):
    """TrainingControl whose pause wait also serves the model work that is waiting."""

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
            self.has_requests = self.paused or bool(self.pending)


class Relay(Callback):
    """The trainer's callback in the child: buffers events, adds snapshots, serves model work."""

    def __init__(self, service: TrainingService) -> None:
        self.service = service
        for hook in HOOKS.values():
            setattr(self, hook, self._on_event)

    def _on_event(self, event: Event) -> None:
        service = self.service
        service.serve_model_work()
        if isinstance(event, TrainEnded):  # before the window hears of it and asks to keep it
            service.run_weights.hold(service.trainer, event)
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
