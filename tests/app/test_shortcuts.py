"""Every keyboard shortcut of the window does one thing: two actions on one key do nothing
(Qt only logs "Ambiguous shortcut overload")."""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
CHECK_SCRIPT = ROOT / "tests" / "app" / "xcb_shortcuts_check.py"


def _load_key_check():  # the xcb script's own key count, so both platforms count alike
    spec = importlib.util.spec_from_file_location("xcb_shortcuts_check", CHECK_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KEY_CHECK = _load_key_check()
X_START_S = 20.0  # how long Xvfb may take to open its socket


def _free_display() -> int:
    """A display number that no X server (lock file or socket) holds on this machine."""
    for n in range(99, 400):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number between :99 and :399")


@pytest.fixture
def xvfb_display():
    """A private Xvfb server: its display name, e.g. ":99"."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb); the xcb run needs it")
    for _ in range(5):  # another server may take the number between the check and the start
        n = _free_display()
        server = subprocess.Popen(
            ["Xvfb", f":{n}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket = Path(f"/tmp/.X11-unix/X{n}")
        deadline = time.monotonic() + X_START_S
        while server.poll() is None and not socket.exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # polling the socket: how long Xvfb takes varies
        if server.poll() is None and socket.exists():
            break
        server.kill()
        server.wait()
    else:
        pytest.fail("Xvfb did not start")
    try:
        yield f":{n}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_no_two_actions_share_a_key_and_ctrl_o_opens_a_csv(qtbot, monkeypatch):
    window = MainWindow()
    qtbot.addWidget(window)
    keys = KEY_CHECK.bound_keys(window)
    shared = KEY_CHECK.bound_twice(keys)
    assert not shared, f"keys used by more than one action: {shared}"
    assert "Ctrl+O" in keys and "Ctrl+Shift+O" in keys

    window.show()
    window.activateWindow()  # shortcuts reach only the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    # The file dialog is not opened here: only which action the key reaches.
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName", lambda *a, **k: ("", ""))
    opened = []
    window.csv_import.open_action.triggered.connect(lambda *_: opened.append("csv"))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: opened == ["csv"], timeout=2000)
    assert QKeySequence("Ctrl+Shift+O").toString() in [
        a.shortcut().toString() for a in window.findChildren(QAction) if "Project" in a.text()
    ]


def test_single_letter_shortcuts_leave_text_entry_alone(qtbot):
    """S (Step) and Space (Train) are letters the user types: in a text field they type."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    controls = window.controls
    steps, trains = [], []
    controls.step_clicked.connect(lambda: steps.append(1))
    controls.train_clicked.connect(lambda: trains.append(1))
    controls.step_button.setEnabled(True)
    controls.train_button.setEnabled(True)

    spin = window.training_panel.findChild(QAbstractSpinBox)
    entries = [spin, spin.findChild(QLineEdit)]
    for entry in entries:
        entry.setFocus()
        qtbot.waitUntil(lambda e=entry: QApplication.focusWidget() in entries, timeout=2000)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        assert steps == [] and trains == [], f"a key typed in {entry} reached a shortcut"

    # Another window of the app active (a tool window, or a dialog that never came up): its
    # keys are not the main window's commands, though Qt passes them on to it.
    other = QWidget(window, Qt.WindowType.Tool)
    button = QPushButton("Elsewhere", other)
    other.show()
    other.activateWindow()
    button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button, timeout=2000)
    qtbot.keyClick(button, Qt.Key.Key_S)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert steps == [] and trains == [], "a key typed in another window reached a shortcut"
    other.close()

    window.activateWindow()
    window.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: steps == [1], timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: trains == [1], timeout=2000)


@pytest.mark.slow
def test_keys_are_bound_once_and_ctrl_shift_z_redoes_under_xcb(xvfb_display):
    """X11's standard keys differ from offscreen's: its Redo holds Ctrl+Shift+Z too, and a key
    bound twice there did nothing at all."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=xvfb_display)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, str(CHECK_SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
