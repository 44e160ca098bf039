"""The built-in toy datasets: their tables, noise and errors, and that a small net learns them."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from core.data_spec import ToySource
from core.errors import SpecError
from core.toy import CLASS_NAMES, TOY_DATASETS, make_toy, toy_problems, toy_target

CLASSIFICATION = ["circle", "xor", "gaussian", "spiral"]
REGRESSION = ["plane", "multi_gaussian"]


def test_registry_holds_the_playground_datasets_with_their_tasks() -> None:
    assert set(TOY_DATASETS) == set(CLASSIFICATION + REGRESSION)
    for name, ds in TOY_DATASETS.items():
        expected = "classification" if name in CLASSIFICATION else "regression"
        assert ds.task == expected, name
        assert ds.label and ds.description.endswith("."), name


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_table_has_features_and_target_of_the_requested_size(name: str) -> None:
    df = make_toy(ToySource(name, samples=301, noise=0.2, seed=3))
    target = toy_target(name)
    assert list(df.columns) == ["x1", "x2", target]
    assert len(df) == 301
    assert df[["x1", "x2"]].to_numpy().dtype == np.float64
    assert not df.isna().any().any()
    # Playground points stay in its [-6, 6] square (the gaussian blobs may spill a little).
    if name != "gaussian":
        assert np.abs(df[["x1", "x2"]].to_numpy()).max() <= 6.0


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_labels_are_the_two_playground_colours(name: str) -> None:
    df = make_toy(ToySource(name, samples=200, noise=0.0, seed=0))
    assert toy_target(name) == "label"
    assert set(df["label"]) == set(CLASS_NAMES) == {"blue", "orange"}


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_target_is_numeric_and_roughly_within_plus_minus_one(name: str) -> None:
    df = make_toy(ToySource(name, samples=2000, noise=0.0, seed=0))
    assert toy_target(name) == "y"
    y = df["y"].to_numpy()
    assert y.dtype == np.float64
    assert -1.25 <= y.min() < -0.5 and 0.5 < y.max() <= 1.25


@pytest.mark.parametrize("name", CLASSIFICATION + REGRESSION)
def test_same_seed_gives_the_same_table_and_other_seeds_differ(name: str) -> None:
    a = make_toy(ToySource(name, samples=100, noise=0.3, seed=7))
    b = make_toy(ToySource(name, samples=100, noise=0.3, seed=7))
    c = make_toy(ToySource(name, samples=100, noise=0.3, seed=8))
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a[["x1", "x2"]].to_numpy(), c[["x1", "x2"]].to_numpy())


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("samples", [500, 501])
def test_classes_are_balanced_without_noise(name: str, samples: int) -> None:
    counts = make_toy(ToySource(name, samples=samples, noise=0.0, seed=1))["label"].value_counts()
    if name == "xor":
        # xor labels come from uniform quadrants, so they are balanced only on average.
        assert abs(counts["blue"] - counts["orange"]) < 0.15 * samples
    else:
        assert abs(counts["blue"] - counts["orange"]) <= 1


def test_rows_are_shuffled_so_a_head_holds_both_classes() -> None:
    df = make_toy(ToySource("spiral", samples=1000, noise=0.0, seed=0))
    assert set(df["label"].head(50)) == {"blue", "orange"}


def _label_flip_rate(name: str, noise: float) -> float:
    """Fraction of points on the 'wrong' side of the clean boundary."""
    df = make_toy(ToySource(name, samples=4000, noise=noise, seed=0))
    x, y = df["x1"].to_numpy(), df["x2"].to_numpy()
    blue = df["label"].to_numpy() == "blue"
    clean = np.hypot(x, y) < 2.5 if name == "circle" else x * y >= 0
    return float(np.mean(blue != clean))


@pytest.mark.parametrize("name", ["circle", "xor"])
def test_noise_mislabels_points_near_the_boundary(name: str) -> None:
    rates = [_label_flip_rate(name, noise) for noise in (0.0, 0.2, 0.5)]
    assert rates[0] == 0.0
    assert 0.0 < rates[1] < rates[2] < 0.5


def test_noise_widens_the_gaussian_blobs() -> None:
    def spread(noise: float) -> float:
        df = make_toy(ToySource("gaussian", samples=4000, noise=noise, seed=0))
        blue = df[df["label"] == "blue"][["x1", "x2"]].to_numpy()
        return float(blue.std())

    # Variance 0.5 at noise 0 and 4 at noise 0.5, as in the Playground.
    assert spread(0.0) == pytest.approx(np.sqrt(0.5), rel=0.05)
    assert spread(0.5) == pytest.approx(2.0, rel=0.05)


def test_noise_blurs_the_spiral_arms() -> None:
    def off_arm(noise: float) -> float:
        clean = make_toy(ToySource("spiral", samples=1000, noise=0.0, seed=4))
        noisy = make_toy(ToySource("spiral", samples=1000, noise=noise, seed=4))
        # Same seed, same shuffle: row i is the same arm point, moved by the noise only.
        return float(np.abs(noisy[["x1", "x2"]].to_numpy() - clean[["x1", "x2"]].to_numpy()).max())

    assert off_arm(0.0) == 0.0
    assert 0.0 < off_arm(0.1) <= 0.1 < off_arm(0.5) <= 0.5


def test_noise_makes_the_plane_target_scatter_around_the_clean_plane() -> None:
    def residual(noise: float) -> float:
        df = make_toy(ToySource("plane", samples=2000, noise=noise, seed=0))
        return float(np.std(df["y"] - (df["x1"] + df["x2"]) / 10))

    assert residual(0.0) == pytest.approx(0.0, abs=1e-12)
    assert 0.0 < residual(0.2) < residual(0.8)


def test_multi_gaussian_peaks_where_the_playground_puts_its_bumps() -> None:
    df = make_toy(ToySource("multi_gaussian", samples=20000, noise=0.0, seed=0))
    near = lambda cx, cy: np.hypot(df["x1"] - cx, df["x2"] - cy) < 0.3  # noqa: E731
    assert (df["y"][near(-4, 2.5)] > 0.8).all()
    assert (df["y"][near(0, 2.5)] < -0.8).all()
    assert (df["y"][np.abs(df["x2"]) < 0.4] == 0).all()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (ToySource("moons"), "unknown toy dataset 'moons'; choose one of circle, xor, gaussian"),
        (ToySource("circle", samples=9), "between 10 and 1,000,000, not 9"),
        (ToySource("circle", samples=1_000_001), "between 10 and 1,000,000, not 1,000,001"),
        (ToySource("circle", samples=12.5), "must be a whole number, not 12.5"),  # type: ignore[arg-type]
        (ToySource("circle", noise=-0.1), "noise must be between 0 and 1, not -0.1"),
        (ToySource("circle", noise=1.5), "noise must be between 0 and 1, not 1.5"),
        (ToySource("circle", noise=float("nan")), "noise must be between 0 and 1, not nan"),
        (ToySource("circle", seed=-1), "seed must be a whole number of 0 or more, not -1"),
    ],
)
def test_bad_settings_say_what_is_wrong(source: ToySource, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        make_toy(source)


def test_all_problems_are_listed_at_once_for_the_settings_form() -> None:
    problems = toy_problems(ToySource("moons", samples=5, noise=2.0, seed=0))
    assert len(problems) == 3
    assert toy_problems(ToySource("spiral", samples=500, noise=0.5, seed=3)) == []


def test_unknown_name_for_target_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="choose one of"):
        toy_target("Circle")


def test_extreme_sizes_are_accepted() -> None:
    assert len(make_toy(ToySource("xor", samples=10, noise=1.0))) == 10
    assert len(make_toy(ToySource("multi_gaussian", samples=1_000_000, noise=1.0))) == 1_000_000


# --- learnability: a tiny plain-torch MLP must fit each dataset, or the dataset is broken ---


def _fit(
    df: pd.DataFrame, target: str, hidden: list[int], steps: int, out: int
) -> tuple[nn.Module, torch.Tensor]:
    torch.manual_seed(0)
    x = torch.tensor(df[["x1", "x2"]].to_numpy(), dtype=torch.float32) / 6  # to about [-1, 1]
    layers: list[nn.Module] = []
    width = 2
    for units in hidden:
        layers += [nn.Linear(width, units), nn.Tanh()]
        width = units
    model = nn.Sequential(*layers, nn.Linear(width, out))
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    if out == 1:
        y = torch.tensor(df[target].to_numpy(), dtype=torch.float32)[:, None]
        loss_fn: nn.Module = nn.MSELoss()
    else:
        y = torch.tensor((df[target] == "orange").to_numpy(), dtype=torch.long)
        loss_fn = nn.CrossEntropyLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    with torch.no_grad():
        return model, model(x)


@pytest.mark.parametrize(
    ("name", "hidden", "steps"),
    [
        ("circle", [8, 8], 300),
        ("xor", [8, 8], 300),
        ("gaussian", [8, 8], 100),
        pytest.param("spiral", [32, 32], 1000, marks=pytest.mark.slow),  # seconds of training
    ],
)
def test_a_small_network_learns_each_classification_dataset(
    name: str, hidden: list[int], steps: int
) -> None:
    df = make_toy(ToySource(name, samples=500, noise=0.0, seed=0))
    _, logits = _fit(df, "label", hidden, steps, out=2)
    truth = (df["label"] == "orange").to_numpy()
    accuracy = float(np.mean(logits.argmax(dim=1).numpy() == truth))
    assert accuracy >= 0.9, f"{name}: training accuracy {accuracy:.3f}"


def test_a_small_network_learns_the_plane() -> None:
    df = make_toy(ToySource("plane", samples=500, noise=0.0, seed=0))
    _, pred = _fit(df, "y", [8], 200, out=1)
    y = df["y"].to_numpy()
    r2 = 1 - np.sum((y - pred.numpy()[:, 0]) ** 2) / np.sum((y - y.mean()) ** 2)
    assert r2 >= 0.9
