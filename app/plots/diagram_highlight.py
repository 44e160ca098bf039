"""A frame around one layer of the network diagram: the layer the walk is at.

Kept outside the diagram: it finds the layer's items after each layout (a resize or a rebuild
moves or replaces them) and draws one rectangle behind them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, QTimer
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem
from shiboken6 import isValid

from app import theme
from app.plots.network_diagram import NetworkDiagram

MARGIN = 5.0


class DiagramHighlight(QObject):
    """Frames the layer named by `show_layer` ("input", dense1, batch_norm1, output; "" none)."""

    def __init__(self, diagram: NetworkDiagram) -> None:
        super().__init__(diagram)
        self.diagram = diagram
        self.layer = ""
        self._item: QGraphicsRectItem | None = None
        diagram.installEventFilter(self)
        diagram.project.changed.connect(self._place_later)

    def show_layer(self, name: str) -> None:
        self.layer = name
        self._place()

    def rect(self) -> QRectF | None:
        """Where the frame is drawn now, in scene coordinates; None when hidden."""
        item = self._live_item()
        return item.rect() if item is not None and item.isVisible() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place_later()
        return False

    def _place_later(self, *_args: object) -> None:
        QTimer.singleShot(0, self._place)

    def _live_item(self) -> QGraphicsRectItem | None:
        item = self._item
        if item is None or not isValid(item) or item.scene() is not self.diagram.scene():
            return None
        return item

    def _place(self) -> None:
        if not isValid(self.diagram):
            return
        area = self._area(self.layer)
        item = self._live_item()
        if area is None:
            if item is not None:
                item.setVisible(False)
            return
        if item is None:
            item = QGraphicsRectItem()
            accent = QColor(theme.current().highlight)
            item.setPen(QPen(accent, 2.0))
            fill = QColor(accent)
            fill.setAlpha(40)
            item.setBrush(QBrush(fill))
            item.setZValue(-1)  # behind the nodes and lines
            self.diagram.scene().addItem(item)
            self._item = item
        # Within the scene: the output column stands at the view's right edge.
        scene_rect = self.diagram.scene().sceneRect().adjusted(1, 1, -1, -1)
        item.setRect(area.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN).intersected(scene_rect))
        item.setVisible(True)

    def _area(self, name: str) -> QRectF | None:
        """The scene rectangle of the layer's nodes (or block, or bar) and its titles."""
        if not name:
            return None
        names = self.diagram.project.network.layer_names()
        for column in self.diagram.columns:
            layer = column.layer
            if (
                (name == "input" and layer.kind == "input")
                or (name == "output" and layer.kind == "output")
                or (layer.kind == "dense" and layer.name == name)
            ):
                parts = [n.sceneBoundingRect() for n in column.nodes]
                if column.block is not None:
                    parts.append(column.block.sceneBoundingRect())
                for text in (column.title_item, column.subtitle_item):
                    if text is not None and text.isVisible():
                        parts.append(text.sceneBoundingRect())
                return _union(parts)
        for bar in self.diagram.bars:
            index = bar.layer.hidden_index
            if index < len(names) and names[index] == name and bar.rect is not None:
                return bar.rect.sceneBoundingRect()
        return None


def _union(parts: list[QRectF]) -> QRectF | None:
    if not parts:
        return None
    out = QRectF(parts[0])
    for part in parts[1:]:
        out = out.united(part)
    return out
