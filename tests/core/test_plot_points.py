"""The data points the window draws: a capped, stratified sample of the engine's own split."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.dataset import load_frame, prepare_data
from core.plot_points import PLOT_POINTS_PER_SPLIT, SPLITS, TEST, TRAIN, VAL, sample_plot_points


def test_a_small_dataset_is_drawn_whole_from_the_training_split() -> None:
    source = ToySource("spiral", samples=500, noise=0.1, seed=0)
    frame = load_frame(source)
    data = prepare_data(auto_data_spec(frame, source, "label", test_fraction=0.2), frame)
    points = sample_plot_points(frame, data, ("x1", "x2"))
    assert points.features == ("x1", "x2") and points.task == "classification"
    assert points.class_names == data.class_names
    assert points.x.dtype == np.float32 and points.split.dtype == np.uint8
    for code, part in zip((TRAIN, VAL, TEST), (data.train, data.val, data.test), strict=True):
        mine = points.split == code
        np.testing.assert_array_equal(
            points.x[mine], frame[["x1", "x2"]].to_numpy(np.float32)[part.rows]
        )
        np.testing.assert_array_equal(points.target[mine], part.y)
    assert points.split_rows == (len(data.train), len(data.val), len(data.test))
    assert SPLITS == ("train", "val", "test")


def test_a_big_table_is_capped_per_split_keeping_each_class_share(tmp_path) -> None:
    rng = np.random.default_rng(0)
    n = 50_000
    label = np.where(rng.random(n) < 0.05, "rare", "common")  # a 5 % class
    x = rng.normal(size=(n, 2))
    x[:10, 0] = np.nan  # no place on a plot
    path = tmp_path / "big.csv"
    pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "label": label}).to_csv(path, index=False)
    source = CsvSource(str(path))
    frame = load_frame(source)
    data = prepare_data(auto_data_spec(frame, source, "label", test_fraction=0.2), frame)
    points = sample_plot_points(frame, data, ("a", "b"))
    rare = data.class_names.index("rare")
    for code, part in zip((TRAIN, VAL, TEST), (data.train, data.val, data.test), strict=True):
        mine = points.split == code
        assert mine.sum() == PLOT_POINTS_PER_SPLIT
        share = (points.target[mine] == rare).mean()
        assert abs(share - (part.y == rare).mean()) < 0.002  # proportional, to a point
    assert np.isfinite(points.x).all()
    # The same data gives the same points.
    again = sample_plot_points(frame, data, ("a", "b"))
    np.testing.assert_array_equal(points.x, again.x)


def test_regression_points_carry_the_target_in_its_own_units() -> None:
    source = ToySource("plane", samples=400, noise=0.0, seed=0)
    frame = load_frame(source)
    data = prepare_data(auto_data_spec(frame, source, "y"), frame)
    points = sample_plot_points(frame, data, ("x1", "x2"), cap_per_split=50)
    assert points.task == "regression" and points.class_names == ()
    assert (np.bincount(points.split, minlength=3)[:2] == 50).all()
    xy_of = frame[["x1", "x2"]].to_numpy(np.float32)
    rows = {tuple(r): y for r, y in zip(xy_of, frame["y"], strict=True)}
    for xy, y in zip(points.x, points.target, strict=True):
        assert abs(rows[tuple(xy)] - y) < 1e-5
