"""File > Export model: choose a format (core.export_formats.EXPORT_FORMATS) and where to write it.

The dialog only chooses; the training process writes the files (it has torch). It checks what
can be checked here, with core's own rules (`check_export`: the folder exists, the suffix a
format needs), so a bad choice is said at once, under the field, rather than after a round trip.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.file_choice import save_file_name
from core.errors import NNPlayError
from core.export_formats import EXPORT_FORMATS, check_export


class ExportDialog(QDialog):
    """Pick an export format and a file; `format` and `path` hold the choice once accepted."""

    def __init__(
        self, folder: Path, stem: str, format: str = "onnx", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export model")
        self.setMinimumWidth(520)

        self.buttons: dict[str, QRadioButton] = {}
        self._group = QButtonGroup(self)
        formats = QGroupBox("Format")
        box = QVBoxLayout(formats)
        box.setSpacing(2)
        for name, fmt in EXPORT_FORMATS.items():
            button = QRadioButton(f"{fmt.label} ({fmt.suffix})")
            button.setAccessibleName(fmt.label)
            description = QLabel(fmt.description.replace("`", ""))
            description.setWordWrap(True)
            description.setProperty("role", "muted")
            description.setContentsMargins(24, 0, 0, 6)
            description.setBuddy(button)
            box.addWidget(button)
            box.addWidget(description)
            self._group.addButton(button)
            self.buttons[name] = button
            button.toggled.connect(lambda on, n=name: on and self._on_format_changed(n))
        box.addStretch(1)  # extra height goes below the list, not between its rows

        self.path_edit = QLineEdit()
        self.path_edit.setToolTip("The file to write; a Python export also writes its weights.")
        self.path_edit.textChanged.connect(self._on_path_changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        where = QHBoxLayout()
        where.addWidget(QLabel("Save to:"))
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)

        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(formats)
        layout.addLayout(where)
        layout.addWidget(self.problem)
        layout.addWidget(self.button_box)

        self.format = format if format in EXPORT_FORMATS else next(iter(EXPORT_FORMATS))
        self.path_edit.setText(str(folder / f"{stem}{EXPORT_FORMATS[self.format].suffix}"))
        self.buttons[self.format].setChecked(True)
        # The size hint is measured at its narrowest, where the descriptions wrap the most;
        # a window does not apply height-for-width itself.
        width = max(self.minimumWidth(), self.sizeHint().width())
        self.resize(width, layout.totalHeightForWidth(width))

    @property
    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def set_choice(self, format: str, path: str | Path) -> None:
        """Choose a format and a file, as a user would (tests, and a remembered choice)."""
        self.buttons[format].setChecked(True)
        self.path_edit.setText(str(path))

    def accept(self) -> None:
        try:
            if not self.path_edit.text().strip():
                raise ValueError("choose a file to write")
            check_export(self.format, self.path)
        except (NNPlayError, ValueError) as exc:
            self.problem.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            self.problem.show()
            return
        super().accept()

    def _on_format_changed(self, name: str) -> None:
        self.format = name
        text = self.path_edit.text().strip()
        if text:  # keep the name and folder, give it the format's suffix
            self.path_edit.setText(str(Path(text).with_suffix(EXPORT_FORMATS[name].suffix)))

    def _on_path_changed(self, _text: str) -> None:
        self.problem.hide()

    def _on_browse_clicked(self) -> None:
        fmt = EXPORT_FORMATS[self.format]
        path = save_file_name(self, "Export model", str(self.path), f"{fmt.label} (*{fmt.suffix})")
        if path:
            self.path_edit.setText(path)
