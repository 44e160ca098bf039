"""The colours that data and predictions are drawn in, shared by every plot that shows them.

TensorFlow Playground's scheme: blue and orange for the two classes, a near-white in between.
Class 0 is blue and class 1 orange, so for the toy sets (classes sorted: "blue", "orange") a class
is drawn in the colour it is named after. A binary surface shows p(class 1): orange where the
model is sure of class 1, blue where it is sure of class 0, white where it cannot tell.
Regression follows the Playground too: high values blue, low values orange.
"""

from __future__ import annotations

import numpy as np

from app import theme


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


BLUE = _rgb(theme.BLUE)  # the Playground's #0877bd
ORANGE = _rgb(theme.ORANGE)  # the Playground's #f59322
NEUTRAL = (232, 234, 235)  # the Playground's #e8eaeb, between the two
# Points with a middling value are drawn grey rather than NEUTRAL, which a surface near the
# middle would swallow.
POINT_MIDDLE = (150, 152, 155)

# Classes beyond the first two: hues that stay apart from blue, orange and each other
# (the rest of Tableau 10, which most people have seen in matplotlib).
_MORE_HUES = (
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)

# How far the surface goes towards a full class colour where the model is certain: points are
# drawn in full colour, so a lighter background keeps them visible on top of it.
SURFACE_STRENGTH = 0.6
LUT_SIZE = 256


def class_color(index: int) -> tuple[int, int, int]:
    """The colour of class `index` (0 blue, 1 orange, then further distinct hues, repeating)."""
    hues = (BLUE, ORANGE, *_MORE_HUES)
    return hues[index % len(hues)]


def class_colors(n: int) -> np.ndarray:
    """uint8 [n, 3]: the colours of n classes."""
    return np.array([class_color(i) for i in range(n)], dtype=np.uint8).reshape(n, 3)


def _blend(a: tuple[int, int, int], b: tuple[int, int, int], t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=np.float64)[:, None]
    return np.asarray(a, dtype=np.float64) * (1 - t) + np.asarray(b, dtype=np.float64) * t


def diverging_lut(
    low: tuple[int, int, int],
    high: tuple[int, int, int],
    strength: float = 1.0,
    middle: tuple[int, int, int] = NEUTRAL,
) -> np.ndarray:
    """uint8 [LUT_SIZE, 3]: `low` through `middle` to `high`, reaching `strength` of each end."""
    t = np.linspace(-1.0, 1.0, LUT_SIZE)
    below = _blend(middle, low, np.clip(-t, 0, 1) * strength)
    above = _blend(middle, high, np.clip(t, 0, 1) * strength)
    return np.where(t[:, None] < 0, below, above).round().astype(np.uint8)


def binary_lut(strength: float = 1.0) -> np.ndarray:
    """uint8 [LUT_SIZE, 3] for p(class 1) from 0 (blue) through neutral (0.5) to 1 (orange)."""
    return diverging_lut(BLUE, ORANGE, strength)


def regression_lut(strength: float = 1.0) -> np.ndarray:
    """uint8 [LUT_SIZE, 3] for a value from its low end (orange) to its high end (blue)."""
    return diverging_lut(ORANGE, BLUE, strength)


def regression_point_lut() -> np.ndarray:
    """uint8 [LUT_SIZE, 3] for data points' values: as `regression_lut`, grey in the middle."""
    return diverging_lut(ORANGE, BLUE, 1.0, POINT_MIDDLE)


def multiclass_lut(n_classes: int, strength: float = 1.0) -> np.ndarray:
    """uint8 [n_classes * LUT_SIZE, 3]: for each class, neutral (unsure) up to its colour (sure)."""
    t = np.linspace(0.0, 1.0, LUT_SIZE) * strength
    return (
        np.concatenate([_blend(NEUTRAL, class_color(k), t) for k in range(n_classes)])
        .round()
        .astype(np.uint8)
    )


def lookup(lut: np.ndarray, values: np.ndarray, low: float, high: float) -> np.ndarray:
    """The colours of `values` mapped linearly from [low, high] onto `lut` (NaN -> neutral)."""
    values = np.asarray(values, dtype=np.float64)
    span = high - low if high > low else 1.0
    frac = (values - low) / span
    index = np.clip(np.nan_to_num(frac, nan=0.5) * len(lut), 0, len(lut) - 1).astype(np.intp)
    return lut[index]


def encode_class_probabilities(probabilities: np.ndarray) -> np.ndarray:
    """A multi-class surface value per point: predicted class + how sure, in [0, n_classes).

    `probabilities` is [..., n_classes] (rows sum to 1). The integer part is the most likely
    class; the fraction runs from 0 (no better than chance, 1/n) to just under 1 (certain).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    n = p.shape[-1]
    best = p.argmax(axis=-1)
    top = np.take_along_axis(p, best[..., None], axis=-1)[..., 0]
    sure = np.clip((top - 1.0 / n) / (1.0 - 1.0 / n), 0.0, 0.999) if n > 1 else np.zeros_like(top)
    return best + sure
