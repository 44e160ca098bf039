"""Numbers shown in the window read as numbers, never as 1.712e+05."""

from __future__ import annotations

import pytest

from app.widgets.number_text import number_text, plain_number


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (171_234.56, "171,235"),
        (-2_500_000.0, "-2,500,000"),
        (9_999.7, "10,000"),
        (1234.5, "1234"),  # four significant figures, as before, below ten thousand
        (3.14159, "3.142"),
        (0.0, "0"),
        (0.00012345, "0.0001234"),
        (2.5e-6, "2.5e-6"),
        (1e20, "1e20"),
        (None, ""),
    ],
)
def test_number_text(value, shown):
    assert number_text(value) == shown


def test_plain_numbers_read_back_as_the_same_value():
    for value in (171_234.0, -2_500_000.0, 0.125, 2.5e-6, 1e20):
        text = plain_number(value)
        assert "," not in text
        assert float(text) == pytest.approx(value, rel=1e-6)
