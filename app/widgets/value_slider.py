"""A slider that edits on release, with a label beside it that follows the drag."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

__all__ = ["slider_row", "value_slider"]


def value_slider(
    bounds: tuple[int, int], steps: tuple[int, int], tip: str, widest: str, value_tip: str
) -> tuple[QSlider, QLabel]:
    """A slider that edits on release, and the label beside it that shows its value."""
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(*bounds)
    slider.setSingleStep(steps[0])
    slider.setPageStep(steps[1])
    slider.setTracking(False)
    slider.setToolTip(tip)
    value = QLabel()
    value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    value.setMinimumWidth(value.fontMetrics().horizontalAdvance(widest) + 4)
    value.setToolTip(value_tip)
    return slider, value


def slider_row(*widgets: QWidget) -> QHBoxLayout:
    """The widgets side by side, the first (the slider) taking the room the others leave."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w)
    row.setStretch(0, 1)
    return row
