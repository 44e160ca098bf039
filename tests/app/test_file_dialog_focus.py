"""After a file dialog closes or fails to open, the keys go where they went before it."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog

from app.main_window import MainWindow


def test_the_focus_returns_after_a_file_dialog_that_failed(qtbot, monkeypatch):
    window = MainWindow()  # no training process needed to open a dialog
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    field = window.training_panel.fields["learning_rate"]
    field.setFocus()
    qtbot.waitUntil(lambda: window.focusWidget() is not None)
    before = window.focusWidget()

    def failed_dialog(*args, **kwargs):
        window.controls.train_button.setFocus()  # where a failed dialog may leave the keys
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", failed_dialog)
    window.csv_import.choose_file()  # File > Open CSV, and the dialog never shows
    assert window.focusWidget() is before  # typing goes back to the field, not to shortcuts
