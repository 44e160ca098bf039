"""The built-in 2-D toy datasets of TensorFlow Playground, keyed by the name stored in files.

Each generator re-implements its namesake in tensorflow/playground `src/dataset.ts`, vectorised
with numpy. Points lie in about [-6, 6]^2 and the `noise` argument means exactly what the
Playground passes to its generators (its slider value / 100), so noise 0..0.5 here reproduces
the Playground's whole slider range; 0.5..1 extends the same formulas beyond it.

What noise does depends on the dataset, as in the Playground:

- circle, xor: points stay where they are, but each label is computed at a jittered position
  (jitter uniform in +-5 * noise per axis), so noise flips labels near the boundary.
- gaussian: the variance of each blob grows linearly from 0.5 (noise 0) to 4 (noise 0.5).
- spiral: each point moves by up to +-noise per axis.
- plane, multi_gaussian: the target is computed at a position jittered by +-6 * noise per axis.

Classes are named as the Playground colours them: "blue" for its positive label (+1) and
"orange" for its negative one (-1), so a scatter plot and a confusion matrix agree in words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from core.data_spec import ColumnSpec, DataSpec, ToySource
from core.errors import SpecError

ToyTask = Literal["classification", "regression"]
Generator = Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]

FEATURES = ("x1", "x2")
CLASS_NAMES = ("blue", "orange")
MIN_SAMPLES = 10
MAX_SAMPLES = 1_000_000


@dataclass(frozen=True)
class ToyDataset:
    """One built-in dataset: its name for people, its task, and how to draw samples from it.

    `generate(n, noise, rng)` returns points of shape (n, 2) and targets of shape (n,): for
    classification a bool array (True = "blue", the Playground's +1), for regression floats.
    """

    label: str
    task: ToyTask
    description: str
    generate: Generator


def _halves(n: int) -> tuple[int, int]:
    # The Playground draws numSamples / 2 per class and so returns n + 1 points for odd n;
    # here the first class takes the extra point so the table has exactly the rows asked for.
    return n - n // 2, n // 2


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    n_in, n_out = _halves(n)
    # Inside points fill the disc of radius 2.5, outside ones the ring 3.5..5: a visible gap.
    r = np.concatenate(
        [rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    x = r * np.sin(angle)
    y = r * np.cos(angle)
    nx = rng.uniform(-radius, radius, n) * noise
    ny = rng.uniform(-radius, radius, n) * noise
    positive = np.hypot(x + nx, y + ny) < radius * 0.5
    return np.column_stack([x, y]), positive


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    padding = 0.3
    x = rng.uniform(-5, 5, n)
    y = rng.uniform(-5, 5, n)
    # Pushing points 0.3 away from the axes leaves an empty cross between the quadrants.
    x = x + np.where(x > 0, padding, -padding)
    y = y + np.where(y > 0, padding, -padding)
    nx = rng.uniform(-5, 5, n) * noise
    ny = rng.uniform(-5, 5, n) * noise
    positive = (x + nx) * (y + ny) >= 0
    return np.column_stack([x, y]), positive


def _gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # d3.scale.linear().domain([0, .5]).range([0.5, 4]) is unclamped, so it extrapolates past 0.5.
    variance = 0.5 + 7.0 * noise
    std = np.sqrt(variance)
    n_pos, n_neg = _halves(n)
    centres = np.concatenate([np.full(n_pos, 2.0), np.full(n_neg, -2.0)])
    points = centres[:, None] + rng.normal(0.0, std, (n, 2))
    positive = np.arange(n) < n_pos
    return points, positive


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_pos, n_neg = _halves(n)

    def arm(count: int, delta_t: float) -> np.ndarray:
        # The Playground steps i / n with n = numSamples / 2 for both arms; use each arm's own
        # count so both arms still run from the centre to radius 5 when n is odd.
        frac = np.arange(count) / count
        r = frac * 5
        t = 1.75 * frac * 2 * np.pi + delta_t
        return np.column_stack([r * np.sin(t), r * np.cos(t)])

    points = np.concatenate([arm(n_pos, 0.0), arm(n_neg, np.pi)])
    points = points + rng.uniform(-1, 1, (n, 2)) * noise
    positive = np.arange(n) < n_pos
    return points, positive


def _jittered_grid(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    radius = 6.0
    x = rng.uniform(-radius, radius, n)
    y = rng.uniform(-radius, radius, n)
    nx = rng.uniform(-radius, radius, n) * noise
    ny = rng.uniform(-radius, radius, n) * noise
    return np.column_stack([x, y]), x + nx, y + ny


def _plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    points, x, y = _jittered_grid(n, noise, rng)
    # The Playground maps x + y from [-10, 10] to [-1, 1]; corners reach +-1.2 and that is kept.
    return points, (x + y) / 10.0


_BUMPS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


def _multi_gaussian(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    points, x, y = _jittered_grid(n, noise, rng)
    dist = np.hypot(x[:, None] - _BUMPS[:, 0], y[:, None] - _BUMPS[:, 1])
    # Each bump is a cone of height +-1 and radius 2; the one largest in absolute value wins
    # (argmax keeps the first on ties, like the Playground's strict '>').
    values = _BUMPS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    pick = np.argmax(np.abs(values), axis=1)
    return points, values[np.arange(n), pick]


TOY_DATASETS: dict[str, ToyDataset] = {
    "circle": ToyDataset(
        "Circle",
        "classification",
        "A blue disc inside an orange ring: needs a curved boundary.",
        _circle,
    ),
    "xor": ToyDataset(
        "Exclusive or",
        "classification",
        "Blue where x1 and x2 have the same sign, orange where they differ: no single line works.",
        _xor,
    ),
    "gaussian": ToyDataset(
        "Two Gaussians",
        "classification",
        "Two round clouds, blue around (2, 2) and orange around (-2, -2): one line separates them.",
        _gaussian,
    ),
    "spiral": ToyDataset(
        "Spiral",
        "classification",
        "Two interleaved spiral arms, blue and orange: the hardest one, needs a deeper network.",
        _spiral,
    ),
    "plane": ToyDataset(
        "Plane",
        "regression",
        "The target rises linearly along the diagonal: y = (x1 + x2) / 10.",
        _plane,
    ),
    "multi_gaussian": ToyDataset(
        "Multi Gaussian",
        "regression",
        "Six cone-shaped bumps, alternately up to +1 and down to -1, on a flat zero plane.",
        _multi_gaussian,
    ),
}


def toy_target(name: str) -> str:
    """The target column of a toy dataset's table: 'label' (classification) or 'y' (regression)."""
    return "label" if _dataset(name).task == "classification" else "y"


def toy_data_spec(
    source: ToySource, val_fraction: float = 0.2, test_fraction: float = 0.2
) -> DataSpec:
    """The DataSpec of a built-in 2-D dataset: its input features (x1, x2 by default; see
    core.input_features), fed as they are (no scaling, as TensorFlow Playground feeds them),
    and the label or y column."""
    task = _dataset(source.name).task
    target = toy_target(source.name)
    features = tuple(
        ColumnSpec(str(name), "feature", "numeric", "none", "mean") for name in source.features
    )
    if task == "classification":
        label = ColumnSpec(target, "target", "categorical", "none", "most_frequent")
    else:
        label = ColumnSpec(target, "target", "numeric", "none", "mean")
    return DataSpec(
        source=source,
        columns=(*features, label),
        task=task,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        seed=source.seed,
    )


def toy_problems(source: ToySource) -> list[str]:
    """What is wrong with a toy source's settings, in words; empty when it is fine."""
    out = []
    if not isinstance(source.name, str) or source.name not in TOY_DATASETS:
        out.append(_unknown(source.name))
    samples = source.samples
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)):
        out.append(f"the number of samples must be a whole number, not {samples!r}")
    elif not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        out.append(
            f"the number of samples must be between {MIN_SAMPLES} and {MAX_SAMPLES:,}, "
            f"not {samples:,}"
        )
    noise = source.noise
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        out.append(f"noise must be a number between 0 and 1, not {noise!r}")
    elif not 0.0 <= noise <= 1.0:  # also rejects NaN
        out.append(f"noise must be between 0 and 1, not {noise:g}")
    seed = source.seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        out.append(f"the random seed must be a whole number of 0 or more, not {seed!r}")
    return out


def toy_points(source: ToySource) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `make_toy` as arrays: points (n, 2) and targets (n,), bool for
    classification (True = "blue") and float for regression. Needs no pandas, so the window
    draws its thumbnails before pandas has loaded."""
    problems = toy_problems(source)
    if problems:
        raise SpecError("invalid toy dataset settings: " + "; ".join(problems))
    dataset = TOY_DATASETS[source.name]
    rng = np.random.default_rng(int(source.seed))
    points, target = dataset.generate(int(source.samples), float(source.noise), rng)
    order = rng.permutation(len(points))
    return points[order], target[order]


def make_toy(source: ToySource) -> pd.DataFrame:
    """Draw a toy dataset as a table with columns x1, x2 and its target (see `toy_target`).

    Rows are shuffled, so any contiguous split holds both classes. The same source (name,
    samples, noise, seed) always gives the same table. Bad settings raise SpecError.
    """
    import pandas as pd  # not at import time: the window's first paint needs no pandas

    points, target = toy_points(source)
    columns: dict[str, np.ndarray] = {
        FEATURES[0]: points[:, 0],
        FEATURES[1]: points[:, 1],
    }
    if TOY_DATASETS[source.name].task == "classification":
        # Built from Python str so pandas gives it the dtype it gives a text column read from CSV.
        names = np.array(CLASS_NAMES, dtype=object)
        columns["label"] = names[np.where(target, 0, 1)]
    else:
        columns["y"] = target.astype(np.float64)
    return pd.DataFrame(columns)


def _dataset(name: str) -> ToyDataset:
    try:
        return TOY_DATASETS[name]
    except (KeyError, TypeError):  # TypeError: an unhashable name from a hand-edited file
        raise SpecError(_unknown(name)) from None


def _unknown(name: object) -> str:
    return f"unknown toy dataset {name!r}; choose one of {', '.join(TOY_DATASETS)}"
