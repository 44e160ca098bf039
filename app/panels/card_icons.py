"""Small line icons for the layer cards, painted in the palette's text colour.

Painted rather than loaded so they follow light and dark palettes and need no font glyphs.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication

_SIZE = 16


def card_icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon `name` ('add', 'up', 'down', 'duplicate', 'remove', 'grip') as a QIcon."""
    palette = QApplication.palette()
    if color is None:
        color = palette.windowText().color()
    faded = QColor(palette.placeholderText().color())
    faded.setAlphaF(0.45)
    icon = QIcon()
    for scale in (1, 2):
        icon.addPixmap(_paint(name, color, scale))
        icon.addPixmap(_paint(name, faded, scale), QIcon.Mode.Disabled)
    return icon


def _paint(name: str, color: QColor, scale: int) -> QPixmap:
    pixmap = QPixmap(_SIZE * scale, _SIZE * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(
        color, 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    )
    painter.setPen(pen)
    s = _SIZE
    if name == "add":
        painter.drawLine(QPointF(s / 2, 3.5), QPointF(s / 2, s - 3.5))
        painter.drawLine(QPointF(3.5, s / 2), QPointF(s - 3.5, s / 2))
    elif name in ("up", "down"):
        path = QPainterPath()
        top, bottom = (6.0, 10.5) if name == "up" else (10.5, 6.0)
        path.moveTo(3.5, bottom)
        path.lineTo(s / 2, top)
        path.lineTo(s - 3.5, bottom)
        painter.drawPath(path)
    elif name == "duplicate":
        painter.drawRoundedRect(QRectF(5.5, 5.5, 8, 8), 1.5, 1.5)
        path = QPainterPath()
        path.moveTo(3, 10.5)
        path.lineTo(3, 4)
        path.quadTo(3, 3, 4, 3)
        path.lineTo(10.5, 3)
        painter.drawPath(path)
    elif name == "remove":
        painter.drawLine(QPointF(4.5, 4.5), QPointF(s - 4.5, s - 4.5))
        painter.drawLine(QPointF(s - 4.5, 4.5), QPointF(4.5, s - 4.5))
    elif name == "grip":
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        for x in (6.0, 10.0):
            for y in (4.0, 8.0, 12.0):
                painter.drawEllipse(QPointF(x, y), 1.1, 1.1)
    else:
        raise KeyError(f"no card icon named {name!r}")
    painter.end()
    return pixmap
