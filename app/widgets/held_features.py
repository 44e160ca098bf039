"""Under the output plot: what the features the plane does not span are held at, and the
controls that move the slice.

With more than two features the plot is a slice through the data: the model's output over
the two chosen features, the others held at one value each (by default their training median,
or most frequent category). One line under the plot says so ("Other features held at:
petal_width 1.3"); the arrow before it (or a click on the line) opens a slider per numeric
feature (its training range) and a drop-down per categorical one (its categories). A drag is coalesced: `changed` is emitted at
most every THROTTLE_MS while it goes on, and once after it, never once per pixel.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.widgets.number_text import number_text
from app.widgets.wheel_guard import guard_wheel
from core.training_process.messages import FeatureRange, HeldValues

__all__ = ["HeldFeatures", "held_text"]

STEPS = 200  # a slider's positions across its feature's training range
THROTTLE_MS = 120  # a drag sends its value at most this often (the preview timer is 150)
LEAD = "Other features held at:"
NAMED = 3  # the line names this many held values, then says how many more
NARROW = 360  # narrower than this (px), the line names one
ROWS_SHOWN = 3  # rows the open area shows before it scrolls (breast_cancer has 28 others)
DIGITS = 3


def value_text(value: float | str) -> str:
    return value if isinstance(value, str) else number_text(value, DIGITS)


def held_text(held: HeldValues, most: int = NAMED) -> str:
    """'Other features held at: petal_width 1.3, island Biscoe' (empty when none are held);
    beyond `most` of them, how many more."""
    if not held:
        return ""
    named = ", ".join(f"{n} {value_text(v)}" for n, v in held[:most])
    more = f", and {len(held) - most} more" if len(held) > most else ""
    return f"{LEAD} {named}{more}"


class ClickableLabel(QLabel):
    """A label that says when it was clicked."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        inside = self.rect().contains(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and inside:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class ElidedLabel(QLabel):
    """One line that ends in "…" where it does not fit; the tooltip holds all of it."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def sizeHint(self) -> QSize:
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + 4, super().sizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


class _Slider(QSlider):
    """A slider the wheel moves only once clicked; otherwise the wheel scrolls the list."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class HeldRow:
    """One held feature: its name, its control and (numeric) the value it is at."""

    def __init__(
        self, feature: FeatureRange, value: float | str, on_moved: Callable[[], None]
    ) -> None:
        self.feature = feature
        self.value = value
        self.name = ElidedLabel(feature.name)
        self.shown = QLabel()
        self.control: QSlider | QComboBox
        if feature.numeric:
            slider = _Slider(Qt.Orientation.Horizontal)
            slider.setRange(0, STEPS)
            slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            slider.setToolTip(
                f"{feature.name}: from {value_text(feature.low)} to {value_text(feature.high)} "
                f"in the training rows; median {value_text(feature.default)}."
            )
            slider.valueChanged.connect(self._on_slider_moved)
            self.control = slider
            self.shown.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.shown.setMinimumWidth(self.shown.fontMetrics().horizontalAdvance("0.000000"))
        else:
            combo = QComboBox()
            combo.addItems(list(feature.categories))
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setToolTip(
                f"{feature.name}: most frequent in the training rows: {feature.default}."
            )
            combo.currentTextChanged.connect(self._on_category_chosen)
            guard_wheel(combo)
            self.control = combo
        self._moved = on_moved
        self.set_value(value)

    def set_value(self, value: float | str) -> None:
        """Show `value` without announcing it."""
        self.value = value
        self.control.blockSignals(True)
        if isinstance(self.control, QSlider):
            number = float(value)
            span = self.feature.high - self.feature.low
            at = round((number - self.feature.low) / span * STEPS) if span > 0 else 0
            self.control.setValue(max(0, min(STEPS, at)))
            self.shown.setText(value_text(number))
        else:
            self.control.setCurrentText(str(value))
        self.control.blockSignals(False)

    def _on_slider_moved(self, position: int) -> None:
        low, high = self.feature.low, self.feature.high
        self.value = low + (high - low) * position / STEPS
        self.shown.setText(value_text(self.value))
        self._moved()

    def _on_category_chosen(self, text: str) -> None:
        self.value = text
        self._moved()


class HeldFeatures(QWidget):
    """The line naming the held values, and the collapsible controls that change them."""

    changed = Signal()  # the user moved a value (throttled while a drag goes on)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[str, HeldRow] = {}  # by feature name, in the data's order
        self._held: HeldValues = ()  # what the surface shown was drawn with

        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip(
            "Choose the values the features the plot does not span are held at: the plot is a "
            "slice through the data there."
        )
        self.toggle.toggled.connect(self._on_toggled)
        # The line itself opens the controls too: a bigger target than the arrow.
        self.summary = ClickableLabel()
        self.summary.setWordWrap(True)  # two lines rather than a cut name
        self.summary.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.summary.setCursor(Qt.CursorShape.PointingHandCursor)
        self.summary.clicked.connect(self.toggle.toggle)
        self.reset = QPushButton("Medians")
        self.reset.setToolTip(
            "Hold every other feature at its training median (categories: the most frequent)."
        )
        self.reset.clicked.connect(self._on_reset_clicked)
        self.reset.setVisible(False)

        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(4, 0, 4, 0)
        self._grid.setHorizontalSpacing(6)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(0, 3)  # long names ("worst concave points") before room
        self._grid.setColumnStretch(1, 2)
        self.area = QScrollArea()
        self.area.setWidget(self._grid_host)
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.area.setVisible(False)

        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self.changed)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 4, 0)
        header.setSpacing(4)
        header.addWidget(self.toggle)
        header.addWidget(self.summary, 1)
        header.addWidget(self.reset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.area)

    # --- public -------------------------------------------------------------------------------

    @property
    def values(self) -> HeldValues:
        """The values the controls are at now, one per held feature, in the data's order."""
        return tuple((name, row.value) for name, row in self.rows.items())

    def show_features(
        self, ranges: tuple[FeatureRange, ...], plane: tuple[str, str], held: HeldValues
    ) -> None:
        """One control per feature of `ranges` that `plane` does not span, at its value in
        `held` (else at its default); emits nothing."""
        self._throttle.stop()
        given = dict(held)
        others = tuple(r for r in ranges if r.name not in plane)
        if others == tuple(row.feature for row in self.rows.values()):
            for row in self.rows.values():
                row.set_value(given.get(row.feature.name, row.feature.default))
            return
        for row in self.rows.values():
            for widget in (row.name, row.control, row.shown):
                self._grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = {}
        for i, feature in enumerate(others):
            row = HeldRow(feature, given.get(feature.name, feature.default), self._on_moved)
            self.rows[feature.name] = row
            self._grid.addWidget(row.name, i, 0)
            self._grid.addWidget(row.control, i, 1)
            self._grid.addWidget(row.shown, i, 2)
        self._fit_area()

    def show_held(self, held: HeldValues) -> None:
        """Say what the surface shown was drawn with."""
        self._held = held
        self._say_held()

    # --- internals ----------------------------------------------------------------------------

    def _fit_area(self) -> None:
        """Tall enough for ROWS_SHOWN rows; more scroll."""
        rows = len(self.rows)
        if rows == 0:
            self.area.setFixedHeight(0)
            return
        shown = min(rows, ROWS_SHOWN)
        height = max(row.control.sizeHint().height() for row in self.rows.values())
        self.area.setFixedHeight(shown * height + (shown - 1) * self._grid.verticalSpacing())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if (event.oldSize().width() >= NARROW) != (event.size().width() >= NARROW):
            self._say_held()

    def _on_toggled(self, open_: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.area.setVisible(open_)
        self.reset.setVisible(open_)
        self._say_held()

    def _say_held(self) -> None:
        # Open, the controls list the values: the line only leads into them.
        shown = self._held and self.toggle.isChecked()
        # A narrow column names one value of many (the tooltip has them all): the plot keeps
        # its room. Two are named anyway: "and 1 more" takes as much room as the value.
        most = NAMED if self.width() >= NARROW or len(self._held) <= 2 else 1
        self.summary.setText(LEAD if shown else held_text(self._held, most))
        self.summary.setToolTip(held_text(self._held, len(self._held)))

    def _on_moved(self) -> None:
        # Not restarted by each move: a long drag redraws as it goes, a few times a second.
        if not self._throttle.isActive():
            self._throttle.start()

    def _on_reset_clicked(self) -> None:
        for row in self.rows.values():
            row.set_value(row.feature.default)
        self._on_moved()
