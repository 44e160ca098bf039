"""The network builder's first and last cards: the input and output layers, set by the data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.panels.layer_card import Card, muted_label, shape_text
from app.widgets.learn_button import learn_button
from core.losses import Head
from core.spec import LayerShape

MAX_NAMES_SHOWN = 4  # more are cut to the first two and a count: the card stays two lines
NAMES_BEFORE_COUNT = 2


def names_text(names: tuple[str, ...]) -> str:
    """The inputs' names, or the first two and how many more ("a, b, … and 27 more")."""
    if len(names) <= MAX_NAMES_SHOWN:
        return ", ".join(names)
    first = ", ".join(names[:NAMES_BEFORE_COUNT])
    return f"{first}, … and {len(names) - NAMES_BEFORE_COUNT:,} more"


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font: QFont = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class InputCard(Card):
    """How many inputs the data gives the network, and their names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _title("Input")
        self.summary = QLabel()
        self.names = muted_label()
        self.names.setWordWrap(True)  # many names take a second line rather than widening
        # One row: the names between the title and the count, so the column keeps its height
        # for the hidden layers.
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 5, 10, 5)
        row.setSpacing(8)
        row.addWidget(self.title, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.names, 1)
        row.addWidget(self.summary, 0, Qt.AlignmentFlag.AlignTop)
        self.setToolTip(
            "Set by the data: one input per feature column (categories count once each)."
        )

    def show_inputs(self, names: tuple[str, ...], n_inputs: int) -> None:
        self.summary.setText(f"{n_inputs:,} value{'s' if n_inputs != 1 else ''}")
        self.names.setText(names_text(names) or "no inputs yet: choose data on the left")
        many = len(names) > MAX_NAMES_SHOWN
        self.names.setToolTip(f"{len(names)} inputs:\n" + "\n".join(names) if many else "")


class OutputCard(Card):
    """The output layer the task calls for; with two classes the user picks sigmoid or softmax."""

    binary_output_changed = Signal(str)  # "sigmoid" or "softmax"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _title("Output")
        self.summary = QLabel()
        self.description = muted_label()
        self.description.setWordWrap(True)
        self.binary_combo = QComboBox()
        self.binary_combo.addItem("1 sigmoid unit", "sigmoid")
        self.binary_combo.addItem("2 softmax units", "softmax")
        self.binary_combo.setItemData(
            0, "One unit gives the probability of the second class.", Qt.ItemDataRole.ToolTipRole
        )
        self.binary_combo.setItemData(
            1,
            "One unit per class; softmax turns them into probabilities that sum to 1.",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.binary_combo.setToolTip("How the network answers a question with two classes")
        self.binary_combo.currentIndexChanged.connect(self._on_binary_output_changed)
        # With two classes, the choice sits on the title row: one row less in the column.
        self.shape_label = muted_label()
        header = QHBoxLayout()
        header.setSpacing(8)
        header.addWidget(self.title)
        header.addWidget(self.binary_combo)
        header.addWidget(learn_button("softmax", self.binary_combo, self))
        header.addStretch(1)
        header.addWidget(self.summary)
        body = QVBoxLayout(self)
        body.setContentsMargins(10, 3, 10, 4)
        body.setSpacing(2)
        body.addLayout(header)
        body.addWidget(self.description)
        body.addWidget(self.shape_label)
        self.setToolTip("Set by the data and the task; not removable.")

    def show_head(
        self, head: Head, n_classes: int, binary_output: str, shape: LayerShape | None
    ) -> None:
        self.summary.setText(f"{head.units} value{'s' if head.units != 1 else ''}")
        self.description.setText(head.description)
        self.binary_combo.setVisible(n_classes == 2)
        i = self.binary_combo.findData(binary_output)
        if i >= 0 and i != self.binary_combo.currentIndex():
            blocked = self.binary_combo.blockSignals(True)
            self.binary_combo.setCurrentIndex(i)
            self.binary_combo.blockSignals(blocked)
        self.shape_label.setText(shape_text(shape))

    def set_editable(self, editable: bool) -> None:
        self.binary_combo.setEnabled(editable)

    def _on_binary_output_changed(self) -> None:
        self.binary_output_changed.emit(self.binary_combo.currentData())
