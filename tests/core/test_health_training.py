"""Health hints from real trainings: networks built to have each problem get its hint, healthy
ones get none. Small networks and data, each a fraction of a second (the healthy default's
full 200 epochs is marked slow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.dataset import PreparedData, prepare_data
from core.events import Callback, EpochEnded, HealthChecked
from core.health import Hint
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import make_toy, toy_target
from core.trainer import Trainer

DEFAULT_NETWORK = NetworkSpec(layers=(LayerSpec(units=12, activation="relu"),) * 3)
DEFAULT_CONFIG = TrainConfig(learning_rate=0.01, batch_size=16, epochs=200, device="cpu")


def spiral(samples: int = 500, noise: float = 0.1) -> PreparedData:
    source = ToySource(name="spiral", samples=samples, noise=noise, seed=0)
    frame = make_toy(source)
    return prepare_data(auto_data_spec(frame, source, toy_target("spiral")), frame)


class Hints(Callback):
    """The hints last sent, and a way to act on each epoch."""

    def __init__(self) -> None:
        self.hints: tuple[Hint, ...] = ()
        self.sent = 0

    def on_health_checked(self, event: HealthChecked) -> None:
        self.hints = event.hints
        self.sent += 1

    def kinds(self) -> set[tuple[str, int | None]]:
        return {(h.kind, h.layer) for h in self.hints}


def train(
    network: NetworkSpec, config: TrainConfig, data: PreparedData | None = None, prepare=None
):
    hints = Hints()
    trainer = Trainer(network, data or spiral(), config, [hints])
    if prepare is not None:
        with torch.no_grad():
            prepare(trainer.model)
    trainer.fit()
    return trainer, hints


def test_a_relu_layer_with_a_large_negative_bias_is_dead():
    _, hints = train(
        DEFAULT_NETWORK,
        TrainConfig(epochs=3, device="cpu"),
        prepare=lambda model: model.dense2.bias.fill_(-100.0),
    )
    assert ("dead_units", 1) in hints.kinds()
    dead = next(h for h in hints.hints if h.kind == "dead_units")
    assert dead.value == 1.0 and dead.title == "100 % dead"


def test_a_sigmoid_network_on_huge_inputs_saturates():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2)) * 1000.0
    frame = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": np.where(x[:, 0] > 0, "a", "b")})
    spec = auto_data_spec(frame, CsvSource("huge.csv"), "label")
    unscaled = tuple(
        c if c.role != "feature" else type(c)(c.name, c.role, c.kind, "none", c.impute)
        for c in spec.columns
    )
    data = prepare_data(type(spec)(spec.source, unscaled, spec.task), frame)
    assert np.abs(data.train.x).mean() > 100  # the inputs reach the network as they are
    network = NetworkSpec(layers=(LayerSpec(units=8, activation="sigmoid"),) * 2)
    _, hints = train(network, TrainConfig(epochs=3, device="cpu"), data)
    assert ("saturated", 0) in hints.kinds()


def test_a_learning_rate_of_10_is_too_high():
    _, hints = train(DEFAULT_NETWORK, TrainConfig(epochs=5, learning_rate=10.0, device="cpu"))
    assert hints.hints[0].kind == "learning_rate"  # the most important: it causes the rest
    assert hints.hints[0].section == "gradient_descent"


def test_a_deep_stack_of_sigmoids_has_vanishing_gradients():
    network = NetworkSpec(layers=(LayerSpec(units=8, activation="sigmoid"),) * 8)
    _, hints = train(network, TrainConfig(epochs=3, device="cpu"))
    assert ("vanishing", 0) in hints.kinds()


def test_raising_the_learning_rate_mid_run_until_the_loss_jumps_is_a_hint():
    class Raise(Hints):
        def __init__(self) -> None:
            super().__init__()
            self.trainer: Trainer | None = None

        def on_train_epoch_end(self, event: EpochEnded) -> None:
            if event.epoch == 10 and self.trainer is not None:
                self.trainer.control.set("learning_rate", 50.0)

    raise_ = Raise()
    trainer = Trainer(DEFAULT_NETWORK, spiral(), TrainConfig(epochs=12, device="cpu"), [raise_])
    raise_.trainer = trainer
    trainer.fit()
    assert raise_.hints and raise_.hints[0].kind == "learning_rate"


def test_a_big_network_on_few_rows_overfits():
    # 70 training rows of 20 features, the label mostly noise: easy to memorise, nothing to learn.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 20))
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(20)])
    frame["label"] = np.where(x[:, 0] + rng.normal(size=100) * 1.5 > 0, "a", "b")
    spec = auto_data_spec(frame, CsvSource("noise.csv"), "label", val_fraction=0.3)
    network = NetworkSpec(layers=(LayerSpec(units=64, activation="relu"),) * 2)
    config = TrainConfig(epochs=60, learning_rate=0.01, batch_size=16, device="cpu")
    _, hints = train(network, config, prepare_data(spec, frame))
    assert ("overfitting", None) in hints.kinds()
    assert hints.hints[0].section == "convergence"


def test_a_healthy_network_shows_no_hint_and_costs_no_extra_message():
    _, hints = train(NetworkSpec(), TrainConfig(epochs=40, learning_rate=0.03, device="cpu"))
    assert hints.hints == () and hints.sent == 0


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_default_network_on_the_spiral_is_healthy_all_200_epochs(seed):
    from dataclasses import replace

    _, hints = train(DEFAULT_NETWORK, replace(DEFAULT_CONFIG, seed=seed))
    assert hints.hints == (), [h.sentence for h in hints.hints]


def test_hints_can_be_turned_off_for_the_benchmarks():
    trainer = Trainer(
        DEFAULT_NETWORK, spiral(), TrainConfig(epochs=2, learning_rate=10.0), [], health=False
    )
    hints = Hints()
    trainer.callbacks.append(hints)
    trainer.fit()
    assert trainer.health is None and hints.sent == 0


def test_counting_activity_changes_no_metric_and_adds_up_over_chunks():
    from core.epoch_metrics import measure_epoch
    from core.layer_activity import ActivityCount

    trainer = Trainer(DEFAULT_NETWORK, spiral(), TrainConfig(epochs=1, device="cpu"))
    trainer.fit()
    trainer.model.eval()
    args = (trainer.model, trainer.tensors, trainer._loss, trainer.head, trainer.metric)
    plain = measure_epoch(*args, 10_000, trainer.device)
    assert trainer.health is not None
    whole = measure_epoch(*args, 10_000, trainer.device, ActivityCount(trainer.health.watched))
    chunked = measure_epoch(*args, 64, trainer.device, ActivityCount(trainer.health.watched))
    assert whole[:3] == pytest.approx(plain[:3]) and plain[3] == []
    assert len(whole[3]) == 3 and chunked[3] == pytest.approx(whole[3])
    # The shares themselves, from the model's own weighted sums over the training sample.
    x = trainer.tensors.train_sample_inputs
    with torch.no_grad():
        z1 = trainer.model.dense1(x)
        z2 = trainer.model.dense2(trainer.model.dense1_act(z1))
    assert whole[3][1] == pytest.approx(1 - (z2 > 0).any(dim=0).float().mean().item())
