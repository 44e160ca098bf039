"""A training run's health: the history the hints of core.health are decided on.

Torch-free. The trainer feeds it what it already has on the host (each report's losses and
gradient norms, each epoch's losses) plus, at most every CHECK_INTERVAL, the layers' activity
measured in the epoch-end evaluation (core.layer_activity). A hint, once seen, stays for the
rest of the run with its latest numbers (a learner should not miss one that flickered), except
that the learning-rate hint goes when the learning rate is changed: the user acted on it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.health import (
    JUMP_STEPS,
    LR_EPOCHS,
    OVERFIT_EPOCHS,
    SATURATION_Z,
    Hint,
    dead_units_hint,
    gradient_hint,
    jump_hint,
    learning_rate_hint,
    overfitting_hint,
    ranked,
    saturation_hint,
)
from core.spec import NetworkSpec

# Hints are decided (and the layers' activity measured) at most this often; once per epoch when
# epochs are slower. At 0.2 s, measuring the activity cost 6% of the steps of a 20-[64,64]
# network at batch 1024 (13 epochs a second, bench/engine_vs_bare.py --health both); hints are
# about trends, so a second is soon enough.
CHECK_INTERVAL = 1.0
# Within an epoch longer than this (a large table), the hints that need no epoch's end (the
# gradients, a jump after a change) are also checked between reports, so they stay live. Longer
# than CHECK_INTERVAL: with fast epochs every check happens at an epoch's end, with activity.
MID_EPOCH_INTERVAL = 2.0
# A zero gradient norm is floored here before its logarithm (a dead layer's is exactly 0).
TINY_NORM = 1e-30


@dataclass(frozen=True)
class WatchedLayer:
    """A dense layer whose units can die (ReLU) or saturate (tanh, sigmoid)."""

    name: str  # the model's child holding the layer's weighted sum z (core.model)
    index: int  # the hidden layer's index in NetworkSpec.layers
    activation: str


def watched_layers(network: NetworkSpec) -> tuple[WatchedLayer, ...]:
    """The network's ReLU, tanh and sigmoid layers, in order."""
    return tuple(
        WatchedLayer(name, i, layer.activation)
        for i, (name, layer) in enumerate(zip(network.layer_names(), network.layers, strict=True))
        if layer.kind == "dense"
        and (layer.activation == "relu" or layer.activation in SATURATION_Z)
    )


class HealthMonitor:
    """Collects a run's numbers; `check()` returns the hints when they changed."""

    def __init__(self, network: NetworkSpec, grad_layers: Sequence[str]) -> None:
        self.watched = watched_layers(network)
        index = {name: i for i, name in enumerate(network.layer_names())}
        # The hidden layer of each column of the gradient norms ("output" has none).
        self._grad_layers = [index.get(name) for name in grad_layers]
        self.start_run()

    def start_run(self, now: float | None = None) -> None:
        """Forget the last run: a new one starts (at `now`) with no hints."""
        self._latched: dict[tuple[str, int | None], Hint] = {}
        self._sent: tuple[tuple[str, int | None, str], ...] = ()
        self._last_check = -math.inf
        self._started = time.perf_counter() if now is None else now
        self._log_norms = np.zeros(len(self._grad_layers))
        self._norm_steps = 0
        self._largest: list[float] = []
        self._train: list[float] = []
        self._val: list[float] = []
        self._best_val = math.inf
        self._activity: tuple[float, ...] = ()
        self._restart_learning_rate()

    def _restart_learning_rate(self) -> None:
        self._first_loss = math.nan
        self._highest = -math.inf
        self._lr_epochs: list[float] = []
        self._recent_steps = np.zeros(0)
        self._jump: tuple[float, float, list[float]] | None = None  # before, new rate, after

    # --- what the trainer feeds -----------------------------------------------------------------

    def add_steps(self, losses: np.ndarray, norms: np.ndarray) -> None:
        """A report's steps: their losses [k] and per-layer gradient norms [k, layers]."""
        if not len(losses):
            return
        if math.isnan(self._first_loss):
            self._first_loss = float(losses[0])
        self._log_norms += np.log(np.maximum(norms, TINY_NORM)).sum(axis=0)
        self._norm_steps += len(losses)
        if self._jump is not None:
            before, rate, after = self._jump
            after.extend(losses[: JUMP_STEPS - len(after)].tolist())
            if len(after) >= JUMP_STEPS:
                self._latch([jump_hint(before, float(np.mean(after)), rate)])
                self._jump = None
        self._recent_steps = np.concatenate([self._recent_steps, losses])[-JUMP_STEPS:]

    def learning_rate_changed(self, old: float, new: float) -> None:
        """The learning rate changed live: judge it afresh, and watch the loss for a jump."""
        recent = self._recent_steps
        self._latched.pop(("learning_rate", None), None)
        self._restart_learning_rate()
        if new > old and len(recent):
            self._jump = (float(np.mean(recent)), new, [])

    def due(self, now: float | None = None) -> bool:
        """Whether a check (and the activity measurement before it) is due at an epoch's end."""
        now = time.perf_counter() if now is None else now
        return now - self._last_check >= CHECK_INTERVAL

    def due_mid_epoch(self, now: float | None = None) -> bool:
        """Whether a check is due between two reports (never before the run is MID_EPOCH_INTERVAL
        old: a short first epoch is checked at its end, with the activity)."""
        now = time.perf_counter() if now is None else now
        return now - max(self._last_check, self._started) >= MID_EPOCH_INTERVAL

    def epoch_ended(
        self, train_loss: float, val_loss: float, activity: Sequence[float] = ()
    ) -> None:
        """An epoch's losses, and the watched layers' activity when it was measured (one value
        per watched layer: the share of dead units for ReLU, of saturated ones for tanh and
        sigmoid)."""
        self._train.append(train_loss)
        self._val.append(val_loss)
        if math.isfinite(val_loss):
            self._best_val = min(self._best_val, val_loss)
        if math.isfinite(train_loss):
            self._highest = max(self._highest, train_loss)
            self._lr_epochs.append(train_loss)
            del self._lr_epochs[:-LR_EPOCHS]
        if activity:
            self._activity = tuple(activity)

    # --- deciding -------------------------------------------------------------------------------

    def check(self, now: float | None = None) -> tuple[Hint, ...] | None:
        """Decide on what came in since the last check; the hints, most important first, when
        they differ from the ones returned before, else None."""
        self._last_check = time.perf_counter() if now is None else now
        found: list[Hint | None] = []
        for layer, value in zip(self.watched, self._activity, strict=False):
            if layer.activation == "relu":
                found.append(dead_units_hint(layer.index, value))
            else:
                found.append(saturation_hint(layer.index, layer.activation, value))
        if self._norm_steps and len(self._grad_layers) >= 3:
            sizes = np.exp(self._log_norms / self._norm_steps)
            self._largest.append(float(sizes.max()))
            gradient = gradient_hint(
                self._grad_layers[0], float(sizes[0]), float(sizes[-1]), self._largest
            )
            # Dead units stop the gradient dead: their own hint says why it vanished.
            dead = any(h is not None and h.kind == "dead_units" for h in found)
            if not (dead and gradient is not None and gradient.kind == "vanishing"):
                found.append(gradient)
            self._log_norms[:] = 0.0
            self._norm_steps = 0
        found.append(learning_rate_hint(self._first_loss, self._highest, self._lr_epochs))
        found.append(
            overfitting_hint(
                self._train[-OVERFIT_EPOCHS:], self._val[-OVERFIT_EPOCHS:], self._best_val
            )
        )
        self._latch(found)
        hints = ranked(list(self._latched.values()))
        key = tuple((h.kind, h.layer, h.title) for h in hints)
        if key == self._sent:
            return None
        self._sent = key
        return hints

    def _latch(self, hints: Sequence[Hint | None]) -> None:
        for hint in hints:
            if hint is not None:
                self._latched[(hint.kind, hint.layer)] = hint
