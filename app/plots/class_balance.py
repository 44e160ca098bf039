"""A small bar chart of what a target holds: one bar per class, or a histogram of its values.

Painted with QPainter (a handful of bars needs no plot widget): classes as horizontal bars in
their class colours, with the name and count beside each; a numeric target as a histogram.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.plots import colors

MAX_BARS = 10  # more classes than this: the largest are shown, and a line says how many more
BAR_HEIGHT = 14
BAR_GAP = 4


class ClassBalance(QWidget):
    """Bars for class counts (`set_classes`) or for a histogram (`set_histogram`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: tuple[str, ...] = ()
        self._counts: tuple[int, ...] = ()
        self._histogram = False
        self._range = ("", "")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("How many rows each class of the target has.")

    # --- public -------------------------------------------------------------------------------

    def set_classes(self, labels: tuple[str, ...], counts: tuple[int, ...]) -> None:
        self._labels, self._counts, self._histogram = tuple(labels), tuple(counts), False
        self.setToolTip("How many rows each class of the target has.")
        self._changed()

    def set_histogram(self, counts: tuple[int, ...], low: str, high: str) -> None:
        self._labels, self._counts, self._histogram = (), tuple(counts), True
        self._range = (low, high)
        self.setToolTip("How the target's values are spread, from its lowest to its highest.")
        self._changed()

    def clear(self) -> None:
        self._labels, self._counts = (), ()
        self._changed()

    @property
    def bars(self) -> list[tuple[str, int]]:
        """What is drawn: (label, count) per bar (for tests and accessibility)."""
        return list(zip(self._labels, self._counts, strict=False))

    def sizeHint(self) -> QSize:
        return QSize(240, self._height())

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self._height())

    # --- drawing ------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.setFixedHeight(self._height())
        summary = ", ".join(f"{label}: {count:,}" for label, count in self.bars[:MAX_BARS])
        self.setAccessibleDescription(summary)
        self.update()

    def _shown(self) -> list[tuple[int, str, int]]:
        """(class index, label, count) of the bars drawn: the largest MAX_BARS classes."""
        items = list(enumerate(zip(self._labels, self._counts, strict=False)))
        if len(items) > MAX_BARS:
            items = sorted(items, key=lambda item: -item[1][1])[:MAX_BARS]
            items.sort()
        return [(i, label, count) for i, (label, count) in items]

    def _height(self) -> int:
        if not self._counts:
            return 0
        if self._histogram:
            return 70 + self.fontMetrics().height()
        rows = len(self._shown()) + (1 if len(self._labels) > MAX_BARS else 0)
        return rows * (BAR_HEIGHT + BAR_GAP) + BAR_GAP

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._counts:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._histogram:
            self._paint_histogram(painter)
        else:
            self._paint_classes(painter)
        painter.end()

    def _paint_classes(self, painter: QPainter) -> None:
        fm = self.fontMetrics()
        shown = self._shown()
        total = max(sum(self._counts), 1)
        top = max(self._counts) or 1
        label_w = min(max(fm.horizontalAdvance(label) for _, label, _ in shown) + 8, 110)
        count_w = fm.horizontalAdvance(f"{top:,} (100 %)") + 8
        bar_w = max(self.width() - label_w - count_w, 20)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        y = BAR_GAP
        for i, label, count in shown:
            row = QRectF(0, y, label_w - 6, BAR_HEIGHT)
            painter.setPen(text)
            painter.drawText(
                row,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 6),
            )
            width = bar_w * count / top
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(*colors.class_color(i)))
            painter.drawRoundedRect(QRectF(label_w, y + 1, max(width, 1.0), BAR_HEIGHT - 2), 2, 2)
            painter.setPen(text)
            share = 100 * count / total
            painter.drawText(
                QRectF(label_w + width + 4, y, count_w, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{count:,} ({share:.0f} %)",
            )
            y += BAR_HEIGHT + BAR_GAP
        if len(self._labels) > MAX_BARS:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                QRectF(0, y, self.width(), BAR_HEIGHT),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"… and {len(self._labels) - MAX_BARS:,} more classes",
            )

    def _paint_histogram(self, painter: QPainter) -> None:
        fm = self.fontMetrics()
        height = self.height() - fm.height() - 4
        n = len(self._counts)
        top = max(self._counts) or 1
        width = self.width() / n
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(*colors.BLUE))
        for i, count in enumerate(self._counts):
            h = height * count / top
            painter.drawRect(QRectF(i * width + 1, height - h, max(width - 2, 1.0), h))
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        low, high = self._range
        below = QRectF(0, height + 2, self.width(), fm.height())
        painter.drawText(below, Qt.AlignmentFlag.AlignLeft, low)
        painter.drawText(below, Qt.AlignmentFlag.AlignRight, high)
