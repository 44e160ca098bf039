"""Steps 3 and 4: the output head and the loss of one row, with ∂L/∂logits to start backprop.

As core/loss_functions.py computes each loss, averaged over the output units ("mean"):
cross-entropy −log p_y (binary cross-entropy for one sigmoid unit); binary cross-entropy on
each unit through a sigmoid; MSE, MAE and Huber (δ = 1) between the probabilities (one-hot
target) or the values and the target.
"""

from __future__ import annotations

import numpy as np

from core.losses import LOSSES, Head
from core.walk.functions import log_sigmoid, log_softmax, sigmoid, softmax

HUBER_DELTA = 1.0  # torch.nn.functional.huber_loss's default delta


def head_output(logits: np.ndarray, head: Head) -> np.ndarray:
    """Softmax probabilities, the sigmoid's probability, or the logits themselves (regression)."""
    if head.kind == "softmax":
        return softmax(logits)
    if head.kind == "sigmoid":
        return sigmoid(logits)
    return logits.copy()


def target_vector(head: Head, target: int | np.ndarray) -> np.ndarray:
    """The target as the loss compares it: one-hot, 0 or 1, or the standardised value(s)."""
    if head.kind == "linear":
        return np.asarray(target, dtype=np.float64).reshape(-1)
    if head.kind == "sigmoid":
        return np.array([float(target)])
    t = np.zeros(head.units)
    t[int(target)] = 1.0
    return t


def _bce(logits: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """L = −mean[t log σ(z) + (1 − t) log(1 − σ(z))];  ∂L/∂z = (σ(z) − t) / K."""
    per_unit = -(t * log_sigmoid(logits) + (1 - t) * log_sigmoid(-logits))
    return float(per_unit.mean()), (sigmoid(logits) - t) / len(t)


def _distance(name: str, o: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """L and ∂L/∂o for MSE, MAE or Huber between the output o and the target t, averaged."""
    d = o - t
    k = len(d)
    if name == "mse":
        return float((d * d).mean()), 2 * d / k
    if name == "mae":
        return float(np.abs(d).mean()), np.sign(d) / k
    small = np.abs(d) < HUBER_DELTA  # squared inside ±δ, straight (slope δ) outside
    per_unit = np.where(small, 0.5 * d * d, HUBER_DELTA * (np.abs(d) - 0.5 * HUBER_DELTA))
    return float(per_unit.mean()), np.where(small, d, HUBER_DELTA * np.sign(d)) / k


def row_loss(
    name: str, logits: np.ndarray, head: Head, target: int | np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(L, target vector, what L compares, ∂L/∂logits) for one row."""
    t = target_vector(head, target)
    if name == "bce" or (name == "cross_entropy" and head.kind == "sigmoid"):
        value, dz = _bce(logits, t)
        return value, t, sigmoid(logits), dz
    if name == "cross_entropy":
        log_p = log_softmax(logits)
        p = np.exp(log_p)
        # L = −log p_y, and softmax with cross-entropy folds into ∂L/∂z = p − y.
        return float(-(t * log_p).sum()), t, p, p - t
    o = head_output(logits, head)
    value, do = _distance(name, o, t)
    if head.kind == "softmax":
        # Through the softmax: ∂L/∂z_j = p_j (∂L/∂p_j − Σ_k p_k ∂L/∂p_k).
        dz = o * (do - (o * do).sum())
    elif head.kind == "sigmoid":
        dz = do * o * (1 - o)  # σ′(z) = σ(z)(1 − σ(z))
    else:
        dz = do
    return value, t, o, dz


def allowed_losses(task: str) -> tuple[str, ...]:
    """The losses the app lets this task use (core.losses.resolve_loss)."""
    return tuple(name for name, loss in LOSSES.items() if task in loss.tasks)
