"""One row typed in by hand, and what the model says about it as you type.

One field per feature the model was trained on: a drop-down of the known categories for a
categorical feature, a text field for a number (left empty, it is missing and imputed as in
training). Edits are debounced (150 ms) into one prediction request to the training process;
the answer shows as the predicted class with a bar per class, or the predicted value.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import theme
from app.plots.probability_bars import ProbabilityBars
from app.widgets.number_text import number_text, plain_number
from app.widgets.wheel_guard import guard_wheel

if TYPE_CHECKING:
    import pandas as pd

    from core.fitted_preprocessor import FittedPreprocessor
    from core.predictions import Predictions


DEBOUNCE_MS = 150
FIELD_MIN_WIDTH = 70  # px: "0.09629" and a little more


class RowForm(QWidget):
    """A field per feature; emits `row_changed(frame)` (debounced) with the one-row table."""

    row_changed = Signal(object)  # pandas.DataFrame with one row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preprocessor: FittedPreprocessor | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.task = ""

        title = QLabel("One row")
        title.setProperty("role", "value")
        # Said in tooltips rather than a line of its own: at 1024 x 768 that line took the
        # room of a field.
        hint = "Type a row's values; the prediction above follows as you type."
        title.setToolTip(hint)

        self.result = QLabel("—")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.result.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.result.setFont(font)
        self.result.setToolTip("What the model predicts for the row above.")
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.bars = ProbabilityBars()
        self.bars.setVisible(False)

        self._fields_box = QWidget()
        self._form = QFormLayout(self._fields_box)
        self._form.setContentsMargins(0, 0, 6, 0)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidget(self._fields_box)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        # In a narrow form each field goes under its name rather than being cut to a few digits.
        scroll.viewport().installEventFilter(self)
        scroll.setToolTip(hint)
        self._scroll = scroll

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(6)
        # The answer on top, where it stays in view however many fields follow.
        layout.addWidget(title)
        layout.addWidget(self.result)
        layout.addWidget(self.bars)
        layout.addWidget(self.problem)
        layout.addWidget(scroll, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_due)

    # --- public -------------------------------------------------------------------------------

    def set_model(self, preprocessor: FittedPreprocessor | None) -> None:
        """Fields for this model's features; typed values stay when the features do."""
        same = (
            preprocessor is not None
            and self.preprocessor is not None
            and preprocessor.source_features == self.preprocessor.source_features
        )
        self.task = preprocessor.task if preprocessor is not None else ""
        classes = preprocessor.classes if preprocessor is not None else ()
        if tuple(classes) != self.bars.class_names:
            self.bars.set_classes(tuple(classes))
        self.bars.setVisible(bool(classes))
        self.preprocessor = preprocessor
        if not same:
            self._build_fields()
        self.result.setText("—")
        self.changed()

    def changed(self) -> None:
        """Ask for a prediction of the row as it is now, once typing pauses."""
        self._timer.start()

    def row(self) -> pd.DataFrame | None:
        """The row as a one-row table, or None (with the problem shown) when a field is bad."""
        import pandas as pd

        if self.preprocessor is None:
            return None
        values: dict[str, object] = {}
        problems = []
        for f in self.preprocessor.source_features:
            field = self.fields[f.name]
            if isinstance(field, QComboBox):
                values[f.name] = pd.Series([field.currentText()], dtype=object)
                continue
            text = field.text().strip()
            try:
                # A decimal comma, as the CSV importer accepts it.
                number = float(text.replace(",", ".")) if text else math.nan
                ok = not math.isinf(number)
            except ValueError:
                ok = False
            field.setStyleSheet("" if ok else f"border: 1px solid {theme.current().error};")
            if not ok:
                problems.append(f"{f.name}: {text!r} is not a number")
                continue
            values[f.name] = pd.Series([number], dtype=np.float64)
        self.problem.setText("; ".join(problems))
        self.problem.setVisible(bool(problems))
        if problems:
            # The answer above belonged to the row before the mistake: do not leave it standing.
            self.result.setText("—")
            return None
        return pd.DataFrame(values)

    def show_predictions(self, predictions: Predictions) -> None:
        value = predictions.values[0]
        if predictions.probabilities is not None:
            probs = predictions.probabilities[0]
            self.result.setText(f"{value}  ({probs.max():.0%})")
            self.bars.set_probabilities(probs)
        else:
            target = self.preprocessor.target.name if self.preprocessor is not None else ""
            shown = number_text(float(value))
            self.result.setText(f"{target} ≈ {shown}" if target else shown)

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.setVisible(True)

    # --- internals ----------------------------------------------------------------------------

    def _build_fields(self) -> None:
        from core.fitted_preprocessor import CategoricalFeature, NumericFeature

        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields = {}
        if self.preprocessor is None:
            return
        for f in self.preprocessor.source_features:
            field: QLineEdit | QComboBox
            if isinstance(f, CategoricalFeature):
                field = QComboBox()
                guard_wheel(field)
                field.addItems(list(f.categories))
                field.setCurrentText(f.fill if f.fill in f.categories else f.categories[0])
                field.setToolTip(f"{f.name}: one of the categories seen in training.")
                field.currentIndexChanged.connect(self._on_field_changed)
            else:
                assert isinstance(f, NumericFeature)
                field = QLineEdit(plain_number(f.fill))
                field.setPlaceholderText(f"missing: {number_text(f.fill)}")
                field.setToolTip(
                    f"{f.name}: a number. Left empty, it is missing and taken as "
                    f"{number_text(f.fill)}, as in training."
                )
                field.textChanged.connect(self._on_field_changed)
            field.setMinimumWidth(FIELD_MIN_WIDTH)
            self.fields[f.name] = field
            label = QLabel(f.name)
            label.setToolTip(f.name)
            self._form.addRow(label, field)
        self._fit_rows(self._scroll.viewport().width())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._scroll.viewport():
            self._fit_rows(self._scroll.viewport().width())
        return super().eventFilter(watched, event)

    def _fit_rows(self, width: int) -> None:
        """Names beside their fields when both fit the width, else every name above its field."""
        labels = [
            self._form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            for row in range(self._form.rowCount())
        ]
        widest = max((item.widget().sizeHint().width() for item in labels if item), default=0)
        margins = self._form.contentsMargins()
        side_by_side = (
            widest
            + self._form.horizontalSpacing()
            + FIELD_MIN_WIDTH
            + margins.left()
            + margins.right()
        )
        policy = (
            QFormLayout.RowWrapPolicy.DontWrapRows
            if width >= side_by_side
            else QFormLayout.RowWrapPolicy.WrapAllRows
        )
        if self._form.rowWrapPolicy() != policy:
            self._form.setRowWrapPolicy(policy)

    @Slot()
    def _on_field_changed(self, *_args: object) -> None:
        self.changed()

    @Slot()
    def _on_due(self) -> None:
        row = self.row()
        if row is not None:
            self.row_changed.emit(row)
