"""The window on small and usual screens: it fits 1024 x 768, and nothing is cut or hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QRect, Qt

from app.main_window import MainWindow
from core.dataset import load_frame, prepare_data
from core.plot_points import sample_plot_points

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qapp, qtbot):
    from app.theme import apply_theme

    # The windows of earlier tests go first: a restyle must not polish what is half deleted.
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    apply_theme(qapp, "light")  # as the app starts: its style's controls are wider than Qt's
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    # The output's points, as the engine sends them (this window has none): their legend has
    # its width then.
    frame = load_frame(w.project.data.source)
    data = prepare_data(w.project.data, frame)
    w.output_view.show_points(sample_plot_points(frame, data, ("x1", "x2")))
    return w


def fits(window, width: int, height: int) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= width and hint.height() <= height


def test_the_window_fits_a_1024_by_768_screen(window, qtbot, settle_layout):
    assert fits(window, 1024, 768), window.minimumSizeHint()
    window.resize(1024, 768)
    settle_layout()
    assert (window.width(), window.height()) == (1024, 768)
    # Each area keeps at least the width its own controls ask for: nothing is cut at an edge.
    for area in (window.data_panel, window.training_panel, window.network_panel.cards[0]):
        assert area.width() >= area.minimumSizeHint().width(), type(area).__name__
    # And every card of the network builder lies inside its column (no sideways scrolling).
    panel = window.network_panel
    viewport = panel.scroll_area.viewport()
    for card in (panel.input_card, *panel.cards, panel.output_card):
        right = card.mapTo(viewport, card.rect().topRight()).x()
        assert right < viewport.width(), (type(card).__name__, right, viewport.width())


def test_every_tab_fits_a_1024_wide_window(window):
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        assert fits(window, 1024, 768), (window.tabs.tabText(i), window.minimumSizeHint())


def test_showing_the_test_points_does_not_widen_the_window(window, qtbot, settle_layout):
    window.resize(1024, 768)
    settle_layout()
    assert window.output_view.show_test.isEnabled()  # the spiral keeps a test share
    window.output_view.show_test.click()
    qtbot.waitUntil(window.output_view.scatter["test"].isVisible, timeout=3000)
    settle_layout()
    assert window.width() == 1024
    assert fits(window, 1024, 768)


# In a process of its own, as the app starts: after some 200 other window tests in one process
# the cards measured one text line taller (21 px) than in the app, a leftover of those tests.
SHOW_DEFAULT_NETWORK = """
import sys
from PySide6.QtWidgets import QApplication
from app.theme import apply_theme
from app.main_window import MainWindow
app = QApplication([])
apply_theme(app, "light")
window = MainWindow()
window.resize(1400, 900)
window.show()
for _ in range(20):
    app.processEvents()
panel = window.network_panel
viewport = panel.scroll_area.viewport()
bottom = panel.output_card.mapTo(viewport, panel.output_card.rect().bottomLeft()).y()
print(len(panel.cards), panel.scroll_area.verticalScrollBar().maximum(), bottom <= viewport.height())
window.project.undo_stack.setClean()
"""


@pytest.mark.slow  # a process of its own
def test_the_default_network_shows_every_card_without_scrolling(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NNPLAY_DATA_DIR": str(tmp_path)}
    r = subprocess.run(
        [sys.executable, "-c", SHOW_DEFAULT_NETWORK],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.stdout.split() == ["3", "0", "True"], r.stdout + r.stderr


def test_a_long_evaluation_line_wraps_and_loses_nothing(window, qtbot, settle_layout):
    window.resize(1024, 768)
    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    text = "30 validation rows · loss 0.1766 · epoch 40 · " * 4
    panel.detail.setText(text)
    panel.summary.setText("R² 0.241   ·   RMSE 66.69   ·   MAE 52.23   (in units of progression)")
    settle_layout()
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


# --- a 30-feature CSV with its predictions shown: the state a newcomer reaches in minutes ----


@pytest.fixture(scope="module")
def predicting(qapp, steps):
    """A window with its engine, for breast_cancer.csv (30 features) and its predictions."""
    with steps.running_window(qapp) as w:
        yield w


def show_predictions(window, qtbot, steps) -> None:
    """breast_cancer.csv imported, and its rows predicted in the Predict tab (once a module)."""
    panel = window.predict_panel
    window.tabs.setCurrentWidget(panel)
    if panel.predictions is not None:
        return
    steps.use_csv(window, qtbot, "breast_cancer.csv", "diagnosis", test_fraction=0.2)
    panel.load(steps.DATA / "breast_cancer.csv")  # untrained weights predict as well
    qtbot.waitUntil(lambda: panel.predictions is not None, timeout=20_000)
    qtbot.waitUntil(lambda: panel.form.result.text() != "—", timeout=10_000)


@pytest.mark.slow  # a window with a real training process
def test_a_30_feature_csv_with_predictions_fits_and_stays_usable_at_1024(
    predicting, qtbot, steps, settle_layout
):
    window = predicting
    show_predictions(window, qtbot, steps)
    panel = window.predict_panel
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        assert fits(window, 1024, 768), (window.tabs.tabText(i), window.minimumSizeHint())

    window.tabs.setCurrentWidget(panel)
    window.resize(1024, 768)
    settle_layout()
    assert (window.width(), window.height()) == (1024, 768)
    # The status reads as lines of words, not a word per line.
    assert panel.status.width() >= 250 and shows_all(panel.status), panel.status.width()
    # The table shows a screenful of rows, not two.
    rows = panel.table.viewport().height() // panel.table.verticalHeader().defaultSectionSize()
    assert rows >= 5, rows
    # Each of the one-row form's values is shown whole ("14.13", not "14.1").
    for name, field in panel.form.fields.items():
        margins = 12  # the field's frame and text margins
        needed = field.fontMetrics().horizontalAdvance(field.text()) + margins
        assert field.width() >= needed, (name, field.text(), field.width())


@pytest.mark.slow  # a window with a real training process
def test_cut_choices_name_their_item_in_full(predicting, qtbot, steps, settle_layout):
    """The plane pickers and the training settings may be narrower than their items; the
    list they open is not, and the tooltip names the chosen item."""
    window = predicting
    show_predictions(window, qtbot, steps)
    window.resize(1024, 768)
    settle_layout()
    combos = (
        window.output_view.plane_x,
        window.output_view.plane_y,
        window.training_panel.loss,
        window.training_panel.device,
    )
    settings = window.training_panel.parentWidget().parentWidget()  # its scroll area
    for combo in combos:
        assert combo.count() > 0
        if settings.isAncestorOf(combo):
            settings.ensureWidgetVisible(combo)  # as one scrolls to it, to read it
            settle_layout()
        widest = max(
            combo.view().fontMetrics().horizontalAdvance(combo.itemText(i))
            for i in range(combo.count())
        )
        combo.showPopup()  # the list that opens shows each item whole
        qtbot.waitUntil(combo.view().isVisible, timeout=3000)
        settle_layout()
        assert combo.view().width() > widest, (combo.currentText(), combo.view().width())
        combo.hidePopup()

        def tip_names_the_item(combo=combo) -> None:
            assert combo.toolTip().startswith(combo.currentText() + "\n"), combo.toolTip()

        qtbot.waitUntil(tip_names_the_item, timeout=3000)  # named when it is next painted
    assert window.output_view.plane_x.currentText().startswith("worst ")
    # The loss's choice is named in full although the combo cuts it at this width.
    assert window.training_panel.loss.currentText() == "Auto (binary cross-entropy)"
