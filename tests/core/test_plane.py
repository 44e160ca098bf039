"""The output plot's first plane: the two numeric features that tell most about the target."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.columns import auto_data_spec
from core.data_spec import CsvSource
from core.dataset import load_frame
from core.plane import default_plane

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"


def example(name: str, target: str):
    source = CsvSource(str(DATA / name))
    frame = load_frame(source)
    return frame, auto_data_spec(frame, source, target)


def test_diabetes_is_drawn_over_its_strongest_columns_not_age_and_sex():
    frame, spec = example("diabetes.csv", "progression")
    assert [c.name for c in spec.features][:2] == ["age", "sex"]  # the file's first two
    plane = default_plane(frame, spec)
    assert plane == ("bmi", "ltg")
    assert "sex" not in plane  # two values: a poor axis


def test_iris_is_drawn_over_the_petals_that_separate_its_classes():
    frame, spec = example("iris.csv", "species")
    assert default_plane(frame, spec) == ("petal_length", "petal_width")


def test_a_yes_no_column_is_left_off_however_related_and_order_is_the_files():
    rng = np.random.default_rng(0)
    n = 400
    flag = rng.integers(0, 2, n)
    noise = rng.normal(size=n)
    signal = rng.normal(size=n)
    frame = pd.DataFrame(
        {
            "id_like": np.arange(n) % 7,
            "flag": flag,
            "weak": noise + 0.2 * signal,
            "strong": signal,
            "y": 3 * signal + 5 * flag + 0.1 * rng.normal(size=n),
        }
    )
    spec = auto_data_spec(frame, CsvSource("made-up.csv"), "y", task="regression")
    assert default_plane(frame, spec) == ("weak", "strong")


def test_two_numeric_features_are_the_plane_even_a_yes_no_one_and_one_is_none():
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [0, 1, 0, 1], "c": ["x", "y", "x", "y"]})
    frame["t"] = ["p", "q", "p", "q"]
    spec = auto_data_spec(frame, CsvSource("small.csv"), "t")
    assert default_plane(frame, spec) == ("a", "b")  # no other choice
    assert (
        default_plane(
            frame[["a", "c", "t"]], auto_data_spec(frame[["a", "c", "t"]], CsvSource("s.csv"), "t")
        )
        is None
    )
