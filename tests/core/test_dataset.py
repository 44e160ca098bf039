"""From the bundled CSV files to arrays ready for training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.columns import auto_data_spec, infer_task, profile_columns
from core.csv_io import read_csv
from core.data_spec import CsvSource
from core.dataset import load_frame, prepare_data
from core.errors import DataError

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"


def source(name: str) -> CsvSource:
    return CsvSource(str(DATA / name))


def test_iris_is_three_balanced_classes() -> None:
    src = source("iris.csv")
    frame = load_frame(src)
    spec = auto_data_spec(frame, src, "species", val_fraction=0.2, test_fraction=0.2)
    data = prepare_data(spec, frame)
    assert data.task == "classification"
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.n_inputs == 4
    assert (len(data.train), len(data.val), len(data.test)) == (90, 30, 30)
    for part in (data.train, data.val, data.test):
        assert part.x.dtype == np.float32 and part.x.shape[1] == 4
        assert part.y.dtype == np.int64
        # stratified: every class gets the same share of every set
        assert np.bincount(part.y, minlength=3).tolist() == [len(part) // 3] * 3
    # the rows point back at the file: re-encoding them gives the same targets
    names = frame["species"].to_numpy()[data.val.rows]
    assert data.preprocessor.decode_classes(data.val.y).tolist() == names.tolist()
    # standardised on training rows
    np.testing.assert_allclose(data.train.x.mean(axis=0), 0, atol=1e-5)


def test_breast_cancer_binary_diagnosis() -> None:
    src = source("breast_cancer.csv")
    data = prepare_data(auto_data_spec(load_frame(src), src, "diagnosis"))
    assert data.class_names == ("benign", "malignant")
    assert data.n_inputs == 30
    assert len(data.train) + len(data.val) == 569
    assert len(data.test) == 0 and data.test.x.shape == (0, 30)


def test_diabetes_regression_targets_are_standardised_and_decode_back() -> None:
    src = source("diabetes.csv")
    frame = load_frame(src)
    spec = auto_data_spec(frame, src, "progression")
    assert spec.task == "regression"
    data = prepare_data(spec, frame)
    assert data.class_names == ()
    assert data.train.y.shape == (len(data.train), 1) and data.train.y.dtype == np.float32
    assert abs(float(data.train.y.mean())) < 1e-5
    back = data.preprocessor.decode_values(data.val.y)[:, 0]
    np.testing.assert_allclose(back, frame["progression"].to_numpy()[data.val.rows], rtol=1e-5)


def test_same_seed_same_data_and_rows_with_missing_target_are_dropped(tmp_path: Path) -> None:
    src = source("iris.csv")
    frame = load_frame(src).copy()
    frame.loc[[0, 60], "species"] = None
    spec = auto_data_spec(frame, src, "species")
    a, b = prepare_data(spec, frame), prepare_data(spec, frame)
    assert a.dropped_rows == 2
    assert 0 not in a.train.rows and 0 not in a.val.rows
    assert np.array_equal(a.val.rows, b.val.rows)
    np.testing.assert_array_equal(a.train.x, b.train.x)


def test_auto_spec_ignores_ids_and_constants_unless_asked(tmp_path: Path) -> None:
    n = 40
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "name": [f"person {i}" for i in range(n)],
            "const": ["x"] * n,
            "height": np.linspace(150, 190, n),
            "team": ["red", "blue"] * (n // 2),
            "label": ["a", "b", "c", "d"] * (n // 4),
        }
    )
    kinds = {p.name: p.kind for p in profile_columns(frame)}
    assert kinds == {
        "id": "identifier",
        "name": "identifier",
        "const": "constant",
        "height": "numeric",
        "team": "categorical",
        "label": "categorical",
    }
    spec = auto_data_spec(frame, CsvSource("people.csv"), "label")
    roles = {c.name: (c.role, c.kind, c.scaling, c.impute) for c in spec.columns}
    assert roles["id"][0] == roles["name"][0] == roles["const"][0] == "ignore"
    assert roles["height"] == ("feature", "numeric", "standard", "mean")
    assert roles["team"] == ("feature", "categorical", "none", "most_frequent")
    assert roles["label"][:2] == ("target", "categorical")
    chosen = auto_data_spec(frame, CsvSource("people.csv"), "label", features=["id", "team"])
    assert [c.name for c in chosen.features] == ["id", "team"]


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b"], "classification"),
        ([True, False], "classification"),
        ([0, 1] * 3, "classification"),
        ([1, 2, 3, 4, 5] * 10, "classification"),
        ([1, 2, 3, 4, 5], "regression"),
        (list(range(100)), "regression"),
        ([0.5, 1.5, 2.0], "regression"),
    ],
)
def test_infer_task(values: list[object], task: str) -> None:
    assert infer_task(pd.Series(values)) == task


def test_target_problems_name_the_column_and_file() -> None:
    src = source("iris.csv")
    frame, _ = read_csv(src)
    with pytest.raises(DataError, match=r"no column 'kind' in iris.csv; columns are: sepal_length"):
        auto_data_spec(frame, src, "kind")
    with pytest.raises(DataError, match=r"'petal_colour'"):
        auto_data_spec(frame, src, "species", features=["petal_colour"])
    with pytest.raises(DataError, match=r"'species' in iris.csv holds text such as 'setosa'"):
        auto_data_spec(frame, src, "species", task="regression")
    one_class = frame.assign(species="setosa")
    with pytest.raises(DataError, match=r"'species' in iris.csv has a single class"):
        auto_data_spec(one_class, src, "species")
    many = pd.DataFrame({"x": np.arange(500.0) % 7, "price": np.arange(500) * 3})
    with pytest.raises(DataError, match=r"500 distinct values.*choose regression"):
        auto_data_spec(many, src, "price", task="classification")


def test_text_in_a_numeric_feature_names_the_source_row(tmp_path: Path) -> None:
    src = source("iris.csv")
    frame = load_frame(src)
    spec = auto_data_spec(frame, src, "species")
    broken = frame.astype({"petal_width": object})
    broken.loc[41, "petal_width"] = "n/a?"
    with pytest.raises(DataError, match=r"column 'petal_width', row 42: 'n/a\?' is not a number"):
        prepare_data(spec, broken)


def test_column_kind_agrees_with_the_full_profile() -> None:
    from core.columns import column_kind, profile_column
    from core.labels import as_labels, label_codes

    n = 3000
    rng = np.random.default_rng(1)
    columns = {
        "run": np.arange(n) + 7,
        "run with a repeat": np.r_[np.arange(n - 1), 0],
        "floats": rng.normal(size=n),
        "const": np.full(n, 2.0),
        "empty": np.full(n, np.nan),
        "names": [f"p{i}" for i in range(n)],
        "names repeated late": [f"p{i}" for i in range(n - 1)] + ["p5"],
        "words": rng.choice(["a", "b"], n),
        "one word": ["a"] * n,
        "flags": rng.random(n) < 0.5,
        "mixed": [1, "1", 1.0, None] * (n // 4),
    }
    for name, values in columns.items():
        series = pd.Series(values, name=name)
        if name == "mixed":
            series = series.astype(object)
        assert column_kind(series) == profile_column(series).kind, name
        codes, labels = label_codes(series)
        expected = as_labels(series)
        got = [labels[c] if c >= 0 else None for c in codes]
        assert got == [None if pd.isna(v) else v for v in expected], name


@pytest.mark.parametrize(
    "values",
    [
        [np.nan, 2.0, np.nan, 2.0] * 5,  # one value and gaps: constant
        [np.nan] * 12,
        [*range(1, 15), np.nan],  # row numbers with a gap: identifier
        [*range(1, 15), np.nan, 3],  # a repeat: numeric
        [0.5, np.nan, 1.5, 2.5] * 4,
    ],
)
def test_column_kind_matches_the_profile_with_gaps(values: list[float]) -> None:
    from core.columns import column_kind, profile_column

    series = pd.Series(values, name="v")
    assert column_kind(series) == profile_column(series).kind
