"""Saving the window's project: Save, Save As and the autosave, all written by the training
process; its answer marks clean what was written and continues what waited for it.

Part of `FileActions` (app.file_actions), whose state (the file's path, its unsaved changes)
it reads and updates.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Slot

from app.dialogs.project_questions import SUFFIX, choose_save_path
from app.save_queue import PendingSave
from core.training_process.commands import SaveProject
from core.training_process.messages import ProjectSaved


class FileSaving:
    """Save, Save As, autosave, and the training process's answer to each."""

    def save(self) -> bool:
        """Save to the project's file (asking for one when it has none); False if cancelled."""
        return self._save(None)

    def save_as(self) -> bool:
        path = self._choose_save_path()
        if path is None:
            return False
        self.save_to(path)
        return True

    def _save(self, then: Callable[[], None] | None) -> bool:
        path = self.path or self._choose_save_path()
        if path is None:
            return False
        self.save_to(path, then)
        return True

    def _choose_save_path(self) -> Path | None:
        return choose_save_path(self.window, self.path or self._folder() / f"untitled{SUFFIX}")

    def save_to(self, path: str | Path, then: Callable[[], None] | None = None) -> None:
        """Save the project to `path`; the training process writes it (atomically)."""
        self._send_save(Path(path), autosave=False, extras={}, then=then)
        self._say(f"Saving {Path(path).name}…")

    def autosave_now(self) -> None:
        """Write unsaved work to the recovery file (every minute, and after training)."""
        if not self.is_dirty or not self.autosave.enabled or not self.engine.is_ready:
            return
        # While a file opens, the engine's model is about to change under the design sent.
        if self._opening is not None or self._pending_saves.autosaving:
            return
        extras = {"autosave_of": None if self.path is None else str(self.path)}
        self._send_save(self.autosave.path, autosave=True, extras=extras)

    def _send_save(
        self,
        path: Path,
        autosave: bool,
        extras: dict[str, object],
        then: Callable[[], None] | None = None,
    ) -> None:
        index = self.project.undo_stack.index()
        self._pending_saves.add(PendingSave(path, autosave, index, self.run.model_version, then))
        p = self.project
        with_model = self.run.model_fits_design
        runs = self.runs()
        self.engine.send(
            SaveProject(str(path), p.data, p.network, p.config, extras, with_model, runs)
        )

    @Slot(object)
    def _on_project_saved(self, saved: ProjectSaved) -> None:
        request = self._pending_saves.answered()
        if request is None or request.autosave:
            self._update()
            return
        self.path = request.path
        self.saved_with_model = saved.trained
        stack = self.project.undo_stack
        if stack.index() == request.undo_index:
            stack.setClean()
        if request.model_version == self.run.model_version and not self.run.is_active:
            self.other_changes = False
        self._add_recent(request.path)
        self._update()
        self._say(f"Saved {request.path.name}.")
        if request.then is not None:
            request.then()
