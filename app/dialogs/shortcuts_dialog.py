"""Help > Keyboard shortcuts: every key the window's actions and shortcuts are bound to, read
from the actions themselves, so the list cannot drift from what the keys do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def window_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what they do) for each bound action and shortcut of `window`, in menu order."""
    rows: list[tuple[str, str]] = []
    for action in window.findChildren(QAction):
        keys = [k for k in action.shortcuts() if not k.isEmpty()]
        if keys:
            rows.append((_keys(keys), _words(action)))
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.key().isEmpty():
            rows.append((_keys([shortcut.key()]), shortcut.whatsThis() or "(no description)"))
    return list(dict.fromkeys(rows))  # each once, in order


def _keys(keys: list[QKeySequence]) -> str:
    """One key sequence a line: Redo has several."""
    return "\n".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


def _words(action: QAction) -> str:
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…")
    # Undo and Redo name the edit they would undo ("Undo Change the learning rate").
    first = text.split(" ", 1)[0]
    return first if first in ("Undo", "Redo") else text or action.toolTip()


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = window_shortcuts(window)
        self.table = QTableWidget(len(self.rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        for row, (keys, what) in enumerate(self.rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        height = self.table.verticalHeader().length() + header.height() + 4
        self.table.setMinimumHeight(min(480, height))
        self.resize(480, min(560, height + 60))
