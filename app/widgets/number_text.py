"""Numbers as people read them: 171,235 rather than 1.712e+05, and 2.5e-6 only when tiny."""

from __future__ import annotations

import math


def number_text(value: float | None, digits: int = 4) -> str:
    """`value` to show: grouped thousands for large numbers, `digits` significant otherwise."""
    return _text(value, digits, grouped=True)


def plain_number(value: float | None, digits: int = 4) -> str:
    """`value` to put in a field the user edits: no thousands separators, so it reads back."""
    return _text(value, digits, grouped=False)


def _text(value: float | None, digits: int, grouped: bool) -> str:
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    size = abs(value)
    if 1e-4 <= size < 1e15 or size == 0:
        text = f"{value:.{digits}g}"
        if "e" not in text:
            return text
        # Whole numbers too long for `digits` significant figures: all their digits.
        return f"{value:,.0f}" if grouped else f"{value:.0f}"
    mantissa, exponent = f"{value:.{digits - 1}g}".split("e")
    return f"{mantissa}e{int(exponent)}"
