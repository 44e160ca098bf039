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


def make_optimizer(
    params: Iterable[torch.nn.Parameter], config: TrainConfig, device: torch.device
) -> torch.optim.Optimizer:
    from torch import optim

    params = list(params)
    fused = device.type in ("cpu", "cuda")
    try:
        return OPTIMIZERS[config.optimizer].make(optim, params, config, fused)
    except (RuntimeError, TypeError):  # a torch build without the fused kernel
        return OPTIMIZERS[config.optimizer].make(optim, params, config, False)


class DirectAdamStep:
    """Adam's or AdamW's fused kernel called directly on the optimizer's own state.

    `torch.optim.Adam(fused=True).step()` spends about 30 us per call in Python (profiler record,
    hooks, gathering grads and state) around a kernel of about 8 us: over a tenth of a step on a
    playground-size network. This runs the same kernel on the same state tensors with the
    optimizer's current settings, so the optimizer object stays the one source of truth (a plain
    `step()` can take over at any time). The first call, and any call with a missing gradient,
    goes through `step()`, which also creates the state.
    """

    def __init__(self, optimizer: torch.optim.Optimizer) -> None:
        self.optimizer = optimizer
        self.group = optimizer.param_groups[0]
        self.params: list[torch.Tensor] = list(self.group["params"])
        self._state: tuple[list[torch.Tensor], list[torch.Tensor], list[torch.Tensor]] | None = None
        self._public_only = False

    @staticmethod
    def applies(optimizer: torch.optim.Optimizer) -> bool:
        """True for a single-group, fused, plain (no amsgrad/maximize) Adam or AdamW."""
        import torch

        if not isinstance(optimizer, torch.optim.Adam) or len(optimizer.param_groups) != 1:
            return False
        group = optimizer.param_groups[0]
        params = group["params"]
        return (
            bool(group.get("fused"))
            and not group.get("amsgrad")
            and not group.get("maximize")
            and not group.get("differentiable")
            and len({(p.device, p.dtype) for p in params}) == 1
        )

    def __call__(self, grads: list[torch.Tensor | None]) -> None:
        """One update from `grads` (the gradients of `params`, in order)."""
        import torch

        if self._state is None or self._public_only or any(g is None for g in grads):
            self.optimizer.step()
            self._bind()
            return
        group = self.group
        steps, exp_avgs, exp_avg_sqs = self._state
        beta1, beta2 = group["betas"]
        with torch.no_grad():
            torch._foreach_add_(steps, 1)
            try:
                self._kernel(group)(
                    self.params,
                    grads,  # no None: checked above
                    exp_avgs,
                    exp_avg_sqs,
                    [],
                    steps,
                    amsgrad=False,
                    lr=group["lr"],
                    beta1=beta1,
                    beta2=beta2,
                    weight_decay=group["weight_decay"],
                    eps=group["eps"],
                    maximize=False,
                )
            except (AttributeError, TypeError, RuntimeError):
                # A torch whose private kernel is missing or called differently (the
                # requirement is torch >= 2.4): the public step from now on, on the same state.
                torch._foreach_sub_(steps, 1)
                self._public_only = True
                self.optimizer.step()

    @staticmethod
    def _kernel(group: dict[str, Any]) -> Callable[..., None]:
        import torch

        if group.get("decoupled_weight_decay"):
            return torch._fused_adamw_
        return torch._fused_adam_

    def _bind(self) -> None:
        state = self.optimizer.state
        if all(p in state for p in self.params):
            self._state = (
                [state[p]["step"] for p in self.params],
                [state[p]["exp_avg"] for p in self.params],
                [state[p]["exp_avg_sq"] for p in self.params],
            )


def optimizer_step(
    optimizer: torch.optim.Optimizer,
) -> Callable[[list[torch.Tensor | None]], None]:
    """A function taking the step's gradients that updates the weights as `optimizer.step()`
    would: the fused kernel directly where `DirectAdamStep` applies, else `step()` itself."""
    if DirectAdamStep.applies(optimizer):
        return DirectAdamStep(optimizer)
    return lambda grads: optimizer.step()


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
