"""A toy dataset's points shared out into training, validation and test rows."""

from __future__ import annotations

import numpy as np
import pytest

from core.columns import auto_data_spec
from core.data_spec import DataSpec, ToySource
from core.dataset import prepare_data
from core.spec import from_json, to_json
from core.toy import make_toy, toy_target


def toy_spec(name: str, seed: int = 0, test_fraction: float = 0.2) -> DataSpec:
    source = ToySource(name, samples=500, noise=0.1, seed=seed)
    frame = make_toy(source)
    return auto_data_spec(
        frame, source, toy_target(name), val_fraction=0.2, test_fraction=test_fraction, seed=seed
    )


@pytest.mark.parametrize("name", ["spiral", "plane"])
def test_a_toy_dataset_keeps_its_test_share_apart(name):
    data = prepare_data(toy_spec(name))
    assert (len(data.train), len(data.val), len(data.test)) == (300, 100, 100)
    parts = [set(data.train.rows), set(data.val.rows), set(data.test.rows)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert set().union(*parts) == set(range(500))


def test_the_test_points_are_the_same_for_a_seed_and_change_with_it():
    first = prepare_data(toy_spec("circle", seed=3)).test.rows
    again = prepare_data(toy_spec("circle", seed=3)).test.rows
    other = prepare_data(toy_spec("circle", seed=4)).test.rows
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_both_classes_are_among_the_test_points():
    data = prepare_data(toy_spec("xor"))
    assert set(np.unique(data.test.y)) == {0, 1}


def test_a_toy_spec_saved_before_test_shares_loads_with_none():
    saved = to_json(toy_spec("spiral"))
    del saved["test_fraction"]  # as files written before toys had a test share
    loaded = from_json(DataSpec, saved)
    assert loaded.test_fraction == 0.0
    data = prepare_data(loaded)
    assert (len(data.train), len(data.val), len(data.test)) == (400, 100, 0)
