"""The Predict tab: new rows from a CSV file, or typed one at a time, through the current model.

A file is read off the GUI thread (`app.background.LatestJobs`) with the same reader as `nnplay predict`
(`core.csv_io.read_csv`) and sent to the training process, which predicts it with
`core.predict.predict_frame` on `core.workflow.trained_model` -- the path of a saved model in
`nnplay predict` -- so the saved CSV is the one `nnplay predict` writes with the same weights.
The target column may be there or not; extra columns are carried along and ignored by the model;
new categories and gaps are handled by the fitted preprocessing; a missing feature column or
text in a numeric one is a message that names it, and the table shown before stays.

The table puts the model's answer first (prediction, confidence, each class's probability)
before the file's own columns; rows the model is unsure of are tinted, and "Least confident
first" sorts them to the top.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.background import LatestJobs
from app.dialogs.file_choice import open_file_name, save_file_name
from app.engine_link import EngineLink
from app.panels.row_form import RowForm
from app.run import Run, RunState
from app.widgets.flow_layout import FlowLayout
from app.widgets.prediction_table import PredictionTableModel
from core.text import plural
from core.training_process.commands import Predict
from core.training_process.messages import Configured, Failed, Predicted

if TYPE_CHECKING:
    import pandas as pd

    from core.predictions import Predictions


CSV_FILTER = "CSV files (*.csv *.tsv *.txt);;All files (*)"
FORM_MIN_WIDTH = 170  # px: in a 1024-wide window the file's buttons keep two rows beside it
# The app's own files (the example CSVs among them): no place to write a user's predictions.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def read_rows(path: str) -> pd.DataFrame:
    """The file's rows, read as `nnplay predict` reads them (any thread)."""
    from core.csv_io import read_csv
    from core.data_spec import CsvSource

    frame, _ = read_csv(CsvSource(path))
    return frame


def write_rows(table: pd.DataFrame, path: str) -> None:
    """Write the table as `nnplay predict --out` does, the same bytes (any thread)."""
    from core.files import write_atomic

    write_atomic(Path(path), table.to_csv(index=False).encode("utf-8"))


class PredictPanel(QWidget):
    """Predict a CSV file's rows (and save them), or one row typed into the form."""

    saved = Signal(str)  # the predictions were written to this path

    def __init__(self, engine: EngineLink, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.run = run
        self._model_is_new = False  # the model_changed that follows Configured
        self.frame: pd.DataFrame | None = None  # the rows of the file shown (or being predicted)
        self.path = ""
        self.predictions: Predictions | None = None  # of `frame`, once they came
        self.predicted_at = ""  # "epoch 12": which weights made them
        # The columns the model reads and the one it predicts: a table predicted for other ones
        # is cleared when they change (Predict again would fail on it).
        self._inputs: tuple[object, ...] | None = None
        # Reading and writing files; a file opened supersedes the one still being read.
        self.jobs = LatestJobs(self)
        self._requests = count(1)
        self._file_request = ""
        self._row_request = ""
        self._pending: tuple[pd.DataFrame, str] | None = None  # the rows being predicted
        self._saving = False
        self._last_folder = ""  # where predictions were saved last, this session

        self.open_button = QPushButton("Open CSV…")
        self.open_button.setToolTip(
            "Read a CSV file of new rows and predict each with the current model. "
            "The target column may be missing; extra columns are kept and ignored."
        )
        self.open_button.clicked.connect(self._on_open_clicked)
        self.again_button = QPushButton("Predict again")
        self.again_button.setToolTip("Predict the same rows with the model as it is now.")
        self.again_button.clicked.connect(self.predict_again)
        self.unsure_button = QPushButton("Least sure first")
        self.unsure_button.setToolTip(
            "Sort the rows by the model's confidence, the least sure at the top."
        )
        self.unsure_button.clicked.connect(self.sort_least_confident_first)
        self.save_button = QPushButton("Save predictions…")
        self.save_button.setToolTip(
            "Write the rows with their predictions and probabilities as a CSV file, "
            "the same columns as `nnplay predict`."
        )
        self.save_button.clicked.connect(self._on_save_clicked)
        self.file_label = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setVisible(False)

        # The buttons wrap onto a second row in a narrow window instead of widening it.
        buttons = QWidget()
        flow = FlowLayout(buttons)
        for b in (self.open_button, self.again_button, self.unsure_button, self.save_button):
            flow.addWidget(b)
        # The file's summary over the status, each as wide as the table (side by side, in a
        # narrow tab the status wrapped one word per line).
        self.file_label.setWordWrap(True)
        self.file_label.setVisible(False)
        about = QVBoxLayout()
        about.setContentsMargins(0, 0, 0, 0)
        about.setSpacing(2)
        about.addWidget(self.file_label)
        about.addWidget(self.status)
        for label in (self.file_label, self.status):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.model = PredictionTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setToolTip("")
        self.placeholder = QLabel(
            "Open a CSV file of new rows (with or without the target column) "
            "to see what the model predicts for each."
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setProperty("role", "muted")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.table)

        file_box = QWidget()
        file_layout = QVBoxLayout(file_box)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.setSpacing(6)
        file_layout.addWidget(buttons)
        file_layout.addLayout(about)
        file_layout.addWidget(self.pages, 1)

        self.form = RowForm()
        self.form.row_changed.connect(self._on_row_changed)
        self.form.setMinimumWidth(FORM_MIN_WIDTH)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(file_box)
        split.addWidget(self.form)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([700, 280])
        self.split = split

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addWidget(split)

        run.configured.connect(self._on_configured)
        run.model_changed.connect(self._on_model_changed)
        engine.predicted.connect(self._on_predicted)
        engine.failed.connect(self._on_failed)
        self._update_buttons()

    # --- public -------------------------------------------------------------------------------

    def load(self, path: str | Path) -> None:
        """Read `path` in the background, then predict its rows."""
        path = str(path)
        self._say(f"Reading {Path(path).name}…")
        self.jobs.submit(
            "read",
            read_rows,
            path,
            done=lambda frame: self._send_file(frame, path),
            failed=lambda message: self._say(
                f"Could not read {Path(path).name}: {message}", error=True
            ),
        )

    def predict_again(self) -> None:
        """Predict the file's rows with the current weights."""
        if self.frame is not None:
            self._send_file(self.frame, self.path)

    def sort_least_confident_first(self) -> None:
        if self.model.confidence is not None:
            column = self.model.column_of("confidence")
            self.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
            self.table.scrollToTop()

    def save(self, path: str | Path) -> None:
        """Write the predictions as `nnplay predict` does: input columns, prediction, probabilities."""
        if self.frame is None or self.predictions is None:
            return
        path = str(path)
        table = self.predictions.as_frame(self.frame)
        self._saving = True
        self._say(f"Writing {Path(path).name}…")
        self.jobs.submit(
            "write",
            write_rows,
            table,
            path,
            done=lambda _none: self._on_written(path, ""),
            failed=lambda message: self._on_written(path, message),
        )

    # --- slots (GUI thread) -------------------------------------------------------------------

    def _send_file(self, frame: pd.DataFrame, path: str) -> None:
        self._file_request = f"file-{next(self._requests)}"
        self._pending = (frame, path)
        self._say(f"Predicting {plural(len(frame), 'row', 'rows')} of {Path(path).name}…")
        self.engine.send(Predict(frame, self._file_request))

    @Slot(object)
    def _on_predicted(self, answer: Predicted) -> None:
        if answer.request == self._row_request:
            self.form.problem.setVisible(False)
            self.form.show_predictions(answer.predictions)
        elif answer.request == self._file_request and self._pending is not None:
            new_file = self._pending[1] != self.path or self.frame is None
            self.frame, self.path = self._pending
            self.predictions = answer.predictions
            self.predicted_at = f"epoch {answer.epoch}" if answer.epoch else "untrained weights"
            self.model.set_table(self.frame, self.predictions)
            # Sized by the header and the first rows the view samples, not all 100,000.
            self.table.resizeColumnsToContents()
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            if new_file:  # not where the last file was scrolled to: the prediction in view
                self.table.scrollToTop()
                self.table.horizontalScrollBar().setValue(0)
                self.table.scrollTo(self.model.index(0, self.model.column_of("prediction")))
            self.pages.setCurrentWidget(self.table)
            self._show_file_summary()

    @Slot(object)
    def _on_failed(self, failed: Failed) -> None:
        if failed.command is not Predict:
            return
        request, message = failed.request, failed.message
        if request == self._row_request:
            self.form.show_problem(message)
        elif request == self._file_request and self._pending is not None:
            _, path = self._pending
            kept = f" (still showing {Path(self.path).name})" if self.frame is not None else ""
            self._say(f"Could not predict {Path(path).name}: {message}{kept}", error=True)

    @Slot(object)
    def _on_row_changed(self, row: pd.DataFrame) -> None:
        self._row_request = f"row-{next(self._requests)}"
        self.engine.send(Predict(row, self._row_request))

    @Slot(object)
    def _on_configured(self, info: Configured) -> None:
        self._model_is_new = True
        self.form.set_model(info.preprocessor)
        inputs = _inputs_of(info)
        changed, self._inputs = inputs != self._inputs, inputs
        if changed and self.frame is not None:
            self._clear_file()
            self._say(
                "The data changed: the model now reads other columns, so the predicted file "
                "was cleared. Open a CSV file of rows for this data."
            )
        elif self.predictions is not None:
            self._say(
                "The model was set up afresh since these predictions: press Predict again "
                "for its answers."
            )

    @Slot(int)
    def _on_model_changed(self, _version: int) -> None:
        if self.run.state == RunState.RUNNING:
            return  # the weights change at every step: answer again once they stand still
        new, self._model_is_new = self._model_is_new, False
        self.form.changed()
        if self.predictions is not None and not new:
            self._show_file_summary(changed=True)

    def _on_written(self, path: str, error: str) -> None:
        self._saving = False
        if error:
            self._say(f"Could not save {Path(path).name}: {error}", error=True)
            return
        rows = len(self.frame) if self.frame is not None else 0
        self._say(f"Saved {plural(rows, 'prediction', 'predictions')} to {Path(path).name}.")
        self.saved.emit(path)

    # --- helpers --------------------------------------------------------------------------------

    def _show_file_summary(self, changed: bool = False) -> None:
        name = Path(self.path).name
        summary = f"<b>{name}</b>: {plural(len(self.model.order), 'row', 'rows')}"
        text = f"Predicted with the weights at {self.predicted_at}."
        if self.model.confidence is not None:
            n = self.model.n_unsure
            summary += f", {n:,} unsure"
            text += f" Unsure rows (top probability below {self.model.threshold:.2f}) are tinted."
        if changed:
            text += " The model has trained since: Predict again to update."
        self.file_label.setText(summary)
        self.file_label.setToolTip(self.path)
        self.file_label.setVisible(True)
        self._say(text)
        self._update_buttons()

    def _clear_file(self) -> None:
        """Forget the file shown (its columns are not the model's any more)."""
        self.frame, self.path, self.predictions, self.predicted_at = None, "", None, ""
        self._pending = None
        self._file_request = ""
        self.model.clear()
        self.file_label.clear()
        self.file_label.setToolTip("")
        self.file_label.setVisible(False)
        self.pages.setCurrentWidget(self.placeholder)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else "muted")
        self.status.style().polish(self.status)
        self.status.setVisible(bool(text))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.predictions is not None
        self.again_button.setEnabled(self.frame is not None)
        self.save_button.setEnabled(has and not self._saving)
        self.unsure_button.setEnabled(has and self.model.confidence is not None)

    @Slot()
    def _on_open_clicked(self) -> None:
        path = open_file_name(self, "Predict the rows of a CSV file", "", CSV_FILTER)
        if path:
            self.load(path)

    def suggested_save_path(self) -> str:
        """Where "Save predictions…" proposes to write: next to the predicted file, unless that
        is among the app's own example files; then the folder last saved to, or the home."""
        name = Path(self.path).stem + "_predictions.csv"
        folder = Path(self.path).resolve().parent
        if folder.is_relative_to(RESOURCES):
            folder = Path(self._last_folder) if self._last_folder else Path.home()
        return str(folder / name)

    @Slot()
    def _on_save_clicked(self) -> None:
        suggested = self.suggested_save_path()
        path = save_file_name(self, "Save predictions", suggested, CSV_FILTER)
        if path:
            self._last_folder = str(Path(path).parent)
            self.save(path)


def _inputs_of(info: Configured) -> tuple[object, ...] | None:
    """The columns a model of `info` reads, and the one it predicts."""
    p = info.preprocessor
    return None if p is None else (p.feature_names, p.target.name, p.task)
