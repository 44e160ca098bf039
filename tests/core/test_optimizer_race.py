"""The optimizer race in the engine: copies from one start on the same batches, the user's model
untouched, a diverging copy ending alone, and a stop ending the race."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.columns import auto_data_spec
from core.data_spec import ToySource
from core.dataset import load_frame, prepare_data
from core.optimizer_race import RaceStatus, race
from core.race_spec import DEFAULT_RACE, RaceEntry
from core.spec import TrainConfig
from core.trainer import Trainer
from core.workflow import dense_network

SOURCE = ToySource("circle", samples=200, noise=0.0, seed=2)
REGRESSION = ToySource("plane", samples=200, noise=0.0, seed=2)


@pytest.fixture(scope="module")
def trainer() -> Trainer:
    frame = load_frame(SOURCE)
    data = prepare_data(auto_data_spec(frame, SOURCE, "label"), frame)
    config = TrainConfig(device="cpu", batch_size=16, seed=4)
    return Trainer(dense_network([6], activation="tanh"), data, config)


def test_copies_start_together_and_leave_the_users_model_and_random_state_as_they_were(
    trainer: Trainer,
) -> None:
    before = [p.detach().clone() for p in trainer.params]
    torch.manual_seed(123)
    expected_draw = torch.rand(3)
    torch.manual_seed(123)
    statuses: list[RaceStatus] = []
    outcome = race(trainer, DEFAULT_RACE, 40, False, statuses.append, lambda: False)
    assert torch.equal(torch.rand(3), expected_draw)
    for p, b in zip(trainer.params, before, strict=True):
        assert torch.equal(p.detach(), b)
    surface = outcome.surface
    assert surface is not None
    assert [len(r.losses) for r in outcome.records] == [40] * 4
    # Same weights and same first batch: the first losses agree, then the optimizers part.
    firsts = [r.losses[0] for r in outcome.records]
    assert max(firsts) - min(firsts) < 1e-6
    assert all(np.all(p[0] == 0) for p in surface.paths)
    assert len({tuple(np.round(p[-1], 4)) for p in surface.paths}) == 4
    assert [s.tolist()[-1] for s in surface.path_steps] == [40] * 4
    assert 0 <= surface.variance_share <= 1
    assert np.isfinite(surface.loss).all() and surface.loss.shape[0] == surface.loss.shape[1]
    # Progress carried every step's loss exactly once.
    sent = [np.concatenate([s.losses[i] for s in statuses]) for i in range(4)]
    for got, record in zip(sent, outcome.records, strict=True):
        np.testing.assert_array_equal(got, record.losses)
    assert statuses[-1].step == 40


def test_a_copy_whose_loss_blows_up_ends_alone_and_leaves_the_map_to_the_others() -> None:
    frame = load_frame(REGRESSION)
    data = prepare_data(auto_data_spec(frame, REGRESSION, "y"), frame)
    config = TrainConfig(device="cpu", batch_size=16, seed=4)
    trainer = Trainer(dense_network([6], activation="relu"), data, config)
    entries = (RaceEntry("sgd", 1.0, 0.9, "too fast"), RaceEntry("adam", 0.01))
    outcome = race(trainer, entries, 60, False, lambda s: None, lambda: False)
    wild, calm = outcome.records
    assert wild.outcome == "diverged" and "lower learning rate" in wild.reason
    assert len(wild.losses) < 60 and np.isfinite(wild.losses).all()
    assert calm.outcome == "finished" and len(calm.losses) == 60
    surface = outcome.surface
    assert surface is not None
    assert all(np.isfinite(p).all() for p in surface.paths)
    # The calm path fills the map; the wild one, far off, leaves it.
    x0, x1, y0, y1 = surface.extent
    end = surface.paths[1][-1]
    assert x0 < end[0] < x1 and y0 < end[1] < y1
    assert np.abs(surface.paths[0][-1]).max() > 10 * max(x1 - x0, y1 - y0)


def test_a_stop_ends_the_race_without_a_surface(trainer: Trainer) -> None:
    statuses: list[RaceStatus] = []
    outcome = race(trainer, DEFAULT_RACE, 600, False, statuses.append, lambda: len(statuses) >= 1)
    assert outcome.surface is None
    assert {r.outcome for r in outcome.records} == {"stopped"}
    assert 0 < len(outcome.records[0].losses) < 600
