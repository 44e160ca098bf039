"""Opening a project file, once the user has agreed: the request to the training process, a
data file that moved, and the window taking over the design, model and runs it read.

Part of `FileActions` (app.file_actions), which asks about unsaved changes and untrusted data
files before an opening starts (the questions stay there, where tests answer them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot

from app.dialogs.project_questions import ask_for_data_file
from app.project_opening import opened_data
from app.recent_files import RECENT_CSV_KEY, RecentFiles
from core.project_manifest import is_inside, project_data_file
from core.training_process.commands import OpenProject
from core.training_process.messages import ProjectOpened


class FileOpening:
    """The training process reads the file; the window changes only on its answer."""

    def _send_open(self, csv_path: str | None = None) -> None:
        opening = self._opening
        assert opening is not None
        opening.sent = True
        without_data = opening.without_data is not None
        self.engine.send(OpenProject(str(opening.path), csv_path, without_data))

    def _data_file_to_ask_about(self, project: Path) -> Path | None:
        """The project's data file when it lies outside the project's folder and is not among
        the CSV files opened here; else None (no file, a missing one, or one to read at once)."""
        data_file = project_data_file(project)
        if data_file is None or is_inside(data_file, project.parent):
            return None
        opened_here = {str(Path(p).resolve()) for p in RecentFiles(RECENT_CSV_KEY).paths()}
        return None if str(data_file.resolve()) in opened_here else data_file

    @Slot(object)
    def _on_project_opened(self, o: ProjectOpened) -> None:
        opening = self._opening
        if opening is None:
            return
        if o.missing_source is not None:
            csv = self._ask_for_data_file(opening.path, Path(o.missing_source))
            if csv is None:
                self._opening = None
                self._say(f"Did not open {opening.path.name}: its data file is missing.", True)
            else:
                self._send_open(csv)
            return
        self._opening = None
        data, shape = opened_data(o)
        # The model that follows (Configured) is the file's own: not a change to mark.
        self._file_model_version = None if o.configured else -1
        self.design_replaced.emit()
        self.runs_replaced.emit(o.runs)
        self.project.replace_design(data, o.network, o.config, shape)
        if o.configured:
            self.run.adopt_opened(o.finished, o.trained)
        else:
            self.run.forget_model()
        if opening.recovering is not None:
            autosave_of = o.extras.get("autosave_of")
            self.path = Path(autosave_of) if isinstance(autosave_of, str) else None
            self.saved_with_model = False
            self.other_changes = True  # recovered work is not in any file yet
            self.recovery.recovered(opening.recovering)
            self._say("Recovered the autosaved work; save it to keep it.")
            self._update()
            self.autosave_now()  # into this session's own recovery file, at once
        else:
            self.path = opening.path
            self.saved_with_model = bool(o.trained)
            self.other_changes = opening.relocated
            self._add_recent(opening.path)
            how = " (trained)" if o.trained else ""
            if opening.without_data is not None:
                how = f" without its data file {opening.without_data}"
            # A run's model that could not be read was left out: said as a problem; it opened.
            self._say(" ".join((f"Opened {opening.path.name}{how}.", *o.notes)), bool(o.notes))
        self._update()

    def _ask_for_data_file(self, project: Path, missing: Path) -> str | None:
        """The data file has moved: ask where it is now."""
        self._say(f"{missing.name} is not at {missing.parent} any more; where is it now?")
        folder = project.parent if project.parent.is_dir() else self._folder()
        chosen = ask_for_data_file(self.window, project, missing, folder)
        if chosen and self._opening is not None:
            self._opening.relocated = True
        return chosen
