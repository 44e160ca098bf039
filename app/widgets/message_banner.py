"""A message across the top of a dialog: an error (red) or a note (neutral)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel


class MessageBanner(QFrame):
    """A message across the top of the dialog: an error (red) or a note (neutral)."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        self.level = ""
        self.setVisible(False)

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        self.label.setText(text)
        error = level == "error"
        colour = "#c0392b" if error else "palette(mid)"
        background = "rgba(192, 57, 43, 0.12)" if error else "palette(alternate-base)"
        self.setStyleSheet(
            f"MessageBanner {{ border: 1px solid {colour}; border-radius: 4px; "
            f"background: {background}; }}"
        )
        self.label.setAccessibleName("Problem" if error else "Note")
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.label.clear()
        self.level = ""
        self.setVisible(False)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first letter (unless it starts with a file name), a stop."""
    text = text.strip()
    if not text:
        return text
    if text.split()[0].isalpha():  # not a file name such as single_class.csv
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
