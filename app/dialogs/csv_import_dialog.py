"""The import dialog: see what a CSV file holds, choose what to predict from what, and how.

It shows the first rows as read with the detected (or chosen) delimiter, encoding, decimal mark
and header; one row per column with its role, kind, preparation and missing-value strategy and a
summary of its values; the target's class balance; the task; the split. Reading, profiling and
checking run in `BackgroundJobs` (a million rows take seconds), so the dialog never freezes; the
preview reads only the first rows. Whatever is wrong with the file or with the choice is said in
a banner at the top, naming the row and column where it can; Import stays disabled until the
choice has been checked the way training will use it (`prepare_data`). The dialog never touches
the project: the caller takes `spec` and `shape` when it is accepted.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.csv_loading import (
    BackgroundJobs,
    CheckedChoice,
    LoadedTable,
    Preview,
    Progress,
    TargetSummary,
    check_choice,
    choose_target,
    default_target,
    read_preview,
    summarise_target,
)
from app.plots.class_balance import ClassBalance
from app.state import DataShape
from core.columns import ColumnProfile
from core.data_spec import ColumnSpec, CsvSource, DataSpec

# (label, value) choices; "" means detect.
DELIMITERS = (
    ("Detect", ""),
    ("Comma  ,", ","),
    ("Semicolon  ;", ";"),
    ("Tab", "\t"),
    ("Pipe  |", "|"),
    ("Space", " "),
)
ENCODINGS = (("Detect", ""), ("UTF-8", "utf-8"), ("Latin-1", "latin-1"), ("Windows-1252", "cp1252"))
DECIMALS = (("Detect", ""), ("Point  .", "."), ("Comma  ,", ","))
ROLES = (("Feature", "feature"), ("Target", "target"), ("Ignore", "ignore"))
KINDS = (("Numeric", "numeric"), ("Categorical", "categorical"))
SCALINGS = (("None", "none"), ("Min-max [0, 1]", "minmax"), ("Standardise", "standard"))
NUMERIC_IMPUTE = (("Mean", "mean"), ("Median", "median"))
CATEGORY_IMPUTE = (("Most frequent", "most_frequent"), ("As 'missing'", "missing_category"))
TASKS = (("Detect", "auto"), ("Classification", "classification"), ("Regression", "regression"))

NAME, ROLE, KIND, PREP, IMPUTE, MISSING, DISTINCT, MIN, MAX, MEAN = range(10)
HEADERS = (
    "Column",
    "Role",
    "Kind",
    "Preparation",
    "Missing values",
    "Missing",
    "Distinct",
    "Min",
    "Max",
    "Mean",
)
HEADER_TIPS = (
    "The column's name in the file.",
    "Feature: the network reads it. Target: what it learns to predict. Ignore: left out.",
    "Numeric: a quantity. Categorical: a label, one-hot encoded (one input per value).",
    "How a numeric feature is scaled before the network sees it; statistics come from the "
    "training rows only.",
    "What a missing value becomes: the column's mean or median, its most frequent value, or a "
    "category of its own.",
    "How many rows have no value in this column.",
    "How many different values the column holds.",
    "The smallest value (numeric columns).",
    "The largest value (numeric columns).",
    "The average value (numeric columns).",
)
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", " ": "space"}
CHECK_DELAY_MS = 200  # a burst of edits is checked once


def _fill(combo: QComboBox, choices: tuple[tuple[str, str], ...]) -> None:
    combo.clear()
    for label, value in choices:
        combo.addItem(label, value)


def _select(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0 and combo.isEditable():
        combo.setEditText(value)
        return
    with QSignalBlocker(combo):
        combo.setCurrentIndex(max(index, 0))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


class _PreviewModel(QAbstractTableModel):
    """The first rows of the file, as text; the target's header bold, ignored columns muted.

    Everything a view asks for is worked out once in `set_frame` (a view asks per cell, often).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.names: list[str] = []
        self._text: list[list[str]] = []
        self._numeric: list[bool] = []
        self._roles: list[str] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame
        self.names = [str(c) for c in frame.columns]
        self._text = [
            ["" if pd.isna(v) else str(v) for v in frame.iloc[:, i].tolist()]
            for i in range(frame.shape[1])
        ]
        self._numeric = [pd.api.types.is_numeric_dtype(t) for t in frame.dtypes]
        self._roles = [""] * len(self.names)
        self.endResetModel()

    def set_roles(self, roles: dict[str, str]) -> None:
        self._roles = [roles.get(name, "") for name in self.names]
        if self.columnCount():
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def role_of(self, column: int) -> str:
        return self._roles[column] if column < len(self._roles) else ""

    def column_text(self, column: int, rows: int) -> list[str]:
        return self._text[column][:rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[index.column()][index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and self.role_of(index.column()) == "ignore":
            return QPalette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[index.column()]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Vertical:
            # Data rows count from 1, as the messages about rows do.
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if section >= len(self.names):
            return None
        name, role_of = self.names[section], self.role_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{name} (target)" if role_of == "target" else name
        if role == Qt.ItemDataRole.FontRole and role_of == "target":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and role_of == "ignore":
            return QPalette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{name}: {role_of or 'column'}"
        return None


class _Banner(QFrame):
    """A message across the top of the dialog: an error (red) or a note (neutral)."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        self.level = ""
        self.setVisible(False)

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        self.label.setText(text)
        error = level == "error"
        colour = "#c0392b" if error else "palette(mid)"
        background = "rgba(192, 57, 43, 0.12)" if error else "palette(alternate-base)"
        self.setStyleSheet(
            f"_Banner {{ border: 1px solid {colour}; border-radius: 4px; background: {background}; }}"
        )
        self.label.setAccessibleName("Problem" if error else "Note")
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.label.clear()
        self.level = ""
        self.setVisible(False)

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class CsvImportDialog(QDialog):
    """Import `path`, starting from `current` (the data it was imported with before) if given.

    When accepted, `spec` is the DataSpec and `shape` what the network needs of it.
    """

    def __init__(
        self,
        path: str,
        jobs: BackgroundJobs,
        current: DataSpec | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = str(path)
        self.jobs = jobs
        self._current = current if current and isinstance(current.source, CsvSource) else None
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
        self._row_combos: list[dict[int, QComboBox]] = []

        name = Path(self.path).name
        self.setWindowTitle(f"Import {name}")
        self.setAcceptDrops(False)
        self.resize(1260, 780)
        self._build(name)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._submit_check)
        jobs.busy_changed.connect(self._on_busy_changed)
        jobs.progressed.connect(self._on_progressed)
        self._apply_current_format()
        self._reload()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self, name: str) -> None:
        self.file_label = QLabel(f"<b>{name}</b>")
        self.file_label.setToolTip(self.path)
        self.path_label = QLabel(self.path)
        self.path_label.setProperty("role", "muted")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.delimiter = QComboBox()
        _fill(self.delimiter, DELIMITERS)
        self.delimiter.setToolTip("The character between two fields of a row.")
        self.delimiter.activated.connect(self._on_format_changed)
        self.encoding = QComboBox()
        self.encoding.setEditable(True)
        _fill(self.encoding, ENCODINGS)
        self.encoding.setToolTip(
            "How the file's bytes become text; pick or type another if accents look wrong."
        )
        self.encoding.activated.connect(self._on_format_changed)
        self.encoding.lineEdit().editingFinished.connect(self._on_encoding_typed)
        self.decimal = QComboBox()
        _fill(self.decimal, DECIMALS)
        self.decimal.setToolTip("The mark between the whole and fractional part of a number.")
        self.decimal.activated.connect(self._on_format_changed)
        for combo in (self.delimiter, self.encoding, self.decimal):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.header = QCheckBox("First row holds the column names")
        self.header.setChecked(True)
        self.header.setToolTip("Untick when the first row is already data.")
        self.header.toggled.connect(self._on_format_changed)

        fmt = QHBoxLayout()
        fmt.setSpacing(8)
        for text, widget in (
            ("Delimiter", self.delimiter),
            ("Encoding", self.encoding),
            ("Decimal mark", self.decimal),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            fmt.addWidget(label)
            fmt.addWidget(widget)
            fmt.addSpacing(10)
        fmt.addWidget(self.header)
        fmt.addStretch(1)

        self.banner = _Banner()
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: reading gives no fraction done
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        # The row keeps its place when idle, so the tables below do not jump.
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress_label = QLabel()
        self.progress_label.setProperty("role", "muted")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label, 1)
        progress_row.addWidget(self.progress)

        # --- the first rows ---
        self.preview_model = _PreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.preview.horizontalHeader().setDefaultSectionSize(96)
        self.preview.setToolTip("The first rows of the file, as they are read with these settings.")
        preview_box = QGroupBox("First rows")
        QVBoxLayout(preview_box).addWidget(self.preview)

        # --- one row per column ---
        self.columns = QTableWidget(0, len(HEADERS))
        self.columns.setHorizontalHeaderLabels(list(HEADERS))
        for i, tip in enumerate(HEADER_TIPS):
            self.columns.horizontalHeaderItem(i).setToolTip(tip)
        self.columns.verticalHeader().setVisible(False)
        self.columns.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.columns.setAlternatingRowColors(True)
        self.columns.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.columns.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in (
            (NAME, 130),
            (ROLE, 86),
            (KIND, 104),
            (PREP, 124),
            (IMPUTE, 118),
            (MISSING, 60),
            (DISTINCT, 60),
            (MIN, 64),
            (MAX, 64),
            (MEAN, 64),
        ):
            self.columns.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        columns_box = QGroupBox("Columns")
        QVBoxLayout(columns_box).addWidget(self.columns)

        self.tables = tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(preview_box)
        tables.addWidget(columns_box)
        tables.setChildrenCollapsible(False)
        tables.setSizes([230, 330])

        # --- the target and the task ---
        self.target = QComboBox()
        self.target.setToolTip("The column the network learns to predict.")
        self.target.activated.connect(self._on_target_chosen)
        self.task = QComboBox()
        _fill(self.task, TASKS)
        self.task.setToolTip(
            "Classification predicts one of a set of labels; regression predicts a number. "
            "Detect decides from the target's values."
        )
        self.task.activated.connect(self._on_task_chosen)
        self.target_note = QLabel()
        self.target_note.setWordWrap(True)
        self.target_note.setProperty("role", "muted")
        self.balance = ClassBalance()
        target_box = QGroupBox("Target")
        target_layout = QVBoxLayout(target_box)
        target_form = QFormLayout()
        target_form.addRow("Predict", self.target)
        target_form.addRow("Task", self.task)
        target_layout.addLayout(target_form)
        target_layout.addWidget(self.target_note)
        target_layout.addWidget(self.balance)

        # --- the split ---
        self.val_percent = QSpinBox()
        self.val_percent.setRange(0, 90)
        self.val_percent.setSuffix(" %")
        self.val_percent.setValue(20)
        self.val_percent.setToolTip(
            "Share of rows kept aside to check the network while it trains (validation)."
        )
        self.test_percent = QSpinBox()
        self.test_percent.setRange(0, 90)
        self.test_percent.setSuffix(" %")
        self.test_percent.setToolTip(
            "Share of rows kept aside until the end, for an honest final score (test)."
        )
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("The same seed always splits the rows the same way.")
        for spin in (self.val_percent, self.test_percent, self.seed):
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._on_split_changed)
        self.split_note = QLabel()
        self.split_note.setWordWrap(True)
        self.split_note.setProperty("role", "muted")
        split_box = QGroupBox("Split")
        split_layout = QVBoxLayout(split_box)
        split_form = QFormLayout()
        split_form.addRow("Validation", self.val_percent)
        split_form.addRow("Test", self.test_percent)
        split_form.addRow("Seed", self.seed)
        split_layout.addLayout(split_form)
        split_layout.addWidget(self.split_note)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(target_box)
        side_layout.addWidget(split_box)
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
        self.buttons.accepted.connect(self._on_import_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        title = QHBoxLayout()
        title.addWidget(self.file_label)
        title.addWidget(self.path_label, 1)
        layout.addLayout(title)
        layout.addLayout(fmt)
        layout.addWidget(self.banner)
        layout.addWidget(self.note)
        layout.addLayout(progress_row)
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
        return self._row_combos[self.column_names().index(column)][what]

    def choice(self) -> DataSpec | None:
        """The DataSpec the dialog's settings describe now (checked or not)."""
        if self._table is None or not self._columns:
            return None
        return DataSpec(
            self._table.source,
            tuple(self._columns),
            self._task_value(),
            self.val_percent.value() / 100,
            self.test_percent.value() / 100,
            self.seed.value(),
        )

    # --- reading the file -------------------------------------------------------------------

    def _format_source(self) -> CsvSource:
        encoding = self.encoding.currentData() if self._encoding_is_listed() else ""
        if not self._encoding_is_listed():
            encoding = self.encoding.currentText().strip()
        return CsvSource(
            self.path,
            delimiter=self.delimiter.currentData(),
            encoding=encoding,
            decimal=self.decimal.currentData(),
            header=self.header.isChecked(),
        )

    def _encoding_is_listed(self) -> bool:
        return self.encoding.findText(self.encoding.currentText()) >= 0

    def _apply_current_format(self) -> None:
        if self._current is None:
            return
        source = self._current.source
        assert isinstance(source, CsvSource)
        _select(self.delimiter, source.delimiter)
        _select(self.decimal, source.decimal)
        index = self.encoding.findData(source.encoding)
        with QSignalBlocker(self.encoding):
            if index >= 0:
                self.encoding.setCurrentIndex(index)
            else:
                self.encoding.setEditText(source.encoding)
        with QSignalBlocker(self.header):
            self.header.setChecked(source.header)
        for spin, value in (
            (self.val_percent, round(self._current.val_fraction * 100)),
            (self.test_percent, round(self._current.test_fraction * 100)),
            (self.seed, self._current.seed),
        ):
            with QSignalBlocker(spin):
                spin.setValue(value)

    def _reload(self) -> None:
        """Read the file afresh with the format settings: the preview first, then all of it."""
        self.jobs.cancel()
        self._check_timer.stop()
        self._table, self._checked, self._target_summary = None, None, None
        self._errors = {"load": "", "target": "", "check": ""}
        self._note = ""
        self._show_problems()
        self._update_import()
        source = self._format_source()
        self.jobs.submit(
            "preview", lambda _p: read_preview(source), self._on_preview, self._on_preview_failed
        )
        self.jobs.submit(
            "load", lambda progress: _load(source, progress), self._on_loaded, self._on_load_failed
        )

    def _on_preview(self, preview: Preview) -> None:
        self._preview = preview
        self.preview_model.set_frame(preview.frame)
        self._fit_preview_columns()
        self._show_detected(preview)

    def _on_preview_failed(self, message: str) -> None:
        self._preview = None
        self.preview_model.set_frame(pd.DataFrame())
        self._errors["load"] = message
        self._show_problems()

    def _fit_preview_columns(self) -> None:
        """Widths from the header and the first rows' text (resizeColumnsToContents asks every
        cell through Python, which takes most of a second for a wide table)."""
        model, header = self.preview_model, self.preview.horizontalHeader()
        fm = self.preview.fontMetrics()
        bold = QFont(self.preview.font())
        bold.setBold(True)
        bold_fm = QFontMetrics(bold)
        for i in range(min(model.columnCount(), 300)):
            title = bold_fm.horizontalAdvance(f"{model.names[i]} (target)")
            cells = max((fm.horizontalAdvance(t) for t in model.column_text(i, 30)), default=0)
            header.resizeSection(i, min(max(title, cells) + 16, 240))

    def _show_detected(self, preview: Preview) -> None:
        fmt = preview.format
        shown = DELIMITER_NAMES.get(fmt.delimiter, repr(fmt.delimiter))
        self.delimiter.setItemText(0, f"Detect ({shown})")
        self.encoding.setItemText(0, f"Detect ({fmt.encoding})")
        self.decimal.setItemText(0, f"Detect ({fmt.decimal})")
        source = self._format_source()
        if not source.encoding and fmt.encoding == "latin-1":
            self._note = (
                f"{Path(self.path).name} is not valid UTF-8, so it was read as Latin-1; "
                "if accented letters look wrong, choose its encoding above."
            )
            self._show_problems()

    def _on_loaded(self, loaded: tuple[LoadedTable, str, DataSpec | None, str]) -> None:
        table, target, spec, error = loaded
        self._table = table
        self._errors["load"] = ""
        self._detected_task = spec.task if spec is not None else ""
        columns = (
            list(spec.columns) if spec is not None else _fallback_columns(table.profiles, target)
        )
        current, self._current = self._current, None
        if current is not None:
            # Reopened: the earlier choices win for the columns that are still there.
            before = {c.name: c for c in current.columns}
            merged = [before.get(c.name, replace(c, role="ignore")) for c in columns]
            if sum(c.role == "target" for c in merged) == 1:
                columns = merged
                # Detect stays chosen unless it would pick another task than the one used.
                self._wanted_task = current.task
        self._columns = columns
        self._fill_columns()
        self._fill_targets()
        self._errors["target"] = error
        self._show_problems()
        if self._target_name() != target or self._wanted_task:
            self._submit_target(self._target_name(), fresh=set())
        elif spec is not None:
            self._submit_summary()
            self._schedule_check()
        else:
            self._submit_summary()

    def _on_load_failed(self, message: str) -> None:
        self._table = None
        self._columns = []
        self._fill_columns()
        self._fill_targets()
        self._errors["load"] = message
        self._show_problems()
        self._update_import()

    # --- the target and task ------------------------------------------------------------------

    def _target_name(self) -> str:
        targets = [c.name for c in self._columns if c.role == "target"]
        return targets[0] if targets else ""

    def _task_value(self) -> str:
        chosen = self.task.currentData()
        if chosen != "auto":
            return chosen
        return self._detected_task or "classification"

    def _submit_target(self, target: str, fresh: set[str] | None = None) -> None:
        """Ask the engine about `target`: its task and defaults, or why it cannot be one.

        The columns named in `fresh` take the engine's defaults; the others keep the user's
        choices. By default those are the new target and the old one (which becomes a feature
        when it can be one).
        """
        table = self._table
        if table is None or not target:
            return
        old = self._target_name()
        if fresh is None:
            fresh = {target, old}
        features = [c.name for c in self._columns if c.role == "feature" and c.name != target]
        if old and old != target:
            profile = _profile(table, old)
            if profile is not None and profile.kind in ("numeric", "categorical"):
                features.append(old)
        # Show the new roles at once; the kinds follow when the engine has answered.
        self._columns = [
            replace(c, role="target")
            if c.name == target
            else replace(c, role="feature" if c.name in features else "ignore")
            for c in self._columns
        ]
        self._refresh_rows()
        self._fill_targets()
        self._checked = None
        self._update_import()
        ordered = [c.name for c in self._columns if c.name in features]
        task = self.task.currentData()
        self.jobs.submit(
            "target",
            lambda _p: choose_target(table, target, ordered, task),
            lambda spec: self._on_target_checked(spec, fresh),
            self._on_target_failed,
        )

    def _on_target_checked(self, spec: DataSpec, fresh: set[str]) -> None:
        wanted, self._wanted_task = self._wanted_task, ""
        if wanted and wanted != spec.task:
            _select(self.task, wanted)
            self._submit_target(spec.target.name, fresh=fresh)
            return
        self._errors["target"] = ""
        if self.task.currentData() == "auto":
            self._detected_task = spec.task
        auto = {c.name: c for c in spec.columns}
        self._columns = [auto[c.name] if c.name in fresh else c for c in self._columns]
        self._refresh_rows()
        self._show_task()
        self._show_problems()
        self._submit_summary()
        self._schedule_check()

    def _on_target_failed(self, message: str) -> None:
        self._errors["target"] = message
        self._detected_task = ""
        self._show_task()
        self._show_problems()
        self._submit_summary()
        self._update_import()

    def _submit_summary(self) -> None:
        table, target = self._table, self._target_name()
        if table is None or not target:
            return
        task = self._task_value()
        self.jobs.submit(
            "summary",
            lambda _p: summarise_target(table.frame, target, task),
            self._on_summary,
            lambda _message: self.balance.clear(),
        )

    def _on_summary(self, summary: TargetSummary) -> None:
        self._target_summary = summary
        self._show_task()

    def _show_task(self) -> None:
        detected = self._detected_task
        self.task.setItemText(0, f"Detect ({detected})" if detected else "Detect")
        summary = self._target_summary
        target = self._target_name()
        profile = _profile(self._table, target) if self._table is not None else None
        if summary is None or not target:
            self.target_note.setText("")
            self.balance.clear()
            return
        if self._task_value() == "regression" and profile is not None:
            self.target_note.setText(
                f"Values from {_number(profile.min)} to {_number(profile.max)}, "
                f"mean {_number(profile.mean)}."
            )
            low = summary.labels[0].split(" – ")[0] if summary.labels else ""
            high = summary.labels[-1].split(" – ")[-1] if summary.labels else ""
            self.balance.set_histogram(summary.counts, low, high)
        else:
            n = len(summary.labels)
            self.target_note.setText(f"{n:,} classes; rows per class:" if n else "")
            self.balance.set_classes(summary.labels, summary.counts)

    # --- the columns table --------------------------------------------------------------------

    def _fill_columns(self) -> None:
        table = self._table
        self.columns.setRowCount(0)
        self._row_combos = []
        if table is None:
            total = sum(self.tables.sizes())
            self.tables.setSizes([total * 2 // 3, total - total * 2 // 3])
            return
        profiles = {p.name: p for p in table.profiles}
        self.columns.setUpdatesEnabled(False)
        self.columns.setRowCount(len(self._columns))
        for row, column in enumerate(self._columns):
            profile = profiles[column.name]
            item = QTableWidgetItem(column.name)
            item.setToolTip(_profile_tip(profile))
            self.columns.setItem(row, NAME, item)
            combos = {}
            for what, choices in (
                (ROLE, ROLES),
                (KIND, KINDS),
                (PREP, SCALINGS),
                (IMPUTE, NUMERIC_IMPUTE),
            ):
                combo = QComboBox()
                _fill(combo, choices)
                combo.setAccessibleName(f"{HEADERS[what]} of {column.name}")
                combo.setToolTip(HEADER_TIPS[what])
                combo.activated.connect(
                    lambda _i, r=row, w=what: self._on_column_combo_changed(r, w)
                )
                self.columns.setCellWidget(row, what, combo)
                combos[what] = combo
            self._row_combos.append(combos)
            for what, value in (
                (MISSING, f"{profile.n_missing:,}"),
                (DISTINCT, f"{profile.n_distinct:,}"),
                (MIN, _number(profile.min)),
                (MAX, _number(profile.max)),
                (MEAN, _number(profile.mean)),
            ):
                cell = QTableWidgetItem(value)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cell.setToolTip(HEADER_TIPS[what])
                self.columns.setItem(row, what, cell)
        self._refresh_rows()
        self.columns.setUpdatesEnabled(True)
        # The columns table takes the room its rows need (up to half); the preview the rest.
        total = sum(self.tables.sizes())
        needed = (
            self.columns.horizontalHeader().height()
            + len(self._columns) * self.columns.verticalHeader().defaultSectionSize()
            + 60
        )
        wanted = min(max(needed, 160), total // 2)
        self.tables.setSizes([total - wanted, wanted])

    def _refresh_rows(self) -> None:
        """Show `self._columns` in the combos (which choices each offers depends on the kind)."""
        for row, column in enumerate(self._columns):
            if row >= len(self._row_combos):
                break
            combos = self._row_combos[row]
            numeric = column.kind == "numeric"
            target = column.role == "target"
            used = column.role != "ignore"
            with QSignalBlocker(combos[ROLE]):
                _select(combos[ROLE], column.role)
            # The target is chosen in the Target box (or by making another column the target).
            combos[ROLE].setEnabled(not target)
            with QSignalBlocker(combos[KIND]):
                _select(combos[KIND], column.kind)
            combos[KIND].setEnabled(used and not target)
            prep, impute = combos[PREP], combos[IMPUTE]
            with QSignalBlocker(prep), QSignalBlocker(impute):
                if target:
                    regression = self._task_value() == "regression"
                    _fill(prep, (("Standardised for training" if regression else "Classes", ""),))
                    _fill(impute, (("Rows left out", ""),))
                elif numeric:
                    _fill(prep, SCALINGS)
                    _select(prep, column.scaling)
                    _fill(impute, NUMERIC_IMPUTE)
                    _select(impute, column.impute)
                else:
                    _fill(prep, (("One-hot", "none"),))
                    _fill(impute, CATEGORY_IMPUTE)
                    _select(impute, column.impute)
            prep.setEnabled(used and numeric and not target)
            impute.setEnabled(used and not target)
            item = self.columns.item(row, NAME)
            if item is not None:
                font = item.font()
                font.setBold(target)
                item.setFont(font)
                muted = self.palette().color(
                    QPalette.ColorRole.PlaceholderText if not used else QPalette.ColorRole.Text
                )
                item.setForeground(muted)
        self.preview_model.set_roles({c.name: c.role for c in self._columns})

    def _fill_targets(self) -> None:
        with QSignalBlocker(self.target):
            self.target.clear()
            for c in self._columns:
                self.target.addItem(c.name, c.name)
            _select(self.target, self._target_name())
        self.target.setEnabled(bool(self._columns))
        self.task.setEnabled(bool(self._columns))

    def _on_column_combo_changed(self, row: int, what: int) -> None:
        column = self._columns[row]
        value = self._row_combos[row][what].currentData()
        if what == ROLE:
            if value == "target":
                self._submit_target(column.name)
                return
            column = replace(column, role=value)
        elif what == KIND:
            column = (
                replace(column, kind="numeric", scaling="standard", impute="mean")
                if value == "numeric"
                else replace(column, kind="categorical", scaling="none", impute="most_frequent")
            )
        elif what == PREP:
            column = replace(column, scaling=value)
        else:
            column = replace(column, impute=value)
        self._columns[row] = column
        self._refresh_rows()
        if self._errors["target"] and what == ROLE:
            # "Choose features yourself": the engine looks again with the features chosen.
            self._submit_target(self._target_name(), fresh=set())
        else:
            self._schedule_check()

    # --- checking the whole choice ----------------------------------------------------------

    def _schedule_check(self) -> None:
        self._checked = None
        self._update_import()
        if self._table is not None and not self._errors["target"]:
            self._check_timer.start()

    def _submit_check(self) -> None:
        spec, table = self.choice(), self._table
        if spec is None or table is None or self._errors["target"]:
            return
        frame = table.frame
        self.jobs.submit(
            "check",
            lambda progress: check_choice(spec, frame, progress),
            self._on_checked,
            self._on_check_failed,
        )

    def _on_checked(self, checked: CheckedChoice) -> None:
        if checked.spec != self.choice():
            return  # the settings changed meanwhile; their own check is on its way
        self._checked = checked
        self._errors["check"] = ""
        self._show_problems()
        dropped = (
            f" {checked.dropped_rows:,} rows without a target are left out."
            if checked.dropped_rows
            else ""
        )
        test = f", {checked.n_test:,} test" if checked.n_test else ""
        self.split_note.setText(
            f"{checked.n_train:,} training rows, {checked.n_val:,} validation{test}; "
            f"{checked.shape.n_inputs:,} network inputs.{dropped}"
        )
        self._update_import()

    def _on_check_failed(self, message: str) -> None:
        self._checked = None
        self._errors["check"] = message
        self.split_note.setText("")
        self._show_problems()
        self._update_import()

    def _on_split_changed(self) -> None:
        self._schedule_check()

    # --- messages and buttons -----------------------------------------------------------------

    def _show_problems(self) -> None:
        problem = next((text for text in self._errors.values() if text), "")
        if problem:
            self.banner.show_message(_sentence(problem), "error")
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
                return f"The first {rows:,} rows are shown; the whole file could not be read."
            return ""
        rows, columns = table.frame.shape
        return f"Read {rows:,} rows and {columns:,} columns."

    @Slot(str)
    def _on_progressed(self, text: str) -> None:
        self.progress_label.setText(text)

    # --- the user's actions -------------------------------------------------------------------

    def _on_format_changed(self, *_args: object) -> None:
        self._reload()

    def _on_encoding_typed(self) -> None:
        if not self._encoding_is_listed():
            self._reload()

    def _on_target_chosen(self, _index: int) -> None:
        target = self.target.currentData()
        if target and target != self._target_name():
            self._submit_target(target)

    def _on_task_chosen(self, _index: int) -> None:
        target = self._target_name()
        if target:
            self._submit_target(target, fresh={target})

    def _on_import_clicked(self) -> None:
        checked = self._checked
        if checked is None or checked.spec != self.choice():
            return
        self.spec, self.shape = checked.spec, checked.shape
        self.accept()

    def done(self, result: int) -> None:
        # Whatever is still being read or checked is for this dialog only: drop it.
        self._check_timer.stop()
        self.jobs.cancel()
        self.jobs.busy_changed.disconnect(self._on_busy_changed)
        self.jobs.progressed.disconnect(self._on_progressed)
        super().done(result)


def _load(source: CsvSource, progress: Progress) -> tuple[LoadedTable, str, DataSpec | None, str]:
    """Read and profile the file, and the engine's default choice: (table, target, spec, error)."""
    from app.csv_loading import load_table
    from core.errors import DataError, SpecError

    table = load_table(source, progress)
    target = default_target(table.profiles)
    try:
        return table, target, choose_target(table, target, None, "auto"), ""
    except (DataError, SpecError) as exc:
        return table, target, None, str(exc)


def _fallback_columns(profiles: tuple[ColumnProfile, ...], target: str) -> list[ColumnSpec]:
    """Column choices when the engine could not make its own (the default target is unusable)."""
    out = []
    for p in profiles:
        numeric = p.min is not None or (p.kind == "constant" and p.n_distinct == 0)
        kind = "numeric" if numeric else "categorical"
        role = (
            "target"
            if p.name == target
            else "ignore"
            if p.kind in ("constant", "identifier")
            else "feature"
        )
        if kind == "numeric":
            out.append(ColumnSpec(p.name, role, "numeric", "standard", "mean"))
        else:
            out.append(ColumnSpec(p.name, role, "categorical", "none", "most_frequent"))
    return out


def _profile(table: LoadedTable | None, name: str) -> ColumnProfile | None:
    if table is None:
        return None
    return next((p for p in table.profiles if p.name == name), None)


def _profile_tip(p: ColumnProfile) -> str:
    top = ", ".join(f"{value} ({count:,})" for value, count in p.top_values)
    found = {
        "constant": "one value only: it tells the network nothing",
        "identifier": "a different value in every row (an id): it tells the network nothing",
    }.get(p.kind, p.kind)
    return f"{p.name}: {found}. Most frequent: {top}" if top else f"{p.name}: {found}."


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    if text.split()[0].isalpha():  # not a file name such as single_class.csv
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
