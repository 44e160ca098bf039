"""One card of the network builder: a hidden layer's kind and settings, its shape, and its problems.

The card never edits the project itself. It emits the layer it wants (`layer_edited`) and the
panel turns that into an undoable edit; the panel then calls `show_layer` with the truth, which
updates the widgets in place so whatever the user is typing in survives the round trip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.panels.card_icons import card_icon
from app.widgets.health_hints import HealthBadge
from app.widgets.learn_button import learn_button, mark
from app.widgets.wheel_guard import guard_wheel
from core.activations import ACTIVATIONS
from core.health import Hint
from core.layers import LAYER_KINDS
from core.spec import LayerShape, LayerSpec

MAX_UNITS_TYPED = 1_000_000  # the spin box lets larger numbers in so the card can say why not


class Card(QFrame):
    """A rounded panel-coloured box; its border turns red while the card shows a problem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._has_problem = False
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    def set_problem_border(self, on: bool) -> None:
        if on != self._has_problem:
            self._has_problem = on
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        border = QColor(theme.current().error) if self._has_problem else pal.mid().color()
        painter.setPen(QPen(border, 1.2 if self._has_problem else 1.0))
        painter.setBrush(pal.base())
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)


def muted_label(text: str = "", small: bool = True) -> QLabel:
    """A label in the palette's secondary text colour, for shapes and descriptions."""
    label = QLabel(text)
    label.setProperty("role", "muted")  # the theme's style sheet colours it
    pal = label.palette()
    pal.setColor(label.foregroundRole(), pal.placeholderText().color())
    label.setPalette(pal)
    if small:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
    return label


def error_label() -> QLabel:
    """The red line of text that explains what is wrong, hidden while nothing is."""
    label = QLabel()
    label.setWordWrap(True)
    label.setProperty("role", "error")
    pal = label.palette()
    pal.setColor(label.foregroundRole(), QColor(theme.current().error))
    label.setPalette(pal)
    label.setVisible(False)
    label.setObjectName("problem")
    return label


def shape_text(shape: LayerShape | None) -> str:
    """'dense2 → 8 values · 72 parameters' (or a dash while the network is invalid)."""
    if shape is None:
        return "shape unknown until the problems below are fixed"
    values = "value" if shape.out_features == 1 else "values"
    params = "parameter" if shape.parameters == 1 else "parameters"
    return f"{shape.name} → {shape.out_features:,} {values} · {shape.parameters:,} {params}"


class _Grip(QLabel):
    """The dotted handle a layer card is dragged by."""

    dragged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPixmap(card_icon("grip", self.palette().placeholderText().color()).pixmap(16, 16))
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Drag to move this layer")
        self._press: QPoint | None = None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        if (
            event.position().toPoint() - self._press
        ).manhattanLength() >= QApplication.startDragDistance():
            self._press = None
            self.dragged.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None


class LayerCard(Card):
    """A hidden layer: kind, units and activation (dense) or p (dropout), shape and problems."""

    layer_edited = Signal(object, str)  # the new LayerSpec, the undo text
    remove_clicked = Signal()
    duplicate_clicked = Signal()
    move_clicked = Signal(int)  # -1 up, +1 down
    drag_started = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = 0  # position among the hidden layers, 0-based; set by show_layer
        self._layer = LayerSpec()
        self._editable = True
        self._count = 1

        self.grip = _Grip()
        self.grip.dragged.connect(self.drag_started)
        self.number = QLabel()
        bold = self.number.font()
        bold.setBold(True)
        self.number.setFont(bold)
        self.kind_combo = QComboBox()
        for key, kind in LAYER_KINDS.items():
            self.kind_combo.addItem(kind.label, key)
            self.kind_combo.setItemData(
                self.kind_combo.count() - 1, kind.description, Qt.ItemDataRole.ToolTipRole
            )
        self.kind_combo.setToolTip("What this layer does")
        self.kind_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.kind_combo.setMinimumContentsLength(5)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)

        self.up_button = self._tool_button("up", "Move this layer towards the input")
        self.down_button = self._tool_button("down", "Move this layer towards the output")
        self.duplicate_button = self._tool_button("duplicate", "Add a copy of this layer after it")
        self.remove_button = self._tool_button("remove", "Remove this layer")
        self.up_button.clicked.connect(lambda: self.move_clicked.emit(-1))
        self.down_button.clicked.connect(lambda: self.move_clicked.emit(1))
        self.duplicate_button.clicked.connect(self.duplicate_clicked)
        self.remove_button.clicked.connect(self.remove_clicked)
        self.health_badge = HealthBadge()  # the training's hints about this layer

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(6)
        header.addWidget(self.grip)
        header.addWidget(self.number)
        header.addWidget(self.kind_combo)
        header.addStretch(1)
        # Above the activation it explains: in the dense row it would widen every card.
        self.learn_button = learn_button("activations")
        policy = self.learn_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.learn_button.setSizePolicy(policy)
        header.addWidget(self.learn_button)
        for button in (self.up_button, self.down_button, self.duplicate_button, self.remove_button):
            header.addWidget(button)
        header.setSpacing(2)

        # Dense: units and activation.
        self.units_spin = QSpinBox()
        self.units_spin.setRange(0, MAX_UNITS_TYPED)
        self.units_spin.setGroupSeparatorShown(False)
        # Sized for the usual widths, not for the largest number it accepts, so cards stay narrow.
        self.units_spin.setFixedWidth(self.fontMetrics().horizontalAdvance("0000") + 26)
        self.units_spin.setToolTip("How many units (neurons) this layer has: its output width")
        self.units_spin.valueChanged.connect(self._on_units_changed)
        self.activation_combo = QComboBox()
        for key, activation in ACTIVATIONS.items():
            self.activation_combo.addItem(activation.label, key)
            self.activation_combo.setItemData(
                self.activation_combo.count() - 1,
                activation.description,
                Qt.ItemDataRole.ToolTipRole,
            )
        self.activation_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.activation_combo.setMinimumContentsLength(4)
        self.activation_combo.currentIndexChanged.connect(self._on_activation_changed)
        mark("activations", self.activation_combo, self.units_spin)  # F1 there opens it too
        self.dense_row = QWidget()
        dense = QHBoxLayout(self.dense_row)
        dense.setContentsMargins(0, 0, 0, 0)
        dense.setSpacing(4)
        dense.addWidget(QLabel("Units"))
        dense.addWidget(self.units_spin)
        dense.addSpacing(2)
        dense.addWidget(QLabel("Activation"))
        dense.addWidget(self.activation_combo, 1)

        # Dropout: p.
        self.p_spin = QDoubleSpinBox()
        self.p_spin.setRange(0.0, 1.0)
        self.p_spin.setSingleStep(0.05)
        self.p_spin.setDecimals(2)
        self.p_spin.setToolTip(
            "The chance that each value is zeroed on a training step (0 to below 1)"
        )
        self.p_spin.valueChanged.connect(self._on_p_changed)
        self.dropout_row = QWidget()
        dropout = QHBoxLayout(self.dropout_row)
        dropout.setContentsMargins(0, 0, 0, 0)
        dropout.addWidget(QLabel("Drop probability"))
        dropout.addWidget(self.p_spin)
        dropout.addStretch(1)

        self.description = muted_label()
        self.description.setWordWrap(True)
        self.shape_label = muted_label()
        # Beside the badge the shape wraps rather than widening the card past its column.
        self.shape_label.setWordWrap(True)
        shape_row = QHBoxLayout()
        shape_row.setContentsMargins(0, 0, 0, 0)
        shape_row.setSpacing(6)
        shape_row.addWidget(self.shape_label, 1)
        shape_row.addWidget(self.health_badge, 0, Qt.AlignmentFlag.AlignBottom)
        self.problem_label = error_label()

        body = QVBoxLayout(self)
        body.setContentsMargins(8, 3, 4, 4)
        body.setSpacing(2)
        body.addLayout(header)
        body.addWidget(self.dense_row)
        body.addWidget(self.dropout_row)
        body.addWidget(self.description)
        body.addLayout(shape_row)
        body.addWidget(self.problem_label)
        guard_wheel(self.kind_combo, self.units_spin, self.activation_combo, self.p_spin)
        self._show_kind_rows(self._layer.kind)

    def _tool_button(self, icon: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(card_icon(icon))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        return button

    # --- showing the truth --------------------------------------------------------------------

    @property
    def layer(self) -> LayerSpec:
        """The layer as the project holds it (not what is typed but not yet valid)."""
        return self._layer

    def show_layer(
        self, index: int, count: int, layer: LayerSpec, shape: LayerShape | None
    ) -> None:
        """Show the project's layer `index` of `count`, changing only the widgets that differ."""
        self.index, self._count, self._layer = index, count, layer
        self.number.setText(f"{index + 1}")
        self.number.setToolTip(f"Hidden layer {index + 1} of {count}")
        _set_combo(self.kind_combo, layer.kind)
        self.kind_combo.setToolTip(
            LAYER_KINDS[layer.kind].description if layer.kind in LAYER_KINDS else ""
        )
        _set_value(self.units_spin, layer.units)
        _set_combo(self.activation_combo, layer.activation)
        if layer.activation in ACTIVATIONS:
            self.activation_combo.setToolTip(ACTIVATIONS[layer.activation].description)
        _set_value(self.p_spin, layer.p)
        self._show_kind_rows(layer.kind)
        self.shape_label.setText(shape_text(shape))
        self._show_problems(layer.problems())
        self._update_enabled()

    def show_hints(self, hints: Sequence[Hint]) -> None:
        """Show the training's health hints about this layer (none: the badge hides)."""
        self.health_badge.show_hints(hints)

    def set_editable(self, editable: bool) -> None:
        """Allow or forbid changes (forbidden while training runs)."""
        self._editable = editable
        self._update_enabled()

    def _update_enabled(self) -> None:
        on = self._editable
        for widget in (self.kind_combo, self.units_spin, self.activation_combo, self.p_spin):
            widget.setEnabled(on)
        self.remove_button.setEnabled(on)
        self.duplicate_button.setEnabled(on)
        self.up_button.setEnabled(on and self.index > 0)
        self.down_button.setEnabled(on and self.index < self._count - 1)
        self.grip.setEnabled(on)

    def _show_kind_rows(self, kind: str) -> None:
        self.dense_row.setVisible(kind == "dense")
        self.learn_button.setVisible(kind == "dense")  # its place kept: the arrows stay put
        self.dropout_row.setVisible(kind == "dropout")
        is_norm = kind in LAYER_KINDS and kind not in ("dense", "dropout")
        self.description.setVisible(is_norm)
        if is_norm:
            self.description.setText(LAYER_KINDS[kind].description)

    def _show_problems(self, problems: list[str]) -> None:
        text = "\n".join(p[0].upper() + p[1:] for p in problems)
        if text != self.problem_label.text():
            self.problem_label.setText(text)
        self.problem_label.setVisible(bool(problems))
        self.set_problem_border(bool(problems))

    # --- user edits ---------------------------------------------------------------------------

    def _propose(self, layer: LayerSpec, text: str) -> None:
        """Send `layer` to the project if it is valid; otherwise explain why it was not applied."""
        problems = layer.problems()
        if problems:
            self._show_problems([*problems, "not applied: the network keeps the last valid value"])
            return
        self._show_problems([])
        self.layer_edited.emit(layer, text)

    def _on_kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        self._show_kind_rows(kind)
        label = LAYER_KINDS[kind].label.lower()
        self._propose(
            replace(self._layer, kind=kind), f"Make layer {self.index + 1} a {label} layer"
        )

    def _on_units_changed(self, units: int) -> None:
        self._propose(replace(self._layer, units=units), f"Change units of layer {self.index + 1}")

    def _on_activation_changed(self) -> None:
        key = self.activation_combo.currentData()
        self.activation_combo.setToolTip(ACTIVATIONS[key].description)
        self._propose(
            replace(self._layer, activation=key), f"Change activation of layer {self.index + 1}"
        )

    def _on_p_changed(self, p: float) -> None:
        self._propose(
            replace(self._layer, p=round(p, 4)), f"Change dropout of layer {self.index + 1}"
        )


def _set_value(spin: QSpinBox | QDoubleSpinBox, value: float) -> None:
    # Only touch a spin box whose value differs, so the caret of one being typed in stays put.
    if spin.value() != value:
        blocked = spin.blockSignals(True)
        spin.setValue(value)
        spin.blockSignals(blocked)


def _set_combo(combo: QComboBox, key: str) -> None:
    i = combo.findData(key)
    if i >= 0 and i != combo.currentIndex():
        blocked = combo.blockSignals(True)
        combo.setCurrentIndex(i)
        combo.blockSignals(blocked)
