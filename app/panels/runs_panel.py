"""The Runs panel: every training run of the project in a sortable table.

Tick a run to draw it on the live plots; double-click its name to rename it; Restore settings
puts its data, network and training settings back into the builder (one undoable step) and,
where its final weights are kept (ticked in the Weights column), makes that model the current
one;
Export writes the selected runs' curves as one CSV file, or as TensorBoard event files (a folder
a run, when the tensorboard package is installed); Delete (the button or the key) removes the selected runs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QObject,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.file_choice import folder_name, save_file_name
from app.project import Project
from app.run import ACTIVE, Run
from app.run_history import RunHistory
from app.run_restore import restore_run
from app.widgets.runs_table import (
    CHANGED,
    COLUMNS,
    EPOCHS,
    NAME,
    NUMBER_ROLE,
    SORT_ROLE,
    WEIGHTS,
    RunsTableModel,
)
from core.errors import NNPlayError
from core.run_export import (
    file_stem,
    tensorboard_available,
    write_curves_csv,
    write_tensorboard,
)
from core.runs import RunRecord
from core.text import plural

COLUMN_PADDING = 14  # px beside a column's widest text
SORT_ARROW = 16  # px more in the sorted column's header
# The Weights column shows only where the change column keeps this much room (a 1024-pixel
# window has none to spare: there the run's tooltip and the Restore button say it).
MIN_CHANGED_WIDTH = 120
# The name column: as wide as its longest name ("race: SGD + momentum") where the change column
# keeps NAME_ROOM beside it, else NAME_MIN; the tick box and the colour swatch take NAME_EXTRA.
NAME_MIN, NAME_EXTRA, NAME_ROOM = 92, 62, 240
EMPTY_TEXT = "Every training run is kept here. Tick runs to draw them on the Training tab's plots."
# Restore's text and tooltip, without and with the run's weights kept.
RESTORE_TEXTS = ("Restore settings", "Restore settings and weights")
RESTORE_TIPS = (
    "Put this run's data, network and training settings back into the builder (Ctrl+Z undoes "
    "it). Its weights are not kept.",
    "Put this run's data, network and training settings back into the builder (Ctrl+Z undoes "
    "them) and make its final weights the current model: Predict and Export use it, Train "
    "goes on from it.",
)


class RunsPanel(QWidget):
    message_changed = Signal(str, bool)  # (text, is_error), for the status bar

    def __init__(
        self, history: RunHistory, project: Project, run: Run, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.history, self.project, self.run = history, project, run
        self.model = RunsTableModel(history, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the history's order at first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CHANGED, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(NAME, NAME_MIN)
        self.table.viewport().installEventFilter(self)  # its width decides the Weights column
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)

        self.title = QLabel("Runs")
        self.title.setProperty("role", "value")
        self.hint = QLabel(EMPTY_TEXT)
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)  # never what sets the window's width
        self.hint.setMinimumWidth(10)
        self.hint.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.restore_button = QPushButton(RESTORE_TEXTS[False])
        self.export_button = QPushButton("Export")
        self.export_button.setToolTip(
            "Write the selected runs' curves (none selected: the ticked ones) to a CSV file or "
            "for TensorBoard."
        )
        export_menu = QMenu(self.export_button)
        self.csv_action = export_menu.addAction("Curves as CSV…", self.export_csv)
        self.tensorboard_action = export_menu.addAction("For TensorBoard…", self.export_tensorboard)
        if not tensorboard_available():
            self.tensorboard_action.setEnabled(False)
            self.tensorboard_action.setText("For TensorBoard (needs the tensorboard package)")
        self.export_button.setMenu(export_menu)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Remove the selected runs from the project (Delete).")
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.title)
        row.addWidget(self.hint, 1)
        row.addStretch(0)  # with the hint hidden, the buttons keep their width at the right
        for button in (self.restore_button, self.export_button, self.delete_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)

        self.restore_button.clicked.connect(self.restore_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._update)
        # Delete in the table deletes the selected runs (a shortcut of the table only, so the
        # key keeps its meaning in the panels' text fields).
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.table, self.delete_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        history.changed.connect(self._update)
        history.ticked_changed.connect(self._update)
        history.live_changed.connect(self._update)
        history.live_changed.connect(self._fit_columns)  # its figures grow as it trains
        history.changed.connect(self._fit_columns)
        header.sortIndicatorChanged.connect(self._fit_columns)
        run.state_changed.connect(self._update)
        self._update()
        self._fit_columns()

    # --- the selection ------------------------------------------------------------------------

    def selected_numbers(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [int(self.proxy.data(index, NUMBER_ROLE)) for index in rows]

    def selected_runs(self) -> list[RunRecord]:
        """The selected runs, oldest first."""
        numbers = set(self.selected_numbers())
        return [run for run in self.history.runs if run.number in numbers]

    def _deletable(self) -> list[int]:
        """The selected runs but a new one still training (it is kept when it ends)."""
        return [n for n in self.selected_numbers() if self.history.run(n) is not None]

    def runs_to_export(self) -> list[RunRecord]:
        """The selected runs; with none selected, those ticked (drawn on the plots)."""
        return self.selected_runs() or self.history.ticked_runs

    def current_run(self) -> RunRecord | None:
        numbers = self.selected_numbers()
        return self.history.run(numbers[0]) if len(numbers) == 1 else None

    def select(self, number: int) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, NAME)
            if self.proxy.data(index, NUMBER_ROLE) == number:
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
                rows = QItemSelectionModel.SelectionFlag.Rows
                self.table.selectionModel().select(index, flags | rows)
                self.table.setCurrentIndex(index)
                return

    def tick(self, number: int, on: bool = True) -> None:
        """Draw run `number` on the plots (or not), as its box does."""
        self.history.set_ticked(number, on)

    # --- actions ------------------------------------------------------------------------------

    @Slot()
    def restore_selected(self) -> None:
        run = self.current_run()
        if run is None or self.run.state in ACTIVE:
            return
        self.message_changed.emit(restore_run(run, self.project, self.run), False)

    @Slot()
    def export_csv(self) -> None:
        runs = self.runs_to_export()
        if runs:
            start = f"{file_stem(runs[0])}.csv" if len(runs) == 1 else "runs.csv"
            path = save_file_name(self, "Export the runs' curves", start, "CSV files (*.csv)")
            if path:
                self.export_csv_to(runs, path)

    def export_csv_to(self, runs: list[RunRecord], path: str) -> None:
        try:
            write_curves_csv(runs, path)
        except NNPlayError as exc:
            self.message_changed.emit(f"Could not export the curves: {exc}", True)
            return
        what = runs[0].name if len(runs) == 1 else plural(len(runs), "run", "runs")
        self.message_changed.emit(f"Wrote the curves of {what} to {Path(path).name}.", False)

    @Slot()
    def export_tensorboard(self) -> None:
        runs = self.runs_to_export()
        if runs:
            folder = folder_name(self, "Export the runs for TensorBoard: choose a folder", "")
            if folder:
                self.export_tensorboard_to(runs, folder)

    def export_tensorboard_to(self, runs: list[RunRecord], folder: str) -> None:
        try:
            write_tensorboard(runs, folder)
        except NNPlayError as exc:
            self.message_changed.emit(f"Could not export for TensorBoard: {exc}", True)
            return
        self.message_changed.emit(
            f"Wrote {plural(len(runs), 'run', 'runs')} for TensorBoard to {folder}: "
            f"open it with tensorboard --logdir {folder}",
            False,
        )

    @Slot()
    def delete_selected(self) -> None:
        numbers = self._deletable()
        if numbers:
            self.history.delete(numbers)
            self.message_changed.emit(f"Deleted {plural(len(numbers), 'run', 'runs')}.", False)

    @Slot()
    def _fit_columns(self) -> None:
        """The figures' columns as wide as their header or widest figure, and no wider: the
        change column gets the rest. (Resize-to-contents keeps room for a sort arrow in every
        header, which in a 1024-pixel window left the change column a few letters.)"""
        fm, header = self.table.fontMetrics(), self.table.horizontalHeader()
        for column in range(EPOCHS, self.model.columnCount()):
            texts = [str(self.model.headerData(column, Qt.Orientation.Horizontal))]
            texts += [
                self.model.data(self.model.index(row, column))
                for row in range(self.model.rowCount())
            ]
            # The sorted column's header also holds the sort arrow (it covered "Best loss").
            arrow = SORT_ARROW if column == header.sortIndicatorSection() else 0
            header.resizeSection(
                column, max(fm.horizontalAdvance(t) for t in texts) + COLUMN_PADDING + arrow
            )
        self._fit_names()
        self._show_weights_where_room()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_names()
            self._show_weights_where_room()
        return super().eventFilter(watched, event)

    def _fit_names(self) -> None:
        header, fm = self.table.horizontalHeader(), self.table.fontMetrics()
        rows = range(self.model.rowCount())
        names = [str(self.model.data(self.model.index(row, NAME))) for row in rows]
        needed = max((fm.horizontalAdvance(n) for n in names), default=0) + NAME_EXTRA
        figures = [c for c in range(EPOCHS, self.model.columnCount()) if c != WEIGHTS]
        room = self.table.viewport().width() - sum(map(header.sectionSize, figures)) - NAME_ROOM
        header.resizeSection(NAME, max(NAME_MIN, min(needed, room)))

    def _show_weights_where_room(self) -> None:
        header = self.table.horizontalHeader()
        columns = range(self.model.columnCount())
        fixed = sum(header.sectionSize(c) for c in columns if c not in (CHANGED, WEIGHTS))
        # Its width as _fit_columns makes it (a hidden column's section is 0 wide).
        weights = self.table.fontMetrics().horizontalAdvance(COLUMNS[WEIGHTS]) + COLUMN_PADDING
        room = self.table.viewport().width() - fixed - weights
        self.table.setColumnHidden(WEIGHTS, room < MIN_CHANGED_WIDTH)

    @Slot()
    def _update(self, *_args: object) -> None:
        current = self.current_run()
        self.restore_button.setEnabled(current is not None and self.run.state not in ACTIVE)
        weights = current is not None and current.weights is not None
        self.restore_button.setText(RESTORE_TEXTS[weights])
        self.restore_button.setToolTip(RESTORE_TIPS[weights])
        self.export_button.setEnabled(bool(self.runs_to_export()))
        self.delete_button.setEnabled(bool(self._deletable()))
        self.hint.setVisible(not self.history.shown)
