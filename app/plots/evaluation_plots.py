"""The pictures of an evaluation: a confusion matrix, predicted against actual, the residuals.

Each plot keeps its items and refills them (`set_*`); the matrix makes new count labels only
when the number of classes changes. Colours come from `app.theme`, and follow a palette change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

from app import theme
from core.text import plural

# Past this many classes the cells are too small for their counts (hover still tells them).
MAX_LABELLED_CLASSES = 20
MAX_BINS = 40
# Class names down the side are cut to this width, so that long ones leave the cells room.
MAX_ROW_NAME_PX = 110
NAME_GAP_PX = 8  # between two names across the bottom


def _mix(a: QColor, b: QColor, t: np.ndarray) -> np.ndarray:
    """uint8 [..., 3]: colour a blended towards b by t in [0, 1]."""
    ca = np.array([a.red(), a.green(), a.blue()], dtype=np.float64)
    cb = np.array([b.red(), b.green(), b.blue()], dtype=np.float64)
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, 1.0)[..., None]
    return np.round(ca + (cb - ca) * t).astype(np.uint8)


class _Plot(pg.PlotWidget):
    """A still plot (no mouse zoom, no menu) in the theme's colours."""

    def __init__(self, x_label: str, y_label: str, tooltip: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(200, 160)
        self.setToolTip(tooltip)
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        self.set_labels(x_label, y_label)
        self._apply_theme()
        self._themed = True

    def set_labels(self, x_label: str, y_label: str) -> None:
        item = self.getPlotItem()
        item.setLabel("bottom", x_label)
        item.setLabel("left", y_label)

    def _apply_theme(self) -> None:
        t = theme.current()
        self.setBackground(t.plot_background)
        item = self.getPlotItem()
        for name in ("bottom", "left"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(t.plot_foreground))
            axis.setTextPen(pg.mkPen(t.plot_foreground))

    def changeEvent(self, event: QEvent) -> None:
        # pyqtgraph's own constructor changes the palette before the plot item exists.
        if event.type() == QEvent.Type.PaletteChange and self.__dict__.get("_themed"):
            self._apply_theme()
        super().changeEvent(event)


class ConfusionMatrixPlot(_Plot):
    """Counts of (true, predicted) class pairs: true classes down, predicted across.

    A cell's shade is its share of its true class (its row): blue on the diagonal, where the
    model is right, orange off it, where it confuses one class for another.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "predicted class",
            "true class",
            "How often each class (row) was predicted as each class (column). Blue: right; "
            "orange: mistaken; the deeper, the larger the share of that row.",
            parent,
        )
        item = self.getPlotItem()
        self.viewbox = item.getViewBox()
        self.viewbox.invertY(True)  # the first class at the top, as a table reads
        self.viewbox.setAspectLocked(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        item.addItem(self.image)
        self.labels: list[pg.TextItem] = []
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.class_names: tuple[str, ...] = ()
        item.getAxis("left").setStyle(tickLength=0)
        item.getAxis("bottom").setStyle(tickLength=0)
        self._hover = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=30, slot=self._on_hover)
        self.viewbox.sigResized.connect(self._fit_class_names)
        self.viewbox.sigRangeChanged.connect(self._fit_class_names)

    def set_matrix(self, counts: np.ndarray, class_names: tuple[str, ...]) -> None:
        counts = np.asarray(counts, dtype=np.int64)
        n = len(class_names)
        self.counts, self.class_names = counts, tuple(class_names)
        self.image.setImage(self._colours(counts), autoLevels=False, levels=(0, 255))
        self.image.setRect(QRectF(0, 0, n, n))
        self.viewbox.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)
        self._fit_class_names()
        self._update_labels()

    def shown_class_names(self, axis: str) -> list[str]:
        """The class names as the `bottom` or `left` axis shows them (cut to fit)."""
        ticks = self.getPlotItem().getAxis(axis)._tickLevels or [[]]
        return [text for _, text in ticks[0]]

    def class_name_font(self) -> QFont:
        axis = self.getPlotItem().getAxis("bottom")
        return axis.style.get("tickFont") or axis.font()

    def _fit_class_names(self, *_: object) -> None:
        """Cut each name to its cell's width ("Adelie" "Chinstrap" ran into "AdelieChinstrap");
        the tooltip over a cell names both classes in full."""
        names = self.class_names
        if not names:
            return
        metrics = QFontMetrics(self.class_name_font())
        units_per_px = self.viewbox.viewPixelSize()[0]
        cell_px = int(1 / units_per_px) if units_per_px > 0 else 0
        across = max(cell_px - NAME_GAP_PX, 0)
        elide = Qt.TextElideMode.ElideRight
        item = self.getPlotItem()
        item.getAxis("bottom").setTicks(
            [[(i + 0.5, metrics.elidedText(name, elide, across)) for i, name in enumerate(names)]]
        )
        item.getAxis("left").setTicks(
            [
                [
                    (i + 0.5, metrics.elidedText(name, elide, MAX_ROW_NAME_PX))
                    for i, name in enumerate(names)
                ]
            ]
        )

    def _colours(self, counts: np.ndarray) -> np.ndarray:
        t = theme.current()
        base = QColor(t.plot_background)
        share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        right = _mix(base, QColor(theme.BLUE), share)
        # Errors are rarer: a lighter touch would hide them, so their shade starts higher.
        wrong = _mix(base, QColor(theme.ORANGE), np.where(share > 0, 0.25 + 0.75 * share, 0.0))
        diagonal = np.eye(len(counts), dtype=bool)[..., None]
        rgba = np.empty((*counts.shape, 4), dtype=np.uint8)
        rgba[..., :3] = np.where(diagonal, right, wrong)
        rgba[..., 3] = 255
        return rgba

    def _update_labels(self) -> None:
        n = len(self.class_names)
        wanted = n * n if n <= MAX_LABELLED_CLASSES else 0
        if len(self.labels) != wanted:
            for label in self.labels:
                self.getPlotItem().removeItem(label)
            font = QFont()
            font.setPointSizeF(max(7.0, 11.0 - 0.3 * n))
            self.labels = []
            for _ in range(wanted):
                label = pg.TextItem(anchor=(0.5, 0.5))
                label.setFont(font)
                self.getPlotItem().addItem(label)
                self.labels.append(label)
        if not wanted:
            return
        rgb = self._colours(self.counts)[..., :3].astype(np.float64)
        light = rgb @ np.array([0.299, 0.587, 0.114]) > 150
        dark_text = QColor(theme.LIGHT.text)
        for k, label in enumerate(self.labels):
            i, j = divmod(k, n)
            label.setText(f"{int(self.counts[i, j]):,}")
            label.setColor(dark_text if light[i, j] else QColor("#ffffff"))
            label.setPos(j + 0.5, i + 0.5)

    def _on_hover(self, event: tuple[object]) -> None:
        pos = event[0]
        n = len(self.class_names)
        if not n or not self.sceneBoundingRect().contains(pos):
            return
        p = self.viewbox.mapSceneToView(pos)
        j, i = int(np.floor(p.x())), int(np.floor(p.y()))
        if 0 <= i < n and 0 <= j < n:
            row = max(int(self.counts[i].sum()), 1)
            self.setToolTip(
                f"{plural(int(self.counts[i, j]), 'row', 'rows')} of {self.class_names[i]!r} predicted as "
                f"{self.class_names[j]!r} ({self.counts[i, j] / row:.0%} of that class)"
            )

    def _apply_theme(self) -> None:
        super()._apply_theme()
        if getattr(self, "class_names", ()):
            self.image.setImage(self._colours(self.counts), autoLevels=False, levels=(0, 255))
            self._update_labels()


class PredictedActualPlot(_Plot):
    """Each row's prediction against its true value; on the dashed line they are equal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "actual",
            "predicted",
            "Each validation row: its true value across, the model's prediction up. "
            "Points on the dashed line are predicted exactly.",
            parent,
        )
        item = self.getPlotItem()
        item.showGrid(x=True, y=True, alpha=theme.current().grid_alpha)
        self.ideal = pg.PlotDataItem()
        self.points = pg.ScatterPlotItem(pxMode=True, size=5, pen=None)
        item.addItem(self.ideal)
        item.addItem(self.points)
        self._restyle()

    def set_values(self, actual: np.ndarray, predicted: np.ndarray, target: str) -> None:
        actual = np.asarray(actual, dtype=np.float64)
        predicted = np.asarray(predicted, dtype=np.float64)
        self.set_labels(f"actual {target}", f"predicted {target}")
        self.points.setData(actual, predicted)
        self._restyle()  # many points get fainter, so that dense areas read as dense
        both = np.concatenate([actual, predicted])
        both = both[np.isfinite(both)]
        if len(both):
            lo, hi = float(both.min()), float(both.max())
            pad = (hi - lo) * 0.04 or 1.0
            self.ideal.setData([lo - pad, hi + pad], [lo - pad, hi + pad])
            self.getPlotItem().getViewBox().setRange(
                xRange=(lo - pad, hi + pad), yRange=(lo - pad, hi + pad), padding=0
            )

    def _restyle(self) -> None:
        t = theme.current()
        colour = QColor(t.train)
        colour.setAlpha(140 if len(self.points.data) < 1000 else 70)
        self.points.setBrush(pg.mkBrush(colour))
        self.ideal.setPen(pg.mkPen(t.muted, width=1, style=Qt.PenStyle.DashLine))

    def _apply_theme(self) -> None:
        super()._apply_theme()
        if hasattr(self, "points"):
            self._restyle()


class ResidualHistogram(_Plot):
    """How far predictions miss: a histogram of prediction minus truth, zero marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "predicted − actual",
            "rows",
            "How many rows the model misses by how much: a narrow peak at zero is good; "
            "a peak off zero means it predicts too high or too low overall.",
            parent,
        )
        item = self.getPlotItem()
        item.showGrid(x=False, y=True, alpha=theme.current().grid_alpha)
        self.bars = pg.PlotDataItem(stepMode="center", fillLevel=0)
        self.zero = pg.InfiniteLine(pos=0, angle=90, movable=False)
        item.addItem(self.bars)
        item.addItem(self.zero)
        self._restyle()

    def set_residuals(self, residuals: np.ndarray, target: str) -> None:
        r = np.asarray(residuals, dtype=np.float64)
        r = r[np.isfinite(r)]
        self.set_labels(f"predicted − actual {target}", "rows")
        if not len(r):
            self.bars.setData([], [])
            return
        bins = int(np.clip(np.sqrt(len(r)), 10, MAX_BINS))
        counts, edges = np.histogram(r, bins=bins)
        self.bars.setData(edges, counts)
        self.getPlotItem().getViewBox().autoRange(padding=0.05)

    def _restyle(self) -> None:
        t = theme.current()
        fill = QColor(t.train)
        fill.setAlpha(110)
        self.bars.setPen(pg.mkPen(t.train, width=1))
        self.bars.setBrush(pg.mkBrush(fill))
        self.zero.setPen(pg.mkPen(t.muted, width=1, style=Qt.PenStyle.DashLine))

    def _apply_theme(self) -> None:
        super()._apply_theme()
        if hasattr(self, "bars"):
            self._restyle()
