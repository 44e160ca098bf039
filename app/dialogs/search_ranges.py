"""The Search dialog's form: which settings to vary and over which ranges, the metric and the
budget. It reads back as a `core.search.space.SearchPlan`, checked by core's own rules."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.widgets.log_spin_box import LogSpinBox
from core.activations import ACTIVATIONS
from core.search.space import MAX_SEARCH_LAYERS, FloatRange, IntRange, SearchPlan, SearchSpace

BATCH_SIZES = (8, 16, 32, 64, 128, 0)  # 0: full batch
DEFAULT_ACTIVATIONS = ("relu", "tanh")
DEFAULT_BATCHES = (16, 32, 64)


class _RangeRow:
    """A tick (vary this setting or not) and the two ends of its range."""

    def __init__(self, label: str, low: QDoubleSpinBox | QSpinBox, high: QDoubleSpinBox | QSpinBox):
        self.check = QCheckBox(label)
        self.low, self.high = low, high
        self.check.toggled.connect(self._on_toggled)

    def _on_toggled(self, on: bool) -> None:
        self.low.setEnabled(on)
        self.high.setEnabled(on)

    def add_to(self, grid: QGridLayout, row: int, note: str = "") -> None:
        grid.addWidget(self.check, row, 0)
        grid.addWidget(self.low, row, 1)
        grid.addWidget(QLabel("to"), row, 2)
        grid.addWidget(self.high, row, 3)
        if note:
            hint = QLabel(note)
            hint.setProperty("role", "muted")
            grid.addWidget(hint, row, 4)

    def set(self, on: bool, low: float, high: float) -> None:
        self.low.setValue(low)
        self.high.setValue(high)
        self.check.setChecked(on)
        self._on_toggled(on)


def _spin(low: int, high: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    return box


def _fraction(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 0.95)
    box.setSingleStep(0.05)
    box.setDecimals(2)
    box.setValue(value)
    return box


def _choices(
    names: tuple[object, ...], labels: list[str], on: tuple[object, ...], columns: int
) -> QWidget:
    """Tick boxes in rows of `columns`, each named for its choice."""
    grid_widget = QWidget()
    grid = QGridLayout(grid_widget)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(10)
    for i, (name, label) in enumerate(zip(names, labels, strict=True)):
        check = QCheckBox(label)
        check.setObjectName(str(name))
        check.setChecked(name in on)
        grid.addWidget(check, i // columns, i % columns)
    grid.setColumnStretch(columns, 1)
    return grid_widget


class SearchForm(QWidget):
    """What to vary, the metric and the budget; `plan()` reads them as a SearchPlan."""

    changed = Signal()

    def __init__(self, task: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lr = _RangeRow("Learning rate", LogSpinBox(1e-6, 10.0), LogSpinBox(1e-6, 10.0))
        self.lr.set(True, 1e-4, 0.1)
        self.layers = _RangeRow(
            "Layers", _spin(1, MAX_SEARCH_LAYERS, 1), _spin(1, MAX_SEARCH_LAYERS, 3)
        )
        self.layers.set(True, 1, 3)
        self.units = _RangeRow("Units per layer", _spin(1, 4096, 4), _spin(1, 4096, 64))
        self.units.set(True, 4, 64)
        self.l2 = _RangeRow(
            "L2 (weight decay)",
            LogSpinBox(1e-8, 1.0),
            LogSpinBox(1e-8, 1.0),
        )
        self.l2.set(False, 1e-6, 1e-2)
        self.dropout = _RangeRow("Dropout", _fraction(0.0), _fraction(0.5))
        self.dropout.set(False, 0.0, 0.5)

        self.vary_activation = QCheckBox("Activation")
        self.vary_activation.setChecked(True)
        self.activations = _choices(
            tuple(ACTIVATIONS), [a.label for a in ACTIVATIONS.values()], DEFAULT_ACTIVATIONS, 3
        )
        self.vary_batch = QCheckBox("Batch size")
        self.vary_batch.setChecked(True)
        self.batches = _choices(
            BATCH_SIZES, [str(b) if b else "full" for b in BATCH_SIZES], DEFAULT_BATCHES, 6
        )
        self.vary_activation.toggled.connect(self.activations.setEnabled)
        self.vary_batch.toggled.connect(self.batches.setEnabled)

        vary = QGroupBox("Vary (unticked settings keep the builder's value)")
        grid = QGridLayout(vary)
        grid.setColumnStretch(4, 1)
        self.lr.add_to(grid, 0, "log scale")
        self.layers.add_to(grid, 1)
        self.units.add_to(grid, 2, "each layer's own")
        self.l2.add_to(grid, 3, "log scale")
        self.dropout.add_to(grid, 4, "after each layer")
        grid.addWidget(self.vary_activation, 5, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.activations, 5, 1, 1, 4)
        grid.addWidget(self.vary_batch, 6, 0)
        grid.addWidget(self.batches, 6, 1, 1, 4)

        self.metric_choice = QComboBox()
        score = "R² (higher is better)" if task == "regression" else "accuracy (higher is better)"
        self.metric_choice.addItem("Validation loss (lower is better)", "val_loss")
        self.metric_choice.addItem(f"Validation {score}", "val_metric")
        self.trials = _spin(1, 10_000, 30)
        self.epochs = _spin(1, 100_000, 30)
        self.epochs.setToolTip(
            "Each trial trains at most this many epochs; hopeless ones stop early."
        )
        self.timeout = _spin(0, 24 * 60, 0)
        self.timeout.setSpecialValueText("no limit")
        self.timeout.setSuffix(" min")
        self.timeout.setToolTip("No new trial starts after this time; the running one finishes.")
        goal = QGroupBox("Goal and budget")
        form = QFormLayout(goal)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Optimise", self.metric_choice)
        form.addRow("Trials", self.trials)
        form.addRow("Epochs per trial", self.epochs)
        form.addRow("Time budget", self.timeout)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(vary)
        layout.addWidget(goal)
        how = QLabel(
            "Each trial trains the builder's design with the values Optuna's TPE sampler picks "
            "from these ranges, learning from the trials before. A trial whose validation score "
            "lags the median of earlier trials at the same epoch is stopped early (pruned). "
            "All trials use the same split and seed."
        )
        how.setWordWrap(True)
        how.setProperty("role", "muted")
        layout.addWidget(how)
        layout.addStretch(1)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(self.changed)
        for spin in (*self.findChildren(QSpinBox), *self.findChildren(QDoubleSpinBox)):
            spin.valueChanged.connect(self.changed)
        self.metric_choice.currentIndexChanged.connect(self.changed)

    def _ticked(self, row: QWidget) -> list[str]:
        return [c.objectName() for c in row.findChildren(QCheckBox) if c.isChecked()]

    def plan(self, seed: int = 0) -> SearchPlan:
        """The form as a plan (not yet checked: `plan.problems()` says what is wrong)."""
        space = SearchSpace(
            learning_rate=_float(self.lr, log=True),
            layers=_int(self.layers),
            units=_int(self.units, log=True),
            activations=tuple(self._ticked(self.activations))
            if self.vary_activation.isChecked()
            else (),
            batch_sizes=tuple(int(b) for b in self._ticked(self.batches))
            if self.vary_batch.isChecked()
            else (),
            weight_decay=_float(self.l2, log=True),
            dropout=_float(self.dropout, log=False),
        )
        return SearchPlan(
            space=space,
            metric=self.metric_choice.currentData(),
            trials=self.trials.value(),
            epochs=self.epochs.value(),
            timeout=self.timeout.value() * 60.0,
            seed=seed,
        )

    def problems(self) -> list[str]:
        out = self.plan().problems()
        if self.vary_activation.isChecked() and not self._ticked(self.activations):
            out.append("tick at least one activation, or untick Activation")
        if self.vary_batch.isChecked() and not self._ticked(self.batches):
            out.append("tick at least one batch size, or untick Batch size")
        return out


def _float(row: _RangeRow, log: bool) -> FloatRange | None:
    if not row.check.isChecked():
        return None
    return FloatRange(row.low.value(), row.high.value(), log)


def _int(row: _RangeRow, log: bool = False) -> IntRange | None:
    if not row.check.isChecked():
        return None
    return IntRange(int(row.low.value()), int(row.high.value()), log)
