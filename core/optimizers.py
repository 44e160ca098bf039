"""Optimizers and learning-rate schedules keyed by name."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from core.spec import TrainConfig


@dataclass(frozen=True)
class Optimizer:
    label: str
    description: str
    # (params, config, fused) -> optimizer; `optim` is torch.optim, imported only when training.
    make: Callable[[Any, Iterable[torch.nn.Parameter], TrainConfig, bool], torch.optim.Optimizer]
    # Which TrainConfig fields this optimizer reads (the GUI shows only these).
    settings: tuple[str, ...]


def _fast(fused: bool) -> dict[str, bool]:
    # Fused kernels run the whole update in one pass (measured 1.15-1.4x on CPU for Adam);
    # they exist for float32 params on CPU and CUDA since torch 2.4.
    return {"fused": True} if fused else {}


OPTIMIZERS: dict[str, Optimizer] = {
    "sgd": Optimizer(
        "SGD",
        "Gradient descent: moves each weight a small step against its gradient (with optional momentum).",
        lambda optim, p, c, f: optim.SGD(
            p,
            lr=c.learning_rate,
            momentum=c.momentum,
            nesterov=c.nesterov and c.momentum > 0,
            weight_decay=c.weight_decay,
            **_fast(f),
        ),
        ("learning_rate", "momentum", "nesterov", "weight_decay"),
    ),
    "adam": Optimizer(
        "Adam",
        "Gradient descent with per-weight step sizes from running averages of gradients; a robust default.",
        lambda optim, p, c, f: optim.Adam(
            p, lr=c.learning_rate, betas=(c.beta1, c.beta2), weight_decay=c.weight_decay, **_fast(f)
        ),
        ("learning_rate", "beta1", "beta2", "weight_decay"),
    ),
    "adamw": Optimizer(
        "AdamW",
        "Adam with weight decay applied directly to the weights rather than through the gradient.",
        lambda optim, p, c, f: optim.AdamW(
            p, lr=c.learning_rate, betas=(c.beta1, c.beta2), weight_decay=c.weight_decay, **_fast(f)
        ),
        ("learning_rate", "beta1", "beta2", "weight_decay"),
    ),
    "rmsprop": Optimizer(
        "RMSprop",
        "Divides each step by a running average of recent gradient sizes, so steep weights move less.",
        lambda optim, p, c, f: optim.RMSprop(
            p, lr=c.learning_rate, momentum=c.momentum, weight_decay=c.weight_decay, foreach=True
        ),
        ("learning_rate", "momentum", "weight_decay"),
    ),
    "adagrad": Optimizer(
        "Adagrad",
        "Shrinks each weight's step by the sum of its past squared gradients; good for sparse inputs.",
        lambda optim, p, c, f: optim.Adagrad(
            p, lr=c.learning_rate, weight_decay=c.weight_decay, **_fast(f)
        ),
        ("learning_rate", "weight_decay"),
    ),
}


class Schedule:
    """Multiplies the user's learning rate by a factor per epoch.

    Written here rather than with torch.optim.lr_scheduler because the user may change the base
    learning rate while training runs; a multiplier on the user's value keeps both meaningful.
    """

    def __init__(self, config: TrainConfig) -> None:
        self.config = config
        self.factor = 1.0
        self._best = math.inf
        self._bad_epochs = 0

    def epoch_ended(self, epoch: int, monitored_loss: float) -> float:
        """Update after `epoch` (1-based) finished; returns the factor for the next epoch."""
        c = self.config
        if c.schedule == "step":
            self.factor = c.gamma ** (epoch // c.step_size)
        elif c.schedule == "cosine":
            self.factor = 0.5 * (1 + math.cos(math.pi * min(epoch, c.epochs) / c.epochs))
        elif c.schedule == "plateau":
            if monitored_loss < self._best * (1 - 1e-4):
                self._best, self._bad_epochs = monitored_loss, 0
            else:
                self._bad_epochs += 1
                if self._bad_epochs > c.schedule_patience:
                    self.factor *= c.gamma
                    self._bad_epochs = 0
        return self.factor


SCHEDULES: dict[str, str] = {
    "none": "Keep the learning rate as set.",
    "step": "Multiply the learning rate by the factor every few epochs.",
    "cosine": "Lower the learning rate along a half cosine to zero by the last epoch.",
    "plateau": "Multiply the learning rate by the factor when the validation loss stops improving.",
}
