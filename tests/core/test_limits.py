"""Every number a design holds stays within what the window's widgets, numpy and memory can take:
a spec past a limit is refused with the numbers, before anything is built."""

from __future__ import annotations

import pytest

from core.data_spec import ColumnSpec, DataSpec, ToySource
from core.errors import SpecError
from core.limits import MAX_EPOCHS, MAX_LAYERS, MAX_PARAMETERS, MAX_SEED
from core.spec import LayerSpec, NetworkSpec, TrainConfig, from_json


def test_a_network_of_two_65536_unit_layers_is_refused_with_its_parameter_count():
    wide = NetworkSpec(layers=(LayerSpec(units=65_536), LayerSpec(units=65_536)))
    problems = " ".join(wide.problems())
    # 65,536 x 65,536 weights + biases in the second layer alone: 4.3 billion parameters.
    assert "4,295" in problems and f"{MAX_PARAMETERS:,}" in problems
    with pytest.raises(SpecError, match="parameters"):
        wide.validate()


def test_a_network_too_large_for_its_inputs_is_refused_when_sized_for_them():
    network = NetworkSpec(layers=(LayerSpec(units=10_000),))
    assert network.problems() == []
    problems = " ".join(network.size_problems(n_inputs=20_000, n_outputs=3))
    assert "200,040,003 parameters" in problems and f"{MAX_PARAMETERS:,}" in problems


def test_too_many_layers_are_refused_by_count_and_quickly():
    deep = NetworkSpec(layers=(LayerSpec(kind="dropout"),) * 200_000)
    problems = deep.problems()
    assert problems == [f"200,000 layers is more than the {MAX_LAYERS:,} a network may have"]


def test_a_network_within_the_limits_has_no_problems():
    assert NetworkSpec(layers=(LayerSpec(units=512),) * 3).problems() == []
    assert NetworkSpec(layers=(LayerSpec(kind="dropout"),) * MAX_LAYERS).problems() == []


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("epochs", 10**30, "epochs must be from 0 to 1,000,000, not a number of 31 digits"),
        ("epochs", MAX_EPOCHS + 1, "1,000,001"),
        ("seed", 2**70, f"seed must be from 0 to {MAX_SEED:,}"),
        ("seed", -1, "seed must be from 0"),
        ("seed", 2**32 - 1, f"seed must be from 0 to {MAX_SEED:,}"),
        ("batch_size", 2**40, "batch size must be from 0 to 1,000,000"),
        ("step_size", 10**9, "step size must be from 1 to 100,000"),
        ("schedule_patience", 0, "patience must be from 1 to 100,000"),
        ("early_stopping", 2**31, "early-stopping patience must be from 0 to 100,000"),
    ],
)
def test_training_settings_past_what_the_window_holds_are_refused(setting, value, words):
    problems = " ".join(TrainConfig(**{setting: value}).problems())
    assert words in problems


def test_training_settings_at_their_limits_are_fine():
    config = TrainConfig(epochs=MAX_EPOCHS, seed=MAX_SEED, batch_size=1_000_000, early_stopping=1)
    assert config.problems() == []


def test_split_and_toy_seeds_are_bounded_even_in_an_unfinished_design():
    unfinished = DataSpec(ToySource(seed=2**70), (), seed=2**64)
    problems = " ".join(unfinished.range_problems())
    assert "split seed must be from 0" in problems and "toy dataset seed must be from 0" in problems
    finished = DataSpec(ToySource(), (ColumnSpec("x"), ColumnSpec("label", role="target")))
    assert finished.range_problems() == []


def test_a_number_too_large_for_a_float_is_a_spec_error_not_an_overflow():
    with pytest.raises(SpecError, match=r"learning_rate: .* too large"):
        from_json(TrainConfig, {"learning_rate": 10**400})
