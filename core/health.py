"""Health hints: what a training's own numbers say is going wrong, and what to try.

Pure decisions on plain floats and numpy arrays, no torch: the training process measures
(core.layer_activity, the step records) and `core.health_monitor` keeps the history; these
functions decide. Each returns a `Hint` or None. Every threshold says why it is where it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

# --- thresholds -------------------------------------------------------------------------------

# A ReLU unit is dead when no training row of the sample turns it on (z <= 0 on all of them):
# its gradient is then zero on every row and nothing revives it. Small layers lose some units
# without harm: measured, the default 3 x 12 network on the spiral (Adam 0.01, seeds 0-2) starts
# with up to half of its third layer dead and ends with up to 58 % (7 of 12) while it reaches
# 97-98 % accuracy. A hint from three quarters of the layer on, where it has lost most of its
# width (a learning rate of 10 kills 92-100 %).
DEAD_SHARE = 0.75
# A tanh or sigmoid unit is saturated on a row where its slope is below 1 % of its largest
# (tanh: |z| > 3.0, where 1 - tanh(z)^2 < 0.01; sigmoid: |z| > 6.0, where s(1 - s) < 0.0025 =
# 1 % of 0.25): the gradient through it is then near zero. A unit is saturated when that holds
# on at least 90 % of the rows (on fewer it still learns from the rest), and the layer gets a
# hint when a third of its units are.
SATURATION_Z = {"tanh": 3.0, "sigmoid": 6.0}
SATURATED_ROWS = 0.9
SATURATED_SHARE = 1 / 3
# Gradient sizes of the first and the last trainable layer (geometric means over recent steps).
# Healthy networks of a few layers stay within a factor of ten of each other; a stack of
# sigmoids shrinks the gradient by up to 4 at each layer (the sigmoid's slope is at most 1/4),
# so eight of them reach a factor of 100 and more. Two orders of magnitude is "vanishing".
VANISHING_RATIO = 1e-2
EXPLODING_RATIO = 1e2
# Below this a layer's gradient is zero, not small: its units are dead (their own hint).
ZERO_GRADIENT = 1e-12
# "Growing without bound": the largest layer's gradient grew at each of the last checks and is
# this many times the smallest it was in the run.
EXPLODING_GROWTH = 1e2
GROWTH_CHECKS = 3
# The learning rate is too high when the loss of an epoch is above 1.5 x where training started
# (the first step's loss, before any update): plain gradient descent at a sensible rate never
# climbs above its start, and minibatch noise does not add 50 %.
RISEN_FACTOR = 1.5
# ... or when, over the last LR_EPOCHS epochs, the loss made no progress (never 10 % below its
# start) while jumping from epoch to epoch (a spread of 5 % of its mean or more). A rate that is
# too low gives a smooth, slowly falling curve, not a jagged flat one.
LR_EPOCHS = 8
NO_PROGRESS = 0.9
JAGGED_SPREAD = 0.05
# ... or when the mean loss of the JUMP_STEPS steps after the learning rate was raised is at
# least twice that of the JUMP_STEPS steps before it.
JUMP_STEPS = 20
JUMP_FACTOR = 2.0
# Overfitting: over the last OVERFIT_EPOCHS epochs the validation loss rose (least-squares
# slope above 0) while the training loss fell, and the mean of its last 3 epochs is at least
# OVERFIT_RISE times its best. Measured: the default network on the spiral (seeds 0-2) drifts
# its validation loss up to 2.2 times its best in 200 epochs while its accuracy holds at
# 97-98 % (it grows confident, not wrong); 100 rows and three 128-unit layers reach 3-7 times.
OVERFIT_EPOCHS = 10
OVERFIT_RISE = 3.0

# The most important first: a rate too high causes dead units and exploding gradients.
KINDS = ("learning_rate", "exploding", "vanishing", "dead_units", "saturated", "overfitting")


@dataclass(frozen=True)
class Hint:
    """One thing that looks wrong, where, how much, what to try, and where Learn explains it."""

    kind: str  # one of KINDS
    layer: int | None  # the hidden layer (index into NetworkSpec.layers); None: the whole network
    value: float  # share of the layer's units (0-1), ratio of gradient sizes, or epochs
    title: str  # a few words for the badge and the status bar: "80 % dead"
    finding: str  # what the numbers show: "80 % of this layer's ReLU units are never active..."
    advice: str  # what to try: "lower the learning rate or try Leaky ReLU or ELU"
    section: str  # the Learn section that explains it (app.learn_links.SECTION_IDS)

    @property
    def sentence(self) -> str:
        """What the numbers show and what to try, in one sentence."""
        return f"{self.finding}: {self.advice}."


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def dead_units_hint(layer: int, dead_share: float) -> Hint | None:
    """Hint when `dead_share` of ReLU layer `layer`'s units are off on every training row."""
    if not dead_share >= DEAD_SHARE:
        return None
    return Hint(
        "dead_units",
        layer,
        dead_share,
        f"{_percent(dead_share)} dead",
        f"{_percent(dead_share)} of this layer's ReLU units are never active on the training "
        "rows, so they no longer learn",
        "lower the learning rate or try Leaky ReLU or ELU",
        "activations",
    )


def saturation_hint(layer: int, activation: str, saturated_share: float) -> Hint | None:
    """Hint when `saturated_share` of a tanh or sigmoid layer's units sit on the flat ends."""
    if not saturated_share >= SATURATED_SHARE:
        return None
    return Hint(
        "saturated",
        layer,
        saturated_share,
        f"{_percent(saturated_share)} saturated",
        f"{_percent(saturated_share)} of this layer's {activation} units sit on the flat ends "
        "of the curve on most rows, where the gradient is near 0",
        "standardise the inputs or lower the learning rate",
        "activations",
    )


def gradient_hint(
    first_layer: int | None, first: float, last: float, largest: Sequence[float]
) -> Hint | None:
    """Vanishing or exploding gradients from the first and last layers' recent gradient sizes
    (`first`, `last`) and the largest layer's size at each check so far (`largest`)."""
    if first > ZERO_GRADIENT and last > ZERO_GRADIENT:
        ratio = first / last
        if ratio <= VANISHING_RATIO:
            return Hint(
                "vanishing",
                first_layer,
                ratio,
                "vanishing gradient",
                f"The first layer's gradient is {1 / ratio:,.0f} times smaller than the last "
                "layer's, so the early layers barely learn",
                "use ReLU instead of sigmoid or tanh, fewer layers, or batch norm",
                "backprop",
            )
        if ratio >= EXPLODING_RATIO:
            return _exploding(
                first_layer,
                ratio,
                f"The first layer's gradient is {ratio:,.0f} times larger than the last layer's",
            )
    recent = largest[-GROWTH_CHECKS - 1 :]
    if len(recent) > GROWTH_CHECKS and all(b > a for a, b in pairwise(recent)):
        growth = recent[-1] / max(min(largest), 1e-30)
        if growth >= EXPLODING_GROWTH:
            return _exploding(
                None, growth, f"The gradient is {growth:,.0f} times what it was and still growing"
            )
    return None


def _exploding(layer: int | None, value: float, finding: str) -> Hint:
    return Hint(
        "exploding",
        layer,
        value,
        "exploding gradient",
        f"{finding}, so the steps overshoot",
        "lower the learning rate or set gradient clipping",
        "backprop",
    )


def learning_rate_hint(first_loss: float, highest: float, recent: Sequence[float]) -> Hint | None:
    """Hint when an epoch's training loss (the `highest` of them) rose well above the first
    step's loss, or the `recent` epochs' losses stayed at it while jumping about."""
    if not (math.isfinite(first_loss) and first_loss > 0):
        return None
    risen = highest / first_loss
    if risen >= RISEN_FACTOR:
        return _too_high(
            risen, f"The loss rose to {risen:,.1f} times where it started instead of falling"
        )
    losses = np.asarray(recent[-LR_EPOCHS:], dtype=float)
    if len(losses) == LR_EPOCHS and losses.min() >= NO_PROGRESS * first_loss:
        spread = float(losses.std() / losses.mean())
        if spread >= JAGGED_SPREAD:
            return _too_high(
                spread, f"The loss has jumped about for {LR_EPOCHS} epochs without falling"
            )
    return None


def jump_hint(before: float, after: float, learning_rate: float) -> Hint | None:
    """Hint when the mean loss right after a learning-rate change (`after`) is far above the
    mean right before it (`before`)."""
    if not (before > 0 and after >= JUMP_FACTOR * before):
        return None
    return _too_high(
        after / before,
        f"The loss jumped {after / before:,.1f}-fold when the learning rate became "
        f"{learning_rate:g}",
    )


def _too_high(value: float, what: str) -> Hint:
    return Hint(
        "learning_rate",
        None,
        value,
        "learning rate too high",
        f"{what}, so the learning rate is too high",
        "divide it by 10",
        "gradient_descent",
    )


def overfitting_hint(
    train_losses: Sequence[float], val_losses: Sequence[float], best: float
) -> Hint | None:
    """Hint when, over the last epochs' losses, the validation loss rose while the training loss
    fell, and ended far above its `best` in the run."""
    if len(val_losses) < OVERFIT_EPOCHS or not all(map(math.isfinite, val_losses)):
        return None
    val = np.asarray(val_losses[-OVERFIT_EPOCHS:], dtype=float)
    train = np.asarray(train_losses[-OVERFIT_EPOCHS:], dtype=float)
    latest = float(val[-3:].mean())  # one epoch's spike is not a trend
    if not best > 0 or latest < OVERFIT_RISE * best:
        return None
    if not (_slope(val) > 0 > _slope(train)):
        return None
    rise = latest / best
    return Hint(
        "overfitting",
        None,
        rise,
        "overfitting",
        f"The validation loss is {rise:,.1f} times its best and rising while the training loss "
        "falls, so the network is memorising the training rows",
        "use early stopping, L2 or dropout",
        "convergence",
    )


def _slope(values: np.ndarray) -> float:
    """The least-squares slope's sign and size, up to a positive factor (no polyfit: this runs
    while training)."""
    centred = np.arange(len(values)) - (len(values) - 1) / 2
    return float(centred @ (values - values.mean()))


def ranked(hints: Sequence[Hint]) -> tuple[Hint, ...]:
    """The hints, most important first: by kind (KINDS), then the larger value."""
    return tuple(sorted(hints, key=lambda h: (KINDS.index(h.kind), -h.value)))
