"""The health hints in the window: a badge on a layer card, a line in the status bar.

Both show the most important of their hints (core.health ranks them), say every hint's sentence
in their tooltip, and open the hint's Learn section when clicked.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QWidget

from app.learn_links import open_learn
from core.health import Hint

# Amber with white text: reads as "look at this" on the light and the dark palette alike, and
# is not the red of an invalid setting (a hint never stops training).
BADGE_COLOR = "#c77c0e"
BADGE_STYLE = (
    f"QToolButton {{ background: {BADGE_COLOR}; color: white; border: none; border-radius: 7px;"
    " padding: 0px 6px; font-weight: 600; }"
    " QToolButton:hover { background: #a8680b; }"
)


def hints_tooltip(hints: Sequence[Hint], where: bool = False) -> str:
    """Every hint's sentence, one paragraph each (with its layer when `where`), and the click."""
    lines = [
        f"<p>{escape(_where(hint) if where else '', False)}{escape(hint.sentence, False)}</p>"
        for hint in hints
    ]
    return "".join(lines) + "<p><i>Click to read about it in Learn.</i></p>"


def _where(hint: Hint) -> str:
    return "" if hint.layer is None else f"Layer {hint.layer + 1}: "


class HealthBadge(QToolButton):
    """A small amber badge naming a layer's most important hint; hidden while it has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("health_badge")
        self.setStyleSheet(BADGE_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        self.setFont(font)
        self.hints: tuple[Hint, ...] = ()
        self.clicked.connect(self._on_clicked)
        self.setVisible(False)

    def show_hints(self, hints: Sequence[Hint]) -> None:
        self.hints = tuple(hints)
        self.setVisible(bool(hints))
        if hints:
            more = f" +{len(hints) - 1}" if len(hints) > 1 else ""
            self.setText(f"⚠ {hints[0].title}{more}")
            self.setToolTip(hints_tooltip(hints))

    def _on_clicked(self) -> None:
        if self.hints:
            open_learn(self.hints[0].section)


class HealthLine(QLabel):
    """The status bar's line: the run's most important hint and its advice, cut to fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("health_line")
        self.setStyleSheet(f"color: {BADGE_COLOR}; font-weight: 600;")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Ignored: the line takes what the status bar gives and cuts its text to it.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hints: tuple[Hint, ...] = ()
        self._full = ""
        self.setVisible(False)

    def show_hints(self, hints: Sequence[Hint]) -> None:
        self.hints = tuple(hints)
        self.setVisible(bool(hints))
        if not hints:
            self._full = ""
            self.setText("")
            return
        top = hints[0]
        others = len(hints) - 1  # named in the tooltip
        more = f" · {others} more {'hint' if others == 1 else 'hints'}" if others else ""
        self._full = f"⚠ {_where(top)}{top.title}: {top.advice}{more}"
        self.setToolTip(hints_tooltip(hints, where=True))
        self._elide()

    @property
    def full_text(self) -> str:
        """The whole line, before it is cut to the width it has."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        text = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        if text != self.text():
            self.setText(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.hints:
            open_learn(self.hints[0].section)
        super().mouseReleaseEvent(event)
