"""Help > About: the versions of NN Playground, PyTorch and Qt, and where training runs.

The window's process never imports torch: PyTorch's version comes from the training process's
`Ready` message and the device from its last `Configured`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

NOT_YET = "not known yet (the training engine is starting)"


@dataclass(frozen=True)
class Versions:
    app: str
    torch: str
    qt: str
    device: str


def app_version() -> str:
    try:
        return metadata.version("nn-playground")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def versions(torch_version: str, device: str) -> Versions:
    qt = f"{qVersion()} (PySide6 {PySide6.__version__})"
    return Versions(app_version(), torch_version or NOT_YET, qt, device or NOT_YET)


class AboutDialog(QDialog):
    def __init__(self, found: Versions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About NN Playground")
        self.versions = found
        title = QLabel("<b>NN Playground</b>")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        blurb = QLabel(
            "Build a neural network by clicking, watch it learn live, and read every idea "
            "behind it in the Learn tab (F1)."
        )
        blurb.setWordWrap(True)
        form = QFormLayout()
        for name, value in (
            ("NN Playground", found.app),
            ("PyTorch", found.torch),
            ("Qt", found.qt),
            ("Device", found.device),
        ):
            label = QLabel(value)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def text(self) -> str:
        """Everything the dialog says, as text (for copying, and for tests)."""
        v = self.versions
        return f"NN Playground {v.app}\nPyTorch {v.torch}\nQt {v.qt}\nDevice {v.device}"
