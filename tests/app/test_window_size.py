"""The window on small and usual screens: it fits 1024 x 768, and nothing is cut or hidden."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt

from app.main_window import MainWindow


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    # The output's points come just after the first paint; their legend has its width then.
    qtbot.waitUntil(lambda: len(w.output_view.scatter["train"].data) > 0, timeout=3000)
    return w


def fits(window, width: int, height: int) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= width and hint.height() <= height


def test_the_window_fits_a_1024_by_768_screen(window, qtbot):
    assert fits(window, 1024, 768), window.minimumSizeHint()
    window.resize(1024, 768)
    qtbot.wait(50)
    assert (window.width(), window.height()) == (1024, 768)
    # Each area keeps at least the width its own controls ask for: nothing is cut at an edge.
    for area in (window.data_panel, window.training_panel, window.network_panel.cards[0]):
        assert area.width() >= area.minimumSizeHint().width(), type(area).__name__


def test_every_tab_fits_a_1024_wide_window(window):
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        assert fits(window, 1024, 768), (window.tabs.tabText(i), window.minimumSizeHint())


def test_showing_the_test_points_does_not_widen_the_window(window, qtbot):
    window.resize(1024, 768)
    qtbot.wait(50)
    assert window.output_view.show_test.isEnabled()  # the spiral keeps a test share
    window.output_view.show_test.click()
    qtbot.wait(50)
    assert window.width() == 1024
    assert fits(window, 1024, 768)


def test_the_default_network_shows_every_card_without_scrolling(window):
    panel = window.network_panel
    assert len(panel.cards) == 3
    assert panel.scroll_area.verticalScrollBar().maximum() == 0
    viewport = panel.scroll_area.viewport()
    bottom = panel.output_card.mapTo(viewport, panel.output_card.rect().bottomLeft()).y()
    assert bottom <= viewport.height()


def test_a_long_evaluation_line_wraps_and_loses_nothing(window, qtbot):
    window.resize(1024, 768)
    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    text = "30 validation rows · loss 0.1766 · epoch 40 · " * 4
    panel.detail.setText(text)
    panel.summary.setText("R² 0.241   ·   RMSE 66.69   ·   MAE 52.23   (in units of progression)")
    qtbot.wait(100)
    assert window.width() == 1024
    for label in (panel.detail, panel.summary):
        assert shows_all(label), label.text()


def shows_all(label) -> bool:
    """Every word of the label's text is inside it: one line that fits, or wrapped lines."""
    metrics = label.fontMetrics()
    if metrics.horizontalAdvance(label.text()) <= label.contentsRect().width():
        return True
    flags = Qt.TextFlag.TextWordWrap
    needed = metrics.boundingRect(
        QRect(0, 0, label.contentsRect().width(), 10_000), flags, label.text()
    )
    return label.wordWrap() and needed.height() <= label.contentsRect().height()
