"""Combo boxes filled from (label, value) choices, and set by value rather than by index; and
combos too narrow for their items that still show them in full."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSignalBlocker
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


class _FullText(QObject):
    """Keeps a combo's list as wide as its longest item and its tooltip naming the chosen one."""

    def __init__(self, combo: QComboBox) -> None:
        super().__init__(combo)
        self.combo = combo
        self.about = combo.toolTip()  # what the combo is for, kept under the chosen item
        model = combo.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
            signal.connect(self.fit_list)
        # A paint follows every change of the shown item, signals blocked or not.
        combo.installEventFilter(self)
        self.fit_list()
        self.name_current()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Paint, QEvent.Type.ToolTip):
            self.name_current()
        return False

    def fit_list(self, *_args: object) -> None:
        view = self.combo.view()
        metrics = view.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(self.combo.itemText(i)) for i in range(self.combo.count())),
            default=0,
        )
        # Room for the item's margins, and for a scroll bar when the list is long.
        bar = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(widest + 4 * metrics.averageCharWidth() + bar)

    def name_current(self) -> None:
        text = self.combo.currentText()
        tip = f"{text}\n\n{self.about}" if text and self.about else text or self.about
        if tip != self.combo.toolTip():
            self.combo.setToolTip(tip)


def show_full_text(combo: QComboBox) -> None:
    """For a combo narrower than its items: the list opens as wide as the longest item, and the
    tooltip starts with the chosen item in full, so an elided "worst perim…" can still be read."""
    _FullText(combo)
