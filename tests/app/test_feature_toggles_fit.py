"""On a 1024 x 768 screen the input-feature toggles wrap, and every row of them stays visible."""

from __future__ import annotations


def test_every_input_feature_toggle_is_visible_on_a_small_screen(bare_window, qtbot):
    bare_window.resize(1024, 768)
    toggles = bare_window.data_panel.input_features.toggles
    rows = lambda: {button.y() for button in toggles.values()}  # noqa: E731
    qtbot.waitUntil(lambda: len(rows()) > 1)  # the toggles wrapped onto more rows
    for name, button in toggles.items():
        seen = button.visibleRegion().boundingRect()
        assert seen.size() == button.size(), f"toggle {name} is cut off: {seen} of {button.size()}"
