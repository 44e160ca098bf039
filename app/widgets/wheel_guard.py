"""The scroll wheel scrolls a panel; it never changes a value the mouse happens to pass over.

Installed on each combo box and spin box (not on the application: a Python filter there runs
for every event of every widget, 28,000 of them before the first paint): one inside a scrolling
area takes the wheel only when it has the focus (the user clicked or tabbed into it). Otherwise the wheel
scrolls the area around it, as the user meant (a wheel over the Columns table once changed a
column's missing-value handling, and with it the network's input count).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """An application-wide event filter; see the module's docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() != QEvent.Type.Wheel
            or not isinstance(watched, (QComboBox, QAbstractSpinBox))
            or watched.hasFocus()
        ):
            return False
        area = _scroll_area_around(watched)
        if area is None:
            return False  # not in a scrolling area: the wheel is the control's own
        bar = area.verticalScrollBar()
        if bar.isVisible():
            QApplication.sendEvent(bar, event)  # scrolls the area instead
        return True


_guard: WheelGuard | None = None


def guard_wheel(*widgets: QWidget) -> None:
    """Guard these controls (combo boxes and spin boxes; others are left as they are)."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(QApplication.instance())
    for widget in widgets:
        if isinstance(widget, (QComboBox, QAbstractSpinBox)):
            widget.installEventFilter(_guard)


def guard_wheel_below(root: QWidget) -> None:
    """Guard every combo box and spin box inside `root`, as built now."""
    guard_wheel(*root.findChildren(QComboBox), *root.findChildren(QAbstractSpinBox))
