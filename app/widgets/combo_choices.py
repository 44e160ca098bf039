"""Combo boxes filled from (label, value) choices, and set by value rather than by index."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QComboBox

Choices = tuple[tuple[str, str], ...]


def fill_choices(combo: QComboBox, choices: Choices) -> None:
    """Replace the combo's items with `choices`, each label carrying its value as item data."""
    combo.clear()
    for label, value in choices:
        combo.addItem(label, value)


def select_choice(combo: QComboBox, value: str) -> None:
    """Show the item whose value is `value` (the first when none is; typed text if editable)."""
    index = combo.findData(value)
    if index < 0 and combo.isEditable():
        combo.setEditText(value)
        return
    with QSignalBlocker(combo):
        combo.setCurrentIndex(max(index, 0))
