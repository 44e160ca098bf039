"""The network diagram's legend: what the lines' colours and widths mean, or why none show yet."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QGraphicsSimpleTextItem

from app import theme
from app.plots.diagram_layout import MAX_NODES

# The key's words, longest first: the first that fits the diagram's width is shown.
_KEYS = (
    ("positive weight", "negative weight · thicker = larger"),
    ("positive", "negative · thicker = larger"),
    ("+ weight", "− weight"),
    ("+", "−"),  # the narrowest diagram (1024-pixel window, a wide output card beside it)
)


class WeightLegend:
    """'— positive weight  — negative weight · thicker = larger' once trained; a note before."""

    def __init__(
        self, scene: QGraphicsScene, text: Callable[[str], QGraphicsSimpleTextItem]
    ) -> None:
        """`text` makes a text item in the diagram's small muted style, in the scene."""
        self.lines: list[QGraphicsLineItem] = []
        for color in (theme.BLUE, theme.ORANGE):
            line = QGraphicsLineItem()
            pen = QPen(QColor(color), 2.5)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            line.setPen(pen)
            line.setZValue(6)
            scene.addItem(line)
            self.lines.append(line)
        self.positive = text("positive weight")
        self.negative = text("negative weight · thicker = larger")
        self.note = text("Weights appear once training starts")

    def show(self, trained: bool, blocks: bool) -> None:
        """The key once weights are drawn; before, the note (`blocks`: some never will be)."""
        for item in (*self.lines, self.positive, self.negative):
            item.setVisible(trained)
        # Weights of layers drawn as blocks never arrive: say so instead of promising them.
        self.note.setText(
            f"Weights are drawn when every layer has at most {MAX_NODES} units"
            if blocks
            else "Weights appear once training starts"
        )
        self.note.setVisible(not trained)

    def place(self, x: float, y: float, width: float = float("inf")) -> None:
        """Left end at `x`, centred on `y`, in words that fit `width` (shorter ones on a narrow
        diagram: at 1024 x 768 the full key ran past the diagram's edge)."""
        blue, orange = self.lines
        for positive, negative in _KEYS:
            self.positive.setText(positive)
            self.negative.setText(negative)
            needed = 21 + self.positive.boundingRect().width() + 12 + 21
            if needed + self.negative.boundingRect().width() <= width:
                break
        h = self.positive.boundingRect().height()
        blue.setLine(x, y, x + 16, y)
        self.positive.setPos(x + 21, y - h / 2)
        x2 = x + 21 + self.positive.boundingRect().width() + 12
        orange.setLine(x2, y, x2 + 16, y)
        self.negative.setPos(x2 + 21, y - h / 2)
        self.note.setPos(x, y - h / 2)
