"""How the network diagram shows numbers: weights as pens, a unit's output as a heatmap.

A line is blue for a positive weight and orange for a negative one, stronger and thicker the
larger it is, on one scale for the whole network. Pens are shared, one per (sign, magnitude
level), so restyling thousands of lines several times a second allocates nothing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPen, QPixmap

from app import theme
from app.plots.colors import LUT_SIZE, regression_lut
from app.plots.diagram_layout import MAX_PEN, MIN_PEN

NEUTRAL_EDGE = QColor(150, 156, 165, 110)  # lines before there are weights to show
PEN_LEVELS = 24  # weight magnitudes are drawn with this many line widths per sign

# Negative values orange, positive blue: the same as the weights' lines.
_HEATMAP_LUT = regression_lut()


def faded(color: QColor, alpha: float) -> QColor:
    out = QColor(color)
    out.setAlphaF(alpha)
    return out


def opaque(color: QColor, alpha: float, background: QColor) -> QColor:
    """`color` at `alpha` over `background`, as an opaque colour.

    Translucent antialiased lines cost the raster engine about six times as much to draw
    (measured: 25 ms against 4.6 ms a frame for the default network), and at 10 updates a
    second that time is taken from the window.
    """
    mix = [
        round(a * alpha + b * (1 - alpha))
        for a, b in zip(color.getRgb()[:3], background.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


class WeightPens:
    """The pens of weight lines over one background, for lines at most `max_width` wide."""

    def __init__(self) -> None:
        self._pens: dict[tuple[int, int], QPen] = {}
        self.background = QColor()
        self.max_width = MAX_PEN
        self.neutral = QPen(NEUTRAL_EDGE, 1.0)  # made opaque by `set_background`

    def set_background(self, background: QColor) -> None:
        self._pens.clear()
        self.background = background
        self.neutral = QPen(opaque(NEUTRAL_EDGE, NEUTRAL_EDGE.alphaF(), background), 1.0)

    def set_max_width(self, width: float) -> bool:
        """True when the width changed (the lines need their new pens)."""
        if width == self.max_width:
            return False
        self.max_width = width
        self._pens.clear()
        return True

    def pen(self, sign: int, level: int) -> QPen:
        """The pen of a weight of `sign` (1 or -1) and magnitude `level` (0 to PEN_LEVELS - 1)."""
        key = (sign, level)
        pen = self._pens.get(key)
        if pen is None:
            frac = level / (PEN_LEVELS - 1)
            floor = 0.5 if theme.current().dark else 0.35  # faint lines vanish on a dark canvas
            color = opaque(
                QColor(theme.BLUE if sign > 0 else theme.ORANGE),
                floor + (1 - floor) * frac,
                self.background,
            )
            pen = QPen(color, MIN_PEN + (self.max_width - MIN_PEN) * frac)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen


def line_levels(
    w: np.ndarray, src_is_block: bool, dst_is_block: bool, scale: float
) -> tuple[list[int], list[int]]:
    """Each line's sign and magnitude level for the [out, in] weights `w` of one gap.

    Beside a block a line stands for all of a node's weights: their mean sign, mean size.
    """
    if src_is_block:
        values, sizes = w.mean(axis=1), np.abs(w).mean(axis=1)
    elif dst_is_block:
        values, sizes = w.mean(axis=0), np.abs(w).mean(axis=0)
    else:
        values = w.reshape(-1)  # row-major [out, in]: n = o * n_in + i, as laid out
        sizes = np.abs(values)
    levels = np.clip(np.rint(sizes / scale * (PEN_LEVELS - 1)), 0, PEN_LEVELS - 1).astype(int)
    signs = np.where(values >= 0, 1, -1)
    return signs.tolist(), levels.tolist()


def heatmap_pixmap(values: np.ndarray) -> QPixmap:
    """A [g, g] grid of a unit's output as pixels: orange low, blue high, row 0 at the bottom."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64))
    peak = float(np.abs(values).max()) or 1.0
    index = np.clip(((values / peak + 1) / 2 * (LUT_SIZE - 1)).round(), 0, LUT_SIZE - 1).astype(
        np.intp
    )
    rgb = np.ascontiguousarray(_HEATMAP_LUT[index][::-1])  # row 0 is the lowest y: at the bottom
    g_h, g_w = rgb.shape[:2]
    image = QImage(rgb.data, g_w, g_h, 3 * g_w, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image)
