"""The questions the File menu asks: save the changes?, which project?, save where?, where a
project's data file is now, and may it read a data file outside the project's folder? Each
returns the answer; none changes anything."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from app.dialogs.file_choice import open_file_name, save_file_name

APP_NAME = "NN Playground"
# core.project.SUFFIX; importing core.project would load torch into the window's process.
SUFFIX = ".nnproj"
PROJECT_FILTER = "NN Playground projects (*.nnproj);;All files (*)"
DATA_FILTER = "Data files (*.csv *.tsv *.txt);;All files (*)"


def ask_to_save(parent: object, name: str) -> str:
    """Ask whether to save the changes to `name`: "save", "discard" or "cancel"."""
    buttons = (
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    answer = QMessageBox.question(
        parent,  # type: ignore[arg-type]
        APP_NAME,
        f"Save the changes to {name}?\n\nWithout saving, they are lost.",
        buttons,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def choose_project(parent: QWidget, folder: Path) -> str | None:
    """The project file to open, or None."""
    chosen = open_file_name(parent, "Open project", str(folder), PROJECT_FILTER)
    return chosen or None


def choose_save_path(parent: QWidget, start: Path) -> Path | None:
    """Where to save the project (with the .nnproj suffix), or None."""
    chosen = save_file_name(parent, "Save project", str(start), PROJECT_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix == SUFFIX else path.with_name(path.name + SUFFIX)


def ask_for_data_file(parent: QWidget, project: Path, missing: Path, folder: Path) -> str | None:
    """Where the data file `missing` of `project` is now, or None."""
    chosen = open_file_name(
        parent,
        f"Where is {missing.name} now? (the data of {project.name})",
        str(folder / missing.name),
        DATA_FILTER,
    )
    return chosen or None


def ask_to_read_data(parent: object, project: str, data_file: Path) -> bool:
    """Whether the project `project` may read `data_file`, a file outside its folder that was
    never opened here (a project can name any file, and reading one shows its structure)."""
    answer = QMessageBox.question(
        parent,  # type: ignore[arg-type]
        APP_NAME,
        f"{project} reads its data from a file outside its folder:\n\n{data_file}\n\n"
        "Read this file? Answer No to open the design without its data.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
