"""The input features of TensorFlow Playground for the 2-D toy datasets, keyed by the name stored
in files: x1, x2, their squares, their product and their sines.

Each is computed from the raw coordinates x1 and x2 before any other preparation, as the
Playground feeds them (its `INPUTS` in src/playground.ts): sin x1 of the raw x1 in about [-6, 6],
not of a standardised one. Standardising first would change what the features are: sin of a
standardised x1 is a sine of another period, and the square of a standardised x1 is centred on
the mean. The computed values then get their column's scaling, which for a toy dataset is none
(the window's toy specs, and `nnplay train --toy --features`), so the network sees x1² in
[0, 36] as in the Playground. A circle, x1² + x2² < r², is a straight line in x1² and x2², so
with those two features a network without a hidden layer separates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

RAW_COLUMNS = ("x1", "x2")
DEFAULT_INPUT_FEATURES = RAW_COLUMNS

Operation = Literal["column", "product", "sin"]


@dataclass(frozen=True)
class InputFeature:
    """One feature: its label for people, and how it is computed from the raw columns.

    `operation` applies to `of` (raw column names): "column" is the column itself, "product"
    multiplies the two (a square when both are the same), "sin" takes the sine. The exports
    (ONNX, Python) spell out the same operation.
    """

    label: str
    description: str
    operation: Operation
    of: tuple[str, ...]

    @property
    def formula(self) -> str:
        """The feature as a Python expression of x1 and x2 (numpy as np)."""
        if self.operation == "column":
            return self.of[0]
        if self.operation == "product":
            return f"{self.of[0]} * {self.of[1]}"
        return f"np.sin({self.of[0]})"

    def compute(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        """The feature's values from the raw columns' float64 values."""
        a = columns[self.of[0]]
        if self.operation == "column":
            return a
        if self.operation == "product":
            return a * columns[self.of[1]]
        return np.sin(a)


INPUT_FEATURES: dict[str, InputFeature] = {
    "x1": InputFeature("x₁", "the first coordinate", "column", ("x1",)),
    "x2": InputFeature("x₂", "the second coordinate", "column", ("x2",)),
    "x1_sq": InputFeature("x₁²", "the first coordinate squared", "product", ("x1", "x1")),
    "x2_sq": InputFeature("x₂²", "the second coordinate squared", "product", ("x2", "x2")),
    "x1x2": InputFeature("x₁x₂", "the product of the coordinates", "product", ("x1", "x2")),
    "sin_x1": InputFeature("sin x₁", "the sine of the first coordinate", "sin", ("x1",)),
    "sin_x2": InputFeature("sin x₂", "the sine of the second coordinate", "sin", ("x2",)),
}


def input_feature_problems(names: object) -> list[str]:
    """What is wrong with a choice of input features, in words; empty when it is fine."""
    if not isinstance(names, tuple) or not all(isinstance(n, str) for n in names):
        return [f"the input features must be a list of names, not {names!r}"]
    if not names:
        return [
            "turn on at least one input feature ("
            + ", ".join(f.label for f in INPUT_FEATURES.values())
            + ")"
        ]
    out = []
    unknown = [n for n in names if n not in INPUT_FEATURES]
    if unknown:
        out.append(
            f"unknown input feature(s) {', '.join(repr(u) for u in unknown)}; choose among "
            + ", ".join(INPUT_FEATURES)
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        out.append(f"input feature(s) {', '.join(repeated)} chosen more than once")
    return out


def computes(names: Iterable[str]) -> bool:
    """Whether these features need computing: any of them is more than a raw column."""
    return any(name not in RAW_COLUMNS for name in names)


def feature_label(name: str) -> str:
    """How people read a feature's name ('x₁²'); a name not in the registry as it is."""
    feature = INPUT_FEATURES.get(name)
    return feature.label if feature is not None else name


def compute_features(columns: dict[str, np.ndarray], names: Iterable[str]) -> dict[str, np.ndarray]:
    """Each named feature's float64 values from the raw columns' (x1, x2) float64 values."""
    return {name: INPUT_FEATURES[name].compute(columns) for name in names}


def feature_maps(
    names: Iterable[str], extent: tuple[float, float, float, float], g: int
) -> np.ndarray:
    """Each feature over a g x g grid spanning `extent` (x min, x max, y min, y max) of x1 and
    x2: float64 [features, g, g], row 0 at y min (what the network diagram draws in the input
    nodes, as TensorFlow Playground does)."""
    x_min, x_max, y_min, y_max = extent
    x1, x2 = np.meshgrid(np.linspace(x_min, x_max, g), np.linspace(y_min, y_max, g))
    computed = compute_features({"x1": x1, "x2": x2}, names)
    return np.stack([np.broadcast_to(values, (g, g)) for values in computed.values()])
