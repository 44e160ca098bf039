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
        lambda: window.session.info is not None and window.session.info.n_train == n_train,
        timeout=15_000,
    )
    window.project.edit_config("Three epochs", epochs=3, learning_rate=0.01)
    with qtbot.waitSignal(window.worker.finished, timeout=30_000) as finished:
        window.controls.train_button.click()
    assert finished.args[0].outcome == "finished", finished.args[0].reason
    plots = window.plots
    qtbot.waitUntil(lambda: plots.loss.epochs.n == 3, timeout=2000)
    losses = plots.loss.epochs.y(0)
    assert losses[-1] < losses[0], "the loss went down"
    assert window.session.info.input_names == window.project.shape.input_names
    assert "Trained 3 epochs" in window.message_label.text()
