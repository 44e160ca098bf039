"""Optimizers built from the registry, and the step the training loop calls after each batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import optim

from core.optimizers import OPTIMIZERS
from core.spec import TrainConfig
from core.without_dynamo import mark_dynamo_disabled, plain_step


def make_optimizer(
    params: Iterable[torch.nn.Parameter], config: TrainConfig, device: torch.device
) -> torch.optim.Optimizer:
    params = list(params)
    fused = device.type in ("cpu", "cuda")
    mark_dynamo_disabled()  # before the constructor's add_param_group: 0.8-2.4 s at start-up
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
        self._step = plain_step(optimizer)

    @staticmethod
    def applies(optimizer: torch.optim.Optimizer) -> bool:
        """True for a single-group, fused, plain (no amsgrad/maximize) Adam or AdamW."""
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
        if self._state is None or self._public_only or any(g is None for g in grads):
            self._step()
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
                self._step()

    @staticmethod
    def _kernel(group: dict[str, Any]) -> Callable[..., None]:
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
    step = plain_step(optimizer)
    return lambda grads: step()
