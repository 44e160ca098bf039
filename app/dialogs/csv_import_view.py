"""What the import dialog shows: its widgets, where they sit, and the state they show.

`CsvImportDialog` (in `csv_import_dialog.py`) builds on this: it talks to the background jobs
and answers the user's actions; this class only turns its state (the table read, the columns'
choices, the task, the problems found) into what is on screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.column_choices import profile_of, target_of
from app.csv_loading import CheckedChoice, LoadedTable, Preview, TargetSummary
from app.dialogs.screen_fit import fitting_size
from app.project import DataShape
from app.widgets.busy_row import BusyRow
from app.widgets.csv_format_bar import CsvFormatBar
from app.widgets.csv_tables import CsvTables
from app.widgets.learn_button import f1_opens_learn
from app.widgets.message_banner import MessageBanner, sentence
from app.widgets.split_box import SplitBox
from app.widgets.target_box import TargetBox
from core.data_spec import ColumnSpec, DataSpec
from core.text import plural

__all__ = ["CsvImportView"]


class CsvImportView(QDialog):
    """The import dialog's widgets for `path`, and the state of the choice being made."""

    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = str(path)
        f1_opens_learn(self)  # its preparation choices are explained in the Learn tab
        self.spec: DataSpec | None = None
        self.shape: DataShape | None = None

        self._preview: Preview | None = None
        self._table: LoadedTable | None = None
        self._columns: list[ColumnSpec] = []
        self._detected_task = ""
        self._wanted_task = ""  # reopened: the task the data was used with
        self._target_summary: TargetSummary | None = None
        self._checked: CheckedChoice | None = None
        self._errors = {"load": "", "target": "", "check": ""}
        self._note = ""

        name = Path(self.path).name
        self.setWindowTitle(f"Import {name}")
        self.setAcceptDrops(False)
        self.resize(fitting_size(parent))
        self._build(name)

    # --- layout ---------------------------------------------------------------------------------

    def _build(self, name: str) -> None:
        self.file_label = QLabel(f"<b>{name}</b>")
        self.file_label.setToolTip(self.path)
        self.path_label = QLabel(self.path)
        self.path_label.setProperty("role", "muted")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.format_bar = CsvFormatBar()
        self.delimiter = self.format_bar.delimiter
        self.encoding = self.format_bar.encoding
        self.decimal = self.format_bar.decimal
        self.header = self.format_bar.header

        self.banner = MessageBanner()
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        # The row keeps its place when idle, so the tables below do not jump.
        self.busy_row = BusyRow()
        self.progress, self.progress_label = self.busy_row.progress, self.busy_row.label

        self.tables = tables = CsvTables()
        self.preview, self.preview_model = tables.preview, tables.preview_model
        self.columns = tables.columns

        self.target_box = TargetBox()
        self.target = self.target_box.target
        self.task = self.target_box.task
        self.target_note = self.target_box.target_note
        self.balance = self.target_box.balance

        self.split_box = SplitBox()
        self.split_note = self.split_box.split_note

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.target_box)
        side_layout.addWidget(self.split_box)
        side_layout.addStretch(1)
        side.setFixedWidth(300)

        middle = QHBoxLayout()
        middle.addWidget(tables, 1)
        middle.addWidget(side)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setProperty("role", "primary")
        self.import_button.setToolTip("Use this table, with these choices, as the project's data.")
        self.import_button.setEnabled(False)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        title = QHBoxLayout()
        title.addWidget(self.file_label)
        title.addWidget(self.path_label, 1)
        layout.addLayout(title)
        layout.addWidget(self.format_bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addWidget(self.busy_row)
        layout.addLayout(middle, 1)
        layout.addWidget(self.buttons)

    # --- public -------------------------------------------------------------------------------

    @property
    def table(self) -> LoadedTable | None:
        return self._table

    @property
    def message(self) -> str:
        """The problem shown in the banner ('' when there is none)."""
        return self.banner.text if self.banner.level == "error" else ""

    def column_names(self) -> list[str]:
        return [c.name for c in self._columns]

    def combo(self, column: str, what: int) -> QComboBox:
        """The combo box of `column` for ROLE, KIND, PREP or IMPUTE (for tests and scripts)."""
        return self.columns.combo(self.column_names().index(column), what)

    def choice(self) -> DataSpec | None:
        """The DataSpec the dialog's settings describe now (checked or not)."""
        if self._table is None or not self._columns:
            return None
        return DataSpec(
            self._table.source,
            tuple(self._columns),
            self._task_value(),
            self.split_box.val_fraction,
            self.split_box.test_fraction,
            self.split_box.seed.value(),
        )

    # --- the target and task ------------------------------------------------------------------

    def _target_name(self) -> str:
        return target_of(self._columns)

    def _task_value(self) -> str:
        chosen = self.target_box.chosen_task()
        if chosen != "auto":
            return chosen
        return self._detected_task or "classification"

    def _regression(self) -> bool:
        return self._task_value() == "regression"

    def _show_task(self) -> None:
        target = self._target_name()
        self.target_box.show_summary(
            self._detected_task,
            self._target_summary if target else None,
            profile_of(self._table, target),
            self._task_value() == "regression",
        )

    # --- the columns table --------------------------------------------------------------------

    def _fill_columns(self) -> None:
        table = self._table
        if table is None:
            self.tables.clear_columns()
        else:
            self.tables.show_columns(self._columns, table.profiles, self._regression())

    def _refresh_rows(self) -> None:
        """Show `self._columns` in the columns table and the preview's headers."""
        self.tables.refresh(self._columns, self._regression())

    def _fill_targets(self) -> None:
        self.target_box.set_targets([c.name for c in self._columns], self._target_name())

    # --- messages and buttons -----------------------------------------------------------------

    def _show_problems(self) -> None:
        problem = next((text for text in self._errors.values() if text), "")
        if problem:
            self.banner.show_message(sentence(problem), "error")
        elif self._note:
            self.banner.show_message(self._note, "note")
        else:
            self.banner.clear()

    def _update_import(self) -> None:
        ready = self._checked is not None and not any(self._errors.values())
        self.import_button.setEnabled(ready)

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if not busy:
            self.progress_label.setText(self._table_text())

    def _table_text(self) -> str:
        table = self._table
        if table is None:
            rows = self.preview_model.rowCount()
            if rows and self._errors["load"]:
                return f"The first {plural(rows, 'row', 'rows')} are shown; the whole file could not be read."
            return ""
        rows, columns = table.frame.shape
        return f"Read {plural(rows, 'row', 'rows')} and {plural(columns, 'column', 'columns')}."

    @Slot(str)
    def _on_progressed(self, text: str) -> None:
        self.progress_label.setText(text)
