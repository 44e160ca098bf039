"""The scroll wheel over a control it did not click into scrolls the panel, not the value."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from app.widgets.wheel_guard import guard_wheel_below


def scrolling_panel(qtbot):
    content = QWidget()
    layout = QVBoxLayout(content)
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["mean", "median", "drop rows"])
    spin.setRange(0, 100)
    spin.setValue(50)
    layout.addWidget(combo)
    layout.addWidget(spin)
    layout.addSpacing(2000)  # taller than the area: it scrolls
    guard_wheel_below(content)
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.resize(300, 200)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area, combo, spin


def test_the_wheel_over_an_unfocused_control_scrolls_the_panel(qtbot, wheel_down):
    area, combo, spin = scrolling_panel(qtbot)
    wheel_down(combo)
    wheel_down(spin)
    assert combo.currentText() == "mean" and spin.value() == 50  # nothing changed by accident
    assert area.verticalScrollBar().value() > 0  # the panel scrolled instead


def test_a_focused_control_still_takes_the_wheel(qtbot, wheel_down):
    _area, _combo, spin = scrolling_panel(qtbot)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    wheel_down(spin)
    assert spin.value() == 49
