"""How each loss in core.losses.LOSSES is computed, from logits (torch)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.losses import Head


def probabilities(logits: torch.Tensor, head: Head) -> torch.Tensor:
    """Class probabilities [N, classes] from logits (both heads give one column per class)."""
    if head.kind == "sigmoid":
        p = torch.sigmoid(logits)
        return torch.cat([1 - p, p], dim=1)
    return torch.softmax(logits, dim=1)


def predicted_class(logits: torch.Tensor, head: Head) -> torch.Tensor:
    """Class index per row: one-hot decoding is the argmax of the probabilities."""
    if head.kind == "sigmoid":
        return (logits[:, 0] > 0).long()
    return logits.argmax(dim=1)


@dataclass(frozen=True)
class LossFunction:
    """`target` converts the targets once, before training (class indices or standardised values),
    into what the loss compares against, so nothing is converted per step."""

    target: Callable[[torch.Tensor, Head], torch.Tensor]
    compute: Callable[[torch.Tensor, torch.Tensor, Head], torch.Tensor]


def _class_index(y: torch.Tensor, head: Head) -> torch.Tensor:
    if head.kind == "sigmoid":
        return y.float().unsqueeze(1)
    return y.long()


def _one_hot_or_value(y: torch.Tensor, head: Head) -> torch.Tensor:
    if head.kind == "linear":
        return y.float()
    if head.kind == "sigmoid":
        return y.float().unsqueeze(1)
    return F.one_hot(y.long(), head.units).float()


def _cross_entropy(logits: torch.Tensor, t: torch.Tensor, head: Head) -> torch.Tensor:
    if head.kind == "sigmoid":  # cross-entropy of one sigmoid unit is binary cross-entropy
        return F.binary_cross_entropy_with_logits(logits, t)
    return F.cross_entropy(logits, t)


def _bce(logits: torch.Tensor, t: torch.Tensor, head: Head) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, t)


def _output(logits: torch.Tensor, head: Head) -> torch.Tensor:
    """What distance losses compare: probabilities for classes, values for regression."""
    if head.kind == "softmax":
        return torch.softmax(logits, dim=1)
    if head.kind == "sigmoid":
        return torch.sigmoid(logits)
    return logits


LOSS_FUNCTIONS: dict[str, LossFunction] = {
    "cross_entropy": LossFunction(_class_index, _cross_entropy),
    "bce": LossFunction(_one_hot_or_value, _bce),
    "mse": LossFunction(_one_hot_or_value, lambda out, t, head: F.mse_loss(_output(out, head), t)),
    "mae": LossFunction(_one_hot_or_value, lambda out, t, head: F.l1_loss(_output(out, head), t)),
    "huber": LossFunction(
        _one_hot_or_value, lambda out, t, head: F.huber_loss(_output(out, head), t)
    ),
}


def loss_target(name: str, y: np.ndarray, head: Head, device: torch.device) -> torch.Tensor:
    """Targets as the loss wants them, on the training device, converted once."""
    return LOSS_FUNCTIONS[name].target(torch.as_tensor(y).to(device), head).contiguous()
