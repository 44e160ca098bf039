"""The first rows of a CSV file as read with the chosen format: the target's header bold,
ignored columns muted."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


class CsvPreviewModel(QAbstractTableModel):
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


class CsvPreview(QTableView):
    """A read-only view of a `CsvPreviewModel` (its `rows`), columns as wide as their text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = CsvPreviewModel(self)
        self.setModel(self.rows)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.horizontalHeader().setDefaultSectionSize(96)
        self.setToolTip("The first rows of the file, as they are read with these settings.")

    def show_frame(self, frame: pd.DataFrame) -> None:
        self.rows.set_frame(frame)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Widths from the header and the first rows' text (resizeColumnsToContents asks every
        cell through Python, which takes most of a second for a wide table)."""
        model, header = self.rows, self.horizontalHeader()
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        bold_fm = QFontMetrics(bold)
        for i in range(min(model.columnCount(), 300)):
            title = bold_fm.horizontalAdvance(f"{model.names[i]} (target)")
            cells = max((fm.horizontalAdvance(t) for t in model.column_text(i, 30)), default=0)
            header.resizeSection(i, min(max(title, cells) + 16, 240))
