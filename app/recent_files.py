"""The app's settings, and the recently opened files kept in them (projects, CSV files).

One list per kind of file, newest first, at most MAX_RECENT, each path resolved. The settings
live with the app's data when `NNPLAY_DATA_DIR` overrides that folder (tests, screenshots), so
nothing a test opens reaches the user's own list.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from app.autosave import DATA_DIR_ENV, data_dir

MAX_RECENT = 8
# The settings key of the CSV files opened in the window (app.csv_import).
RECENT_CSV_KEY = "recent_csv_files"


def settings() -> QSettings:
    """The app's settings; kept in the data folder when that is overridden (tests)."""
    if os.environ.get(DATA_DIR_ENV):
        return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings()


class RecentFiles:
    """A most-recent-first list of paths, stored in the settings under `key`."""

    def __init__(self, key: str, limit: int = MAX_RECENT) -> None:
        self.key = key
        self.limit = limit

    def paths(self) -> list[str]:
        value = settings().value(self.key, [])
        if isinstance(value, str):  # an INI file gives back a one-item list as its item
            value = [value]
        return [str(v) for v in value or []][: self.limit]

    def add(self, path: str | Path) -> None:
        """Put `path` first (once: an older entry for it goes)."""
        text = str(Path(path).resolve())
        self._store([text, *(p for p in self.paths() if p != text)])

    def remove(self, path: str) -> None:
        self._store([p for p in self.paths() if p != path])

    def clear(self) -> None:
        self._store([])

    def _store(self, paths: list[str]) -> None:
        settings().setValue(self.key, paths[: self.limit])
