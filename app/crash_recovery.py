"""The offer to recover work a crashed session left behind: a banner, one orphan at a time.

The recovery files themselves are app.autosave's; opening one is the window's file's
(app.file_actions), which asks about unsaved changes first and reports how it went.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from app.autosave import Autosave
from app.widgets.recovery_banner import RecoveryBanner


class CrashRecovery(QObject):
    """Offers the orphaned recovery files, newest first; Discard deletes one for good."""

    recover_requested = Signal(object)  # the Path of the recovery file to open

    def __init__(self, autosave: Autosave, window: QWidget) -> None:
        super().__init__(window)
        self.autosave = autosave
        self.banner = RecoveryBanner(window)
        self.banner.recover_clicked.connect(self._on_recover_clicked)
        self.banner.discard_clicked.connect(self._on_discard_clicked)
        self._offered: list[Path] = []

    def offer(self) -> None:
        """Look for orphans and offer the newest, if any."""
        self._offered = self.autosave.orphans()
        self._offer_next()

    def opening(self) -> None:
        """The offered file is being opened: Recover waits until it opened, or failed."""
        self.banner.recover_button.setEnabled(False)

    def recovered(self, path: Path) -> None:
        """`path` is open in the window: it goes, and the next orphan is offered."""
        self.autosave.remove(path)
        self._offer_next()

    def failed(self) -> None:
        """It could not be opened: Recover may be tried again."""
        self.banner.recover_button.setEnabled(True)

    def _offer_next(self) -> None:
        self._offered = [p for p in self._offered if p.is_file()]
        if not self._offered:
            self.banner.hide()
            return
        path = self._offered[0]
        when = datetime.fromtimestamp(path.stat().st_mtime)
        more = f" ({len(self._offered) - 1} more after this one)" if len(self._offered) > 1 else ""
        self.banner.offer(
            f"NN Playground did not close properly last time. The work it autosaved on "
            f"{when:%d %b %Y} at {when:%H:%M} can be recovered{more}."
        )

    def _on_recover_clicked(self) -> None:
        if self._offered:
            self.recover_requested.emit(self._offered[0])

    def _on_discard_clicked(self) -> None:
        if self._offered:
            self.autosave.remove(self._offered.pop(0))
        self._offer_next()
