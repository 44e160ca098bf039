"""What a walk holds: one frozen dataclass per step, numbers only (numpy arrays and floats).

The window shows these with their formulas; nothing here is computed by torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Fields are numpy arrays: eq=False everywhere, since == on arrays has no single truth value.


@dataclass(frozen=True, eq=False)
class ColumnPrep:
    """One raw column value becoming its network input(s).

    Numeric: `value` (or `fill` where missing) → (value − shift) / scale; min-max has shift = min
    and scale = max − min, standardising shift = mean and scale = std, none 0 and 1.
    Categorical: the category (or `fill` where missing) → its one-hot vector over `categories`.
    """

    column: str
    kind: str  # "minmax", "standard", "none" (numeric) or "one_hot"
    raw: str  # the value as the table holds it, "" where missing
    missing: bool
    fill: float | str  # the imputed value a missing one takes
    impute: str = ""  # how `fill` was chosen: mean, median, most_frequent, missing_category
    # A toy input feature computed from x1 and x2 first (core.input_features): its formula,
    # e.g. "x1 * x1"; empty for a column of the table itself.
    computed: str = ""
    shift: float = 0.0
    scale: float = 1.0
    categories: tuple[str, ...] = ()
    used: float | str = 0.0  # the value after imputing: what is scaled or encoded
    input_names: tuple[str, ...] = ()
    prepared: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True, eq=False)
class LayerForward:
    """One layer's forward step. Dense: z = W a_in + b, a = f(z). Normalising layers:
    z = (a_in − mean) / √(var + eps) (the row's own mean and variance for layer norm, the running
    ones for batch norm), a = γ z + β. Dropout (evaluation mode): a = a_in."""

    name: str  # as in the model's state dict: dense1, batch_norm1, output
    kind: str  # dense, dropout, batch_norm, layer_norm, output
    label: str
    a_in: np.ndarray
    z: np.ndarray
    a: np.ndarray
    activation: str = "linear"  # dense layers
    weights: dict[str, np.ndarray] = field(default_factory=dict)  # W, b, gamma, beta
    mean: np.ndarray | None = None  # normalising layers
    var: np.ndarray | None = None
    eps: float = 0.0
    note: str = ""  # what differs from training, said plainly


@dataclass(frozen=True, eq=False)
class OutputStep:
    """Logits → probabilities (softmax or sigmoid) or a value (identity) → the answer."""

    head: str  # softmax, sigmoid, linear
    logits: np.ndarray
    probabilities: np.ndarray  # one per class; for regression the standardised value(s)
    classes: tuple[str, ...]
    predicted_index: int  # -1 for regression
    predicted: str  # the class name, or the value in the target's units
    true_index: int  # -1 for regression or when the row has no target
    true: str  # "" when the row has no target
    predicted_value: float = float("nan")  # regression, in the target's units
    true_value: float = float("nan")
    target_mean: float = 0.0  # regression: value = mean + std · output
    target_std: float = 1.0


@dataclass(frozen=True, eq=False)
class LossStep:
    """The row's loss: `compared` (what the loss reads) against `target`, and dL/dlogits."""

    name: str
    value: float
    target: np.ndarray  # one-hot, 0/1, or the standardised value
    compared: np.ndarray  # probabilities, sigmoid outputs, logits or values
    dloss_dlogits: np.ndarray
    # Every loss the task allows, for this row: name -> value.
    all_values: dict[str, float] = field(default_factory=dict)
    huber_delta: float = 1.0


@dataclass(frozen=True, eq=False)
class LayerBackward:
    """One layer's backward step: delta = ∂L/∂z, the gradients of its weights, and ∂L/∂a_in.

    Dense: delta = ∂L/∂a ⊙ f′(z), ∂L/∂W = delta a_inᵀ, ∂L/∂b = delta, ∂L/∂a_in = Wᵀ delta.
    """

    name: str
    kind: str
    dloss_da: np.ndarray  # ∂L/∂a, from the layer above
    derivative: np.ndarray  # f′(z) (dense), ∂a/∂z elementwise otherwise
    delta: np.ndarray  # ∂L/∂z
    grads: dict[str, np.ndarray]  # W, b, gamma, beta
    dloss_da_in: np.ndarray

    @property
    def gradient_norm(self) -> float:
        """‖∂L/∂θ‖ over the layer's weights: what the gradient plot draws per layer."""
        return float(np.sqrt(sum(float((g * g).sum()) for g in self.grads.values())))


@dataclass(frozen=True, eq=False)
class ParamUpdate:
    """One weight tensor's update: before, the gradient used, the optimizer's state, after."""

    name: str  # state-dict key: dense1.weight
    before: np.ndarray
    grad: np.ndarray  # the row's gradient with penalties and clipping applied
    state_before: dict[str, np.ndarray]  # exp_avg, exp_avg_sq, momentum_buffer, square_avg, sum
    state_after: dict[str, np.ndarray]
    after: np.ndarray
    step: int = 0  # Adam and Adagrad count steps; the number this update is


@dataclass(frozen=True, eq=False)
class UpdateStep:
    """What one optimizer does with this row's gradient, in one step."""

    optimizer: str
    settings: dict[str, float]  # learning_rate, momentum, nesterov, beta1, beta2, eps, ...
    # "current": the training's own state; "fresh": as before the first step; "none": this
    # optimizer keeps none (SGD without momentum).
    state: str
    params: tuple[ParamUpdate, ...]
    loss_before: float
    loss_after: float
    penalty: dict[str, float] = field(default_factory=dict)  # l1, l2 when on
    clip_factor: float = 1.0  # the gradient was multiplied by this (gradient clipping)
    note: str = ""


@dataclass(frozen=True, eq=False)
class RowWalk:
    """One row, from its raw values to one optimizer update."""

    row: str  # where it came from, in words: "training row 12 (data row 40)"
    columns: tuple[ColumnPrep, ...]
    input_names: tuple[str, ...]
    x: np.ndarray
    forward: tuple[LayerForward, ...]
    output: OutputStep
    loss: LossStep | None  # None when the row has no target
    backward: tuple[LayerBackward, ...]  # output layer first
    updates: dict[str, UpdateStep]  # the chosen optimizer first
    optimizer: str
    step: int = 0  # training steps the weights have had
    epoch: int = 0
    notes: tuple[str, ...] = ()  # what the walk cannot show exactly, and why
    split: str = ""  # train, val or test: where the row is (empty for values typed in)
    index: int = -1  # its position in that split
