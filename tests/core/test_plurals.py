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
