"""A row saying what the background jobs are doing: a line of text and a busy bar.

The bar keeps its place when idle, so what is below it does not jump.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

__all__ = ["BusyRow"]


class BusyRow(QWidget):
    """`label` says what is being done (or what was read); `progress` shows while busy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: reading gives no fraction done
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.label = QLabel()
        self.label.setProperty("role", "muted")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.progress)
