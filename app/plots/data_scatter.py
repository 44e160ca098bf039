"""The data points on the output plot: one scatter per split, styled by the set they belong to.

Training points are filled with a darker rim of their own colour, validation points are rings,
test points crosses, hidden until asked for (and only then drawn). Each split's positions are
copied into an array allocated once at the cap, and each colour's pens and brush are made once:
the scatter caches a rendered symbol per style object.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from core.plot_points import PLOT_POINTS_PER_SPLIT, SPLITS

__all__ = ["DataScatter", "capped", "rgb_color", "split_codes"]


def rgb_color(c: tuple[int, int, int] | np.ndarray, alpha: int = 255) -> QColor:
    return QColor(int(c[0]), int(c[1]), int(c[2]), alpha)


def _pen(color: QColor, width: float) -> QPen:
    # Symbols are drawn at unit size and scaled: a non-cosmetic pen would scale with them.
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


class DataScatter:
    """The scatters of the training, validation and test points, added to `plot_item`."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._styles: dict[tuple[int, int, int], tuple[QBrush, QPen, QPen]] = {}
        self._cross_rim = _pen(QColor(40, 40, 40, 200), 0.8)
        # The hidden test set's points, drawn when the test points are shown.
        self._test_pending: tuple[np.ndarray, list[QBrush], float] | None = None
        self.items: dict[str, pg.ScatterPlotItem] = {}
        # Each split's positions are copied into its own array, allocated once at the cap.
        self._positions = {name: np.empty((PLOT_POINTS_PER_SPLIT, 2)) for name in SPLITS}
        for z, split in enumerate(SPLITS):
            scatter = pg.ScatterPlotItem(pxMode=True, symbol="x" if split == "test" else "o")
            scatter.setZValue(z + 1)
            plot_item.addItem(scatter)
            self.items[split] = scatter
        self.items["test"].setVisible(False)

    @property
    def test_shown(self) -> bool:
        return bool(self.items["test"].isVisible())

    def draw(self, x: np.ndarray, rgb: np.ndarray, split: np.ndarray) -> None:
        """Draw points `x` [n, 2] in colours `rgb` [n, 3], each in the scatter of its `split`
        code (core.plot_points.SPLITS)."""
        size = 7.0 if len(x) <= 1500 else 5.0 if len(x) <= 6000 else 3.5
        # One pen and brush object per distinct colour: the scatter caches a rendered symbol per
        # style object, so a fresh object per point would render every point's symbol anew.
        palette, index = np.unique(rgb, axis=0, return_inverse=True)
        index = index.reshape(-1)
        styles = [self._style((int(c[0]), int(c[1]), int(c[2]))) for c in palette]
        fills = [fill for fill, _, _ in styles]
        rims = [rim for _, rim, _ in styles]
        rings = [ring for _, _, ring in styles]
        self._test_pending = None
        for code, (name, scatter) in enumerate(self.items.items()):
            mask = split == code
            ids = index[mask]
            pos = self._positions[name][: len(ids)]
            pos[:] = x[mask]
            if name == "test" and not scatter.isVisible():
                # Hidden until asked for: drawn then (a third of the work, often never needed).
                self._test_pending = (pos, [fills[i] for i in ids], size)
                scatter.setData(pos=np.empty((0, 2)))
                continue
            if name == "train":
                # A darker rim of its own colour keeps a point visible on any background,
                # including a neutral one (a regression value near the middle).
                brushes = [fills[i] for i in ids]
                pens = [rims[i] for i in ids]
                scatter.setData(pos=pos, brush=brushes, pen=pens, size=size)
            elif name == "val":
                pens = [rings[i] for i in ids]
                scatter.setData(pos=pos, brush=QBrush(Qt.BrushStyle.NoBrush), pen=pens, size=size)
            else:
                self._draw_test(pos, [fills[i] for i in ids], size)

    def clear(self) -> None:
        """Draw no points."""
        self._test_pending = None
        for scatter in self.items.values():
            scatter.setData(pos=np.empty((0, 2)))

    def show_test(self, shown: bool) -> None:
        """Show or hide the test points (drawing them now if they were put off)."""
        self.items["test"].setVisible(shown)
        if shown and self._test_pending is not None:
            self._draw_test(*self._test_pending)
            self._test_pending = None

    def _draw_test(self, pos: np.ndarray, brushes: list[QBrush], size: float) -> None:
        self.items["test"].setData(pos=pos, brush=brushes, pen=self._cross_rim, size=size + 2)

    def _style(self, rgb: tuple[int, int, int]) -> tuple[QBrush, QPen, QPen]:
        """A colour's fill, rim and ring, made once: the scatter renders a symbol per style
        object, so fresh objects on every redraw would render (and keep) them all anew."""
        style = self._styles.get(rgb)
        if style is None:
            c = rgb_color(rgb)
            style = (QBrush(c), _pen(c.darker(150), 1.0), _pen(c.darker(125), 2.0))
            self._styles[rgb] = style
        return style


def split_codes(split: np.ndarray) -> np.ndarray:
    """uint8 codes (core.plot_points.SPLITS) of split names, or the codes as they are."""
    if split.dtype.kind in "US":
        codes = np.full(len(split), 255, dtype=np.uint8)
        for code, name in enumerate(SPLITS):
            codes[split == name] = code
        return codes
    return split.astype(np.uint8, copy=False)


def capped(split: np.ndarray) -> np.ndarray | None:
    """Positions keeping at most PLOT_POINTS_PER_SPLIT points of each set (an even subset),
    or None when no set has more: the plot never draws an uncapped scatter."""
    counts = np.bincount(split, minlength=len(SPLITS))
    if counts.max(initial=0) <= PLOT_POINTS_PER_SPLIT:
        return None
    keep = []
    for code in range(len(SPLITS)):
        rows = np.flatnonzero(split == code)
        if len(rows) > PLOT_POINTS_PER_SPLIT:
            rows = rows[np.linspace(0, len(rows) - 1, PLOT_POINTS_PER_SPLIT).astype(np.intp)]
        keep.append(rows)
    return np.sort(np.concatenate(keep))
