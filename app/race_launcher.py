"""Tools > Compare optimizers (and the controls' Compare button): opens the race dialog, one
for the window, kept between openings so the last race stays on show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.engine_link import EngineLink
from app.project import Project
from app.run import Run

if TYPE_CHECKING:
    from app.dialogs.race_dialog import RaceDialog


class RaceLauncher(QObject):
    """Owns the Compare optimizers action and its dialog."""

    # RaceFinished of every race the dialog ran: its records (settings, loss per step) are the
    # plain data a run history keeps; connect here, the dialog is only made on first use.
    race_finished = Signal(object)

    def __init__(self, window: QWidget, engine: EngineLink, run: Run, project: Project) -> None:
        super().__init__(window)
        self._window, self._engine, self._run, self._project = window, engine, run, project
        self.dialog: RaceDialog | None = None
        self.action = QAction("Compare &optimizers…", self)
        self.action.setToolTip(
            "Race copies of the network, one per optimizer, on the loss surface."
        )
        self.action.triggered.connect(self.open)

    @Slot()
    def open(self) -> RaceDialog:
        """Show the dialog (made on first use), in front."""
        if self.dialog is None:
            from app.dialogs.race_dialog import RaceDialog  # pyqtgraph plots: built on first use

            self.dialog = RaceDialog(self._engine, self._run, self._project, self._window)
            self.dialog.resize(self.dialog.sizeHint())
            self.dialog.race_finished.connect(self.race_finished)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog
