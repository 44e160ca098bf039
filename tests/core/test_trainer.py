"""The training loop: learning, events, control from another thread, failures, reproducibility."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import replace

import numpy as np
import pytest
import torch

from core.columns import auto_data_spec
from core.control import TrainingControl
from core.data_spec import ToySource
from core.dataset import PreparedData, prepare_data
from core.events import (
    BatchesEnded,
    EpochEnded,
    EventForwarder,
    HyperparameterChanged,
    TrainEnded,
    TrainPaused,
    TrainStarted,
)
from core.loss_functions import LOSS_FUNCTIONS, loss_target
from core.model import build_model
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import make_toy, toy_target
from core.trainer import Trainer


def toy(
    name: str = "xor", samples: int = 400, noise: float = 0.0, val: float = 0.25
) -> PreparedData:
    source = ToySource(name=name, samples=samples, noise=noise, seed=1)
    frame = make_toy(source)
    return prepare_data(auto_data_spec(frame, source, toy_target(name), val_fraction=val), frame)


def run(data, config=None, network=None, control=None):
    events: list = []
    trainer = Trainer(
        network or NetworkSpec(layers=(LayerSpec(units=8, activation="tanh"),) * 2),
        data,
        config or TrainConfig(epochs=5, learning_rate=0.03),
        [EventForwarder(events.append)],
        control,
    )
    result = trainer.fit()
    return trainer, result, events


def wait_for(condition, timeout_s: float = 10.0) -> None:
    """Poll `condition` (a training thread changes what it reads) until true; fail at timeout."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the training thread"
        time.sleep(0.005)


def paused_at(events, step: int) -> bool:
    """The trainer reported a pause at `step`: it now blocks until told to go on."""
    return any(e.step == step for e in of(events, TrainPaused))


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_a_small_network_learns_xor_and_reports_every_step():
    trainer, result, events = run(
        toy("xor"), TrainConfig(epochs=40, learning_rate=0.03, batch_size=16)
    )
    assert result.outcome == "finished"
    assert isinstance(events[0], TrainStarted) and isinstance(events[-1], TrainEnded)
    epochs = of(events, EpochEnded)
    assert len(epochs) == 40
    assert epochs[-1].val_metric >= 0.9
    assert epochs[-1].train_loss < epochs[0].train_loss / 2
    batches = of(events, BatchesEnded)
    steps = np.concatenate([np.arange(b.first_step, b.first_step + len(b.loss)) for b in batches])
    assert steps.tolist() == list(range(1, trainer.step + 1))  # every step once, in order
    assert trainer.step == 40 * trainer.steps_per_epoch
    assert all(b.grad_norms.shape == (len(b.loss), 3) for b in batches)
    assert events[0].layer_names == ("dense1", "dense2", "output")


def test_reported_loss_and_gradient_norms_match_plain_torch():
    data = toy("circle", samples=200)
    net = NetworkSpec(layers=(LayerSpec(units=6, activation="relu"),))
    # Full batch: the first step's loss and gradients do not depend on the shuffle.
    trainer, _, events = run(data, TrainConfig(epochs=1, batch_size=0, optimizer="sgd"), net)
    first = of(events, BatchesEnded)[0]
    model = build_model(net, 2, trainer.head, seed=0)
    x = torch.from_numpy(data.train.x)
    t = loss_target(trainer.loss_name, data.train.y, trainer.head, torch.device("cpu"))
    loss = LOSS_FUNCTIONS[trainer.loss_name].compute(model(x), t, trainer.head)
    loss.backward()
    expected = [
        math.sqrt(sum(p.grad.square().sum().item() for p in layer.parameters()))
        for layer in (model.dense1, model.output)
    ]
    assert first.loss[0] == pytest.approx(loss.item(), rel=1e-5)
    assert first.grad_norms[0] == pytest.approx(expected, rel=1e-4)


def test_pause_step_resume_and_stop_from_another_thread():
    data = toy("spiral", samples=600)
    control = TrainingControl(paused=True)
    events: list = []
    trainer = Trainer(
        NetworkSpec(),
        data,
        TrainConfig(epochs=0, batch_size=8),
        [EventForwarder(events.append)],
        control,
    )
    thread = threading.Thread(target=trainer.fit)
    thread.start()
    try:
        wait_for(lambda: paused_at(events, 0))  # it reports that it waits, paused
        assert trainer.step == 0  # starts paused: nothing runs
        control.step(3)
        wait_for(lambda: paused_at(events, 3))  # paused again, waiting for the next request
        assert trainer.step == 3  # exactly the steps asked for, then paused again
        reported = sum(len(b.loss) for b in of(events, BatchesEnded))
        assert reported == 3
        control.resume()
        wait_for(lambda: trainer.step >= 200)
        t0 = time.monotonic()
        control.stop()
        thread.join(timeout=5)
        assert not thread.is_alive()
        assert time.monotonic() - t0 < 1.0
    finally:
        control.stop()
        thread.join(timeout=5)
    end = events[-1]
    assert isinstance(end, TrainEnded) and end.outcome == "stopped"
    assert of(events, TrainPaused)


def test_learning_rate_changes_while_running_and_is_reported():
    data = toy("gaussian", samples=2000)
    control = TrainingControl()
    events: list = []

    def on_epoch(event):
        events.append(event)
        if isinstance(event, EpochEnded) and event.epoch == 2:
            control.set("learning_rate", 0.123)

    trainer = Trainer(
        NetworkSpec(),
        data,
        TrainConfig(epochs=4, learning_rate=0.01),
        [EventForwarder(on_epoch)],
        control,
    )
    trainer.fit()
    changes = of(events, HyperparameterChanged)
    assert [(c.name, c.value) for c in changes] == [("learning_rate", 0.123)]
    assert [e.learning_rate for e in of(events, EpochEnded)] == [0.01, 0.01, 0.123, 0.123]
    assert trainer.optimizer.param_groups[0]["lr"] == 0.123


def test_an_l2_penalty_switched_on_while_running_takes_effect():
    data = toy("gaussian", samples=400)
    control = TrainingControl()

    def on_epoch(event):
        if isinstance(event, EpochEnded) and event.epoch == 1:
            control.set("l2", 0.5)

    config = TrainConfig(epochs=15, learning_rate=0.03)
    live = Trainer(NetworkSpec(), data, config, [EventForwarder(on_epoch)], control)
    live.fit()
    plain, _, _ = run(data, config, NetworkSpec())
    size = lambda t: t.model.dense1.weight.norm().item()  # noqa: E731
    assert size(live) < 0.7 * size(plain)


def test_divergence_stops_with_a_clear_reason_and_finite_weights():
    source = ToySource("plane", 300, 0.0, 0)
    frame = make_toy(source)
    data = prepare_data(auto_data_spec(frame, source, "y"), frame)
    trainer, result, _events = run(
        data, TrainConfig(epochs=50, optimizer="sgd", learning_rate=1e6, momentum=0.0)
    )
    assert result.outcome == "failed"
    assert "try a lower learning rate" in result.reason
    assert "at epoch 1 step" in result.reason
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())


def test_same_seed_gives_the_same_run_and_another_seed_does_not():
    data = toy("spiral", samples=300)
    cfg = TrainConfig(epochs=3, batch_size=16, seed=7)
    net = NetworkSpec(
        layers=(LayerSpec(units=8), LayerSpec(kind="dropout", p=0.2), LayerSpec(units=8))
    )
    a, _, _ = run(data, cfg, net)
    b, _, _ = run(data, cfg, net)
    c, _, _ = run(data, replace(cfg, seed=8), net)
    numbers = lambda t: [r[:-1] for r in t.history.rows]  # noqa: E731 - all but the elapsed time
    assert numbers(a) == numbers(b)
    assert all(
        torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True)
    )
    assert numbers(a) != numbers(c)


def test_early_stopping_keeps_the_best_epoch_weights():
    data = toy("xor", samples=120, noise=0.5, val=0.5)
    big = NetworkSpec(layers=(LayerSpec(units=64, activation="relu"),) * 2)
    trainer, result, _events = run(
        data, TrainConfig(epochs=300, learning_rate=0.05, early_stopping=5, batch_size=8), big
    )
    assert result.outcome == "finished" and "early stopping" in result.reason
    val = trainer.history.column("val_loss")
    best = int(np.argmin(val)) + 1
    assert result.best_epoch == best and trainer.epoch == best + 5
    out = trainer.evaluate_logits(data.val.x)
    t = loss_target(trainer.loss_name, data.val.y, trainer.head, torch.device("cpu"))
    now = LOSS_FUNCTIONS[trainer.loss_name].compute(out, t, trainer.head).item()
    assert now == pytest.approx(min(val), rel=1e-5)


def test_step_schedule_lowers_the_learning_rate_by_its_factor():
    _, _, events = run(
        toy(), TrainConfig(epochs=5, learning_rate=0.1, schedule="step", step_size=2, gamma=0.5)
    )
    assert [e.learning_rate for e in of(events, EpochEnded)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025]
    )


def test_fit_again_continues_from_where_it_stopped():
    trainer, _, _ = run(toy(), TrainConfig(epochs=2))
    weights = [p.detach().clone() for p in trainer.model.parameters()]
    trainer.config = replace(trainer.config, epochs=4)
    result = trainer.fit()
    assert result.epochs == 4 and len(trainer.history.rows) == 4
    assert not torch.equal(weights[0], next(trainer.model.parameters()))


def test_l1_penalty_shrinks_weights_toward_zero():
    data = toy("gaussian", samples=400)
    plain, _, _ = run(data, TrainConfig(epochs=20))
    sparse, _, _ = run(data, TrainConfig(epochs=20, l1=0.01))
    small = lambda t: (t.model.dense1.weight.abs() < 1e-2).float().mean().item()  # noqa: E731
    assert small(sparse) > small(plain) + 0.2


def test_batch_norm_network_trains_even_when_one_row_is_left_over():
    data = toy("circle", samples=81 * 4 // 3)  # 81 training rows, batch 16: one row left over
    net = NetworkSpec(layers=(LayerSpec(units=8), LayerSpec(kind="batch_norm"), LayerSpec(units=8)))
    _trainer, result, _ = run(data, TrainConfig(epochs=2, batch_size=16), net)
    assert len(data.train.x) % 16 == 1
    assert result.outcome == "finished"


def test_regression_reports_r2():
    source = ToySource("plane", 400, 0.0, 0)
    frame = make_toy(source)
    data = prepare_data(auto_data_spec(frame, source, "y"), frame)
    _, _, events = run(data, TrainConfig(epochs=30, learning_rate=0.01))
    last = of(events, EpochEnded)[-1]
    assert last.metric == "r2" and last.val_metric > 0.95


def test_pausing_mid_run_then_stepping_reports_every_step_exactly_once():
    data = toy("spiral", samples=600)
    control = TrainingControl()
    events: list = []
    trainer = Trainer(
        NetworkSpec(),
        data,
        TrainConfig(epochs=0, batch_size=4),
        [EventForwarder(events.append)],
        control,
    )
    thread = threading.Thread(target=trainer.fit)
    thread.start()
    try:
        wait_for(lambda: trainer.step >= 50)
        control.pause()
        wait_for(lambda: of(events, TrainPaused))
        pause_step = trainer.step
        control.step(2)
        wait_for(lambda: paused_at(events, pause_step + 2))  # paused again after the two
        assert trainer.step == pause_step + 2
    finally:
        control.stop()
        thread.join(timeout=5)
    steps = [
        s for b in of(events, BatchesEnded) for s in range(b.first_step, b.first_step + len(b.loss))
    ]
    assert steps == list(range(1, trainer.step + 1))
