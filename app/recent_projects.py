"""File > Open Recent: the projects opened or saved lately, newest first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QWidget

from app.recent_files import RecentFiles


class RecentProjectsMenu(QMenu):
    """The list, refilled each time it opens; an entry whose file has gone is dropped."""

    chosen = Signal(str)  # a listed project that is still there
    missing = Signal(str)  # a listed project that is not (now dropped from the list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Open &Recent", parent)
        self.recent = RecentFiles("recent_projects")
        self.aboutToShow.connect(self.refill)

    def paths(self) -> list[str]:
        return self.recent.paths()

    def add(self, path: Path) -> None:
        self.recent.add(path)
        self.refill()

    def refill(self) -> None:
        self.clear()
        paths = self.paths()
        for i, path in enumerate(paths, 1):
            a = self.addAction(f"&{i} {Path(path).name}")
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self._on_triggered(p))
        if paths:
            self.addSeparator()
            self.addAction("Clear List", lambda: (self.recent.clear(), self.refill()))
        self.setEnabled(bool(paths))

    def _on_triggered(self, path: str) -> None:
        if not Path(path).is_file():
            self.recent.remove(path)
            self.refill()
            self.missing.emit(path)
            return
        self.chosen.emit(path)
