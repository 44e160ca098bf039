"""`nnplay train --toy NAME --features x1_sq,x2_sq`: TensorFlow Playground's input features from
the command line; the model file computes them, so `predict` reads plain x1, x2 columns."""

from __future__ import annotations

from typing import Any

import pandas as pd

CIRCLE = ["--toy", "circle", "--noise", "0", "--samples", "400", "--seed", "1"]
NO_HIDDEN = ["--hidden", "", "--epochs", "60", "--lr", "0.1", "--batch-size", "32"]


def test_the_squares_let_a_network_without_hidden_layers_learn_the_circle(
    nnplay: Any, tmp_path
) -> None:
    run = nnplay(
        "train", *CIRCLE, *NO_HIDDEN, "--features", "x1_sq,x2_sq", "--out", "c.nnp", "--json",
        "--device", "cpu", cwd=tmp_path,
    ).ok()  # fmt: skip
    assert run.json()["val_accuracy"] >= 0.95
    points = pd.DataFrame({"x1": [0.0, 4.5, -0.5], "x2": [0.5, 0.0, -4.0]})
    points.to_csv(tmp_path / "points.csv", index=False)
    predicted = nnplay("predict", "c.nnp", "--data", "points.csv", cwd=tmp_path).ok().frame()
    assert predicted["prediction"].tolist() == ["blue", "orange", "orange"]
    info = nnplay("info", "c.nnp", cwd=tmp_path).ok().stdout
    assert "input features computed from x1 and x2: x₁², x₂²" in info


def test_an_unknown_feature_is_refused_with_the_names_to_choose_from(nnplay: Any, tmp_path) -> None:
    error = nnplay(
        "train", *CIRCLE, "--features", "x1,x3_sq", "--out", "c.nnp", cwd=tmp_path
    ).bad_input("x3_sq")
    assert "sin_x1" in error
