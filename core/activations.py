"""The activation functions a user can pick for a layer, keyed by the name stored in files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Activation:
    """One activation: the torch module that computes it (built by core.model), how to
    initialise the layer before it, and what it does in a sentence."""

    label: str
    module: str  # class name in torch.nn
    init: str  # "he" (ReLU family) or "xavier" (tanh, sigmoid and friends)
    description: str


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(
        "ReLU",
        "ReLU",
        "he",
        "max(0, x): passes positive values, zeroes the rest; fast and the usual default.",
    ),
    "leaky_relu": Activation(
        "Leaky ReLU",
        "LeakyReLU",
        "he",
        "Like ReLU but lets a small slope (0.01x) through for negative inputs.",
    ),
    "elu": Activation(
        "ELU",
        "ELU",
        "he",
        "Like ReLU for positive inputs, a smooth curve down to -1 for negative ones.",
    ),
    "gelu": Activation(
        "GELU",
        "GELU",
        "he",
        "A smooth ReLU that weighs each input by how likely it is to be positive.",
    ),
    "silu": Activation(
        "SiLU (swish)",
        "SiLU",
        "he",
        "x * sigmoid(x): a smooth ReLU-like curve with a small dip below zero.",
    ),
    "tanh": Activation(
        "tanh",
        "Tanh",
        "xavier",
        "Squashes any input into (-1, 1); centred on zero, saturates for large inputs.",
    ),
    "sigmoid": Activation(
        "sigmoid",
        "Sigmoid",
        "xavier",
        "Squashes any input into (0, 1); saturates, so deep stacks learn slowly.",
    ),
    "softplus": Activation(
        "softplus", "Softplus", "xavier", "log(1 + e^x): a smooth, always-positive version of ReLU."
    ),
    "linear": Activation(
        "linear", "Identity", "xavier", "No activation: the layer stays a plain weighted sum."
    ),
}
