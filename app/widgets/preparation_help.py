"""The import dialog's links into the Learn tab: a "?" for each way a column is prepared, and
which section F1 on a column's Preparation choice opens (it follows the choice)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.widgets.learn_button import learn_button, mark
from core.data_spec import ColumnSpec

# What each preparation is called in the Columns table, and its Learn section.
PREPARATIONS = (
    ("Min-max", "min_max"),
    ("Standardise", "standardise"),
    ("One-hot", "one_hot"),
)


def preparation_links() -> QWidget:
    """A row under the Columns table: "Preparation, explained: Min-max ? Standardise ? ..."."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(2, 0, 2, 0)
    layout.setSpacing(2)
    intro = QLabel("How the preparations work:")
    intro.setProperty("role", "muted")
    layout.addWidget(intro)
    for words, section in PREPARATIONS:
        layout.addSpacing(8)
        label = QLabel(words)
        layout.addWidget(label)
        layout.addWidget(learn_button(section, label))
    layout.addStretch(1)
    return row


def preparation_section(column: ColumnSpec, regression: bool) -> str:
    """The Learn section of a column's preparation as chosen now."""
    if column.role == "target":
        return "standardise" if regression else "one_hot"
    if column.kind == "categorical":
        return "one_hot"
    return "min_max" if column.scaling == "minmax" else "standardise"


def mark_preparation(combo: QWidget, column: ColumnSpec, regression: bool) -> None:
    """F1 on the column's Preparation choice opens the section of what it is set to."""
    mark(preparation_section(column, regression), combo)
