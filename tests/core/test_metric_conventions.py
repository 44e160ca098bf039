"""Macro F1 follows scikit-learn's convention, and the report says which classes it averages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.metrics import classification_report


def test_a_class_with_no_rows_and_no_predictions_is_said_to_be_left_out() -> None:
    # Class b is in the model's classes but neither in the test rows nor predicted.
    report = classification_report([0, 0, 2], [0, 0, 2], ["a", "b", "c"])
    assert report.macro_f1 == 1.0
    assert report.f1[1] == 0.0 and report.support[1] == 0
    assert report.in_macro_average == (True, False, True)
    data = report.to_json()
    assert data["macro_f1_classes"] == ["a", "c"]
    assert (
        data["macro_f1_note"]
        == "macro F1 averages 2 of 3 classes: b has no rows and no predictions"
    )


def test_every_class_seen_needs_no_note() -> None:
    report = classification_report([0, 1, 2], [0, 1, 1], ["a", "b", "c"])
    assert report.in_macro_average == (True, True, True)
    assert report.to_json()["macro_f1_note"] == ""


def test_a_class_predicted_but_never_true_counts_as_zero() -> None:
    # Like scikit-learn: present in the predictions only, so it is in the average with F1 0.
    report = classification_report([0, 0], [0, 1], ["a", "b", "c"])
    assert report.in_macro_average == (True, True, False)
    assert report.macro_f1 == pytest.approx((2 / 3 + 0) / 2)


@pytest.mark.slow  # a property test over many generated reports
@settings(max_examples=100, deadline=None)
@given(st.integers(2, 6).flatmap(lambda k: st.tuples(
    st.just(k),
    st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=1, max_size=40),
)))  # fmt: skip
def test_macro_f1_equals_scikit_learns(case: tuple) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    k, pairs = case
    t = np.array([a for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    report = classification_report(t, p, [f"c{i}" for i in range(k)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = metrics.f1_score(t, p, average="macro", zero_division=0)
    assert report.macro_f1 == pytest.approx(want)
    assert sum(report.in_macro_average) == len(set(t) | set(p))
