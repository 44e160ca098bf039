"""One step's backward pass, without the argument handling around torch's autograd engine."""

from __future__ import annotations

import torch
from torch import nn

# The autograd engine's entry point, as torch.autograd.backward calls it.
_run_backward = torch.autograd.Variable._execution_engine.run_backward


def backward(loss: torch.Tensor, one: torch.Tensor) -> None:
    """`loss.backward()` for a scalar loss, without the argument handling around the engine call
    (about 10 us a step); `one` is a 1 of the loss's dtype on its device."""
    _run_backward((loss,), (one,), False, False, (), True, True)


def grads_or_zeros(
    grads: list[torch.Tensor | None], params: list[nn.Parameter]
) -> list[torch.Tensor]:
    """The gradients, with zeros for a parameter the loss did not reach (it has none)."""
    if all(g is not None for g in grads):
        return grads  # type: ignore[return-value]
    return [torch.zeros_like(p) if g is None else g for g, p in zip(grads, params, strict=True)]


def with_penalties(
    loss: torch.Tensor, weights: list[torch.Tensor], l1: float, l2: float
) -> torch.Tensor:
    """`loss` plus the L1 and L2 penalties on `weights` (the dense layers' weight matrices)."""
    total = loss
    if l1:
        total = total + l1 * sum(w.abs().sum() for w in weights)
    if l2:
        total = total + l2 * sum(w.square().sum() for w in weights)
    return total
