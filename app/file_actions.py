"""The File menu: New, Open, Open Recent, Save, Save As, Export model; and the window's file.

A project file (*.nnproj, core.project) holds the design and, once trained, the model. The model
lives in the training process, and so does everything that reads or writes project and model
files (the window's process never imports torch): Save sends the design down the pipe and the
child writes the file, with the weights when they belong to this design; Open asks the child to
read and check a file, and the window changes only once the child says it is a valid project
(`ProjectOpened`); a hostile or broken file is an error message and nothing else happens.

What the window shows differs from its file ("name* — NN Playground") when the undo stack has
left its clean state, or something the undo stack does not record happened: training (the
weights changed), a data file found at a new place, work recovered after a crash. Closing, New
and Open ask about such changes first; Save continues the interrupted action once written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox
from shiboken6 import isValid

from app.autosave import Autosave
from app.crash_recovery import CrashRecovery
from app.dialogs.export_dialog import ExportDialog
from app.dialogs.project_questions import APP_NAME, ask_to_read_data, ask_to_save, choose_project
from app.file_menu import FileMenu
from app.file_opening import FileOpening
from app.file_saving import FileSaving
from app.model_export import ModelExport
from app.project import DEFAULT_CONFIG, DEFAULT_NETWORK, DEFAULT_TOY, toy_data_spec
from app.project_opening import Opening
from app.recent_files import RECENT_CSV_KEY, RecentFiles
from app.save_queue import SaveQueue
from core.training_process.commands import Export, OpenProject, SaveProject
from core.training_process.messages import Failed

if TYPE_CHECKING:
    from app.main_window import MainWindow
    from core.runs import RunRecord


class FileActions(FileMenu, FileSaving, FileOpening, QObject):
    """The window's file: its actions, where it is, and whether it has unsaved changes."""

    message_changed = Signal(str, bool)  # (text, is_error) for the status bar
    dirty_changed = Signal(bool)
    design_replaced = Signal()  # New or Open: what the views show of the old model is gone
    runs_replaced = Signal(tuple)  # New or Open: the run history is this (core.runs.RunRecord)
    # Qt knows as slots only those in this class's own body; a signal connected to a method
    # it does not know outlives this object (a crash once the window is gone).
    _on_project_saved = FileSaving._on_project_saved
    _on_project_opened = FileOpening._on_project_opened

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.project = window.project
        self.engine = window.engine
        self.run = window.run
        self.path: Path | None = None
        # Changes the undo stack does not record: training, a data file found elsewhere,
        # recovered work. Together with the stack's clean state they make the file "dirty".
        self.other_changes = False
        self.saved_with_model = False  # the file on disk holds a trained model
        # The model version that is the file's own (an opened project's), if any; None while
        # an opened project's model is on its way (the next version is the file's).
        self._file_model_version: int | None = -1
        self.last_error = ""  # the latest error shown in a message box (tests read it)
        self.error_box: QMessageBox | None = None
        self._pending_saves = SaveQueue()
        self._opening: Opening | None = None
        self._closing = False  # Save was chosen on close: close once written
        self._was_dirty = False
        self.runs: Callable[[], tuple[RunRecord, ...]] = tuple  # what a save keeps of the runs

        self._build_actions()
        self.exporter = ModelExport(self.engine, window)
        self.exporter.message_changed.connect(self.message_changed)
        self.autosave = Autosave(parent=self)
        self.autosave.due.connect(self.autosave_now)
        self.recovery = CrashRecovery(self.autosave, window)
        self.recovery.recover_requested.connect(self._recover)
        self.banner = self.recovery.banner

        stack = self.project.undo_stack
        stack.cleanChanged.connect(self._update)
        self.project.changed.connect(self._update)
        self.run.model_changed.connect(self._on_model_changed)
        w = self.engine
        w.ready.connect(self._on_ready)
        w.finished.connect(self._on_training_finished)
        w.project_saved.connect(self._on_project_saved)
        w.project_opened.connect(self._on_project_opened)
        w.failed.connect(self._on_failed)
        w.process_died.connect(self._on_process_died)
        self._update()
        self.recovery.offer()

    # --- state ------------------------------------------------------------------------------

    @property
    def is_dirty(self) -> bool:
        return not self.project.undo_stack.isClean() or self.other_changes

    @property
    def display_name(self) -> str:
        return self.path.stem if self.path is not None else "Untitled"

    @Slot()
    def _update(self, *_args: object) -> None:
        if not isValid(self.project.undo_stack):
            return  # the window is being destroyed: a dirty stack says "clean" as it goes
        dirty = self.is_dirty
        self.window.setWindowTitle(f"{self.display_name}[*] — {APP_NAME}")
        self.window.setWindowModified(dirty)
        self.export_action.setEnabled(self.run.model_trained and self.run.model_fits_design)
        if dirty != self._was_dirty:
            self._was_dirty = dirty
            self.dirty_changed.emit(dirty)
        if not dirty and not self._pending_saves.autosaving:
            self.autosave.discard()  # what is shown is in its file: nothing to recover

    def _say(self, text: str, error: bool = False) -> None:
        self.message_changed.emit(text, error)

    def _show_error(self, title: str, text: str) -> None:
        """A message box that blocks nothing: the app keeps running behind it."""
        self.last_error = text
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(lambda *_: setattr(self, "error_box", None))
        self.error_box = box
        box.open()

    # --- asking before losing changes -------------------------------------------------------

    def _may_drop_changes(self, then: Callable[[], None]) -> bool:
        """True when the changes may go now; on Save, `then` runs once they are written."""
        if not self.is_dirty:
            return True
        # This module's name, looked up at each call, so that tests can answer it.
        answer = ask_to_save(self.window, self.display_name)
        if answer == "discard":
            return True
        if answer == "save":
            self._save(then)
        return False

    def may_close(self) -> bool:
        """Called on close: False keeps the window open (Cancel, or a save still running)."""
        if self._closing:
            return True
        return self._may_drop_changes(self._close_after_save)

    def _close_after_save(self) -> None:
        self._closing = True
        self.window.close()

    def close(self) -> None:
        """A clean exit: the recovery file goes."""
        self.autosave.close()

    # --- New ----------------------------------------------------------------------------------

    def new(self) -> None:
        if self._may_drop_changes(self._new_now):
            self._new_now()

    def _new_now(self) -> None:
        self.run.stop()
        self.project.replace_design(toy_data_spec(DEFAULT_TOY), DEFAULT_NETWORK, DEFAULT_CONFIG)
        self.design_replaced.emit()
        self.runs_replaced.emit(())
        self.run.forget_model()
        self.path = None
        self.other_changes = self.saved_with_model = False
        self._update()
        self._say("New project.")

    # --- Open ---------------------------------------------------------------------------------

    def open(self) -> None:
        if self._may_drop_changes(self._choose_and_open):
            self._choose_and_open()

    def _choose_and_open(self) -> None:
        chosen = choose_project(self.window, self._folder())
        if chosen:
            self.open_path(chosen)

    def open_recent(self, path: str | Path) -> None:
        if self._may_drop_changes(lambda: self.open_path(path)):
            self.open_path(path)

    def open_path(self, path: str | Path, recovering: Path | None = None) -> None:
        """Open a project file without asking about changes (the caller did).

        The window changes once the training process has read and checked the file.
        """
        if self._opening is not None:
            self._say(f"Still opening {self._opening.path.name}…")
            return
        if not self.engine.is_started:
            self._show_error("Could not open the project", "The training engine is not running.")
            return
        opening = Opening(Path(path), recovering)
        # A project can name any file as its data; reading one shows its structure in messages.
        # Recovered work is this app's own autosave of a session the user had open.
        outside = None if recovering is not None else self._data_file_to_ask_about(opening.path)
        if outside is not None:
            if ask_to_read_data(self.window, opening.path.name, outside):
                RecentFiles(RECENT_CSV_KEY).add(outside)  # trusted now: not asked again
            else:
                opening.without_data = outside
        self._opening = opening
        self._say(f"Opening {Path(path).name}…")
        if self.engine.is_ready:
            self._send_open()
        # else: sent on Ready, after the engine's first configure, so that answers stay in order

    # --- Export -------------------------------------------------------------------------------

    def export(self) -> None:
        """Open the export dialog (it blocks nothing); the chosen export starts on accept."""
        if not self.export_action.isEnabled():
            self._say("Train the model before exporting it.", True)
            return
        stem = self.path.stem if self.path is not None else "model"
        self.exporter.open_dialog(self._folder(), stem)

    @property
    def export_dialog(self) -> ExportDialog | None:
        return self.exporter.dialog

    def export_to(self, format: str, path: str | Path) -> None:
        """Export the trained model; the training process writes the files."""
        self.exporter.export_to(format, path)

    # --- Open Recent ------------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        return self.recent_menu.paths()

    def _add_recent(self, path: Path) -> None:
        self.recent_menu.add(path)

    def _folder(self) -> Path:
        if self.path is not None and self.path.parent.is_dir():
            return self.path.parent
        recent = self.recent_files()
        if recent and Path(recent[0]).parent.is_dir():
            return Path(recent[0]).parent
        return Path.home()

    # --- crash recovery -----------------------------------------------------------------------

    def _recover(self, path: Path) -> None:
        if self._may_drop_changes(lambda: self.open_path(path, recovering=path)):
            self.open_path(path, recovering=path)
            self.recovery.opening()

    # --- the engine ---------------------------------------------------------------------------

    @Slot(object)
    def _on_ready(self, _devices: object) -> None:
        if self._opening is not None and not self._opening.sent:
            self._send_open()

    def mark_changed(self) -> None:
        """A change the undo stack does not record (a run renamed or deleted)."""
        self.other_changes = True
        self._update()

    @Slot(object)
    def _on_training_finished(self, _event: object) -> None:
        self.autosave_now()

    @Slot(int)
    def _on_model_changed(self, version: int) -> None:
        if self._file_model_version is None:
            self._file_model_version = version  # an opened project's own model: no change
        elif self.run.model_trained or self.saved_with_model:
            # Trained weights (or a fresh model where the file holds a trained one) are no
            # longer those in the file.
            self.other_changes = True
        self._update()

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        command, message = failed.command, failed.message
        if command is SaveProject:
            request = self._pending_saves.answered()
            if request is not None and not request.autosave:
                self._closing = False
                self._show_error("Could not save the project", message)
            elif request is not None:
                self._say(f"Could not autosave: {message}", True)
        elif command is OpenProject:
            opening, self._opening = self._opening, None
            if opening is not None and opening.recovering is not None:
                self.recovery.failed()
                message = f"The autosaved work could not be recovered: {message}"
            self._show_error("Could not open the project", message)
        elif command is Export:
            self._show_error("Could not export the model", message)

    @Slot(str)
    def _on_process_died(self, _message: str) -> None:
        # Whatever the dead process was writing or reading is lost; say so, once each.
        saves = self._pending_saves.drop_all()
        if any(not s.autosave for s in saves):
            self._closing = False
            self._show_error(
                "Could not save the project", "The training process ended while saving."
            )
        if self._opening is not None and self._opening.sent:
            self._opening = None
            self._show_error(
                "Could not open the project", "The training process ended while opening it."
            )
        self._file_model_version = -1
        self._update()
