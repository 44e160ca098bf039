"""Choosing a file with the platform's dialog, the focus given back where it was afterwards.

A file dialog that fails to open (or closes) can leave the keyboard focus elsewhere; a user who
then types a path, believing the dialog is there, sends the keys to whatever has it (once, S
stepped the model three times). Every file dialog in the app goes through these functions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from shiboken6 import isValid


def _keeping_focus(parent: QWidget | None, ask: Callable[[], tuple[str, str]]) -> str:
    # The parent window's own focus widget: the application's is None while it is not active.
    had_focus = parent.window().focusWidget() if parent is not None else None
    had_focus = had_focus or QApplication.focusWidget()
    try:
        chosen, _ = ask()
    finally:
        if had_focus is not None and isValid(had_focus) and had_focus.isVisible():
            had_focus.setFocus()
    return chosen


def open_file_name(parent: QWidget | None, caption: str, start: str, filters: str) -> str:
    """The file the user chose to open, or '' (cancelled, or the dialog failed)."""
    return _keeping_focus(
        parent, lambda: QFileDialog.getOpenFileName(parent, caption, start, filters)
    )


def folder_name(parent: QWidget | None, caption: str, start: str) -> str:
    """The folder the user chose, or '' (cancelled, or the dialog failed)."""
    return _keeping_focus(
        parent, lambda: (QFileDialog.getExistingDirectory(parent, caption, start), "")
    )


def save_file_name(parent: QWidget | None, caption: str, start: str, filters: str) -> str:
    """The file the user chose to write, or '' (cancelled, or the dialog failed)."""
    return _keeping_focus(
        parent, lambda: QFileDialog.getSaveFileName(parent, caption, start, filters)
    )
