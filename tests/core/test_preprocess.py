"""Preprocessing against hand-computed values; fitted statistics come from training rows only."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.data_spec import ColumnSpec, CsvSource, DataSpec
from core.errors import DataError, ModelFileError
from core.fitted_preprocessor import FittedPreprocessor
from core.preprocess import fit_preprocessor


def spec(*features: ColumnSpec, target: str = "y", task: str = "classification") -> DataSpec:
    kind = "categorical" if task == "classification" else "numeric"
    impute = "most_frequent" if kind == "categorical" else "mean"
    columns = (*features, ColumnSpec(target, "target", kind, "none", impute))  # type: ignore[arg-type]
    return DataSpec(CsvSource("t.csv"), columns, task)  # type: ignore[arg-type]


def num(name: str, scaling: str = "none", impute: str = "mean") -> ColumnSpec:
    return ColumnSpec(name, "feature", "numeric", scaling, impute)  # type: ignore[arg-type]


def cat(name: str, impute: str = "most_frequent") -> ColumnSpec:
    return ColumnSpec(name, "feature", "categorical", "none", impute)  # type: ignore[arg-type]


TRAIN = pd.DataFrame(
    {
        "a": [1.0, 3.0, np.nan, 8.0],
        "color": ["red", "blue", "red", None],
        "y": ["no", "yes", "no", "yes"],
    }
)


def test_minmax_scales_training_range_to_0_1() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a", "minmax")))
    # mean of 1, 3, 8 is 4, so the gap becomes 4; range 1..8
    x = p.transform(pd.DataFrame({"a": [1.0, 8.0, np.nan, 15.0]}))
    np.testing.assert_allclose(x[:, 0], [0.0, 1.0, 3 / 7, 2.0], rtol=1e-6)


def test_standardise_uses_population_std_of_imputed_column() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a", "standard", "median")))
    # median of 1, 3, 8 is 3: column 1, 3, 3, 8 has mean 3.75, population std sqrt(26.75 / 4)
    x = p.transform(pd.DataFrame({"a": [1.0, 3.0, np.nan, 8.0]}))
    expected = (np.array([1, 3, 3, 8]) - 3.75) / np.sqrt(26.75 / 4)
    np.testing.assert_allclose(x[:, 0], expected, rtol=1e-6)


def test_constant_column_maps_to_zero_not_nan() -> None:
    train = pd.DataFrame({"c": [5.0, 5.0, 5.0], "y": ["a", "b", "a"]})
    for scaling in ("minmax", "standard"):
        p = fit_preprocessor(train, spec(num("c", scaling)))
        assert p.transform(train)[:, 0].tolist() == [0.0, 0.0, 0.0]


def test_one_hot_with_most_frequent_fill_and_unseen_category() -> None:
    p = fit_preprocessor(TRAIN, spec(cat("color")))
    assert p.input_names == ("color=blue", "color=red")
    x = p.transform(pd.DataFrame({"color": ["blue", None, "green", "red"]}))
    # the gap takes the most frequent training colour (red); green was never seen: all zeros
    np.testing.assert_array_equal(x, [[1, 0], [0, 1], [0, 0], [0, 1]])


def test_missing_category_is_its_own_input() -> None:
    p = fit_preprocessor(TRAIN, spec(cat("color", "missing_category")))
    assert p.input_names == ("color=blue", "color=missing", "color=red")
    x = p.transform(pd.DataFrame({"color": [None, "red"]}))
    np.testing.assert_array_equal(x, [[0, 1, 0], [0, 0, 1]])


def test_mixed_features_keep_spec_order_and_ignore_extra_columns() -> None:
    p = fit_preprocessor(TRAIN, spec(cat("color"), num("a")))
    assert p.n_inputs == 3
    assert p.input_names == ("color=blue", "color=red", "a")
    x = p.transform(pd.DataFrame({"a": [2.0], "color": ["blue"], "extra": ["zzz"]}))
    np.testing.assert_array_equal(x, [[1, 0, 2]])
    assert x.dtype == np.float32


def test_statistics_come_from_training_rows_only() -> None:
    p = fit_preprocessor(TRAIN.iloc[:2], spec(num("a", "minmax")))
    assert p.transform(pd.DataFrame({"a": [8.0]}))[0, 0] == pytest.approx(3.5)


def test_missing_feature_columns_are_named() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a"), cat("color")))
    with pytest.raises(DataError, match=r"lacks feature column.*'a', 'color'"):
        p.transform(pd.DataFrame({"b": [1]}))


def test_text_in_numeric_column_names_column_row_and_value() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a")))
    with pytest.raises(DataError, match=r"column 'a', row 3: 'abc' is not a number"):
        p.transform(pd.DataFrame({"a": ["1", None, "abc", "2"]}))


def test_classes_are_sorted_strings_and_decode_back() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a")))
    assert p.classes == ("no", "yes")
    codes = p.encode_target(pd.Series(["yes", "no", "yes"]))
    assert codes.dtype == np.int64
    assert codes.tolist() == [1, 0, 1]
    assert p.decode_classes(codes).tolist() == ["yes", "no", "yes"]


def test_numeric_class_labels_sort_as_numbers_and_match_across_int_and_float() -> None:
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "y": [10, 2, 1, 2]})
    p = fit_preprocessor(train, spec(num("a")))
    assert p.classes == ("1", "2", "10")
    # a gap makes pandas read the same labels as floats; they must still match
    assert p.encode_target(pd.Series([2.0, 10.0])).tolist() == [1, 2]


def test_unknown_class_label_is_named() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a")))
    with pytest.raises(DataError, match="'maybe' were not seen in training"):
        p.encode_target(pd.Series(["yes", "maybe"]))


def test_rows_without_target_do_not_count_towards_statistics() -> None:
    train = pd.DataFrame({"a": [0.0, 10.0, 1000.0], "y": ["p", "q", None]})
    p = fit_preprocessor(train, spec(num("a", "minmax")))
    assert p.transform(pd.DataFrame({"a": [10.0]}))[0, 0] == pytest.approx(1.0)


def test_regression_target_round_trip() -> None:
    train = pd.DataFrame({"a": [1.0, 2.0, 3.0], "y": [10.0, 20.0, 60.0]})
    p = fit_preprocessor(train, spec(num("a"), task="regression"))
    z = p.encode_target(train["y"])
    assert z.shape == (3, 1) and z.dtype == np.float32
    # mean 30, population std sqrt(((-20)^2 + (-10)^2 + 30^2) / 3)
    np.testing.assert_allclose(z[:, 0], np.array([-20, -10, 30]) / np.sqrt(1400 / 3), rtol=1e-6)
    back = p.decode_values(z)
    assert back.dtype == np.float64
    np.testing.assert_allclose(back[:, 0], [10.0, 20.0, 60.0], rtol=1e-6)
    assert p.classes == ()


def test_json_round_trip_transforms_identically() -> None:
    p = fit_preprocessor(TRAIN, spec(num("a", "standard"), cat("color", "missing_category")))
    again = FittedPreprocessor.from_json(json.loads(json.dumps(p.to_json())))
    assert again == p
    frame = pd.DataFrame({"a": [1.0, np.nan, 7.5], "color": ["red", None, "teal"]})
    np.testing.assert_array_equal(again.transform(frame), p.transform(frame))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d["features"][0].update(scale=0), "scale must be above 0"),
        (lambda d: d["features"][0].update(type="image"), "type must be"),
        (lambda d: d["features"][1].update(categories=["a", "a"]), "without repeats"),
        (lambda d: d["target"].update(classes=["only"]), "two or more distinct classes"),
        (lambda d: d.update(format=99), "unsupported preprocessing format"),
        (lambda d: d["features"][0].update(shift="x"), r"features\[0\].shift: expected a number"),
    ],
)
def test_damaged_json_is_a_model_file_error(damage: object, message: str) -> None:
    p = fit_preprocessor(TRAIN, spec(num("a"), cat("color")))
    data = json.loads(json.dumps(p.to_json()))
    damage(data)  # type: ignore[operator]
    with pytest.raises(ModelFileError, match=message):
        FittedPreprocessor.from_json(data)


@pytest.mark.parametrize("field", ["fill", "shift", "scale"])
@pytest.mark.parametrize("text", ["NaN", "Infinity"])
def test_a_non_finite_number_in_saved_preprocessing_is_refused(field: str, text: str) -> None:
    # Python's json reads NaN and Infinity: a file edited by hand would otherwise predict NaN.
    p = fit_preprocessor(TRAIN, spec(num("a", "standard"), cat("color")))
    data = json.loads(json.dumps(p.to_json()))
    data["features"][0][field] = json.loads(text)
    with pytest.raises(
        ModelFileError, match=r"features\[0\]: fill, shift and scale must be finite"
    ):
        FittedPreprocessor.from_json(data)


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=2, max_size=50), st.sampled_from(["minmax", "standard"]))
def test_scaled_training_column_has_the_promised_range(values: list[float], scaling: str) -> None:
    train = pd.DataFrame(
        {"a": values, "y": ["p", "q"] * (len(values) // 2) + ["p"] * (len(values) % 2)}
    )
    x = fit_preprocessor(train, spec(num("a", scaling))).transform(train)[:, 0].astype(np.float64)
    assert np.all(np.isfinite(x))
    if np.ptp(values) > 1e-3:
        if scaling == "minmax":
            assert x.min() == pytest.approx(0, abs=1e-5) and x.max() == pytest.approx(1, abs=1e-5)
        else:
            assert x.mean() == pytest.approx(0, abs=1e-4) and x.std() == pytest.approx(1, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=2, max_size=40))
def test_every_one_hot_row_has_at_most_one_one(values: list[str | None]) -> None:
    train = pd.DataFrame({"c": ["a", "b"], "y": ["p", "q"]})
    p = fit_preprocessor(train, spec(cat("c", "missing_category")))
    x = p.transform(pd.DataFrame({"c": values}))
    assert set(np.unique(x)) <= {0.0, 1.0}
    sums = x.sum(axis=1)
    np.testing.assert_array_equal(sums, [1.0 if v in ("a", "b") else 0.0 for v in values])


def test_fitting_and_transforming_chosen_rows_equals_taking_them_first() -> None:
    rng = np.random.default_rng(0)
    n = 70_000  # more than one block of rows
    frame = pd.DataFrame(
        {
            "a": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "color": rng.choice(["red", "blue", " red", None], n),
            "b": rng.integers(0, 5, n),
            "y": rng.choice(["no", "yes"], n),
        }
    )
    s = spec(num("a", "standard"), cat("color"), num("b", "minmax", "median"))
    rows = rng.permutation(n)[: n // 2]
    taken = frame.take(rows).reset_index(drop=True)
    p = fit_preprocessor(frame, s, rows=rows)
    assert p == fit_preprocessor(taken, s)
    np.testing.assert_array_equal(p.transform(frame, rows=rows[::-1]), p.transform(taken)[::-1])
    np.testing.assert_array_equal(p.encode_target(frame["y"])[rows], p.encode_target(taken["y"]))


def test_work_spread_over_threads_gives_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import core.cpu_threads
    from core.labels import label_codes

    rng = np.random.default_rng(1)
    n = 100_000  # several blocks of rows per thread
    frame = pd.DataFrame(
        {
            "a": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "color": rng.choice(["red", "blue", None], n),
            "b": rng.integers(0, 5, n),
            "y": rng.choice(["no", "yes", "maybe"], n),
        }
    )
    s = spec(num("a", "standard"), cat("color"), num("b", "minmax", "median"))
    rows = np.sort(rng.permutation(n)[: n // 2])
    alone = fit_preprocessor(frame, s, rows=rows)
    x_alone = alone.transform(frame, rows=rows)
    monkeypatch.setattr(core.cpu_threads, "MIN_PARALLEL_VALUES", 0)
    monkeypatch.setattr(core.cpu_threads, "cores", lambda: 2)
    known = label_codes(frame["y"])
    threaded = fit_preprocessor(frame, s, rows=rows, target_labels=known)
    assert threaded == alone
    np.testing.assert_array_equal(threaded.transform(frame, rows=rows), x_alone)
    np.testing.assert_array_equal(
        threaded.encode_target(frame["y"], known), alone.encode_target(frame["y"])
    )
