"""Specs: validation messages, JSON round trips, shape inference against real torch modules."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.activations import ACTIVATIONS
from core.data_spec import ColumnSpec, CsvSource, DataSpec, ToySource
from core.errors import SpecError
from core.layers import LAYER_KINDS
from core.losses import make_head
from core.model import build_model
from core.spec import LayerSpec, NetworkSpec, TrainConfig, from_json, to_json

layer_specs = st.one_of(
    st.builds(
        LayerSpec,
        kind=st.just("dense"),
        units=st.integers(1, 40),
        activation=st.sampled_from(sorted(ACTIVATIONS)),
        bias=st.booleans(),
    ),
    st.builds(LayerSpec, kind=st.just("dropout"), p=st.floats(0, 0.9)),
    st.builds(LayerSpec, kind=st.sampled_from(["batch_norm", "layer_norm"])),
)


@given(
    layers=st.lists(layer_specs, max_size=6),
    n_in=st.integers(1, 30),
    n_out=st.integers(1, 5),
)
def test_parameter_count_matches_the_built_torch_model(layers, n_in, n_out):
    net = NetworkSpec(layers=tuple(layers))
    model = build_model(net, n_in, make_head("regression", 0, n_targets=n_out))
    assert net.parameter_count(n_in, n_out) == sum(p.numel() for p in model.parameters())
    shapes = net.shapes(n_in, n_out)
    assert shapes[-1].out_features == n_out
    assert [s.name for s in shapes[:-1]] == net.layer_names()


@given(layers=st.lists(layer_specs, max_size=5), lr=st.floats(1e-6, 10), bs=st.integers(0, 4096))
def test_specs_round_trip_through_json_text(layers, lr, bs):
    net = NetworkSpec(layers=tuple(layers), binary_output="softmax")
    cfg = TrainConfig(learning_rate=lr, batch_size=bs, optimizer="sgd", schedule="step")
    assert from_json(NetworkSpec, json.loads(json.dumps(to_json(net)))) == net
    assert from_json(TrainConfig, json.loads(json.dumps(to_json(cfg)))) == cfg


def test_data_spec_round_trips_both_sources():
    cols = (ColumnSpec("a"), ColumnSpec("b", kind="categorical", impute="missing_category"))
    cols += (ColumnSpec("y", role="target", kind="categorical", impute="most_frequent"),)
    for source in (
        CsvSource("data.csv", delimiter=";", decimal=","),
        ToySource("xor", 300, 0.2, 4),
    ):
        spec = DataSpec(source=source, columns=cols, val_fraction=0.1, test_fraction=0.1)
        assert from_json(DataSpec, json.loads(json.dumps(to_json(spec)))) == spec


@pytest.mark.parametrize(
    "layer, words",
    [
        (LayerSpec(units=0), "at least 1 unit"),
        (LayerSpec(activation="swishy"), "unknown activation 'swishy'"),
        (LayerSpec(kind="conv"), "unknown layer kind 'conv'"),
        (LayerSpec(kind="dropout", p=1.0), "dropout probability"),
    ],
)
def test_invalid_layers_are_explained(layer, words):
    net = NetworkSpec(layers=(LayerSpec(), layer))
    assert any(words in p and p.startswith("layer 2") for p in net.problems())
    with pytest.raises(SpecError, match=words):
        net.validate()


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"learning_rate": 0}, "learning rate must be above 0"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"loss": "hinge"}, "unknown loss 'hinge'"),
        ({"schedule": "cosine", "epochs": 0}, "cosine schedule needs a fixed number of epochs"),
        ({"beta2": 1.0}, "beta2 must be at least 0 and below 1"),
        ({"device": "tpu"}, "unknown device 'tpu'"),
        ({"batch_size": -1}, "batch size"),
    ],
)
def test_invalid_training_settings_are_explained(changes, words):
    with pytest.raises(SpecError, match=words):
        TrainConfig(**changes).validate()


@pytest.mark.parametrize(
    "data, words",
    [
        ({"layers": [{"units": "8"}]}, "layers\\[0\\].units: expected a whole number"),
        ({"layers": [{"colour": "red"}]}, "unknown field"),
        ({"layers": {"units": 8}}, "expected a list"),
        ({"binary_output": "tanh"}, "not one of"),
        ([1, 2], "expected an object"),
    ],
)
def test_json_with_wrong_types_is_rejected_with_the_path(data, words):
    with pytest.raises(SpecError, match=words):
        from_json(NetworkSpec, data)


def test_data_spec_problems_name_what_to_fix():
    spec = DataSpec(
        source=ToySource(), columns=(ColumnSpec("a"),), task="regression", val_fraction=0.99
    )
    text = "; ".join(spec.problems())
    assert "exactly one target column" in text
    assert "leave too little to train on" in text


def test_every_registry_entry_has_words_for_the_user():
    for name, a in ACTIVATIONS.items():
        assert a.label and len(a.description) > 20, name
        assert a.init in ("he", "xavier")
    for name, k in LAYER_KINDS.items():
        assert k.label and len(k.description) > 20, name
