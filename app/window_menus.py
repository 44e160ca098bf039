"""The main window's menu bar and status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QLabel, QWidget

from app.widgets.engine_start import EngineStartBar
from app.widgets.health_hints import HealthLine

if TYPE_CHECKING:
    from app.main_window import MainWindow


def undo_actions(stack: QUndoStack, parent: QWidget) -> tuple[QAction, QAction]:
    """Edit > Undo and Redo."""
    undo = stack.createUndoAction(parent, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo_action = stack.createRedoAction(parent, "&Redo")
    # Ctrl+Shift+Z once: X11's own Redo keys contain it too, and a key bound twice is
    # ambiguous to Qt, which then does nothing.
    redo = QKeySequence("Ctrl+Shift+Z")
    others = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
    redo_action.setShortcuts([redo, *(k for k in others if k != redo)])
    return undo, redo_action


def fill_menu_bar(window: MainWindow) -> None:
    """File, Edit, Tools and Help, from the actions the window's parts own."""
    quit_action = QAction("&Quit", window)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    quit_action.triggered.connect(window.close)
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    window.files.add_to(file_menu)
    file_menu.addSeparator()
    file_menu.addAction(window.csv_import.open_action)
    file_menu.addMenu(window.csv_import.recent_menu)
    file_menu.addMenu(window.csv_import.examples_menu)
    file_menu.addSeparator()
    file_menu.addAction(quit_action)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(window.undo_action)
    edit_menu.addAction(window.redo_action)
    tools = bar.addMenu("&Tools")
    tools.addAction(window.races.action)
    tools.addAction(window.search_action)
    window.help.add_to(bar)


def fill_status_bar(window: MainWindow) -> tuple[QLabel, QLabel, HealthLine]:
    """The message, the run's most important health hint, the engine's start and the device;
    returns the message and device labels and the health line."""
    message = QLabel("Loading the training engine…")
    message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    device = QLabel("Device: starting…")
    device.setProperty("role", "muted")
    device.setToolTip("Where the network trains.")
    health = HealthLine()
    bar = window.statusBar()
    bar.addWidget(message, 1)
    bar.addWidget(health, 1)
    bar.addPermanentWidget(EngineStartBar(window.engine, window.run, message))
    bar.addPermanentWidget(device)
    return message, device, health
