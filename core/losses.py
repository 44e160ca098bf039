"""Loss functions keyed by name, and the output layer ("head") each task gets.

This module is torch-free (the window reads it); the computations are in core.loss_functions.

The network always ends in a linear layer producing logits; the head says how those become
probabilities (softmax, sigmoid) or values (linear). Losses take logits, which is what makes
softmax + cross-entropy numerically stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.errors import SpecError

HeadKind = Literal["softmax", "sigmoid", "linear"]


@dataclass(frozen=True)
class Head:
    """The output layer: how many units and what turns them into an answer."""

    kind: HeadKind
    units: int

    @property
    def description(self) -> str:
        """What the head does, in the user's words (as the registries' `description` fields)."""
        if self.kind == "softmax":
            return f"{self.units} units, softmax: one probability per class, summing to 1"
        if self.kind == "sigmoid":
            return "1 unit, sigmoid: the probability of the second class"
        return f"{self.units} linear unit{'s' if self.units > 1 else ''}: the predicted value"


def make_head(
    task: str, n_classes: int, binary_output: str = "sigmoid", n_targets: int = 1
) -> Head:
    """The output layer the data calls for."""
    if task == "regression":
        return Head("linear", n_targets)
    if n_classes == 2 and binary_output == "sigmoid":
        return Head("sigmoid", 1)
    return Head("softmax", n_classes)


@dataclass(frozen=True)
class Loss:
    """A loss as the user sees it: what it measures and which tasks it suits."""

    label: str
    description: str
    tasks: tuple[str, ...]


LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss(
        "Cross-entropy",
        "-log of the probability given to the right class: small when the network is confidently right.",
        ("classification",),
    ),
    "bce": Loss(
        "Binary cross-entropy",
        "Cross-entropy of each output unit as a yes/no probability (sigmoid); for two classes.",
        ("classification",),
    ),
    "mse": Loss(
        "Mean squared error",
        "Average of (prediction - target)²: punishes large errors strongly.",
        ("classification", "regression"),
    ),
    "mae": Loss(
        "Mean absolute error",
        "Average of |prediction - target|: every unit of error costs the same, robust to outliers.",
        ("classification", "regression"),
    ),
    "huber": Loss(
        "Huber",
        "Squared error for small errors, absolute error for large ones: MSE that shrugs off outliers.",
        ("classification", "regression"),
    ),
}


def resolve_loss(name: str, task: str, head: Head) -> str:
    """The loss to use: 'auto' picks cross-entropy (softmax), bce (sigmoid) or mse (regression)."""
    if name == "auto":
        if task == "regression":
            return "mse"
        return "bce" if head.kind == "sigmoid" else "cross_entropy"
    if name not in LOSSES:
        raise SpecError(f"unknown loss {name!r}; choose auto or one of {', '.join(LOSSES)}")
    if task not in LOSSES[name].tasks:
        raise SpecError(
            f"{LOSSES[name].label} is for classification; for regression use mse, mae or huber"
        )
    return name
