"""Labels are the same text whichever way pandas read the column: object (pandas 2's text,
or mixed values), StringDtype (pandas 3's text), categorical, numbers with or without gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.labels import as_labels, distinct_labels, label_codes

TEXT = ["b", " a", "a", None, "b ", "c"]


@pytest.mark.parametrize("dtype", [object, pd.StringDtype(), "category"])
def test_text_labels_do_not_depend_on_how_the_column_was_read(dtype):
    series = pd.Series(TEXT, dtype=dtype)
    codes, labels = label_codes(series)
    assert labels == ("b", "a", "c")  # " a" and "a", "b " and "b": one label each
    assert codes.tolist() == [0, 1, 1, -1, 0, 2]
    assert distinct_labels(series) == ("b", "a", "c")
    assert as_labels(series).tolist()[:3] == ["b", "a", "a"]


def test_mixed_values_in_an_object_column_keep_their_own_text():
    series = pd.Series([1, 1.0, True, "1", np.nan], dtype=object)
    codes, labels = label_codes(series)
    assert labels == ("1", "1.0", "True")  # pandas' factorize alone would merge the first three
    assert codes.tolist() == [0, 1, 2, 0, -1]


def test_whole_numbers_read_the_same_with_or_without_gaps():
    assert label_codes(pd.Series([2, 10, 2]))[1] == ("2", "10")
    assert label_codes(pd.Series([2.0, np.nan, 10.0]))[1] == ("2", "10")
