"""Step 5: backpropagation, the chain rule one layer at a time, from the output back to the input.

Each layer receives ∂L/∂a (how the loss changes with its output), turns it into delta = ∂L/∂z
through its own derivative, reads off the gradients of its weights, and hands ∂L/∂a_in to the
layer below.
"""

from __future__ import annotations

import numpy as np

from core.walk.functions import ACTIVATION_FUNCTIONS
from core.walk.steps import LayerBackward, LayerForward

# Which state-dict key each gradient belongs to.
PARAM_KEYS = {"W": "weight", "b": "bias", "gamma": "weight", "beta": "bias"}


def dense_backward(step: LayerForward, dloss_da: np.ndarray) -> LayerBackward:
    """delta = ∂L/∂a ⊙ f′(z); ∂L/∂W = delta a_inᵀ; ∂L/∂b = delta; ∂L/∂a_in = Wᵀ delta."""
    _, f_prime = ACTIVATION_FUNCTIONS[step.activation]
    derivative = f_prime(step.z)
    delta = dloss_da * derivative
    W = step.weights["W"]
    grads = {"W": np.outer(delta, step.a_in)}
    if "b" in step.weights:
        grads["b"] = delta.copy()
    dloss_da_in = W.T @ delta
    return LayerBackward(step.name, step.kind, dloss_da, derivative, delta, grads, dloss_da_in)


def norm_backward(step: LayerForward, dloss_da: np.ndarray) -> LayerBackward:
    """a = γ z + β: ∂L/∂γ = ∂L/∂a ⊙ z, ∂L/∂β = ∂L/∂a, delta = ∂L/∂z = ∂L/∂a ⊙ γ; then through
    z = (a_in − mean) / s with s = √(var + eps)."""
    gamma = step.weights["gamma"]
    z = step.z
    grads = {"gamma": dloss_da * z, "beta": dloss_da.copy()}
    delta = dloss_da * gamma
    assert step.var is not None
    s = np.sqrt(step.var + step.eps)
    if step.kind == "batch_norm":
        # The running mean and variance are constants: z moves with a_in alone.
        dloss_da_in = delta / s
    else:
        # Layer norm: the row's mean and variance move with every a_in too.
        dloss_da_in = (delta - delta.mean() - z * (delta * z).mean()) / s
    return LayerBackward(step.name, step.kind, dloss_da, gamma, delta, grads, dloss_da_in)


def backward(
    forward: tuple[LayerForward, ...], dloss_dlogits: np.ndarray
) -> tuple[LayerBackward, ...]:
    """Every layer's backward step, the output layer first."""
    steps: list[LayerBackward] = []
    dloss_da = dloss_dlogits
    for step in reversed(forward):
        if step.kind in ("dense", "output"):
            back = dense_backward(step, dloss_da)
        elif step.kind in ("batch_norm", "layer_norm"):
            back = norm_backward(step, dloss_da)
        else:  # dropout in evaluation mode: a = a_in, so ∂L/∂a_in = ∂L/∂a
            ones = np.ones_like(dloss_da)
            back = LayerBackward(step.name, step.kind, dloss_da, ones, dloss_da, {}, dloss_da)
        steps.append(back)
        dloss_da = back.dloss_da_in
    return tuple(steps)


def gradients(backward_steps: tuple[LayerBackward, ...]) -> dict[str, np.ndarray]:
    """Every weight's gradient by state-dict key (dense1.weight, ...), in the model's order."""
    return {
        f"{b.name}.{PARAM_KEYS[k]}": g for b in reversed(backward_steps) for k, g in b.grads.items()
    }
