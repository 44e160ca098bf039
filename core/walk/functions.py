"""The activation functions, their derivatives, and the output heads, one formula each.

Each matches the torch module core.model builds (checked by tests/core/test_walk_vs_torch.py):
LeakyReLU's slope is 0.01, ELU's alpha 1, GELU the exact erf form, Softplus beta 1 with
threshold 20 (above it torch returns x itself).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

LEAKY_SLOPE = 0.01  # torch.nn.LeakyReLU's negative_slope
ELU_ALPHA = 1.0  # torch.nn.ELU's alpha
SOFTPLUS_THRESHOLD = 20.0  # torch.nn.Softplus: above it, softplus(x) = x
_erf = np.vectorize(math.erf, otypes=[np.float64])


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^-z), written so that neither branch overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log σ(z) = -log(1 + e^-z)."""
    return -np.logaddexp(0.0, -z)


def softmax(z: np.ndarray) -> np.ndarray:
    """p_k = e^(z_k) / Σ_j e^(z_j); the largest z is subtracted first (same result, no overflow)."""
    e = np.exp(z - z.max())
    return e / e.sum()


def log_softmax(z: np.ndarray) -> np.ndarray:
    """log p_k = z_k - log Σ_j e^(z_j)."""
    shifted = z - z.max()
    return shifted - np.log(np.exp(shifted).sum())


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + _erf(z / math.sqrt(2)))


def _normal_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _softplus(z: np.ndarray) -> np.ndarray:
    return np.where(z > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(np.minimum(z, SOFTPLUS_THRESHOLD))))


# name -> (f(z), f'(z)): the keys of core.activations.ACTIVATIONS (a test keeps them equal).
ACTIVATION_FUNCTIONS: dict[
    str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
] = {
    "relu": (
        lambda z: np.maximum(z, 0.0),
        lambda z: (z > 0).astype(np.float64),
    ),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "elu": (
        lambda z: np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0.0))),
        lambda z: np.where(z > 0, 1.0, ELU_ALPHA * np.exp(np.minimum(z, 0.0))),
    ),
    "gelu": (
        lambda z: z * _normal_cdf(z),
        lambda z: _normal_cdf(z) + z * _normal_pdf(z),
    ),
    "silu": (
        lambda z: z * sigmoid(z),
        lambda z: sigmoid(z) * (1 + z * (1 - sigmoid(z))),
    ),
    "tanh": (
        np.tanh,
        lambda z: 1 - np.tanh(z) ** 2,
    ),
    "sigmoid": (
        sigmoid,
        lambda z: sigmoid(z) * (1 - sigmoid(z)),
    ),
    "softplus": (
        _softplus,
        lambda z: np.where(z > SOFTPLUS_THRESHOLD, 1.0, sigmoid(z)),
    ),
    "linear": (
        lambda z: z.copy(),
        np.ones_like,
    ),
}
