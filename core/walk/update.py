"""Step 6: what each optimizer in core.optimizers.OPTIMIZERS does with one gradient, in one step.

Written as torch.optim computes it (the defaults torch uses where the app sets nothing: Adam's
eps 1e-8, RMSprop's alpha 0.99 and eps 1e-8, Adagrad's eps 1e-10), for one weight tensor w with
gradient g and the optimizer's state for it (empty before the first step).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from core.spec import TrainConfig

State = dict[str, np.ndarray]
Settings = dict[str, float]

ADAM_EPS = 1e-8
RMSPROP_ALPHA = 0.99
RMSPROP_EPS = 1e-8
ADAGRAD_EPS = 1e-10


def settings_of(config: TrainConfig, learning_rate: float | None = None) -> Settings:
    """The numbers the optimizers read; `learning_rate` is the scheduled one when training."""
    return {
        "learning_rate": config.learning_rate if learning_rate is None else learning_rate,
        "momentum": config.momentum,
        "nesterov": float(config.nesterov and config.momentum > 0),
        "beta1": config.beta1,
        "beta2": config.beta2,
        "weight_decay": config.weight_decay,
        "adam_eps": ADAM_EPS,
        "rmsprop_alpha": RMSPROP_ALPHA,
        "rmsprop_eps": RMSPROP_EPS,
        "adagrad_eps": ADAGRAD_EPS,
    }


def sgd(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    """g ← g + λw;  with momentum μ: v ← μv + g (v = g on the first step), and g ← v
    (Nesterov: g ← g + μv);  w ← w − η g."""
    lr, mu, wd = s["learning_rate"], s["momentum"], s["weight_decay"]
    g = g + wd * w
    new_state: State = {}
    if mu > 0:
        v = g.copy() if "momentum_buffer" not in state else mu * state["momentum_buffer"] + g
        new_state["momentum_buffer"] = v
        g = g + mu * v if s["nesterov"] else v
    return w - lr * g, new_state


def adam(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    """g ← g + λw;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
    m̂ = m / (1−β₁ᵗ);  v̂ = v / (1−β₂ᵗ);  w ← w − η m̂ / (√v̂ + ε)."""
    return _adam(w, g + s["weight_decay"] * w, state, s)


def adamw(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    """As Adam, but the weight decay shrinks the weight itself first: w ← w − ηλw."""
    w = w * (1 - s["learning_rate"] * s["weight_decay"])
    return _adam(w, g, state, s)


def _adam(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    lr, beta1, beta2, eps = s["learning_rate"], s["beta1"], s["beta2"], s["adam_eps"]
    t = float(state.get("step", 0.0)) + 1
    m = beta1 * state.get("exp_avg", np.zeros_like(w)) + (1 - beta1) * g
    v = beta2 * state.get("exp_avg_sq", np.zeros_like(w)) + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w, {"step": np.asarray(t), "exp_avg": m, "exp_avg_sq": v}


def rmsprop(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    """g ← g + λw;  r ← αr + (1−α)g²;  with momentum μ: b ← μb + g / (√r + ε), w ← w − ηb;
    without: w ← w − η g / (√r + ε)."""
    lr, mu, alpha, eps = s["learning_rate"], s["momentum"], s["rmsprop_alpha"], s["rmsprop_eps"]
    g = g + s["weight_decay"] * w
    t = float(state.get("step", 0.0)) + 1
    r = alpha * state.get("square_avg", np.zeros_like(w)) + (1 - alpha) * g * g
    new_state: State = {"step": np.asarray(t), "square_avg": r}
    if mu > 0:
        b = mu * state.get("momentum_buffer", np.zeros_like(w)) + g / (np.sqrt(r) + eps)
        new_state["momentum_buffer"] = b
        return w - lr * b, new_state
    return w - lr * g / (np.sqrt(r) + eps), new_state


def adagrad(w: np.ndarray, g: np.ndarray, state: State, s: Settings) -> tuple[np.ndarray, State]:
    """g ← g + λw;  G ← G + g²;  w ← w − η g / (√G + ε)."""
    g = g + s["weight_decay"] * w
    t = float(state.get("step", 0.0)) + 1
    total = state.get("sum", np.zeros_like(w)) + g * g
    w = w - s["learning_rate"] * g / (np.sqrt(total) + s["adagrad_eps"])
    return w, {"step": np.asarray(t), "sum": total}


# The keys of core.optimizers.OPTIMIZERS (a test keeps them equal).
OPTIMIZER_STEPS: dict[
    str, Callable[[np.ndarray, np.ndarray, State, Settings], tuple[np.ndarray, State]]
] = {
    "sgd": sgd,
    "adam": adam,
    "adamw": adamw,
    "rmsprop": rmsprop,
    "adagrad": adagrad,
}


def penalised_gradients(
    weights: Mapping[str, np.ndarray],
    grads: Mapping[str, np.ndarray],
    penalised: tuple[str, ...],
    l1: float,
    l2: float,
    clip: float,
) -> tuple[dict[str, np.ndarray], float]:
    """The gradients training steps with: + l1·sign(W) + 2·l2·W on the dense weights (the
    trainer's L1 and L2 penalties), then scaled down to a total norm of at most `clip` as
    torch.nn.utils.clip_grad_norm_ does. Returns them and the factor clipping applied."""
    out = {}
    for key, g in grads.items():
        if key in penalised:
            g = g + l1 * np.sign(weights[key]) + 2 * l2 * weights[key]
        out[key] = g
    factor = 1.0
    if clip:
        norm = float(np.sqrt(sum(float((g * g).sum()) for g in out.values())))
        factor = min(clip / (norm + 1e-6), 1.0)  # torch's clip_grad_norm_ adds 1e-6
        out = {key: g * factor for key, g in out.items()}
    return out, factor
