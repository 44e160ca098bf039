"""The import dialog's two tables, one above the other: the file's first rows, and one row per
column with its choices. The splitter between them shares the room: the columns table takes what
its rows need (up to half), the preview the rest."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QSplitter, QVBoxLayout, QWidget

from app.widgets.column_table import ColumnTable
from app.widgets.csv_preview import CsvPreview
from app.widgets.preparation_help import preparation_links
from core.columns import ColumnProfile
from core.data_spec import ColumnSpec

__all__ = ["CsvTables"]


class CsvTables(QSplitter):
    """ "First rows" (`preview`) above "Columns" (`columns`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.preview = CsvPreview()
        self.preview_model = self.preview.rows
        preview_box = QGroupBox("First rows")
        QVBoxLayout(preview_box).addWidget(self.preview)

        self.columns = ColumnTable()
        columns_box = QGroupBox("Columns")
        box = QVBoxLayout(columns_box)
        box.addWidget(self.columns)
        self.links = preparation_links()
        box.addWidget(self.links)

        self.addWidget(preview_box)
        self.addWidget(columns_box)
        self.setChildrenCollapsible(False)
        self.setSizes([190, 300])

    def show_columns(
        self,
        columns: Sequence[ColumnSpec],
        profiles: Sequence[ColumnProfile],
        regression: bool,
    ) -> None:
        """A row per column, the preview's headers marked by role, and the room shared anew."""
        self.columns.show_columns(columns, profiles, regression)
        self.preview_model.set_roles({c.name: c.role for c in columns})
        # The columns table takes the room its rows need (up to half); the preview the rest.
        total = sum(self.sizes())
        needed = self.columns.needed_height() + self.links.sizeHint().height()
        wanted = min(max(needed, 160), total // 2)
        self.setSizes([total - wanted, wanted])

    def clear_columns(self) -> None:
        """No columns (the file could not be read): the preview gets two thirds of the room."""
        self.columns.clear_rows()
        total = sum(self.sizes())
        self.setSizes([total * 2 // 3, total - total * 2 // 3])

    def refresh(self, columns: Sequence[ColumnSpec], regression: bool) -> None:
        """Show changed choices in the columns table and the preview's headers."""
        self.columns.refresh(columns, regression)
        self.preview_model.set_roles({c.name: c.role for c in columns})
