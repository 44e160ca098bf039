"""A bar across the top of the window offering work a crash left behind; it blocks nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_STYLE = """
RecoveryBanner { background: palette(alternate-base); border: 1px solid palette(highlight);
                 border-radius: 4px; }
"""


class RecoveryBanner(QFrame):
    """'NN Playground did not close properly…' with Recover and Discard; hidden until `offer`."""

    recover_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecoveryBanner")
        self.setStyleSheet(_STYLE)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.recover_button = QPushButton("Recover")
        self.recover_button.setProperty("role", "primary")
        self.recover_button.setToolTip("Open the autosaved work; save it to keep it.")
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Delete the autosaved work for good.")
        self.recover_button.clicked.connect(self.recover_clicked)
        self.discard_button.clicked.connect(self.discard_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.recover_button)
        layout.addWidget(self.discard_button)
        self.hide()

    def offer(self, text: str) -> None:
        self.message.setText(text)
        self.recover_button.setEnabled(True)
        self.show()
