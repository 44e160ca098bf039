"""Opening a CSV file: File > Open CSV…, the recent files, drops on the window, the dialog.

`CsvImport` owns the actions and the background reader; the window adds the actions to its
menu and forwards dropped files. The project changes only when the dialog is accepted, as one
undoable step ("Open iris.csv") that also brings the data's shape (inputs, classes); a failed or
cancelled import leaves everything as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from app.background import LatestJobs
from app.csv_loading import OUT_OF_MEMORY
from app.dialogs.file_choice import open_file_name
from app.project import Project
from app.recent_files import RECENT_CSV_KEY, RecentFiles, settings
from core.data_spec import CsvSource, DataSpec
from core.errors import NNPlayError
from core.spec import from_json, to_json
from core.text import plural

if TYPE_CHECKING:  # the dialog (and pandas with it) loads when a file is first opened
    from app.dialogs.csv_import_dialog import CsvImportDialog

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
FILE_FILTER = "CSV files (*.csv *.tsv *.txt);;All files (*)"
EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "data"
# The example tables that come with the app: (file, what it holds, in one sentence).
EXAMPLE_FILES = (
    ("iris.csv", "150 flowers, 4 measurements: classify the species (3 classes)."),
    ("breast_cancer.csv", "569 tumours, 30 measurements: benign or malignant (2 classes)."),
    ("diabetes.csv", "442 patients, 10 measurements: predict disease progression (regression)."),
)


def dropped_csv(mime: QMimeData) -> str | None:
    """The first local CSV-like file in a drag, or None."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and url.toLocalFile().lower().endswith(CSV_SUFFIXES):
            return url.toLocalFile()
    return None


class CsvImport(QObject):
    """Open CSV, Open Recent CSV and the import dialog, for one window and its project."""

    imported = Signal(str)  # the path, once the project uses it
    message_changed = Signal(str, bool)  # (text, is_error) for the status bar

    def __init__(self, project: Project, window: QWidget) -> None:
        super().__init__(window)
        self.project = project
        self.window = window
        self.jobs = LatestJobs(self, OUT_OF_MEMORY)
        self.recent = RecentFiles(RECENT_CSV_KEY)
        self.dialog: CsvImportDialog | None = None
        self._training = False

        self.open_action = QAction("&Open CSV…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.setToolTip("Train on a table of your own, read from a CSV file.")
        self.open_action.triggered.connect(self.choose_file)
        self.recent_menu = QMenu("Open &Recent CSV", window)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        self.examples_menu = QMenu("Open E&xample CSV", window)
        self.examples_menu.setToolTipsVisible(True)
        for name, about in EXAMPLE_FILES:
            action = self.examples_menu.addAction(name)
            action.setToolTip(about)
            action.triggered.connect(lambda _=False, p=str(EXAMPLES / name): self.open(p))

    # --- public -------------------------------------------------------------------------------

    def set_training(self, running: bool) -> None:
        """While training runs the data cannot change: opening is disabled."""
        self._training = running
        self.open_action.setEnabled(not running)
        self.recent_menu.setEnabled(not running)
        self.examples_menu.setEnabled(not running)

    def choose_file(self) -> None:
        start = self._start_folder()
        path = open_file_name(self.window, "Open CSV", start, FILE_FILTER)
        if path:
            self.open(path)

    def open(self, path: str, current: DataSpec | None = None) -> CsvImportDialog | None:
        """Show the import dialog for `path` (non-modal for tests: `exec` is not used), with the
        choices last imported from that file (target, columns, split) when there are any."""
        if current is None:
            current = self._choices_for(path)
        if self._training:
            self.message_changed.emit("Stop training to change the data.", True)
            return None
        if self.dialog is not None:
            self.dialog.raise_()
            return self.dialog
        from app.dialogs.csv_import_dialog import CsvImportDialog

        dialog = CsvImportDialog(path, self.jobs, current, self.window)
        dialog.setModal(True)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.show()
        return dialog

    def reopen(self) -> CsvImportDialog | None:
        """The dialog again for the current CSV, with its settings, to change them."""
        spec = self.project.data
        if not isinstance(spec.source, CsvSource):
            return None
        return self.open(spec.source.path, spec)

    def recent_files(self) -> list[str]:
        return self.recent.paths()

    def clear_recent(self) -> None:
        self.recent.clear()
        self._fill_recent_menu()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.jobs.close()

    # --- internals ----------------------------------------------------------------------------

    def _remember(self, path: str) -> None:
        self.recent.add(path)
        self._fill_recent_menu()

    def _keep_choices(self, spec: DataSpec) -> None:
        """Remember what was imported from this file, for its next opening."""
        assert isinstance(spec.source, CsvSource)
        settings().setValue(_choices_key(spec.source.path), json.dumps(to_json(spec)))

    def _choices_for(self, path: str) -> DataSpec | None:
        """The choices last imported from `path`, if they can still be read."""
        text = settings().value(_choices_key(path), "")
        if not isinstance(text, str) or not text:
            return None
        try:
            spec = from_json(DataSpec, json.loads(text))
        except (ValueError, TypeError, NNPlayError):
            return None  # written by another version, or edited by hand: start afresh
        if not isinstance(spec.source, CsvSource):
            return None
        # The same file, wherever its path was written from.
        return replace(spec, source=replace(spec.source, path=path))

    def _start_folder(self) -> str:
        for path in self.recent_files():
            if Path(path).parent.is_dir():
                return str(Path(path).parent)
        return str(Path.cwd())

    @Slot()
    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.recent_files()
        for path in recent:
            action = menu.addAction(Path(path).name)
            if Path(path).is_file():
                action.setToolTip(path)
                action.triggered.connect(lambda _=False, p=path: self.open(p))
            else:
                # Greyed, not dropped: the file may be on a drive that is not mounted now.
                action.setText(f"{Path(path).name} (not found)")
                action.setToolTip(f"{path} no longer exists.")
                action.setEnabled(False)
        if recent:
            menu.addSeparator()
            menu.addAction("Clear the list", self.clear_recent)
        else:
            menu.addAction("No recent files").setEnabled(False)

    @Slot(int)
    def _on_dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        # The dialog is done with its jobs (it cancelled them); one still running ends by
        # itself, its result dropped.
        if dialog is None:
            return
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted or dialog.spec is None:
            return
        spec, shape = dialog.spec, dialog.shape
        assert shape is not None and isinstance(spec.source, CsvSource)
        name = Path(spec.source.path).name
        # The shape first, so the one change the edit announces shows the right inputs at once.
        self.project.set_data_shape(shape, spec)
        self.project.edit("data", spec, f"Open {name}")
        self._remember(spec.source.path)
        self._keep_choices(spec)
        self.message_changed.emit(
            f"Using {name}: {plural(shape.n_rows, 'row', 'rows')}, {plural(shape.n_inputs, 'network input', 'network inputs')}.",
            False,
        )
        self.imported.emit(spec.source.path)


def _choices_key(path: str) -> str:
    """The settings key of a file's import choices (a digest: paths hold '/' and spaces)."""
    digest = hashlib.sha1(str(Path(path).resolve()).encode("utf-8")).hexdigest()
    return f"csv_choices/{digest}"
