"""What a running training reports: small frozen dataclasses of floats and numpy arrays.

Never tensors, never widgets, so they can cross threads and processes (they pickle cheaply
between our own processes; files never hold them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from core.health import Hint

Outcome = Literal["finished", "stopped", "failed"]


@dataclass(frozen=True)
class TrainStarted:
    device: str  # e.g. "cpu" or "cuda:0"
    device_name: str  # e.g. "CPU (2 threads)" or the GPU's name
    layer_names: tuple[str, ...]  # trainable layers, the columns of BatchesEnded.grad_norms
    layer_labels: tuple[str, ...]
    parameters: int
    n_train: int
    n_val: int
    batch_size: int
    steps_per_epoch: int
    epochs: int  # 0: until stopped
    metric: Literal["accuracy", "r2"]
    epoch: int  # epochs already done before this run (a resumed training starts above 0)
    step: int


@dataclass(frozen=True)
class BatchesEnded:
    """One or more consecutive optimizer steps, batched so reporting costs one host sync."""

    first_step: int  # global 1-based number of the first step in this batch
    epoch: int  # 1-based epoch the steps belong to
    loss: np.ndarray  # [k] training loss of each step (before its update)
    grad_norms: np.ndarray  # [k, layers] L2 norm of each trainable layer's gradient


@dataclass(frozen=True)
class EpochEnded:
    epoch: int
    step: int
    train_loss: float  # mean of this epoch's batch losses (training mode)
    val_loss: float  # NaN when there is no validation split
    train_metric: float  # accuracy or R², measured in evaluation mode
    val_metric: float
    metric: Literal["accuracy", "r2"]
    learning_rate: float
    samples_per_second: float
    elapsed: float  # seconds of training so far in this run


@dataclass(frozen=True)
class HyperparameterChanged:
    step: int
    epoch: int
    name: str  # learning_rate, weight_decay, l1, l2
    value: float


@dataclass(frozen=True)
class HealthChecked:
    """The run's health hints changed (core.health_monitor): all of them, most important first.
    Sent only on a change, at most every CHECK_INTERVAL; an empty tuple clears them."""

    step: int
    epoch: int
    hints: tuple[Hint, ...]


@dataclass(frozen=True)
class TrainPaused:
    step: int
    epoch: int


@dataclass(frozen=True)
class TrainResumed:
    step: int
    epoch: int


@dataclass(frozen=True)
class TrainEnded:
    outcome: Outcome
    reason: str  # a sentence for the user
    epoch: int
    step: int
    best_epoch: int  # the epoch whose weights were kept (early stopping), else the last


Event = (
    TrainStarted
    | BatchesEnded
    | EpochEnded
    | HyperparameterChanged
    | HealthChecked
    | TrainPaused
    | TrainResumed
    | TrainEnded
)


class Callback:
    """Subscriber to a training run. Hook names follow PyTorch Lightning's.

    Hooks run on the training thread between batches: keep them quick.
    """

    def on_train_start(self, event: TrainStarted) -> None: ...
    def on_train_batch_end(self, event: BatchesEnded) -> None: ...
    def on_train_epoch_end(self, event: EpochEnded) -> None: ...
    def on_hyperparameter_changed(self, event: HyperparameterChanged) -> None: ...
    def on_health_checked(self, event: HealthChecked) -> None: ...
    def on_pause(self, event: TrainPaused) -> None: ...
    def on_resume(self, event: TrainResumed) -> None: ...
    def on_train_end(self, event: TrainEnded) -> None: ...


HOOKS: dict[type, str] = {
    TrainStarted: "on_train_start",
    BatchesEnded: "on_train_batch_end",
    EpochEnded: "on_train_epoch_end",
    HyperparameterChanged: "on_hyperparameter_changed",
    HealthChecked: "on_health_checked",
    TrainPaused: "on_pause",
    TrainResumed: "on_resume",
    TrainEnded: "on_train_end",
}


class EventForwarder(Callback):
    """Hands every event to one function (a queue's put, a pipe's send, a list's append)."""

    def __init__(self, send: object) -> None:
        self.send = send
        for hook in HOOKS.values():
            setattr(self, hook, send)


@dataclass(frozen=True)
class TrainResult:
    """What `Trainer.fit()` returns: how the run ended, and how long its loop took."""

    outcome: str
    reason: str
    epochs: int
    steps: int
    best_epoch: int
    seconds: float  # wall time of the training loop alone
