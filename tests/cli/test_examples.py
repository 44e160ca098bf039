"""train, predict, evaluate and info end to end on the example CSVs in resources/data.

Fixtures (tests/cli/conftest.py): `nnplay(*args, cwd=...)` runs the command line (in-process);
`iris_model`, `cancer_model`, `diabetes_model` are models trained once per session.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

IRIS_CLASSES = ["setosa", "versicolor", "virginica"]


@pytest.mark.parametrize(
    ("model", "task", "metric", "least"),
    [
        ("iris_model", "classification", "val_accuracy", 0.9),
        ("cancer_model", "classification", "val_accuracy", 0.9),
        ("diabetes_model", "regression", "val_r2", 0.3),
    ],
)
def test_train_json_summary_shows_the_model_learned(
    model: str, task: str, metric: str, least: float, request: pytest.FixtureRequest
) -> None:
    s = request.getfixturevalue(model).summary
    assert s["task"] == task
    assert s["device"] == "cpu"
    assert isinstance(s["epochs"], int) and s["epochs"] > 0
    assert isinstance(s["parameters"], int) and s["parameters"] > 0
    assert 0 < s["seconds"] < 60
    assert s["train_loss"] >= 0 and s["val_loss"] >= 0
    other = "val_r2" if metric == "val_accuracy" else "val_accuracy"
    assert other not in s
    assert s[metric] >= least


def test_iris_summary_counts_match_the_network_and_the_data(iris_model: Any) -> None:
    s = iris_model.summary
    # 4 inputs -> 16 -> 3 classes: (4*16 + 16) + (16*3 + 3) weights and biases.
    assert s["parameters"] == 131
    assert s["epochs"] == 100
    assert s["n_train"] + s["n_val"] + s["n_test"] == 150
    # --val-fraction and --test-fraction both default to 0.2
    assert s["n_val"] == 30 and s["n_test"] == 30
    # so train ends with the score of the rows it held out, by default
    assert 0.8 <= s["test_accuracy"] <= 1


def test_predict_to_file_keeps_inputs_and_adds_prediction_and_probabilities(
    iris_predictions: Path, data_dir: Path
) -> None:
    raw = pd.read_csv(data_dir / "iris.csv")
    pred = pd.read_csv(iris_predictions)
    prob_cols = [f"probability_{c}" for c in IRIS_CLASSES]
    assert list(pred.columns) == [*raw.columns, "prediction", *prob_cols]
    pd.testing.assert_frame_equal(pred[raw.columns], raw)
    probs = pred[prob_cols].to_numpy()
    assert np.all((probs >= 0) & (probs <= 1))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # The predicted label is the most probable class.
    assert list(pred["prediction"]) == [IRIS_CLASSES[i] for i in probs.argmax(axis=1)]
    assert (pred["prediction"] == pred["species"]).mean() >= 0.95


def test_predict_without_out_writes_the_same_table_to_stdout(
    nnplay: Any, iris_model: Any, iris_predictions: Path, data_dir: Path, tmp_path: Path
) -> None:
    run = nnplay("predict", iris_model.path, "--data", data_dir / "iris.csv", cwd=tmp_path).ok()
    assert run.stdout == iris_predictions.read_text()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("model", "csv", "target"),
    [("iris_model", "iris.csv", "species"), ("cancer_model", "breast_cancer.csv", "diagnosis")],
)
def test_evaluate_accuracy_matches_predict_output(
    model: str,
    csv: str,
    target: str,
    nnplay: Any,
    data_dir: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    path = request.getfixturevalue(model).path
    ev = nnplay("evaluate", path, "--data", data_dir / csv, "--json", cwd=tmp_path).ok().json()
    pred = nnplay("predict", path, "--data", data_dir / csv, cwd=tmp_path).ok().frame()
    truth = pred[target].astype(str)

    assert ev["task"] == "classification"
    assert ev["n"] == len(pred)
    assert ev["loss"] >= 0
    assert sorted(ev["labels"]) == sorted(truth.unique())
    assert ev["accuracy"] == pytest.approx((pred["prediction"].astype(str) == truth).mean())
    assert ev["accuracy"] >= 0.9
    assert 0.8 <= ev["macro_f1"] <= 1
    cm = np.asarray(ev["confusion_matrix"])
    assert cm.shape == (len(ev["labels"]), len(ev["labels"]))
    # Rows are the true classes: their totals are the class counts of the file.
    counts = truth.value_counts()
    assert list(cm.sum(axis=1)) == [counts[label] for label in ev["labels"]]
    assert np.trace(cm) / cm.sum() == pytest.approx(ev["accuracy"])
    prob_cols = [f"probability_{label}" for label in ev["labels"]]
    np.testing.assert_allclose(pred[prob_cols].sum(axis=1), 1.0, atol=1e-5)


def test_regression_predictions_and_metrics_are_in_the_targets_units(
    nnplay: Any, diabetes_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    csv = data_dir / "diabetes.csv"
    pred = nnplay("predict", diabetes_model.path, "--data", csv, cwd=tmp_path).ok().frame()
    assert not [c for c in pred.columns if c.startswith("probability_")]
    truth, values = pred["progression"].to_numpy(), pred["prediction"].to_numpy()
    assert np.isfinite(values).all()
    # Standardised outputs would sit around 0 with spread 1; the target runs from 25 to 346.
    assert truth.min() - 50 <= values.min() and values.max() <= truth.max() + 50
    assert abs(values.mean() - truth.mean()) < 0.15 * truth.mean()
    assert values.std() > 20

    ev = nnplay("evaluate", diabetes_model.path, "--data", csv, "--json", cwd=tmp_path)
    ev = ev.ok().json()
    assert ev["n"] == len(pred) and ev["loss"] >= 0
    r2 = 1 - np.sum((values - truth) ** 2) / np.sum((truth - truth.mean()) ** 2)
    assert ev["rmse"] == pytest.approx(np.sqrt(np.mean((values - truth) ** 2)), rel=1e-4)
    assert ev["mae"] == pytest.approx(np.mean(np.abs(values - truth)), rel=1e-4)
    assert ev["r2"] == pytest.approx(r2, rel=1e-4)
    assert ev["r2"] > 0.3
    assert "accuracy" not in ev


def test_evaluate_without_json_prints_a_readable_report(
    nnplay: Any, iris_model: Any, data_dir: Path, tmp_path: Path
) -> None:
    run = nnplay("evaluate", iris_model.path, "--data", data_dir / "iris.csv", cwd=tmp_path)
    text = run.ok().stdout
    assert "150 rows" in text
    assert "accuracy" in text and "confusion matrix" in text
    for label in IRIS_CLASSES:
        assert label in text


def test_info_describes_architecture_preprocessing_and_training(
    nnplay: Any, iris_model: Any, tmp_path: Path
) -> None:
    text = nnplay("info", iris_model.path, cwd=tmp_path).ok().stdout
    assert "architecture" in text
    assert "Dense 16" in text and "ReLU" in text
    assert f"{iris_model.summary['parameters']:,} parameters" in text
    assert "setosa, versicolor, virginica" in text
    assert "preprocessing" in text
    for column in ["sepal_length", "sepal_width", "petal_length", "petal_width"]:
        assert f"{column}: numeric" in text
    assert "standardised" in text
    assert "optimizer adam" in text and "learning rate 0.01" in text
    assert "epochs: 100" in text
    assert "val accuracy" in text


def test_same_seed_gives_the_same_predictions(
    nnplay: Any, iris_model: Any, iris_predictions: Path, data_dir: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.nnp"
    # Without --json: a short summary for a person, and no progress bar when not on a terminal.
    run = nnplay("train", *iris_model.args, "--out", again, cwd=tmp_path).ok()
    assert "100 epochs" in run.stdout and str(again) in run.stdout
    assert "131 parameters" in run.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(run.stdout.splitlines()[-1])
    assert "ETA" not in run.stderr and "\r" not in run.stderr

    out = tmp_path / "again.csv"
    nnplay("predict", again, "--data", data_dir / "iris.csv", "--out", out, cwd=tmp_path).ok()
    assert out.read_text() == iris_predictions.read_text()
