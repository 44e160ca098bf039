"""The row above the output plot that chooses the two features its plane spans (Across, up)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QSizePolicy, QWidget

# A drop-down's frame and arrow beside its text, in pixels.
COMBO_CHROME = 44

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
        self._labels = (QLabel("Across"), QLabel("up"))
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 0, 4, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(2)
        self._stacked: bool | None = None
        self._arrange(stacked=False)
        for combo in (self.plane_x, self.plane_y):
            combo.currentTextChanged.connect(self._rearrange)

    def _rearrange(self, *_args: object) -> None:
        self._arrange(stacked=not self._one_row_fits(self.width()))

    def _arrange(self, stacked: bool) -> None:
        """Both drop-downs on one row, or one under the other when their names would be cut
        on one row (a narrow window: 'worst perime…')."""
        if stacked == self._stacked:
            return
        self._stacked = stacked
        for widget in (*self._labels, self.plane_x, self.plane_y):
            self._grid.removeWidget(widget)
        across, up = self._labels
        if stacked:
            self._grid.addWidget(across, 0, 0)
            self._grid.addWidget(self.plane_x, 0, 1)
            self._grid.addWidget(up, 1, 0)
            self._grid.addWidget(self.plane_y, 1, 1)
            self._grid.setColumnStretch(3, 0)
        else:
            self._grid.addWidget(across, 0, 0)
            self._grid.addWidget(self.plane_x, 0, 1)
            self._grid.addWidget(up, 0, 2)
            self._grid.addWidget(self.plane_y, 0, 3)
            self._grid.setColumnStretch(3, 1)
        self._grid.setColumnStretch(1, 1)

    def _one_row_fits(self, width: int) -> bool:
        metrics = self.fontMetrics()
        labels = sum(label.sizeHint().width() for label in self._labels)
        names = sum(
            metrics.horizontalAdvance(c.currentText()) + COMBO_CHROME
            for c in (self.plane_x, self.plane_y)
        )
        return labels + names + 3 * self._grid.horizontalSpacing() + 8 <= width

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rearrange()

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
        self._rearrange()
