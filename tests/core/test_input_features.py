"""TensorFlow Playground's input features (x1², sin x1, ...): computed from raw x1 and x2 before
anything else, kept in projects and model files, and computed again by the exported models."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from core.data_spec import DataSpec, ToySource
from core.dataset import prepare_data
from core.errors import ModelFileError, SpecError
from core.export import export_model
from core.fitted_preprocessor import FittedPreprocessor
from core.input_features import INPUT_FEATURES
from core.modelfile import TrainedModel, load_model, save_model
from core.predict import predict_frame
from core.project import ProjectFile, load_project, save_project
from core.spec import NetworkSpec, TrainConfig, from_json, to_json
from core.toy import make_toy, toy_data_spec
from core.workflow import train

SQUARES = ("x1_sq", "x2_sq")


@pytest.fixture(scope="module")
def circle_without_hidden_layer() -> tuple[TrainedModel, pd.DataFrame, float]:
    """Circle with x1² and x2² trained by a network with no hidden layer: the output unit
    alone (a weighted sum of the squares) draws the circle."""
    source = ToySource("circle", samples=400, noise=0.0, seed=1, features=SQUARES)
    data = prepare_data(toy_data_spec(source))
    config = TrainConfig(epochs=60, learning_rate=0.1, batch_size=32, device="cpu", seed=0)
    outcome = train(NetworkSpec(layers=()), data, config)
    accuracy = outcome.summary["val_accuracy"]
    frame = make_toy(source)
    return outcome.model, frame, accuracy


def test_the_squares_separate_the_circle_without_a_hidden_layer(circle_without_hidden_layer):
    tm, frame, accuracy = circle_without_hidden_layer
    assert tm.network.layers == ()
    assert accuracy >= 0.95
    # Only x1 and x2 go in; the squares are made inside.
    predictions = predict_frame(tm, frame[["x1", "x2"]])
    assert (predictions.values == frame["label"].to_numpy()).mean() >= 0.95


def test_without_the_squares_the_same_network_cannot(circle_without_hidden_layer):
    _, _, with_squares = circle_without_hidden_layer
    source = ToySource("circle", samples=400, noise=0.0, seed=1)
    data = prepare_data(toy_data_spec(source))
    config = TrainConfig(epochs=60, learning_rate=0.1, batch_size=32, device="cpu", seed=0)
    assert train(NetworkSpec(layers=()), data, config).summary["val_accuracy"] < 0.8 < with_squares


def test_features_are_computed_from_raw_x1_and_x2_and_fed_as_they_are():
    source = ToySource("spiral", samples=50, seed=2, features=tuple(INPUT_FEATURES))
    data = prepare_data(toy_data_spec(source))
    frame = make_toy(source)
    x1, x2 = frame["x1"].to_numpy()[data.train.rows], frame["x2"].to_numpy()[data.train.rows]
    expected = np.column_stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)])
    assert data.preprocessor.input_names == tuple(INPUT_FEATURES)
    assert data.preprocessor.input_labels == ("x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂")
    assert data.preprocessor.feature_names == ("x1", "x2")
    np.testing.assert_allclose(data.train.x, expected, rtol=1e-6)


def test_at_least_one_feature_must_be_on():
    spec = toy_data_spec(ToySource("circle", features=()))
    with pytest.raises(SpecError, match="turn on at least one input feature"):
        prepare_data(spec)


def test_an_unknown_feature_is_named():
    spec = toy_data_spec(ToySource("circle", features=("x1", "cos_x1")))
    with pytest.raises(SpecError, match=r"unknown input feature.*'cos_x1'.*x1_sq"):
        spec.validate()


def test_projects_keep_the_features_and_old_ones_open_with_x1_and_x2(tmp_path):
    spec = toy_data_spec(ToySource("circle", features=("x1", "sin_x2")))
    path = tmp_path / "p.nnproj"
    save_project(path, ProjectFile(data=spec))
    assert load_project(path).data == spec
    old = to_json(toy_data_spec(ToySource("circle")))
    del old["source"]["features"]  # a project saved before input features existed
    opened = from_json(DataSpec, old)
    assert opened.source.features == ("x1", "x2")
    assert opened.input_features == ()
    opened.validate()


def test_the_model_file_carries_the_features(circle_without_hidden_layer, tmp_path):
    tm, frame, _ = circle_without_hidden_layer
    path = tmp_path / "circle.nnp"
    save_model(tm, path)
    again = load_model(path)
    assert again.preprocessor.input_features == SQUARES
    assert np.array_equal(
        predict_frame(again, frame).probabilities, predict_frame(tm, frame).probabilities
    )


def test_a_model_file_with_a_feature_that_does_not_exist_is_refused(circle_without_hidden_layer):
    tm, _, _ = circle_without_hidden_layer
    data = tm.preprocessor.to_json()
    data["input_features"] = ["x1_sq", "x2_cubed"]
    with pytest.raises(ModelFileError, match="x2_cubed"):
        FittedPreprocessor.from_json(data)


def test_onnx_computes_the_features_from_raw_x1_and_x2(circle_without_hidden_layer, tmp_path):
    tm, frame, _ = circle_without_hidden_layer
    path = tmp_path / "circle.onnx"
    export_model(tm, "onnx", path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["x1", "x2"]
    meta = session.get_modelmeta().custom_metadata_map
    assert json.loads(meta["input_features"]) == list(SQUARES)
    feeds = {c: frame[c].to_numpy(dtype=np.float32).reshape(-1, 1) for c in ("x1", "x2")}
    label, probabilities = session.run(None, feeds)
    expected = predict_frame(tm, frame)
    assert label.tolist() == expected.values.tolist()
    assert np.abs(probabilities - expected.probabilities).max() < 1e-5


def test_python_export_computes_the_features_from_raw_x1_and_x2(
    circle_without_hidden_layer, tmp_path
):
    tm, frame, _ = circle_without_hidden_layer
    csv = tmp_path / "points.csv"
    frame[["x1", "x2"]].to_csv(csv, index=False)
    script = tmp_path / "circle.py"
    export_model(tm, "python", script)
    spec = importlib.util.spec_from_file_location("generated_circle", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.FEATURES == ["x1", "x2"] and list(SQUARES) == module.INPUTS
    got = module.predict(csv)
    expected = predict_frame(tm, pd.read_csv(csv))
    assert got["prediction"].tolist() == expected.values.tolist()
    assert (
        np.abs(
            got[["probability_blue", "probability_orange"]].to_numpy() - expected.probabilities
        ).max()
        < 1e-6
    )


def test_every_feature_exports_alike(tmp_path):
    """Each feature's ONNX operation gives core's numbers (sines and products included)."""
    source = ToySource("xor", samples=60, seed=3, features=tuple(INPUT_FEATURES))
    data = prepare_data(toy_data_spec(source))
    config = TrainConfig(epochs=2, device="cpu", seed=0)
    tm = train(NetworkSpec(layers=()), data, config).model
    frame = make_toy(source)
    path = tmp_path / "xor.onnx"
    export_model(tm, "onnx", path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {c: frame[c].to_numpy(dtype=np.float32).reshape(-1, 1) for c in ("x1", "x2")}
    probabilities = session.run(None, feeds)[1]
    assert np.abs(probabilities - predict_frame(tm, frame).probabilities).max() < 1e-5


def test_the_output_plane_spans_raw_x1_and_x2():
    from core.trainer import Trainer
    from core.training_process.snapshots import make_plane, take_snapshot

    source = ToySource("circle", samples=100, seed=4, features=SQUARES)
    data = prepare_data(toy_data_spec(source))
    trainer = Trainer(NetworkSpec(layers=()), data, TrainConfig(device="cpu"))
    frame = make_toy(source)
    plane = make_plane(frame, data, trainer)
    assert plane is not None and plane.features == ("x1", "x2") and plane.held == ()
    assert plane.extent[0] < frame["x1"].min() and plane.extent[1] > frame["x1"].max()
    assert take_snapshot(trainer, plane).output is not None
