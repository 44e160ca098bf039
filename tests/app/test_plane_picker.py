"""The plane's two drop-downs never cut a feature's name: on a narrow column they stack."""

from __future__ import annotations

import pytest

from app.widgets.plane_picker import PlanePicker

NAMES = ("worst perimeter", "worst concave points", "mean radius")


@pytest.mark.parametrize("width", [640, 260])
def test_the_chosen_features_are_shown_in_full(qtbot, width):
    picker = PlanePicker()
    qtbot.addWidget(picker)
    picker.show_choices(NAMES, ("worst perimeter", "worst concave points"))
    picker.resize(width, picker.sizeHint().height())
    picker.show()
    qtbot.waitExposed(picker)
    for combo in (picker.plane_x, picker.plane_y):
        text = combo.currentText()
        # The drop-down is wide enough for its text, its frame and its arrow.
        qtbot.waitUntil(
            lambda c=combo, t=text: c.width() >= c.fontMetrics().horizontalAdvance(t) + 30
        )
    stacked = picker.plane_y.y() > picker.plane_x.y()
    assert stacked == (width < 400)  # one row where it fits, two where it does not
