"""Step 2: the forward pass, layer by layer, in evaluation mode (as a prediction is made).

Dense: z = W a + b, then a = f(z). Batch norm: z = (a − running mean) / √(running var + eps),
a = γ z + β. Layer norm: the same with the row's own mean and variance. Dropout: a = a (it
only drops values while training).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from core.spec import NetworkSpec
from core.walk.functions import ACTIVATION_FUNCTIONS
from core.walk.steps import LayerForward

NORM_EPS = 1e-5  # torch's BatchNorm1d and LayerNorm default eps

DROPOUT_NOTE = (
    "Shown in evaluation mode: dropout passes every value on. While training it zeroes each with "
    "probability p and scales the rest by 1/(1−p), at random, so a training step differs."
)
BATCH_NORM_NOTE = (
    "Shown in evaluation mode, with the running mean and variance. While training, batch norm "
    "uses the mean and variance of the batch instead, so a training step's numbers differ."
)


def dense(
    name: str, a_in: np.ndarray, W: np.ndarray, b: np.ndarray | None, activation: str
) -> LayerForward:
    """z = W a + b (a layer without biases: z = W a), a = f(z)."""
    f, _ = ACTIVATION_FUNCTIONS[activation]
    z = W @ a_in
    weights = {"W": W}
    if b is not None:
        z = z + b
        weights["b"] = b
    a = f(z)
    return LayerForward(name, "dense", name, a_in, z, a, activation=activation, weights=weights)


def normalise(
    name: str,
    kind: str,
    a_in: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
) -> LayerForward:
    """z = (a − mean) / √(var + eps), a = γ z + β."""
    z = (a_in - mean) / np.sqrt(var + NORM_EPS)
    a = gamma * z + beta
    return LayerForward(
        name,
        kind,
        name,
        a_in,
        z,
        a,
        weights={"gamma": gamma, "beta": beta},
        mean=np.broadcast_to(mean, a_in.shape).copy(),
        var=np.broadcast_to(var, a_in.shape).copy(),
        eps=NORM_EPS,
        note=BATCH_NORM_NOTE if kind == "batch_norm" else "",
    )


def forward(
    network: NetworkSpec, weights: Mapping[str, np.ndarray], x: np.ndarray
) -> tuple[LayerForward, ...]:
    """Every layer's step for input x, the output layer last (its `a` is the logits)."""
    steps: list[LayerForward] = []
    a = x
    for name, layer in zip(network.layer_names(), network.layers, strict=True):
        if layer.kind == "dense":
            W, b = weights[f"{name}.weight"], weights.get(f"{name}.bias")
            step = dense(name, a, W, b, layer.activation)
        elif layer.kind == "batch_norm":
            step = normalise(
                name,
                "batch_norm",
                a,
                weights[f"{name}.running_mean"],
                weights[f"{name}.running_var"],
                weights[f"{name}.weight"],
                weights[f"{name}.bias"],
            )
        elif layer.kind == "layer_norm":
            # The row's own statistics; the variance divides by n, not n − 1, as torch's does.
            mean = a.mean()
            var = ((a - mean) ** 2).mean()
            step = normalise(
                name,
                "layer_norm",
                a,
                np.asarray(mean),
                np.asarray(var),
                weights[f"{name}.weight"],
                weights[f"{name}.bias"],
            )
        else:
            step = LayerForward(name, "dropout", name, a, a.copy(), a.copy(), note=DROPOUT_NOTE)
        steps.append(replace(step, label=layer.label()))
        a = step.a
    out = dense("output", a, weights["output.weight"], weights["output.bias"], "linear")
    steps.append(replace(out, label="Output (logits)", kind="output"))
    return tuple(steps)
