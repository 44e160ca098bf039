"""Saves sent to the training process, waiting for their answers (they come in order).

Each remembers where the undo stack and the model were when the design was sent, so that the
answer marks clean only what was written, and what to do once it is written (close, open, new).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PendingSave", "SaveQueue"]


@dataclass
class PendingSave:
    """A save sent to the training process, waiting for its answer."""

    path: Path
    autosave: bool
    undo_index: int  # where the undo stack was when the design was sent
    model_version: int  # how often the model had changed by then
    then: Callable[[], None] | None = None  # what to do once written (close, open, new)


class SaveQueue:
    """The saves on their way, oldest first."""

    def __init__(self) -> None:
        self._saves: deque[PendingSave] = deque()

    def add(self, save: PendingSave) -> None:
        self._saves.append(save)

    def answered(self) -> PendingSave | None:
        """The oldest save, which the answer just received is about (None if none is waiting)."""
        return self._saves.popleft() if self._saves else None

    @property
    def autosaving(self) -> bool:
        """An autosave is on its way."""
        return any(s.autosave for s in self._saves)

    def drop_all(self) -> list[PendingSave]:
        """Forget every save on its way (the process died); returns them."""
        saves, self._saves = list(self._saves), deque()
        return saves
