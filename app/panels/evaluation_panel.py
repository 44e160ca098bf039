"""How good the model is now: its current weights on the validation (or test) rows.

Classification shows the confusion matrix with counts, the accuracy, and precision, recall and
F1 per class; regression shows predicted against actual (the dashed line is a perfect
prediction), a histogram of the residuals, and R², RMSE and MAE in the target's own units.

The figures are those `nnplay evaluate` prints for the same rows and weights: the training
process computes them with `core.predict.evaluate_frame` (see `core.training_process.model_work.evaluate`). The
panel asks for them when a model is set up, pauses or ends, and, while training runs and the
panel is on screen, every few seconds; one request is in flight at a time, so a slow evaluation
never queues up behind itself.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine_link import EngineLink
from app.plots.evaluation_plots import ConfusionMatrixPlot, PredictedActualPlot, ResidualHistogram
from app.run import Run, RunState
from core.text import plural
from core.training_process.commands import Evaluate
from core.training_process.messages import Configured, Evaluation, Failed, SplitEvaluation

REFRESH_MS = 3000  # while training: how often the (visible) panel asks for a new evaluation
SPLIT_NAMES = {"val": "Validation", "test": "Test"}
METRIC_COLUMNS = ("class", "precision", "recall", "F1", "rows")
MATRIX_MIN_WIDTH = 150  # px


class EvaluationPanel(QWidget):
    """The Evaluation tab: metrics and pictures of the current weights on held-out rows."""

    def __init__(self, engine: EngineLink, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.evaluation: Evaluation | None = None
        self.target = ""
        self.pending = False  # a request is on its way: don't send another
        self.stale = True  # the model changed since the evaluation shown
        self.no_validation = False  # the engine's split kept test rows but no validation rows
        self._matrix: ConfusionMatrixPlot | None = None
        self._scatter: PredictedActualPlot | None = None
        self._residuals: ResidualHistogram | None = None

        self.split = QComboBox()
        self.split.setToolTip(
            "Which rows to evaluate on: validation rows check the model while it trains; "
            "test rows, when the data keeps some back, are never used until now."
        )
        self.split.addItem(SPLIT_NAMES["val"], "val")
        self.split.currentIndexChanged.connect(self._on_split_changed)
        self.summary = QLabel()
        self.summary.setProperty("role", "value")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setToolTip("Figures as `nnplay evaluate` gives them for these rows.")
        self.detail = QLabel()
        self.detail.setProperty("role", "muted")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The figures, then the rows and loss, on lines of their own that wrap at the panel's
        # edge: a narrow window loses none of them, and a long line never widens it.
        figures = QVBoxLayout()
        figures.setSpacing(1)
        for label in (self.summary, self.detail):
            label.setWordWrap(True)
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            figures.addWidget(label)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        header.setSpacing(8)
        header.addWidget(QLabel("Rows:"), 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.split, 0, Qt.AlignmentFlag.AlignTop)
        header.addSpacing(8)
        header.addLayout(figures, 1)

        self.message = QLabel("The model is evaluated once the engine has prepared the data.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setProperty("role", "muted")

        self.table = QTableWidget(0, len(METRIC_COLUMNS))
        self.table.setHorizontalHeaderLabels(list(METRIC_COLUMNS))
        self.table.setToolTip(
            "Precision: of the rows predicted as this class, the share that are. Recall: of the "
            "rows of this class, the share found. F1: the two combined. Rows: how many there are."
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(False)
        self.table.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A little narrower than a plot's usual least: beside the metrics of long class names
        # the tab still fits the centre of a 1024-wide window.
        classification = QSplitter(Qt.Orientation.Horizontal)
        classification.addWidget(self.table)  # the matrix goes before it when first drawn
        classification.setChildrenCollapsible(False)

        regression = QSplitter(Qt.Orientation.Horizontal)
        regression.setChildrenCollapsible(False)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.message)
        self.pages.addWidget(classification)
        self.pages.addWidget(regression)
        self.classification_page, self.regression_page = classification, regression

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.pages, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer)
        run.configured.connect(self._on_configured)
        run.model_changed.connect(self._on_model_changed)
        run.state_changed.connect(self._on_run_state_changed)
        engine.evaluated.connect(self._on_evaluated)
        engine.failed.connect(self._on_failed)

    # --- public -------------------------------------------------------------------------------

    # The pyqtgraph plots are made when the first evaluation is shown, not before the first paint.
    @property
    def matrix(self) -> ConfusionMatrixPlot:
        if self._matrix is None:
            self._matrix = ConfusionMatrixPlot()
            self._matrix.setMinimumWidth(MATRIX_MIN_WIDTH)
            self.classification_page.insertWidget(0, self._matrix)
            self.classification_page.setStretchFactor(0, 1)
            self.classification_page.setStretchFactor(1, 0)
        return self._matrix

    @property
    def scatter(self) -> PredictedActualPlot:
        self._regression_plots()
        assert self._scatter is not None
        return self._scatter

    @property
    def residuals(self) -> ResidualHistogram:
        self._regression_plots()
        assert self._residuals is not None
        return self._residuals

    def _regression_plots(self) -> None:
        if self._scatter is None:
            self._scatter, self._residuals = PredictedActualPlot(), ResidualHistogram()
            self.regression_page.addWidget(self._scatter)
            self.regression_page.addWidget(self._residuals)

    def refresh(self) -> None:
        """Ask for an evaluation of the current weights, unless one is on its way."""
        if self.pending or not self.engine.is_ready:
            return
        self.pending = True
        self.stale = False
        self.engine.send(Evaluate())

    def current_split(self) -> SplitEvaluation | None:
        """The shown split's evaluation, or None."""
        if self.evaluation is None:
            return None
        wanted = self.split.currentData()
        for part in self.evaluation.splits:
            if part.split == wanted:
                return part
        return None

    # --- the engine ---------------------------------------------------------------------------

    @Slot(object)
    def _on_configured(self, info: Configured) -> None:
        self.pending = False  # an answer for the previous model came before this message
        self.evaluation = None
        preprocessor = info.preprocessor
        self.target = preprocessor.target.name if preprocessor is not None else ""
        self.no_validation = info.n_val == 0 and info.n_test > 0
        self._set_splits(has_val=info.n_val > 0, has_test=info.n_test > 0)
        self._show_message("Evaluating the untrained model…")

    @Slot(str)
    def _on_run_state_changed(self, state: str) -> None:
        # While training runs the weights change between model versions: refresh on a timer.
        if state == RunState.RUNNING:
            self._timer.start()
        else:
            self._timer.stop()
        if state == RunState.IDLE:  # no model (the engine restarts): no answer is coming
            self.pending = False

    @Slot(int)
    def _on_model_changed(self, _version: int) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()

    @Slot()
    def _on_timer(self) -> None:
        if self.isVisible():
            self.refresh()

    @Slot(object)
    def _on_evaluated(self, evaluation: Evaluation) -> None:
        self.pending = False
        self.evaluation = evaluation
        self._show()

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is not Evaluate:
            return
        self.pending = False
        self.evaluation = None
        self._show_message(f"Could not evaluate the model: {failed.message}", error=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.refresh()

    # --- drawing ------------------------------------------------------------------------------

    def _set_splits(self, has_val: bool, has_test: bool) -> None:
        """List the splits the engine's split has rows in (Validation when it has none)."""
        self.split.blockSignals(True)
        wanted = self.split.currentData()
        self.split.clear()
        if has_val or not has_test:
            self.split.addItem(SPLIT_NAMES["val"], "val")
        if has_test:
            self.split.addItem(SPLIT_NAMES["test"], "test")
        self.split.setCurrentIndex(max(0, self.split.findData(wanted)))
        self.split.setEnabled(self.split.count() > 1)
        self.split.blockSignals(False)

    @Slot(int)
    def _on_split_changed(self, _index: int) -> None:
        if self.evaluation is not None:
            self._show()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if error else "muted")
        self.message.style().polish(self.message)
        self.summary.clear()
        self.detail.clear()
        self.pages.setCurrentWidget(self.message)

    def _show(self) -> None:
        part, evaluation = self.current_split(), self.evaluation
        if part is None or evaluation is None:
            # The validation share is 0 and there is no test set: nothing to show.
            self._show_message("This data keeps no rows back to evaluate on.")
            return
        r = part.report
        rows = "validation" if part.split == "val" else "test"
        # A small file's split may keep test rows but no validation rows: those are shown.
        instead = "No validation rows; showing the " if self.no_validation else ""
        self.detail.setText(
            f"{instead}{plural(r['n'], rows + ' row', rows + ' rows')} · loss {r['loss']:.4g} · "
            f"epoch {evaluation.epoch}"
        )
        if r["task"] == "classification":
            self._show_classification(r)
        else:
            assert part.actual is not None and part.predicted is not None  # regression has both
            self._show_regression(r, part.actual, part.predicted)

    def _show_classification(self, r: dict) -> None:
        names = tuple(r["labels"])
        summary = f"Accuracy {r['accuracy']:.1%}   ·   macro F1 {r['macro_f1']:.3f}"
        note = r.get("macro_f1_note", "")
        self.summary.setText(summary)
        self.summary.setToolTip(note)
        if note:  # which classes the macro average leaves out (scikit-learn's convention)
            self.detail.setText(f"{self.detail.text()} · {note}")
        counted = r.get("in_macro_average", [True] * len(r["labels"]))
        self.matrix.set_matrix(np.array(r["confusion_matrix"]), names)
        self.table.setRowCount(len(names))
        for i, name in enumerate(names):
            values = (r["precision"][i], r["recall"][i], r["f1"][i])
            scores = [f"{v:.3f}" for v in values] if counted[i] else ["—"] * 3
            cells = [name, *scores, f"{r['support'][i]:,}"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(i, j, item)
        # Wide enough for every column: the matrix beside it takes what is left.
        self.table.resizeColumnsToContents()
        frame = 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width()
        self.table.setMinimumWidth(self.table.horizontalHeader().length() + frame)
        self.pages.setCurrentWidget(self.classification_page)

    def _show_regression(self, r: dict, actual: np.ndarray, predicted: np.ndarray) -> None:
        units = f"   (in units of {self.target})" if self.target else ""
        self.summary.setText(
            f"R² {r['r2']:.3f}   ·   RMSE {r['rmse']:.4g}   ·   MAE {r['mae']:.4g}{units}"
        )
        self.scatter.set_values(actual, predicted, self.target)
        self.residuals.set_residuals(predicted - actual, self.target)
        self.pages.setCurrentWidget(self.regression_page)
