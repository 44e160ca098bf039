"""Health hints decided from plain numbers (core.health, core.health_monitor): fast, no torch."""

from __future__ import annotations

import math

import numpy as np

from core.health import (
    DEAD_SHARE,
    JUMP_STEPS,
    KINDS,
    dead_units_hint,
    gradient_hint,
    learning_rate_hint,
    overfitting_hint,
    ranked,
    saturation_hint,
)
from core.health_monitor import (
    CHECK_INTERVAL,
    MID_EPOCH_INTERVAL,
    HealthMonitor,
    watched_layers,
)
from core.spec import LayerSpec, NetworkSpec

LEARN_SECTIONS = ("activations", "backprop", "gradient_descent", "convergence")


def test_dead_units_from_three_quarters_of_the_layer():
    assert dead_units_hint(1, 0.5) is None  # the default network lives with this many
    hint = dead_units_hint(1, 0.8)
    assert hint is not None and hint.layer == 1 and hint.title == "80 % dead"
    assert "Leaky ReLU" in hint.sentence and hint.section == "activations"
    assert dead_units_hint(0, DEAD_SHARE) is not None


def test_saturation_names_the_activation_and_a_cure():
    assert saturation_hint(0, "tanh", 0.1) is None
    hint = saturation_hint(0, "sigmoid", 0.5)
    assert hint is not None and "sigmoid" in hint.finding and "standardise" in hint.advice


def test_vanishing_and_exploding_by_orders_of_magnitude():
    assert gradient_hint(0, 0.05, 0.2, [0.2]) is None  # a factor of 4: healthy
    vanishing = gradient_hint(0, 1e-5, 0.1, [0.1])
    assert vanishing is not None and vanishing.kind == "vanishing" and vanishing.layer == 0
    assert "10,000 times smaller" in vanishing.sentence
    exploding = gradient_hint(0, 500.0, 1.0, [500.0])
    assert exploding is not None and exploding.kind == "exploding"


def test_a_gradient_growing_at_every_check_explodes():
    assert gradient_hint(None, 1.0, 1.0, [1.0, 2.0, 4.0, 8.0]) is None  # grew, but only 8-fold
    hint = gradient_hint(None, 1.0, 1.0, [1.0, 10.0, 100.0, 1000.0])
    assert hint is not None and hint.kind == "exploding" and "still growing" in hint.sentence
    # Large but no longer growing: not "without bound".
    assert gradient_hint(None, 1.0, 1.0, [1.0, 1000.0, 900.0, 950.0]) is None


def test_zero_gradients_are_dead_units_not_vanishing():
    assert gradient_hint(0, 1e-30, 0.3, [0.3]) is None


def test_learning_rate_too_high_when_the_loss_climbs_above_its_start():
    assert learning_rate_hint(0.7, 0.65, [0.65, 0.4, 0.2]) is None
    hint = learning_rate_hint(0.7, 39_000.0, [39_000.0, 0.9])
    assert hint is not None and hint.kind == "learning_rate" and hint.layer is None
    assert hint.section == "gradient_descent" and "divide it by 10" in hint.sentence


def test_learning_rate_too_high_when_the_loss_jumps_about_without_falling():
    jagged = [0.86, 0.75, 0.83, 1.0, 0.72, 0.92, 0.85, 0.77]
    assert learning_rate_hint(0.7, 1.0, jagged) is not None
    # Flat and smooth is a rate too low (or a hard problem), not one too high.
    smooth = [0.70, 0.699, 0.698, 0.697, 0.696, 0.695, 0.694, 0.693]
    assert learning_rate_hint(0.7, 0.70, smooth) is None


def test_overfitting_needs_a_rising_validation_loss_and_a_falling_training_loss():
    train = list(np.linspace(0.5, 0.05, 10))
    val = list(np.linspace(0.4, 1.6, 10))
    hint = overfitting_hint(train, val, best=0.3)
    assert hint is not None and hint.section == "convergence"
    assert all(word in hint.sentence for word in ("early stopping", "L2", "dropout"))
    assert overfitting_hint(train[::-1], val, best=0.3) is None  # training loss rose too
    assert overfitting_hint(train, val[::-1], best=0.3) is None  # validation loss fell
    assert overfitting_hint(train, [0.35] * 10, best=0.3) is None  # flat, near its best
    assert overfitting_hint(train, [math.nan] * 10, best=math.inf) is None  # no validation rows


def test_every_hint_has_a_learn_section_and_a_place_in_the_ranking():
    hints = [
        dead_units_hint(2, 0.9),
        saturation_hint(0, "tanh", 0.6),
        gradient_hint(0, 1e-6, 1.0, [1.0]),
        learning_rate_hint(0.7, 10.0, [10.0]),
        overfitting_hint(list(np.linspace(1, 0, 10)), list(np.linspace(1, 4, 10)), 0.5),
    ]
    assert all(h is not None for h in hints)
    order = ranked([h for h in hints if h is not None])
    assert [h.kind for h in order] == [
        "learning_rate",
        "vanishing",
        "dead_units",
        "saturated",
        "overfitting",
    ]
    assert all(h.kind in KINDS and h.section in LEARN_SECTIONS for h in order)
    assert all(h.sentence.endswith(".") and h.sentence.count(": ") == 1 for h in order)


# --- the monitor: what the trainer feeds it, what it sends ------------------------------------

NET = NetworkSpec(
    layers=(
        LayerSpec(units=8, activation="relu"),
        LayerSpec(kind="dropout"),
        LayerSpec(units=8, activation="tanh"),
        LayerSpec(units=8, activation="gelu"),
    )
)
GRAD_LAYERS = ("dense1", "dense2", "dense3", "output")


def test_the_layers_watched_are_the_ones_that_die_or_saturate():
    watched = watched_layers(NET)
    assert [(w.name, w.index, w.activation) for w in watched] == [
        ("dense1", 0, "relu"),
        ("dense2", 2, "tanh"),
    ]


def test_the_monitor_sends_hints_only_when_they_change_and_keeps_them_for_the_run():
    monitor = HealthMonitor(NET, GRAD_LAYERS)
    norms = np.full((4, 4), 0.1)
    monitor.add_steps(np.full(4, 0.7), norms)
    monitor.epoch_ended(0.6, 0.6, [0.9, 0.0])  # dense1: 90 % dead
    hints = monitor.check(now=0.0)
    assert hints is not None and [(h.kind, h.layer) for h in hints] == [("dead_units", 0)]
    monitor.epoch_ended(0.5, 0.5, [0.9, 0.0])
    assert monitor.check(now=1.0) is None  # unchanged: nothing to send
    monitor.epoch_ended(0.5, 0.5, [0.0, 0.0])  # revived, but a learner should still see it
    assert monitor.check(now=2.0) is None
    monitor.start_run()  # a new run: the window clears its hints, the monitor forgets them
    monitor.add_steps(np.full(4, 0.7), norms)
    monitor.epoch_ended(0.6, 0.6, [0.0, 0.0])
    assert monitor.check(now=3.0) is None
    monitor.epoch_ended(0.6, 0.6, [0.0, 1.0])  # dense2's tanh units all saturated
    hints = monitor.check(now=4.0)
    assert hints is not None and [(h.kind, h.layer) for h in hints] == [("saturated", 2)]


def test_the_monitor_checks_at_most_every_interval():
    monitor = HealthMonitor(NET, GRAD_LAYERS)
    monitor.start_run(now=0.0)
    assert monitor.due(now=0.0) and not monitor.due_mid_epoch(now=0.0)
    monitor.check(now=0.0)
    soon, later = CHECK_INTERVAL / 4, CHECK_INTERVAL * 1.25
    assert not monitor.due(now=soon) and monitor.due(now=later)
    # Between reports, only in epochs long enough that their end leaves the hints stale.
    assert not monitor.due_mid_epoch(now=later) and monitor.due_mid_epoch(
        now=MID_EPOCH_INTERVAL * 1.1
    )


def test_a_jump_right_after_raising_the_learning_rate_is_a_hint_and_lowering_clears_it():
    monitor = HealthMonitor(NET, GRAD_LAYERS)
    norms = np.full((JUMP_STEPS, 4), 0.1)
    monitor.add_steps(np.full(JUMP_STEPS, 0.2), norms)
    monitor.learning_rate_changed(0.01, 1.0)
    monitor.add_steps(np.full(JUMP_STEPS, 0.9), norms)
    hints = monitor.check(now=0.0)
    assert hints is not None and hints[0].kind == "learning_rate"
    assert "became 1" in hints[0].sentence
    monitor.learning_rate_changed(1.0, 0.1)
    monitor.add_steps(np.full(JUMP_STEPS, 0.2), norms)
    assert monitor.check(now=1.0) == ()


def test_vanishing_is_left_to_the_dead_units_that_cause_it():
    monitor = HealthMonitor(NET, GRAD_LAYERS)
    norms = np.tile([1e-8, 1e-4, 0.01, 0.5], (10, 1))
    monitor.add_steps(np.full(10, 0.7), norms)
    monitor.epoch_ended(0.6, 0.6, [0.0, 0.0])
    hints = monitor.check(now=0.0)
    assert hints is not None and [h.kind for h in hints] == ["vanishing"]
    dead = HealthMonitor(NET, GRAD_LAYERS)
    dead.add_steps(np.full(10, 0.7), norms)
    dead.epoch_ended(0.6, 0.6, [1.0, 0.0])
    hints = dead.check(now=0.0)
    assert hints is not None and [h.kind for h in hints] == ["dead_units"]
