"""Step 1 of the walk (core.walk.prepare): each preparation kind gives the engine's own inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data_spec import ColumnSpec, DataSpec, ToySource
from core.preprocess import fit_preprocessor
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.walk.walk import walk_row


def test_each_preparation_kind_matches_the_fitted_preprocessing() -> None:
    frame = pd.DataFrame(
        {
            "mm": [1.0, 4.0, np.nan, 9.0, 2.0],
            "st": [10.0, 12.0, 11.0, np.nan, 30.0],
            "raw": [0.5, -1.0, 2.0, 3.0, np.nan],
            "cat": ["red", None, "blue", "red", "green"],
            "cat2": ["p", "q", None, "q", "p"],
            "y": ["u", "v", "u", "v", "u"],
        }
    )
    spec = DataSpec(
        ToySource(),
        (
            ColumnSpec("mm", scaling="minmax", impute="median"),
            ColumnSpec("st", scaling="standard"),
            ColumnSpec("raw", scaling="none"),
            ColumnSpec("cat", kind="categorical", impute="most_frequent"),
            ColumnSpec("cat2", kind="categorical", impute="missing_category"),
            ColumnSpec("y", role="target", kind="categorical", impute="most_frequent"),
        ),
    )
    pre = fit_preprocessor(frame, spec)
    expected = pre.transform(frame)
    scalings = {"mm": "minmax", "st": "standard", "raw": "none"}
    network = NetworkSpec((LayerSpec(units=2),))
    rng = np.random.default_rng(0)
    weights = {
        "dense1.weight": rng.normal(size=(2, pre.n_inputs)),
        "dense1.bias": np.zeros(2),
        "output.weight": rng.normal(size=(1, 2)),
        "output.bias": np.zeros(1),
    }
    for i, row in frame.iterrows():
        raw = {k: (None if pd.isna(v) else v) for k, v in row.items() if k != "y"}
        walk = walk_row(
            network,
            weights,
            pre,
            TrainConfig(),
            raw,
            row["y"],
            scalings=scalings,
        )
        np.testing.assert_allclose(walk.x, expected[i], rtol=1e-6)
        mm, st, _, cat, cat2 = walk.columns
        assert mm.kind == "minmax" and mm.shift == 1.0 and mm.scale == 8.0
        assert st.kind == "standard" and st.shift == pytest.approx(np.mean([10, 12, 11, 30, 15.75]))
        assert cat.kind == "one_hot" and cat.categories == ("blue", "green", "red")
        if i == 1:  # a missing category takes the most frequent one
            assert cat.missing and cat.used == "red" and list(cat.prepared) == [0, 0, 1]
        if i == 2:
            assert mm.missing and mm.used == 3.0  # the median of 1, 4, 9, 2
            assert cat2.used == "missing"
        if i == 3:
            assert st.missing and st.used == pytest.approx(15.75)  # the mean of the others


def test_toy_input_features_are_computed_from_x1_and_x2_first() -> None:
    from core.dataset import load_frame
    from core.toy import toy_data_spec

    source = ToySource("circle", samples=60, features=("x1", "x1_sq", "x2_sq", "x1x2", "sin_x2"))
    spec = toy_data_spec(source)
    frame = load_frame(source)
    pre = fit_preprocessor(frame, spec)
    expected = pre.transform(frame)
    network = NetworkSpec((LayerSpec(units=2),))
    weights = {
        "dense1.weight": np.ones((2, pre.n_inputs)),
        "dense1.bias": np.zeros(2),
        "output.weight": np.ones((1, 2)),
        "output.bias": np.zeros(1),
    }
    for i in (0, 7, 33):
        raw = {"x1": float(frame.x1[i]), "x2": float(frame.x2[i])}
        walk = walk_row(network, weights, pre, TrainConfig(), raw, str(frame.label[i]))
        np.testing.assert_allclose(walk.x, expected[i], rtol=1e-6)
        assert [c.computed for c in walk.columns] == [
            "x1",
            "x1 * x1",
            "x2 * x2",
            "x1 * x2",
            "np.sin(x2)",
        ]
