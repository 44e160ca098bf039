"""How big a dialog opens: its default size, or less on a small screen."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

__all__ = ["DEFAULT_SIZE", "SCREEN_SHARE", "fitting_size"]

DEFAULT_SIZE = (1260, 680)  # on a large screen
SCREEN_SHARE = 0.9  # of the screen's free area, at most: room for the title bar and a panel


def fitting_size(widget: QWidget | None, size: tuple[int, int] = DEFAULT_SIZE) -> QSize:
    """`size` (the import dialog's DEFAULT_SIZE), or less on a small screen (that of `widget`):
    the import dialog's tables scroll, and the splitter between them gives either more room."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(*size)
    free = screen.availableGeometry()
    return QSize(
        min(size[0], int(free.width() * SCREEN_SHARE)),
        min(size[1], int(free.height() * SCREEN_SHARE)),
    )
