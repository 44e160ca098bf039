"""The row above the output plot that chooses the two features its plane spans (Across, up)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

__all__ = ["PlanePicker"]


class PlanePicker(QWidget):
    """Two drop-downs of numeric features: the one across the plot and the one up it."""

    activated = Signal(int)  # the user picked a feature in either drop-down

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plane_x, self.plane_y = QComboBox(), QComboBox()
        self.plane_x.setToolTip("The feature across the plot.")
        self.plane_y.setToolTip("The feature up the plot.")
        for combo in (self.plane_x, self.plane_y):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.activated.connect(self.activated)
        self.setToolTip(
            "The two features the plot spans; the model's output is drawn over them with the "
            "other features held at the values named under the plot (by default their median, "
            "categories the most frequent one)."
        )
        plane = QHBoxLayout(self)
        plane.setContentsMargins(4, 0, 4, 0)
        plane.setSpacing(4)
        plane.addWidget(QLabel("Across"))
        plane.addWidget(self.plane_x, 1)
        plane.addWidget(QLabel("up"))
        plane.addWidget(self.plane_y, 1)

    @property
    def chosen(self) -> tuple[str, str]:
        """The features picked now: (across, up)."""
        return self.plane_x.currentText(), self.plane_y.currentText()

    def show_choices(self, names: tuple[str, ...], plane: tuple[str, str] | None) -> None:
        """Offer `names` in both drop-downs, with `plane` picked; emits nothing."""
        for combo, pick in ((self.plane_x, 0), (self.plane_y, 1)):
            combo.blockSignals(True)
            if tuple(combo.itemText(i) for i in range(combo.count())) != names:
                combo.clear()
                combo.addItems(list(names))
            if plane is not None:
                combo.setCurrentText(plane[pick])
            combo.blockSignals(False)
