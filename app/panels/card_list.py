"""The network builder's column of cards: the gaps between them, each with a + that adds a layer
there, and the dropping of a dragged layer card into one of those gaps."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QToolButton,
    QWidget,
)

from app.panels.card_icons import card_icon
from core.layers import LAYER_KINDS

__all__ = ["INSERT_ROW_HEIGHT", "LAYER_MIME", "CardList", "InsertRow"]

LAYER_MIME = "application/x-nnplay-layer"
INSERT_ROW_HEIGHT = 18


class InsertRow(QWidget):
    """The gap between two cards: a connector line and a + that adds a layer there."""

    add_clicked = Signal(str)  # the layer kind

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slot = 0  # the hidden-layer index a new layer gets
        self._drop_target = False
        self.button = QToolButton(self)
        self.button.setIcon(card_icon("add"))
        self.button.setAutoRaise(True)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.button.setToolTip("Add a dense layer here (the arrow offers the other kinds)")
        menu = QMenu(self.button)
        menu.setToolTipsVisible(True)
        for key, kind in LAYER_KINDS.items():
            action = menu.addAction(f"Add {kind.label.lower()} layer")
            action.setToolTip(kind.description)
            action.triggered.connect(lambda _=False, k=key: self.add_clicked.emit(k))
        self.button.setMenu(menu)
        self.button.clicked.connect(lambda: self.add_clicked.emit("dense"))
        # Small, so that a default network's cards all fit in the column without scrolling.
        self.button.setIconSize(QSize(12, 12))
        self.button.setFixedHeight(INSERT_ROW_HEIGHT - 2)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 1, 0, 1)
        row.addStretch(1)
        row.addWidget(self.button)
        row.addStretch(1)
        self.setFixedHeight(INSERT_ROW_HEIGHT)

    def set_drop_target(self, on: bool) -> None:
        if on != self._drop_target:
            self._drop_target = on
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        x = self.width() / 2
        pill = QRectF(self.button.geometry()).adjusted(-2, 0.5, 2, -0.5)
        painter.setPen(QPen(pal.mid().color(), 1.5))
        painter.drawLine(QPointF(x, 0), QPointF(x, pill.top()))
        painter.drawLine(QPointF(x, pill.bottom()), QPointF(x, self.height()))
        painter.setPen(QPen(pal.mid().color(), 1))
        painter.setBrush(pal.base())
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        if self._drop_target:
            painter.setPen(QPen(pal.highlight().color(), 3))
            y = self.height() / 2
            painter.drawLine(QPointF(6, y), QPointF(self.width() - 6, y))


class CardList(QWidget):
    """The column of cards; it takes dropped layer cards and says where they should go."""

    layer_dropped = Signal(int, int)  # from hidden index, to slot (0..n)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.rows: list[InsertRow] = []

    def slot_at(self, y: float) -> int:
        """The insert slot nearest to height `y`."""
        return min(self.rows, key=lambda r: abs(r.geometry().center().y() - y)).slot

    def _show_target(self, slot: int | None) -> None:
        for row in self.rows:
            row.set_drop_target(row.slot == slot)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            self._show_target(self.slot_at(event.position().y()))
            event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._show_target(None)

    def dropEvent(self, event: QDropEvent) -> None:
        self._show_target(None)
        if not event.mimeData().hasFormat(LAYER_MIME):
            return
        source = int(bytes(event.mimeData().data(LAYER_MIME).data()).decode())
        event.acceptProposedAction()
        self.layer_dropped.emit(source, self.slot_at(event.position().y()))
