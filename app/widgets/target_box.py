"""The Target box of the import dialog: which column to predict, the task, and what the target
holds (class balance for classification, a histogram for regression)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.csv_loading import TargetSummary
from app.plots.class_balance import ClassBalance
from app.widgets.combo_choices import fill_choices, select_choice
from app.widgets.number_text import number_text
from core.columns import ColumnProfile
from core.text import plural

TASKS = (("Detect", "auto"), ("Classification", "classification"), ("Regression", "regression"))


class TargetBox(QGroupBox):
    """`target_chosen(name)` and `task_chosen()` when the user picks; it decides nothing itself."""

    target_chosen = Signal(str)
    task_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Target", parent)
        self.target = QComboBox()
        self.target.setToolTip("The column the network learns to predict.")
        self.target.activated.connect(self._on_target_activated)
        self.task = QComboBox()
        fill_choices(self.task, TASKS)
        self.task.setToolTip(
            "Classification predicts one of a set of labels; regression predicts a number. "
            "Detect decides from the target's values."
        )
        self.task.activated.connect(self._on_task_activated)
        self.target_note = QLabel()
        self.target_note.setWordWrap(True)
        self.target_note.setProperty("role", "muted")
        # The first thing to confirm: which column the import proposes to predict, and why.
        self.proposal = QLabel()
        self.proposal.setWordWrap(True)
        self.proposal.setVisible(False)
        self.balance = ClassBalance()
        layout = QVBoxLayout(self)
        layout.addWidget(self.proposal)
        form = QFormLayout()
        form.addRow("Predict", self.target)
        form.addRow("Task", self.task)
        layout.addLayout(form)
        layout.addWidget(self.target_note)
        layout.addWidget(self.balance)

    def propose(self, target: str, reason: str) -> None:
        """Say which column is proposed as the target and why; the user confirms or picks."""
        self.proposal.setText(f"Proposed: <b>{target}</b>, as {reason}. Is it the one to predict?")
        self.proposal.setVisible(True)
        self.target.setFocus()

    def clear_proposal(self) -> None:
        self.proposal.setVisible(False)

    def chosen_task(self) -> str:
        """'auto', 'classification' or 'regression'."""
        return self.task.currentData()

    def select_task(self, task: str) -> None:
        select_choice(self.task, task)

    def set_targets(self, names: Sequence[str], target: str) -> None:
        """Offer `names` as targets, showing `target`; nothing to choose when there are none."""
        with QSignalBlocker(self.target):
            self.target.clear()
            for name in names:
                self.target.addItem(name, name)
            select_choice(self.target, target)
        self.target.setEnabled(bool(names))
        self.task.setEnabled(bool(names))

    def show_summary(
        self,
        detected_task: str,
        summary: TargetSummary | None,
        profile: ColumnProfile | None,
        regression: bool,
    ) -> None:
        """Name the detected task in "Detect", and show what the target holds (if known)."""
        self.task.setItemText(0, f"Detect ({detected_task})" if detected_task else "Detect")
        if summary is None:
            self.target_note.setText("")
            self.balance.clear()
            return
        if regression and profile is not None:
            self.target_note.setText(
                f"Values from {number_text(profile.min)} to {number_text(profile.max)}, "
                f"mean {number_text(profile.mean)}."
            )
            low = summary.labels[0].split(" – ")[0] if summary.labels else ""
            high = summary.labels[-1].split(" – ")[-1] if summary.labels else ""
            self.balance.set_histogram(summary.counts, low, high)
        else:
            n = len(summary.labels)
            self.target_note.setText(
                f"{plural(n, 'class', 'classes')}; rows per class:" if n else ""
            )
            self.balance.set_classes(summary.labels, summary.counts)

    def _on_target_activated(self, _index: int) -> None:
        self.clear_proposal()  # chosen: nothing left to confirm
        self.target_chosen.emit(self.target.currentData())

    def _on_task_activated(self, _index: int) -> None:
        self.task_chosen.emit()
