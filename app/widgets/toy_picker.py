"""The built-in datasets as pictures to click, two to a row, the one in use checked."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QSizePolicy, QToolButton, QWidget

from app.plots.toy_thumbnails import toy_thumbnail
from core.toy import TOY_DATASETS

__all__ = ["ToyPicker"]

THUMBNAIL_SIZE = 60
COLUMNS = 2  # two per row: the names fit a narrow panel, and the regression pair gets its own row

_THUMBNAIL_STYLE = """
QToolButton { border: 2px solid transparent; border-radius: 6px; padding: 2px; }
QToolButton:hover { border-color: palette(mid); }
QToolButton:checked { border-color: palette(highlight); background: palette(alternate-base); }
QToolButton:disabled { color: palette(mid); }
"""


class ToyPicker(QWidget):
    """A picture per dataset in `TOY_DATASETS` (`thumbnails`, by name); a click is `chosen`."""

    chosen = Signal(str)  # the dataset's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails: dict[str, QToolButton] = {}
        self._group = QButtonGroup(self)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        for i, (name, toy) in enumerate(TOY_DATASETS.items()):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setText(toy.label)
            button.setIcon(QIcon(toy_thumbnail(name, THUMBNAIL_SIZE, self.devicePixelRatioF())))
            button.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setStyleSheet(_THUMBNAIL_STYLE)
            # Captions a little smaller than the text around them: two pictures a row then fit
            # the panel's narrowest width ("Multi Gaussian" is the longest name).
            caption = button.font()
            caption.setPointSizeF(caption.pointSizeF() * 0.9)
            button.setFont(caption)
            button.setToolTip(f"{toy.label} ({toy.task}): {toy.description}")
            button.setAccessibleName(f"{toy.label} dataset")
            button.clicked.connect(lambda _=False, n=name: self.chosen.emit(n))
            self._group.addButton(button)
            self.thumbnails[name] = button
            grid.addWidget(button, i // COLUMNS, i % COLUMNS)

    def show_choice(self, name: str | None, enabled: bool) -> None:
        """Check the picture of `name` (none for None), without a click; enable them or not."""
        # An exclusive group cannot have nothing checked; a CSV source checks no picture.
        self._group.setExclusive(False)
        for key, button in self.thumbnails.items():
            with QSignalBlocker(button):
                button.setChecked(key == name)
            button.setEnabled(enabled)
        self._group.setExclusive(True)
