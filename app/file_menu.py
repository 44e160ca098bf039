"""The File menu's project entries: New, Open Project, Open Recent, Save, Save As, Export.

Part of `FileActions` (app.file_actions), which owns the slots the actions call.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from app.recent_projects import RecentProjectsMenu


class FileMenu:
    """The actions of `FileActions`, and where they go in the File menu."""

    def _build_actions(self) -> None:
        def action(text: str, slot: Callable[[], object], keys: object, tip: str) -> QAction:
            a = QAction(text, self.window)
            if keys is not None:
                a.setShortcut(keys)  # type: ignore[arg-type]
            a.setStatusTip(tip)
            a.setToolTip(tip)
            a.triggered.connect(lambda _=False: slot())
            return a

        K = QKeySequence.StandardKey
        self.new_action = action("&New", self.new, K.New, "Start a new project.")
        # Ctrl+O opens a CSV (the data comes first in a playground); a project is Ctrl+Shift+O.
        self.open_action = action(
            "&Open Project…", self.open, QKeySequence("Ctrl+Shift+O"), "Open a project file."
        )
        self.save_action = action("&Save", self.save, K.Save, "Save the project.")
        self.save_as_action = action(
            "Save &As…", self.save_as, K.SaveAs, "Save the project to another file."
        )
        self.export_action = action(
            "&Export Model…",
            self.export,
            QKeySequence("Ctrl+E"),
            "Write the trained model for use outside the app (ONNX, Python, …).",
        )
        self.recent_menu = RecentProjectsMenu(self.window)
        self.recent_menu.chosen.connect(self.open_recent)
        self.recent_menu.missing.connect(
            lambda path: self._show_error(
                "Could not open the project", f"{path} is not there any more."
            )
        )

    def add_to(self, menu: QMenu) -> None:
        """Add the file actions to the File menu."""
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        self.recent_menu.refill()
