"""The kinds of hidden layer a user can add, keyed by the name stored in files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.activations import ACTIVATIONS

if TYPE_CHECKING:
    from torch import nn

    from core.spec import LayerSpec


@dataclass(frozen=True)
class LayerKind:
    """How a layer kind changes the width, how many parameters it has and how it is built."""

    label: str
    description: str
    out_features: Callable[[int, LayerSpec], int]
    parameters: Callable[[int, LayerSpec], int]
    build: Callable[[int, LayerSpec], list[nn.Module]]


def _torch_nn():  # type: ignore[no-untyped-def]
    # Imported when a model is built, not when the registry is read (the window never needs torch).
    from torch import nn

    return nn


def _dense_build(n_in: int, layer: LayerSpec) -> list[nn.Module]:
    return [
        _torch_nn().Linear(n_in, layer.units, bias=layer.bias),
        ACTIVATIONS[layer.activation].make(),
    ]


LAYER_KINDS: dict[str, LayerKind] = {
    "dense": LayerKind(
        "Dense",
        "Every unit takes a weighted sum of all inputs plus a bias, then applies the activation.",
        lambda n_in, layer: layer.units,
        lambda n_in, layer: n_in * layer.units + (layer.units if layer.bias else 0),
        _dense_build,
    ),
    "dropout": LayerKind(
        "Dropout",
        "While training, zeroes each value with probability p so the network cannot rely on any one unit.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 0,
        lambda n_in, layer: [_torch_nn().Dropout(layer.p)],
    ),
    "batch_norm": LayerKind(
        "Batch norm",
        "Rescales each value to mean 0, std 1 over the batch, then applies a learned scale and shift.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 2 * n_in,
        lambda n_in, layer: [_torch_nn().BatchNorm1d(n_in)],
    ),
    "layer_norm": LayerKind(
        "Layer norm",
        "Rescales each row's values to mean 0, std 1, then applies a learned scale and shift.",
        lambda n_in, layer: n_in,
        lambda n_in, layer: 2 * n_in,
        lambda n_in, layer: [_torch_nn().LayerNorm(n_in)],
    ),
}
