"""The one helper that turns an exception into a sentence for the user."""

from __future__ import annotations

from core.errors import DataError, describe_error


def test_each_kind_of_error_reads_as_a_sentence():
    assert describe_error(DataError("column 'x' is missing")) == "column 'x' is missing"
    assert describe_error(MemoryError(), "the file is too large") == "the file is too large"
    missing = FileNotFoundError(2, "No such file or directory", "/tmp/gone.csv")
    assert describe_error(missing) == "No such file or directory: /tmp/gone.csv"
    assert describe_error(ValueError("bad value")) == "ValueError: bad value"
    assert describe_error(KeyError()) == "KeyError"
