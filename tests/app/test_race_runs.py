"""A race's copies and a search's trials as runs: in their optimizer's colour in the Runs table
and on the Training plots, with a tooltip naming their device and start; the status bar says
how the race ended."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app import theme
from core.race_spec import DEFAULT_RACE, RaceRecord
from core.training_process.commands import RaceOptimizers
from core.training_process.messages import Configured, RaceFinished

STARTED = re.compile(r", started (\d{4}-\d\d-\d\d \d\d:\d\d) UTC; ")


def configured() -> Configured:
    return Configured(
        "classification", ("a", "b"), ("x", "y"), ("dense1", "output"), 17, "cross_entropy", 0,
        300, 100, 100, 0, 16, 19, "cpu", "CPU (2 threads)", None, None,
    )  # fmt: skip


def cell(window, row: int, column: int = 0, role=Qt.ItemDataRole.DisplayRole):
    proxy = window.runs_panel.proxy
    return proxy.data(proxy.index(row, column), role)


def race(window, monkeypatch, finals: tuple[float, ...], outcomes: tuple[str, ...], steps=1000):
    """Start a race in the dialog and let the engine finish it with these final losses."""
    sent: list[object] = []
    monkeypatch.setattr(window.engine, "send", sent.append)
    dialog = window.races.open()
    monkeypatch.setattr(dialog, "_cannot_start", lambda: "")
    dialog.start_button.click()
    command = sent[-1]
    assert isinstance(command, RaceOptimizers)
    records = tuple(
        RaceRecord(e, np.r_[1.0, np.full(steps - 1, final)].astype(np.float32), outcome, "nan")
        for e, final, outcome in zip(DEFAULT_RACE, finals, outcomes, strict=True)
    )
    stopped = "stopped" in outcomes
    window.engine.race_finished.emit(
        RaceFinished(command.race, "stopped" if stopped else "finished", records, 4.0)
    )
    return dialog


def test_race_copies_wear_their_optimizers_colours_and_say_where_and_when(
    bare_window, monkeypatch
) -> None:
    w = bare_window
    w.engine.configured.emit(configured())
    dialog = race(w, monkeypatch, (0.02, 0.015, 0.009, 0.0071), ("finished",) * 4)
    runs = w.runs.runs
    assert [r.name for r in runs] == [f"race: {e.name}" for e in DEFAULT_RACE]
    # The table's swatch, the dialog's rows and the overlays agree, copy by copy.
    swatches = [cell(w, i, 0, Qt.ItemDataRole.DecorationRole).name() for i in range(4)]
    assert swatches == [row.color for row in dialog.rows[:4]]
    live = {QColor(c).name() for c in (theme.current().train, theme.current().val)}
    assert not live & set(swatches)  # a ticked copy is never taken for the live run
    for run in runs:
        w.runs_panel.tick(run.number)
    drawn = {
        key[0]: QColor(item.opts["pen"].color())
        for key, (item, _o) in w.plots.loss.overlays._items.items()
    }
    assert [drawn[r.number].name() for r in runs] == swatches

    tip = cell(w, 0, 0, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("race: SGD: finished after 1,000 steps on CPU (2 threads), started ")
    assert "0 epochs" not in tip
    assert cell(w, 0, 2) == "–"  # no epoch count of 0 for a run measured in steps
    when = datetime.strptime(STARTED.search(tip).group(1), "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 180
    assert runs[0].started.endswith("+00:00")  # ISO 8601, UTC, as a recorded run's

    assert w.message_label.text() == "Race finished: Adam lowest, 0.0071 after 1,000 steps."


def test_a_stopped_race_with_a_diverged_copy_says_so(bare_window, monkeypatch) -> None:
    w = bare_window
    race(
        w,
        monkeypatch,
        (0.3, float("nan"), 0.05, 0.2),
        ("stopped", "diverged", "stopped", "stopped"),
        420,
    )
    text = w.message_label.text()
    assert text == "Race stopped: RMSprop lowest, 0.05 after 420 steps; SGD + momentum diverged."


def test_a_search_trial_says_where_and_when_it_ran(bare_window) -> None:
    from app.search_runs import keep_trial
    from core.search.results import TrialResult

    w = bare_window
    p = w.project
    trial = TrialResult(3, "complete", 0.8, (("learning_rate", 0.05),), p.network,
                        dataclasses.replace(p.config, learning_rate=0.05), 30, 12.0,
                        val_loss=(0.5,) * 30, val_metric=(0.8,) * 30)  # fmt: skip
    run = keep_trial(w.runs, trial, p.data, 22, device="CPU (2 threads)")
    assert run is not None
    tip = cell(w, 0, 0, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("trial 3: finished after 30 epochs (660 steps) on CPU (2 threads), ")
    assert STARTED.search(tip) and run.started.endswith("+00:00")
