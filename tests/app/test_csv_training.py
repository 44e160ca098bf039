"""A CSV imported through the dialog trains from the Train button, in the real training process."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from app.main_window import MainWindow

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory, steps):
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("settings")),
    )
    w = steps.open_window(qapp)
    yield w
    w.project.undo_stack.setClean()  # nothing to save: closing asks no question
    w.close()
    w.deleteLater()
    qapp.processEvents()


def import_csv(qtbot, window: MainWindow, path: Path) -> None:
    dialog = window.csv_import.open(str(path))
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=15_000)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.csv_import.dialog is None, timeout=2000)


# The import's default split: 60 % training, 20 % validation, 20 % test.
@pytest.mark.parametrize(
    ("name", "n_train"), [("iris", 90), ("breast_cancer", 341), ("diabetes", 266)]
)
def test_an_imported_csv_trains_from_the_train_button(qtbot, window, name, n_train):
    import_csv(qtbot, window, DATA / f"{name}.csv")
    # The engine takes the new data as soon as it is imported (the model is rebuilt for it).
    qtbot.waitUntil(
        lambda: window.run.info is not None and window.run.info.n_train == n_train,
        timeout=15_000,
    )
    window.project.edit_config("Three epochs", epochs=3, learning_rate=0.01)
    with qtbot.waitSignal(window.engine.finished, timeout=30_000) as finished:
        window.controls.train_button.click()
    assert finished.args[0].outcome == "finished", finished.args[0].reason
    plots = window.plots
    qtbot.waitUntil(lambda: plots.loss.epochs.n == 3, timeout=2000)
    losses = plots.loss.epochs.y(0)
    assert losses[-1] < losses[0], "the loss went down"
    assert window.run.info.input_names == window.project.shape.input_names
    assert "Trained 3 epochs" in window.message_label.text()


def test_the_data_panel_shows_the_split_the_engine_made(qtbot, window, tmp_path):
    """A 4-row file: the import dialog, the data panel and the engine agree on one split."""
    path = tmp_path / "four.csv"
    path.write_text("x1,x2,label\n0,0,a\n1,0,a\n0,1,b\n1,1,b\n")
    import_csv(qtbot, window, path)
    qtbot.waitUntil(
        lambda: (
            window.run.info is not None
            and window.run.info.n_train + window.run.info.n_val + window.run.info.n_test == 4
        ),
        timeout=15_000,
    )
    info = window.run.info
    # Stratified, each class keeps a training row: not the 2 / 1 / 1 that rounding alone gives.
    assert (info.n_train, info.n_val, info.n_test) == (3, 0, 1)
    qtbot.waitUntil(
        lambda: "3 training rows, 0 validation, 1 test" in window.data_panel.csv_label.text(),
        timeout=5_000,
    )
    # The output plot draws the engine's rows: the three training points, and the test one.
    view = window.output_view
    qtbot.waitUntil(lambda: len(view.scatter["train"].data) == 3, timeout=5_000)
    view.show_test.click()
    assert len(view.scatter["test"].data) == 1
    view.show_test.click()


def test_a_new_validation_share_redraws_the_engines_new_split(qtbot, window):
    import_csv(qtbot, window, DATA / "iris.csv")
    qtbot.waitUntil(
        lambda: window.run.info is not None and window.run.info.n_train == 90,
        timeout=15_000,
    )
    view = window.output_view
    qtbot.waitUntil(lambda: len(view.scatter["val"].data) == 30, timeout=5_000)
    qtbot.keyClick(window.data_panel.train_share, Qt.Key.Key_Right)  # 65 % training, 15 % val
    qtbot.waitUntil(lambda: window.run.info.n_val == 23, timeout=15_000)  # 15 %, rounded up
    qtbot.waitUntil(lambda: len(view.scatter["val"].data) == 23, timeout=5_000)
    assert "97 training rows, 23 validation, 30 test" in window.data_panel.csv_label.text()
