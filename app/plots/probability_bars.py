"""Each class's probability for one row, as horizontal bars in the classes' own colours.

The bars and their labels are made once per set of classes; `set_probabilities` only refills
them, so it can follow typing. With many classes the most likely ones are shown.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import QWidget

from app import theme
from app.plots import colors

MAX_BARS = 10
BAR_PX = 22  # height per bar
LABEL_GAP = 0.02  # between a bar's end and its percentage, in probability units


class ProbabilityBars(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("How likely the model finds each class for this row.")
        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        item.hideAxis("bottom")
        item.getAxis("left").setStyle(tickLength=0)
        self.viewbox = item.getViewBox()
        self.viewbox.invertY(True)  # the most likely class on top
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        item.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        self.class_names: tuple[str, ...] = ()
        self.shown: list[int] = []  # class indices, top to bottom
        self._apply_theme()
        self._themed = True
        self.set_classes(())
        self.viewbox.sigResized.connect(self._fit_range)

    def set_classes(self, class_names: tuple[str, ...]) -> None:
        self.class_names = tuple(class_names)
        n = min(len(class_names), MAX_BARS)
        for label in self.labels:
            self.getPlotItem().removeItem(label)
        self.labels = []
        for _ in range(n):
            label = pg.TextItem(anchor=(0, 0.5))
            label.setColor(QColor(theme.current().text))
            self.getPlotItem().addItem(label)
            self.labels.append(label)
        self.setFixedHeight(max(1, n) * BAR_PX + 12)
        self.bars.setOpts(x0=[], y=[], width=[])
        self._fit_range()

    def _fit_range(self) -> None:
        """Leave room right of a full bar for its widest label, "100%", at the plot's width."""
        n = max(len(self.labels), 1)
        width = self.viewbox.width()
        text = QFontMetricsF(self.font()).horizontalAdvance("100%") + 8
        right = LABEL_GAP + 1.0
        x_max = right * width / (width - text) if width > 2 * text else right * 2
        self.viewbox.setRange(xRange=(0, x_max), yRange=(-0.5, n - 0.5), padding=0)

    def set_probabilities(self, probabilities: np.ndarray) -> None:
        p = np.asarray(probabilities, dtype=np.float64)
        order = np.argsort(-p, kind="stable")[: len(self.labels)]
        self.shown = [int(i) for i in order]
        y = np.arange(len(order))
        brushes = [pg.mkBrush(colors.class_color(i)) for i in order]
        self.bars.setOpts(x0=np.zeros(len(order)), y=y, width=p[order], brushes=brushes)
        self.getPlotItem().getAxis("left").setTicks(
            [[(k, self.class_names[i]) for k, i in enumerate(order)]]
        )
        for k, label in enumerate(self.labels):
            label.setText(f"{p[order[k]]:.0%}")
            label.setPos(p[order[k]] + LABEL_GAP, k)

    def _apply_theme(self) -> None:
        t = theme.current()
        self.setBackground(t.plot_background)
        axis = self.getPlotItem().getAxis("left")
        axis.setPen(pg.mkPen(t.plot_foreground))
        axis.setTextPen(pg.mkPen(t.plot_foreground))
        for label in getattr(self, "labels", []):
            label.setColor(QColor(t.text))

    def changeEvent(self, event: QEvent) -> None:
        # pyqtgraph's own constructor changes the palette before the plot item exists.
        if event.type() == QEvent.Type.PaletteChange and self.__dict__.get("_themed"):
            self._apply_theme()
        super().changeEvent(event)
