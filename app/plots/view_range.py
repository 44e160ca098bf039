"""Where a live plot's view should be, changed in coarse steps only when the data needs it.

pyqtgraph's auto-range moves the view with every redraw while data arrives; each move redraws
the axes' tick labels and grid, and the linked plots' too, which was most of the window's drawing
time (measured with `bench/bench_window_training.py --profile`). Here the x range grows to the next
"nice" round number once the data reaches its end, and the y range moves only when data leaves it
or fills less than half of it. Plain numbers, no Qt: the plots apply the result.
"""

from __future__ import annotations

import math

# Right-hand limits of the step axis, per decade: each is at most 1.5x the one before.
_NICE_LIMITS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
X_ROOM = 1.05  # the data ends at most here of the way across when the range grows
Y_MIN_FILL = 0.5  # a y range the data fills less than this much of is tightened
Y_PAD = 0.05  # of the data's span, above and below


def nice_limit(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is >= value (> 0)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    for m in _NICE_LIMITS:
        if m * decade >= value * (1 - 1e-12):
            return m * decade
    return 10.0 * decade  # pragma: no cover - rounding at the decade's end


def nice_step(span: float) -> float:
    """1, 2 or 5 times a power of ten, at least `span` (> 0)."""
    decade = 10.0 ** math.floor(math.log10(span))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * decade >= span * (1 - 1e-12):
            return m * decade
    return 10.0 * decade  # pragma: no cover


def x_range(first: float, last: float, current: tuple[float, float] | None) -> tuple[float, float]:
    """The steps to show for data from `first` to `last`: `current` while it still fits well."""
    if current is not None:
        left, right = current
        fits = left <= first and last <= right
        if fits and left == first and (last - first) * 4 >= right - first:
            return current
    span = max(last - first, 1.0)
    return (first, first + nice_limit(span * X_ROOM))


def y_range(
    low: float, high: float, current: tuple[float, float] | None, *, from_zero: bool = False
) -> tuple[float, float]:
    """The values to show for data from `low` to `high`: `current` while it still fits well.

    `from_zero`: non-negative data never gets a range below zero (a linear scale of losses or
    rates); on a log scale the values are already logarithms and may well be negative.
    """
    if current is not None:
        bottom, top = current
        span = top - bottom
        if bottom <= low and high <= top and (high - low) >= Y_MIN_FILL * span:
            return current
    span = high - low
    if span <= 0:
        span = max(abs(high) * 0.1, 1e-6)
    step = nice_step(span / 5)
    bottom = math.floor((low - Y_PAD * span) / step) * step
    top = math.ceil((high + Y_PAD * span) / step) * step
    if from_zero and low >= 0:
        bottom = max(bottom, 0.0)
    return (bottom, top)
