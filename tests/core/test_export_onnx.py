"""ONNX export: onnxruntime alone, fed raw column values, answers as the app does.

Inputs are built as a user without NN Playground would build them: numbers as float32 with NaN
for gaps, categories as the text in the file with "" for gaps.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pandas as pd
import pytest
import torch

from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.errors import SpecError
from core.export import export_model
from core.export.onnx_export import OPSET
from core.model import build_model
from core.modelfile import TrainedModel
from core.predict import predict_frame
from core.spec import LayerSpec, NetworkSpec, TrainConfig

# The largest differences measured while writing these tests, with a margin; asserted below.
PROBABILITY_TOLERANCE = 1e-5
REGRESSION_RELATIVE_TOLERANCE = 1e-4


def raw_inputs(session: ort.InferenceSession, csv: Path) -> dict[str, np.ndarray]:
    """One [N, 1] array per graph input, from the CSV file's raw text."""
    numbers = pd.read_csv(csv)
    text = pd.read_csv(csv, dtype=str, keep_default_na=False)
    feeds = {}
    for i in session.get_inputs():
        if i.type == "tensor(float)":
            feeds[i.name] = numbers[i.name].to_numpy(dtype=np.float32).reshape(-1, 1)
        else:
            assert i.type == "tensor(string)"
            feeds[i.name] = text[i.name].to_numpy(dtype=object).reshape(-1, 1)
    return feeds


def run_export(
    tm: TrainedModel, csv: Path, tmp_path: Path
) -> tuple[dict[str, np.ndarray], onnx.ModelProto]:
    path = tmp_path / "model.onnx"
    assert export_model(tm, "onnx", path) == [path]
    model = onnx.load(str(path))
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, raw_inputs(session, csv)), strict=True))
    return outputs, model


def assert_same_answers(tm: TrainedModel, csv: Path, outputs: dict[str, np.ndarray]) -> float:
    """ONNX answers equal core's for every row; returns the largest difference."""
    expected = predict_frame(tm, read_csv(CsvSource(str(csv)))[0])
    if tm.task == "classification":
        assert list(outputs) == ["label", "probabilities"]
        assert outputs["label"].tolist() == expected.values.tolist()
        assert expected.probabilities is not None
        diff = float(np.abs(outputs["probabilities"] - expected.probabilities).max())
        assert diff < PROBABILITY_TOLERANCE
        return diff
    assert list(outputs) == ["label"]
    relative = np.abs(outputs["label"] - expected.values) / np.maximum(
        np.abs(expected.values), 1e-9
    )
    assert relative.max() < REGRESSION_RELATIVE_TOLERANCE
    return float(relative.max())


@pytest.mark.parametrize("example", ["iris", "cancer", "diabetes"])
def test_example_models_predict_the_same_in_onnxruntime(example, request, tmp_path):
    ex = request.getfixturevalue(example)
    outputs, model = run_export(ex.model, ex.csv, tmp_path)
    assert_same_answers(ex.model, ex.csv, outputs)
    onnx.checker.check_model(model, full_check=True)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    assert 18 <= OPSET <= 20
    # Self-contained: no external data file next to it.
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]


@pytest.mark.parametrize("target", ["kind", "buys", "price"])
def test_categories_gaps_and_unseen_values_are_handled_as_in_the_app(
    mixed, mixed_csv, target, tmp_path
):
    ex = mixed[target]
    outputs, _ = run_export(ex.model, mixed_csv.new, tmp_path)
    assert_same_answers(ex.model, mixed_csv.new, outputs)
    # And on the training rows, where every category is known.
    outputs, _ = run_export(ex.model, mixed_csv.train, tmp_path)
    assert_same_answers(ex.model, mixed_csv.train, outputs)


def test_inputs_are_the_raw_columns_and_metadata_names_them_and_the_classes(mixed, tmp_path):
    tm = mixed["kind"].model
    path = tmp_path / "kind.onnx"
    export_model(tm, "onnx", path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    inputs = {i.name: (i.type, i.shape) for i in session.get_inputs()}
    assert list(inputs) == ["age", "income", "color", "size", "rooms"]
    assert inputs["age"][0] == "tensor(float)" and inputs["color"][0] == "tensor(string)"
    assert all(shape[1] == 1 for _, shape in inputs.values())
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["class_names"]) == ["high", "low", "mid"]
    assert [c["name"] for c in json.loads(meta["feature_columns"])] == list(inputs)
    assert meta["task"] == "classification" and meta["target"] == "kind"

    # A batch of any size, one row included; the probabilities are a distribution.
    one = {
        "age": np.array([[35.0]], np.float32),
        "income": np.array([[np.nan]], np.float32),
        "color": np.array([["red"]], object),
        "size": np.array([[""]], object),
        "rooms": np.array([["3"]], object),
    }
    label, probabilities = session.run(None, one)
    assert label.shape == (1,) and label[0] in ("high", "low", "mid")
    assert probabilities.shape == (1, 3) and abs(probabilities.sum() - 1) < 1e-6


def test_a_missing_value_gets_the_fill_and_an_unseen_category_gets_no_input(mixed, tmp_path):
    tm = mixed["price"].model
    path = tmp_path / "price.onnx"
    export_model(tm, "onnx", path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    pre = tm.preprocessor
    fills = {f.name: f.fill for f in pre.features}

    def value(**row: object) -> float:
        feeds = {
            "age": np.array([[row.get("age", np.nan)]], np.float32),
            "income": np.array([[row.get("income", np.nan)]], np.float32),
            "color": np.array([[row.get("color", "")]], object),
            "size": np.array([[row.get("size", "")]], object),
            "rooms": np.array([[row.get("rooms", "")]], object),
        }
        return float(session.run(None, feeds)[0][0])

    filled = {k: (np.float32(v) if isinstance(v, float) else v) for k, v in fills.items()}
    assert value() == pytest.approx(value(**filled), rel=1e-6)
    # size is imputed with a category of its own, "missing".
    assert fills["size"] == "missing"
    # An unseen colour switches all colour inputs off: the same as the torch model on zeros.
    x = torch.from_numpy(pre.transform(pd.DataFrame([{**fills, "color": "purple"}])))
    assert x[0, 2:5].tolist() == [0.0, 0.0, 0.0]
    with torch.no_grad():
        z = float(tm.model(x)[0, 0])
    assert value(**{**filled, "color": "purple"}) == pytest.approx(
        z * pre.target.std + pre.target.mean, rel=1e-5
    )


ACTIVATIONS_TO_CHECK = [
    "relu",
    "leaky_relu",
    "elu",
    "gelu",
    "silu",
    "tanh",
    "sigmoid",
    "softplus",
    "linear",
]


@pytest.mark.parametrize("activation", ACTIVATIONS_TO_CHECK)
def test_every_activation_and_layer_kind_exports_exactly(activation, mixed, mixed_csv, tmp_path):
    from core.activations import ACTIVATIONS
    from core.layers import LAYER_KINDS

    assert set(ACTIVATIONS) == set(ACTIVATIONS_TO_CHECK), "a new activation: add it here"
    assert set(LAYER_KINDS) == {"dense", "dropout", "batch_norm", "layer_norm"}
    base = mixed["kind"].model
    network = NetworkSpec(
        (
            LayerSpec(units=7, activation=activation),
            LayerSpec(kind="batch_norm"),
            LayerSpec(kind="dropout", p=0.3),
            LayerSpec(kind="layer_norm"),
            LayerSpec(units=5, activation=activation, bias=False),
        ),
        binary_output="softmax",
    )
    model = build_model(network, base.preprocessor.n_inputs, base.head, seed=1)
    # Scale the weights up so saturating and thresholded parts (softplus above 20) are reached.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "dense" in name:
                p.mul_(8.0)
        model.batch_norm1.running_mean.uniform_(-1, 1)
        model.batch_norm1.running_var.uniform_(0.5, 2)
    model.eval()
    tm = TrainedModel(network, base.data, TrainConfig(), base.preprocessor, model, base.loss)
    outputs, _ = run_export(tm, mixed_csv.train, tmp_path)
    assert_same_answers(tm, mixed_csv.train, outputs)


def test_a_feature_named_like_an_output_is_refused_with_a_reason(mixed, tmp_path):
    import dataclasses

    tm = mixed["kind"].model
    pre = tm.preprocessor
    renamed = dataclasses.replace(pre.features[0], name="label")
    bad = dataclasses.replace(
        tm, preprocessor=dataclasses.replace(pre, features=(renamed, *pre.features[1:]))
    )
    with pytest.raises(SpecError, match=r"'label'.*rename"):
        export_model(bad, "onnx", tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()
