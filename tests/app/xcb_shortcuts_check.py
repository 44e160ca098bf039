"""Run by test_shortcuts.py under the real xcb platform (Xvfb): the window's key bindings there.

X11's standard keys differ from offscreen's (its Redo holds Ctrl+Shift+Z as well as Ctrl+Y), so a
key bound twice shows only here. Prints what is wrong and exits 1, or exits 0.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.main_window import MainWindow


def wait_until(app: QApplication, condition, what: str, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            sys.exit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def bound_keys(window: MainWindow) -> list[str]:
    """Every key sequence the window's actions and shortcuts are bound to, once per binding
    (test_shortcuts.py checks the offscreen platform's with this too)."""
    keys = []
    for action in window.findChildren(QAction):
        keys += [k.toString() for k in action.shortcuts() if not k.isEmpty()]
    for shortcut in window.findChildren(QShortcut):
        keys += [shortcut.key().toString()] if not shortcut.key().isEmpty() else []
    return keys


def bound_twice(keys: list[str]) -> dict[str, int]:
    return {k: n for k, n in Counter(keys).items() if n > 1}


def main() -> int:
    app = QApplication(sys.argv)
    assert app.platformName() == "xcb", app.platformName()
    window = MainWindow()
    shared = bound_twice(bound_keys(window))
    if shared:
        print(f"keys bound more than once on xcb: {shared}")
        return 1

    window.show()
    window.activateWindow()
    wait_until(app, lambda: QApplication.activeWindow() is window, "the window to be active")
    epochs = window.project.config.epochs
    window.project.edit_config("More epochs", epochs=epochs + 7)
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_until(app, lambda: window.project.config.epochs == epochs, "Ctrl+Z to undo")
    QTest.keyClick(
        window,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    wait_until(app, lambda: window.project.config.epochs == epochs + 7, "Ctrl+Shift+Z to redo")
    print("ok")  # no close(): the edited project would ask to be saved
    return 0


if __name__ == "__main__":
    sys.exit(main())
