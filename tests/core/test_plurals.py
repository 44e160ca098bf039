"""Counts in messages agree with their nouns: '1 prediction', '2 predictions'."""

from __future__ import annotations

import pytest

from core.errors import DataError
from core.metrics import confusion_matrix, rmse
from core.text import plural


def test_plural_agrees_with_the_count() -> None:
    assert plural(1, "class", "classes") == "1 class"
    assert plural(0, "class", "classes") == "0 classes"
    assert plural(2500, "row", "rows") == "2,500 rows"


def test_a_single_prediction_is_not_called_predictions() -> None:
    with pytest.raises(DataError) as caught:
        rmse([1.0, 2.0], [1.0])
    assert str(caught.value) == "cannot compute RMSE: 2 true values but 1 prediction"
    with pytest.raises(DataError) as caught:
        confusion_matrix([0], [0, 1], 2)
    assert str(caught.value).endswith("1 true value but 2 predictions")


def test_one_of_a_thing_reads_in_the_singular_where_users_see_it() -> None:
    from pathlib import Path

    import pandas as pd

    from cli.training_summary import summary_text
    from core.column_numbers import to_numbers

    summary = {
        "task": "classification", "reason": "", "epochs": 1, "steps": 1, "device": "cpu",
        "train_loss": 0.5, "val_loss": None, "test_accuracy": 1.0, "n_test": 1, "parameters": 1,
    }  # fmt: skip
    text = summary_text(summary, Path("m.nnp"))
    assert text.startswith("trained 1 epoch (1 step,")
    assert "on the 1 row held out" in text and "(1 parameter)" in text
    with pytest.raises(DataError) as caught:
        to_numbers(pd.Series(["1.5", "wide", "narrow"] + ["2"] * 20, name="width", dtype=object))
    assert "(1 more row like it)" in str(caught.value)
