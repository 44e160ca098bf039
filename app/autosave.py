"""Autosave and crash recovery: the work survives a crash, and the next start offers it back.

Each window writes its unsaved work, now and then, to a recovery file of its own in the app's
data folder (QStandardPaths.AppDataLocation; `NNPLAY_DATA_DIR` overrides it, for tests). A
QLockFile beside the file says that a running session owns it. On a clean exit the file and its
lock are deleted; after a crash both stay, and the lock turns stale (its process is gone), so
the next start finds an orphan and offers to recover it. Several windows or app instances can
run at once: each sees only the others' orphans, never a live session's file.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer, Signal

DATA_DIR_ENV = "NNPLAY_DATA_DIR"
INTERVAL_MS = 60_000
PREFIX = "autosave-"
SUFFIX = ".nnproj"

_windows = itertools.count(1)


def data_dir() -> Path:
    """Where the app keeps its own files (recovery files, the recent-files list for tests)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    location = QStandardPaths.StandardLocation.AppDataLocation
    return Path(QStandardPaths.writableLocation(location))


def _lock_for(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    # 0: stale only when its process is gone. By default a lock older than 30 s counts as stale,
    # which would hand a long-running session's file to the next instance.
    lock.setStaleLockTime(0)
    return lock


class Autosave(QObject):
    """This window's recovery file, its lock, the timer, and the orphans of crashed sessions."""

    due = Signal()  # time to autosave (the owner decides whether there is anything to save)

    def __init__(self, directory: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.directory = directory or data_dir()
        self.path = self.directory / f"{PREFIX}{os.getpid()}-{next(_windows)}{SUFFIX}"
        self.enabled = False
        self.problem = ""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.problem = f"cannot create {self.directory}: {exc.strerror or exc}"
        self._lock = _lock_for(self.path)
        if not self.problem:
            self.enabled = self._lock.tryLock(0)
            if not self.enabled:
                self.problem = f"cannot lock {self.path.name} in {self.directory}"
        self._orphan_locks: dict[Path, QLockFile] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.due)
        if self.enabled:
            self.timer.start()

    def orphans(self) -> list[Path]:
        """Recovery files left by sessions that ended without closing, newest first.

        Each one found is locked for this session until `remove` or `close`, so that two
        instances starting together do not both offer it.
        """
        if not self.directory.is_dir():
            return []
        found = []
        for path in self.directory.glob(f"{PREFIX}*{SUFFIX}"):
            if path == self.path or path in self._orphan_locks:
                continue
            lock = _lock_for(path)
            if lock.tryLock(0):  # only when no live process holds it
                self._orphan_locks[path] = lock
                found.append(path)
        found = [p for p in found if p.is_file()]
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def remove(self, path: Path) -> None:
        """Delete a recovery file (this session's or an orphan) that is no longer needed."""
        path.unlink(missing_ok=True)
        lock = self._orphan_locks.pop(path, None)
        if lock is not None:
            lock.unlock()

    def discard(self) -> None:
        """The work is saved, or dropped on purpose: this session's recovery file goes."""
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """A clean exit: delete this session's file and release every lock."""
        self.timer.stop()
        self.discard()
        if self.enabled:
            self._lock.unlock()
            self.enabled = False
        for lock in self._orphan_locks.values():
            lock.unlock()
        self._orphan_locks.clear()
