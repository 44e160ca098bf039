"""File > Export Model…: the dialog, and the export the training process writes (it has torch)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QWidget

from app.dialogs.export_dialog import ExportDialog
from core.training_process.commands import Export
from core.training_process.messages import Exported

if TYPE_CHECKING:
    from app.engine_link import EngineLink


class ModelExport(QObject):
    """Shows the export dialog (it blocks nothing) and sends the chosen export on accept."""

    message_changed = Signal(str, bool)  # (text, is_error) for the status bar

    def __init__(self, engine: EngineLink, window: QWidget) -> None:
        super().__init__(window)
        self.engine = engine
        self.window = window
        self.dialog: ExportDialog | None = None
        self.exported: tuple[str, ...] = ()
        # Where the export is suggested: the window tells which project and CSV are open.
        self.project_file: Callable[[], Path | None] = lambda: None
        self.data_file: Callable[[], Path | None] = lambda: None
        self._format = "onnx"  # the format chosen last, offered first next time
        engine.exported.connect(self._on_exported)

    def open_dialog(self, folder: Path, stem: str) -> None:
        """Show the dialog, suggesting the project's folder and name, else the CSV's, else
        `folder` / `stem`."""
        folder, stem = suggested_place(self.project_file(), self.data_file(), folder, stem)
        dialog = ExportDialog(folder, stem, self._format, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export_to(dialog.format, dialog.path))
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def export_to(self, format: str, path: str | Path) -> None:
        """Export the trained model; the training process writes the files."""
        self._format = format
        self.engine.send(Export(format, str(path)))
        self.message_changed.emit(f"Exporting {Path(path).name}…", False)

    @Slot(object)
    def _on_exported(self, exported: Exported) -> None:
        self.exported = exported.paths
        names = ", ".join(Path(p).name for p in exported.paths)
        self.message_changed.emit(f"Exported {names} to {Path(exported.paths[0]).parent}.", False)


def suggested_place(
    project_file: Path | None, data_file: Path | None, folder: Path, stem: str
) -> tuple[Path, str]:
    """The folder and name an export is first offered: beside the project and named as it, or
    beside the CSV the model learned from, named as that; else `folder` and `stem`."""
    for path in (project_file, data_file):
        if path is not None and path.parent.is_dir():
            return path.parent, path.stem
    return folder, stem
