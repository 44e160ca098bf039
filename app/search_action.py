"""Tools > Search settings…: opens the Search dialog over the window's design and engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from app.dialogs.search_dialog import SearchDialog
    from app.main_window import MainWindow

STUDY_SUFFIX = ".study.db"  # beside a saved project: work.nnproj -> work.study.db


class SearchAction(QAction):
    """The menu entry; `dialog` is the open Search dialog, if any."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__("&Search settings…", window)
        self.setStatusTip("Let Optuna try settings one trial after another and keep the best")
        self._window = window
        self.dialog: SearchDialog | None = None
        self.triggered.connect(self.open)

    def open(self) -> SearchDialog:
        """Show the dialog (modal: the design it searches must not change under it)."""
        from app.dialogs.search_dialog import SearchDialog

        w = self._window
        saved = w.files.path
        study = saved.with_name(saved.stem + STUDY_SUFFIX) if saved is not None else None
        self.dialog = SearchDialog(w.project, w.engine, study, w)
        self.dialog.setModal(True)
        self.dialog.show()
        return self.dialog
