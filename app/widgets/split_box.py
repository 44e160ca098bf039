"""The Split box of the import dialog: the shares of rows kept for validation and test, and the
seed that makes the split repeatable."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.csv_loading import CheckedChoice
from app.project import DEFAULT_TEST_FRACTION, DEFAULT_VAL_FRACTION
from core.text import plural, split_text


class SplitBox(QGroupBox):
    """`split_changed` when the user changes a share or the seed."""

    split_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Split", parent)
        self.val_percent = QSpinBox()
        self.val_percent.setRange(0, 90)
        self.val_percent.setSuffix(" %")
        # 60 / 20 / 20, as a toy dataset starts: the Evaluation tab has a test score to show.
        self.val_percent.setValue(round(100 * DEFAULT_VAL_FRACTION))
        self.val_percent.setToolTip(
            "Share of rows kept aside to check the network while it trains (validation)."
        )
        self.test_percent = QSpinBox()
        self.test_percent.setRange(0, 90)
        self.test_percent.setSuffix(" %")
        self.test_percent.setValue(round(100 * DEFAULT_TEST_FRACTION))
        self.test_percent.setToolTip(
            "Share of rows kept aside until the end, for an honest final score (test)."
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("The same seed always splits the rows the same way.")
        for spin in (self.val_percent, self.test_percent, self.seed):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_value_changed)
        self.split_note = QLabel()
        self.split_note.setWordWrap(True)
        self.split_note.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("Validation", self.val_percent)
        form.addRow("Test", self.test_percent)
        form.addRow("Seed", self.seed)
        layout.addLayout(form)
        layout.addWidget(self.split_note)

    @property
    def val_fraction(self) -> float:
        return self.val_percent.value() / 100

    @property
    def test_fraction(self) -> float:
        return self.test_percent.value() / 100

    def set_split(self, val_fraction: float, test_fraction: float, seed: int) -> None:
        """Show an earlier split, without announcing a change."""
        for spin, value in (
            (self.val_percent, round(val_fraction * 100)),
            (self.test_percent, round(test_fraction * 100)),
            (self.seed, seed),
        ):
            with QSignalBlocker(spin):
                spin.setValue(value)

    def show_checked(self, checked: CheckedChoice | None) -> None:
        """How many rows each part gets and how many inputs the network has ('' when unknown)."""
        if checked is None:
            self.split_note.setText("")
            return
        # The engine's own split (core.dataset.prepare_data on the same rows), not an estimate.
        dropped = checked.dropped_rows
        left_out = (
            f" {plural(dropped, 'row', 'rows')} without a target "
            f"{'is' if dropped == 1 else 'are'} left out."
            if dropped
            else ""
        )
        inputs = plural(checked.shape.n_inputs, "network input", "network inputs")
        self.split_note.setText(
            f"{split_text(checked.n_train, checked.n_val, checked.n_test)}; {inputs}.{left_out}"
        )

    def _on_value_changed(self, _value: int) -> None:
        self.split_changed.emit()
