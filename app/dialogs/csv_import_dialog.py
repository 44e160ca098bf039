"""The import dialog: see what a CSV file holds, choose what to predict from what, and how.

It shows the first rows as read with the detected (or chosen) delimiter, encoding, decimal mark
and header; one row per column with its role, kind, preparation and missing-value strategy and a
summary of its values; the target's class balance; the task; the split. Reading, profiling and
checking run in `app.background.LatestJobs` (a million rows take seconds), so the dialog never freezes; the
preview reads only the first rows. Whatever is wrong with the file or with the choice is said in
a banner at the top, naming the row and column where it can; Import stays disabled until the
choice has been checked the way training will use it (`prepare_data`). The dialog never touches
the project: the caller takes `spec` and `shape` when it is accepted.

The parts live in `app/widgets/` (format bar, the two tables, Target and Split boxes, busy row);
the rules for the columns' choices in `app/column_choices.py`; the widgets' places and how the
state is shown in `csv_import_view.py`. This file holds the conversation with the background
jobs and the answers to the user's actions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from app.background import LatestJobs
from app.column_choices import (
    fallback_columns,
    load_with_defaults,
    reopened_columns,
    with_target,
)
from app.csv_loading import (
    CheckedChoice,
    LoadedTable,
    Preview,
    TargetSummary,
    check_choice,
    choose_target,
    read_preview,
    summarise_target,
)
from app.dialogs.csv_import_view import CsvImportView
from app.dialogs.screen_fit import DEFAULT_SIZE, fitting_size
from app.widgets.column_table import IMPUTE, KIND, PREP, ROLE
from app.widgets.message_banner import sentence
from app.widgets.wheel_guard import guard_wheel_below
from core.columns import target_reason
from core.data_spec import CsvSource, DataSpec

__all__ = ["DEFAULT_SIZE", "IMPUTE", "KIND", "PREP", "ROLE", "CsvImportDialog", "fitting_size"]

CHECK_DELAY_MS = 200  # a burst of edits is checked once


class CsvImportDialog(CsvImportView):
    """Import `path`, starting from `current` (the data it was imported with before) if given.

    When accepted, `spec` is the DataSpec and `shape` what the network needs of it.
    """

    def __init__(
        self,
        path: str,
        jobs: LatestJobs,
        current: DataSpec | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(path, parent)
        self.jobs = jobs
        self._current = current if current and isinstance(current.source, CsvSource) else None
        self.format_bar.format_changed.connect(self._on_format_changed)
        self.columns.choice_changed.connect(self._on_column_combo_changed)
        self.target_box.target_chosen.connect(self._on_target_chosen)
        self.target_box.task_chosen.connect(self._on_task_chosen)
        self.split_box.split_changed.connect(self._on_split_changed)
        self.buttons.accepted.connect(self._on_import_clicked)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._submit_check)
        jobs.busy_changed.connect(self._on_busy_changed)
        jobs.progressed.connect(self._on_progressed)
        guard_wheel_below(self)
        self._apply_current_format()
        self._reload()

    # --- reading the file -------------------------------------------------------------------

    def _apply_current_format(self) -> None:
        if self._current is None:
            return
        source = self._current.source
        assert isinstance(source, CsvSource)
        self.format_bar.set_source(source)
        current = self._current
        self.split_box.set_split(current.val_fraction, current.test_fraction, current.seed)

    def _reload(self) -> None:
        """Read the file afresh with the format settings: the preview first, then all of it."""
        self.jobs.cancel()
        self._check_timer.stop()
        self._table, self._checked, self._target_summary = None, None, None
        self._errors = {"load": "", "target": "", "check": ""}
        self._note = ""
        self._show_problems()
        self._update_import()
        source = self.format_bar.source(self.path)
        self.jobs.submit(
            "preview", read_preview, source, done=self._on_preview, failed=self._on_preview_failed
        )
        self.jobs.submit(
            "load", load_with_defaults, source, done=self._on_loaded, failed=self._on_load_failed
        )

    def _on_preview(self, preview: Preview) -> None:
        self._preview = preview
        self.preview.show_frame(preview.frame)
        if self._columns:  # the whole file was read first: its roles go on the new headers too
            self.preview_model.set_roles({c.name: c.role for c in self._columns})
        self._show_detected(preview)

    def _on_preview_failed(self, message: str) -> None:
        self._preview = None
        self.preview_model.set_frame(pd.DataFrame())
        self._errors["load"] = message
        self._show_problems()

    def _show_detected(self, preview: Preview) -> None:
        fmt = preview.format
        self.format_bar.show_detected(fmt)
        source = self.format_bar.source(self.path)
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
        # Values read as missing (infinite, out of range, stray texts in a number column): said.
        notes = [sentence(n.text) for n in table.format.column_notes]
        if notes:
            self._note = " ".join([self._note, *notes]).strip()
        self._detected_task = spec.task if spec is not None else ""
        columns = (
            list(spec.columns) if spec is not None else fallback_columns(table.profiles, target)
        )
        current, self._current = self._current, None
        if current is None:  # a proposal, not a choice made earlier: ask to confirm it
            self.target_box.propose(target, target_reason(target))
        if current is not None:
            # Reopened: the earlier choices win for the columns that are still there.
            merged = reopened_columns(columns, current)
            if merged is not None:
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

    def _submit_target(self, target: str, fresh: set[str] | None = None) -> None:
        """Ask the engine about `target`: its task and defaults, or why it cannot be one.

        The columns named in `fresh` take the engine's defaults; the others keep the user's
        choices. By default those are the new target and the old one (which becomes a feature
        when it can be one).
        """
        table = self._table
        if table is None or not target:
            return
        if fresh is None:
            fresh = {target, self._target_name()}
        # Show the new roles at once; the kinds follow when the engine has answered.
        self._columns, ordered = with_target(self._columns, table, target)
        self._refresh_rows()
        self._fill_targets()
        self._checked = None
        self._update_import()
        task = self.target_box.chosen_task()
        self.jobs.submit(
            "target",
            choose_target,
            table,
            target,
            ordered,
            task,
            done=lambda spec: self._on_target_checked(spec, fresh),
            failed=self._on_target_failed,
        )

    def _on_target_checked(self, spec: DataSpec, fresh: set[str]) -> None:
        wanted, self._wanted_task = self._wanted_task, ""
        if wanted and wanted != spec.task:
            self.target_box.select_task(wanted)
            self._submit_target(spec.target.name, fresh=fresh)
            return
        self._errors["target"] = ""
        if self.target_box.chosen_task() == "auto":
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
            summarise_target,
            table.frame,
            target,
            task,
            done=self._on_summary,
            failed=lambda _message: self.balance.clear(),
        )

    def _on_summary(self, summary: TargetSummary) -> None:
        self._target_summary = summary
        self._show_task()

    # --- the columns' choices ----------------------------------------------------------------

    def _on_column_combo_changed(self, row: int, what: int) -> None:
        column = self._columns[row]
        value = self.columns.combo(row, what).currentData()
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
            "check", check_choice, spec, frame, done=self._on_checked, failed=self._on_check_failed
        )

    def _on_checked(self, checked: CheckedChoice) -> None:
        if checked.spec != self.choice():
            return  # the settings changed meanwhile; their own check is on its way
        self._checked = checked
        self._errors["check"] = ""
        self._show_problems()
        self.split_box.show_checked(checked)
        self._update_import()

    def _on_check_failed(self, message: str) -> None:
        self._checked = None
        self._errors["check"] = message
        self.split_box.show_checked(None)
        self._show_problems()
        self._update_import()

    def _on_split_changed(self) -> None:
        self._schedule_check()

    # --- the user's actions -------------------------------------------------------------------

    def _on_format_changed(self) -> None:
        self._reload()

    def _on_target_chosen(self, target: str) -> None:
        if target and target != self._target_name():
            self._submit_target(target)

    def _on_task_chosen(self) -> None:
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
