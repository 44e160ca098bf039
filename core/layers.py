"""The kinds of hidden layer a user can add, keyed by the name stored in files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.spec import LayerSpec


@dataclass(frozen=True)
class LayerKind:
    """How a layer kind changes the width and how many parameters it has (core.model builds it)."""

    label: str
    description: str
    out_features: Callable[[int, LayerSpec], int]
    parameters: Callable[[int, LayerSpec], int]


LAYER_KINDS: dict[str, LayerKind] = {
    "dense": LayerKind(
        "Dense",
        "Every unit takes a weighted sum of all inputs plus a bias, then applies the activation.",
        lambda n_in, layer: layer.units,
        lambda n_in, layer: n_in * layer.units + (layer.units if layer.bias else 0),
    ),
    "dropout": LayerKind(
        "Dropout",
        "While training, zeroes each value with probability p so the network cannot rely on any one unit.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 0,
    ),
    "batch_norm": LayerKind(
        "Batch norm",
        "Rescales each value to mean 0, std 1 over the batch, then applies a learned scale and shift.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 2 * n_in,
    ),
    "layer_norm": LayerKind(
        "Layer norm",
        "Rescales each row's values to mean 0, std 1, then applies a learned scale and shift.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 2 * n_in,
    ),
}
