"""Metrics against hand-worked examples, brute force and torch, and the reports built from them."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import DataError
from core.metrics import (
    ClassificationReport,
    RegressionReport,
    accuracy,
    classification_report,
    confusion_matrix,
    macro_f1,
    mae,
    precision_recall_f1,
    r2,
    regression_report,
    rmse,
)

# Worked by hand: 3 classes, 8 samples.
#   true: 0 0 0 1 1 2 2 2
#   pred: 0 1 0 1 2 2 2 0
# confusion (rows true, cols predicted):
#   [[2, 1, 0],
#    [0, 1, 1],
#    [1, 0, 2]]
# precision = diag / col sums = 2/3, 1/2, 2/3
# recall    = diag / row sums = 2/3, 1/2, 2/3
# f1 = 2/3, 1/2, 2/3; macro = (2/3 + 1/2 + 2/3) / 3 = 11/18; accuracy = 5/8
TRUE = [0, 0, 0, 1, 1, 2, 2, 2]
PRED = [0, 1, 0, 1, 2, 2, 2, 0]
CM = [[2, 1, 0], [0, 1, 1], [1, 0, 2]]


def test_hand_worked_classification_example() -> None:
    cm = confusion_matrix(TRUE, PRED, 3)
    assert cm.dtype == np.int64
    assert cm.tolist() == CM
    assert accuracy(TRUE, PRED) == pytest.approx(5 / 8)
    p, r, f = precision_recall_f1(cm)
    np.testing.assert_allclose(p, [2 / 3, 1 / 2, 2 / 3])
    np.testing.assert_allclose(r, [2 / 3, 1 / 2, 2 / 3])
    np.testing.assert_allclose(f, [2 / 3, 1 / 2, 2 / 3])
    assert macro_f1(cm) == pytest.approx(11 / 18)


def test_precision_and_recall_differ_when_errors_are_one_sided() -> None:
    # Class 0 always predicted right but also claimed for one class-1 sample.
    cm = confusion_matrix([0, 0, 1, 1], [0, 0, 0, 1], 2)
    p, r, f = precision_recall_f1(cm)
    np.testing.assert_allclose(p, [2 / 3, 1.0])
    np.testing.assert_allclose(r, [1.0, 1 / 2])
    np.testing.assert_allclose(f, [0.8, 2 / 3])


def test_undefined_ratios_are_zero_without_warnings() -> None:
    # Class 1 is never true and never predicted; class 2 is true but never predicted.
    cm = confusion_matrix([0, 0, 2], [0, 0, 0], 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, r, f = precision_recall_f1(cm)
        m = macro_f1(cm)
    np.testing.assert_allclose(p, [2 / 3, 0.0, 0.0])
    np.testing.assert_allclose(r, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(f, [0.8, 0.0, 0.0])
    # The absent class 1 is left out of the macro average; the missed class 2 counts as 0.
    assert m == pytest.approx(0.4)


def test_macro_f1_of_an_empty_matrix_is_zero() -> None:
    assert macro_f1(np.zeros((2, 2), dtype=np.int64)) == 0.0


def test_confusion_matrix_rejects_indices_outside_the_classes() -> None:
    with pytest.raises(DataError, match=re.escape("predicted class index 3 is outside 0..2")):
        confusion_matrix([0, 1], [0, 3], 3)
    with pytest.raises(DataError, match="true class index -1"):
        confusion_matrix([-1, 1], [0, 1], 3)
    with pytest.raises(DataError, match="integers"):
        confusion_matrix([0.5, 1.0], [0, 1], 3)


def test_mismatched_or_empty_inputs_say_so() -> None:
    with pytest.raises(DataError, match="3 true values but 2 predictions"):
        accuracy([1, 2, 3], [1, 2])
    with pytest.raises(DataError, match="no samples"):
        accuracy([], [])
    with pytest.raises(DataError, match=r"2 true values but 1 prediction$"):
        rmse([1.0, 2.0], [1.0])
    with pytest.raises(DataError, match="no samples"):
        classification_report([], [], ["a", "b"])


@st.composite
def label_pairs(draw: st.DrawFn) -> tuple[int, np.ndarray, np.ndarray]:
    k = draw(st.integers(1, 6))
    n = draw(st.integers(1, 60))
    idx = st.lists(st.integers(0, k - 1), min_size=n, max_size=n)
    return k, np.array(draw(idx), dtype=np.int64), np.array(draw(idx), dtype=np.int64)


@settings(max_examples=200, deadline=None)
@given(label_pairs())
def test_confusion_matrix_matches_brute_force_counting(case: tuple) -> None:
    k, t, p = case
    cm = confusion_matrix(t, p, k)
    brute = np.zeros((k, k), dtype=np.int64)
    for a, b in zip(t, p, strict=True):
        brute[a, b] += 1
    np.testing.assert_array_equal(cm, brute)
    assert cm.sum() == len(t)
    assert np.trace(cm) / len(t) == pytest.approx(accuracy(t, p))
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(t, minlength=k))


@settings(max_examples=200, deadline=None)
@given(label_pairs())
def test_per_class_scores_match_their_definitions(case: tuple) -> None:
    k, t, p = case
    prec, rec, f1 = precision_recall_f1(confusion_matrix(t, p, k))
    for c in range(k):
        tp = int(np.sum((t == c) & (p == c)))
        predicted, actual = int(np.sum(p == c)), int(np.sum(t == c))
        want_p = tp / predicted if predicted else 0.0
        want_r = tp / actual if actual else 0.0
        want_f = 2 * tp / (predicted + actual) if tp else 0.0  # F1 = 2TP / (2TP + FP + FN)
        assert prec[c] == pytest.approx(want_p)
        assert rec[c] == pytest.approx(want_r)
        assert f1[c] == pytest.approx(want_f)
    assert np.all((f1 >= 0) & (f1 <= 1))


@settings(max_examples=100, deadline=None)
@given(label_pairs())
def test_perfect_predictions_score_one_everywhere_seen(case: tuple) -> None:
    k, t, _ = case
    cm = confusion_matrix(t, t, k)
    assert accuracy(t, t) == 1.0
    assert macro_f1(cm) == pytest.approx(1.0)
    report = classification_report(t, t, [f"c{i}" for i in range(k)])
    assert report.accuracy == 1.0
    assert report.confusion == tuple(tuple(row) for row in np.diag(np.bincount(t, minlength=k)))


# --- regression ---


def test_hand_worked_regression_example() -> None:
    y = [1.0, 2.0, 3.0, 4.0]
    pred = [1.0, 3.0, 3.0, 2.0]
    # residuals 0, -1, 0, 2: SS_res = 5, SS_tot = 5 (mean 2.5), so R² = 0.
    assert r2(y, pred) == pytest.approx(0.0)
    assert rmse(y, pred) == pytest.approx(np.sqrt(5 / 4))
    assert mae(y, pred) == pytest.approx(3 / 4)
    assert r2(y, [2.5] * 4) == pytest.approx(0.0)  # predicting the mean
    assert r2(y, [4.0, 3.0, 2.0, 1.0]) == pytest.approx(-3.0)  # worse than the mean


def test_r2_of_a_constant_target() -> None:
    assert r2([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]) == 1.0
    assert r2([3.0, 3.0, 3.0], [3.0, 2.0, 3.0]) == 0.0


def test_a_column_and_a_vector_are_the_same_target() -> None:
    y = np.array([1.0, 2.0, 4.0])
    pred = np.array([[1.5], [2.0], [3.0]])
    # Broadcasting (3,) against (3, 1) would compare every pair and give nonsense.
    assert rmse(y, pred) == pytest.approx(np.sqrt((0.25 + 0 + 1) / 3))
    assert r2(y, pred) == pytest.approx(r2(y, pred[:, 0]))


floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(floats, floats), min_size=2, max_size=50))
def test_regression_metrics_match_torch(pairs: list[tuple[float, float]]) -> None:
    y = np.array([a for a, _ in pairs])
    pred = np.array([b for _, b in pairs])
    ty, tp = torch.tensor(y, dtype=torch.float64), torch.tensor(pred, dtype=torch.float64)
    assert rmse(y, pred) == pytest.approx(
        torch.sqrt(torch.nn.functional.mse_loss(tp, ty)).item(), rel=1e-9, abs=1e-9
    )
    assert mae(y, pred) == pytest.approx(
        torch.nn.functional.l1_loss(tp, ty).item(), rel=1e-9, abs=1e-9
    )
    ss_tot = torch.sum((ty - ty.mean()) ** 2).item()
    if ss_tot > 1e-6:
        want = 1 - torch.sum((ty - tp) ** 2).item() / ss_tot
        assert r2(y, pred) == pytest.approx(want, rel=1e-6, abs=1e-9)
    assert r2(y, y) == 1.0
    assert rmse(y, y) == 0.0 and mae(y, y) == 0.0


# --- reports ---


def test_classification_report_names_classes_and_survives_json() -> None:
    report = classification_report(np.array(TRUE), np.array(PRED), ["cat", "dog", "eel"])
    assert isinstance(report, ClassificationReport)
    assert report.n == 8
    assert report.accuracy == pytest.approx(5 / 8)
    assert report.macro_f1 == pytest.approx(11 / 18)
    assert report.class_names == ("cat", "dog", "eel")
    assert report.support == (3, 2, 3)
    assert report.recall == pytest.approx((2 / 3, 1 / 2, 2 / 3))
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["task"] == "classification"
    assert data["confusion_matrix"] == CM
    assert all(type(v) is float for v in data["precision"])
    assert all(type(v) is int for row in data["confusion_matrix"] for v in row)


def test_classification_report_rejects_more_classes_than_named() -> None:
    with pytest.raises(DataError, match=re.escape("outside 0..1")):
        classification_report([0, 2], [0, 1], ["blue", "orange"])


def test_regression_report_survives_json() -> None:
    report = regression_report(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 3.0, 2.0]))
    assert isinstance(report, RegressionReport)
    assert report.n == 4
    data = report.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "task": "regression",
        "n": 4,
        "r2": pytest.approx(0.0),
        "rmse": pytest.approx(np.sqrt(5 / 4)),
        "mae": pytest.approx(0.75),
    }
    assert all(type(data[k]) is float for k in ("r2", "rmse", "mae"))
