"""Every keyboard shortcut of the window does one thing: two actions on one key do nothing
(Qt only logs "Ambiguous shortcut overload")."""

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow


def test_no_two_actions_share_a_key_and_ctrl_o_opens_a_csv(qtbot, monkeypatch):
    window = MainWindow()
    qtbot.addWidget(window)
    keys = []
    for action in window.findChildren(QAction):
        keys += [k.toString() for k in action.shortcuts() if not k.isEmpty()]
    for shortcut in window.findChildren(QShortcut):
        keys += [shortcut.key().toString()] if not shortcut.key().isEmpty() else []
    shared = {k: n for k, n in Counter(keys).items() if n > 1}
    assert not shared, f"keys used by more than one action: {shared}"
    assert "Ctrl+O" in keys and "Ctrl+Shift+O" in keys

    window.show()
    window.activateWindow()  # shortcuts reach only the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    # The file dialog is not opened here: only which action the key reaches.
    monkeypatch.setattr("app.csv_import.QFileDialog.getOpenFileName", lambda *a, **k: ("", ""))
    opened = []
    window.csv_import.open_action.triggered.connect(lambda *_: opened.append("csv"))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: opened == ["csv"], timeout=2000)
    assert QKeySequence("Ctrl+Shift+O").toString() in [
        a.shortcut().toString() for a in window.findChildren(QAction) if "Project" in a.text()
    ]
