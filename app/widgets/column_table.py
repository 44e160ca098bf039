"""One row per column of a table: its role, kind, preparation and missing-value strategy (combo
boxes), and a summary of its values (missing, distinct, min, max, mean)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.widgets.combo_choices import fill_choices, select_choice
from app.widgets.number_text import number_text
from app.widgets.preparation_help import mark_preparation
from app.widgets.wheel_guard import guard_wheel
from core.columns import ColumnProfile
from core.data_spec import ColumnSpec

ROLES = (("Feature", "feature"), ("Target", "target"), ("Ignore", "ignore"))
KINDS = (("Numeric", "numeric"), ("Categorical", "categorical"))
SCALINGS = (("None", "none"), ("Min-max [0, 1]", "minmax"), ("Standardise", "standard"))
NUMERIC_IMPUTE = (("Mean", "mean"), ("Median", "median"))
CATEGORY_IMPUTE = (("Most frequent", "most_frequent"), ("As 'missing'", "missing_category"))

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
WIDTHS = {
    NAME: 130,
    ROLE: 86,
    KIND: 104,
    PREP: 124,
    IMPUTE: 118,
    MISSING: 60,
    DISTINCT: 60,
    MIN: 64,
    MAX: 64,
    MEAN: 64,
}


class ColumnTable(QTableWidget):
    """The columns' choices, shown from a list of ColumnSpec; it never changes that list itself.

    `choice_changed(row, what)` when the user picks in the ROLE, KIND, PREP or IMPUTE combo of a
    row; the owner reads `combo(row, what)`, decides, and shows the result with `refresh`.
    """

    choice_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self._row_combos: list[dict[int, QComboBox]] = []
        self.setHorizontalHeaderLabels(list(HEADERS))
        for i, tip in enumerate(HEADER_TIPS):
            self.horizontalHeaderItem(i).setToolTip(tip)
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in WIDTHS.items():
            self.setColumnWidth(column, width)
        header.setStretchLastSection(True)

    def combo(self, row: int, what: int) -> QComboBox:
        """The combo box of `row` for ROLE, KIND, PREP or IMPUTE."""
        return self._row_combos[row][what]

    def clear_rows(self) -> None:
        self.setRowCount(0)
        self._row_combos = []

    def show_columns(
        self,
        columns: Sequence[ColumnSpec],
        profiles: Sequence[ColumnProfile],
        regression: bool,
    ) -> None:
        """One row per column, with its choices and the summary of its values in `profiles`."""
        self.clear_rows()
        by_name = {p.name: p for p in profiles}
        self.setUpdatesEnabled(False)
        self.setRowCount(len(columns))
        for row, column in enumerate(columns):
            profile = by_name[column.name]
            item = QTableWidgetItem(column.name)
            item.setToolTip(_profile_tip(profile))
            self.setItem(row, NAME, item)
            combos = {}
            for what, choices in (
                (ROLE, ROLES),
                (KIND, KINDS),
                (PREP, SCALINGS),
                (IMPUTE, NUMERIC_IMPUTE),
            ):
                combo = QComboBox()
                guard_wheel(combo)  # a wheel over the table scrolls it, never a column's choice
                fill_choices(combo, choices)
                combo.setAccessibleName(f"{HEADERS[what]} of {column.name}")
                combo.setToolTip(HEADER_TIPS[what])
                combo.activated.connect(lambda _i, r=row, w=what: self.choice_changed.emit(r, w))
                self.setCellWidget(row, what, combo)
                combos[what] = combo
            self._row_combos.append(combos)
            for what, value in (
                (MISSING, f"{profile.n_missing:,}"),
                (DISTINCT, f"{profile.n_distinct:,}"),
                (MIN, number_text(profile.min)),
                (MAX, number_text(profile.max)),
                (MEAN, number_text(profile.mean)),
            ):
                cell = QTableWidgetItem(value)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cell.setToolTip(HEADER_TIPS[what])
                self.setItem(row, what, cell)
        # Wide enough for every figure (a large one would otherwise be cut to "17123…").
        for column in (MIN, MAX, MEAN):
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, max(WIDTHS[column], self.columnWidth(column)))
        self.refresh(columns, regression)
        self.setUpdatesEnabled(True)

    def refresh(self, columns: Sequence[ColumnSpec], regression: bool) -> None:
        """Show `columns` in the combos (which choices each offers depends on the kind)."""
        for row, column in enumerate(columns):
            if row >= len(self._row_combos):
                break
            combos = self._row_combos[row]
            numeric = column.kind == "numeric"
            target = column.role == "target"
            used = column.role != "ignore"
            with QSignalBlocker(combos[ROLE]):
                select_choice(combos[ROLE], column.role)
            # The target is chosen in the Target box (or by making another column the target).
            combos[ROLE].setEnabled(not target)
            with QSignalBlocker(combos[KIND]):
                select_choice(combos[KIND], column.kind)
            combos[KIND].setEnabled(used and not target)
            prep, impute = combos[PREP], combos[IMPUTE]
            with QSignalBlocker(prep), QSignalBlocker(impute):
                if target:
                    prepared = "Standardised for training" if regression else "Classes"
                    fill_choices(prep, ((prepared, ""),))
                    fill_choices(impute, (("Rows left out", ""),))
                elif numeric:
                    fill_choices(prep, SCALINGS)
                    select_choice(prep, column.scaling)
                    fill_choices(impute, NUMERIC_IMPUTE)
                    select_choice(impute, column.impute)
                else:
                    fill_choices(prep, (("One-hot", "none"),))
                    fill_choices(impute, CATEGORY_IMPUTE)
                    select_choice(impute, column.impute)
            mark_preparation(prep, column, regression)
            prep.setEnabled(used and numeric and not target)
            impute.setEnabled(used and not target)
            item = self.item(row, NAME)
            if item is not None:
                font = item.font()
                font.setBold(target)
                item.setFont(font)
                muted = self.palette().color(
                    QPalette.ColorRole.PlaceholderText if not used else QPalette.ColorRole.Text
                )
                item.setForeground(muted)

    def needed_height(self) -> int:
        """The height that shows every row without scrolling."""
        return (
            self.horizontalHeader().height()
            + self.rowCount() * self.verticalHeader().defaultSectionSize()
            + 60
        )


def _profile_tip(p: ColumnProfile) -> str:
    top = ", ".join(f"{value} ({count:,})" for value, count in p.top_values)
    found = {
        "constant": "one value only: it tells the network nothing",
        "identifier": "a different value in every row (an id): it tells the network nothing",
    }.get(p.kind, p.kind)
    return f"{p.name}: {found}. Most frequent: {top}" if top else f"{p.name}: {found}."
