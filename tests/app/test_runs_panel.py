"""The run history in the window: every run in the Runs table, described against the one
before, drawn on the plots when ticked; renamed, deleted, restored; kept in the project file.

The fast tests feed the window the events a training process sends (no engine); the slow one
trains three spiral runs for real and saves and reopens them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.plots.run_overlays import run_color
from app.widgets.runs_table import CHANGED, EPOCHS, NAME, TEST, VALIDATION
from core.events import BatchesEnded, EpochEnded, TrainEnded, TrainStarted
from core.project import load_project

RATES = (0.03, 0.01, 0.003)


def fake_run(window, rate: float, epochs: int = 4, steps_per_epoch: int = 5) -> None:
    """A run of the window's design at learning rate `rate`, as the engine reports one."""
    window.project.edit_config("Learning rate", learning_rate=rate)
    engine = window.engine
    layers = ("dense1", "dense2", "dense3", "output")
    engine.started.emit(
        TrainStarted("cpu", "CPU", layers, layers, 400, 300, 100, 16, steps_per_epoch, epochs,
                     "accuracy", 0, 0)
    )  # fmt: skip
    for epoch in range(1, epochs + 1):
        first = (epoch - 1) * steps_per_epoch + 1
        loss = np.full(steps_per_epoch, rate * 10 / epoch)
        norms = np.full((steps_per_epoch, len(layers)), 0.1)
        engine.batches_received.emit([BatchesEnded(first, epoch, loss, norms)])
        step = epoch * steps_per_epoch
        engine.epochs_ended.emit(
            [EpochEnded(epoch, step, rate * 10 / epoch, rate * 12 / epoch, 0.5 + epoch / 10,
                        0.4 + epoch / 10, "accuracy", rate, 1000.0, epoch * 0.1)]
        )  # fmt: skip
    engine.finished.emit(TrainEnded("finished", "done", epochs, epochs * steps_per_epoch, epochs))


def test_train_after_stop_extends_the_run_and_reset_starts_the_next(bare_window) -> None:
    w = bare_window
    engine, layers = w.engine, ("dense1", "output")
    for first in (1, 11):  # Train, Stop after 10 steps, Train again: one run of 20 steps
        engine.started.emit(
            TrainStarted("cpu", "CPU", layers, layers, 40, 300, 100, 16, 25, 8, "accuracy", 0,
                         first - 1)
        )  # fmt: skip
        loss, norms = np.full(10, 0.5), np.full((10, 2), 0.1)
        engine.batches_received.emit([BatchesEnded(first, 1, loss, norms)])
        engine.finished.emit(TrainEnded("stopped", "stopped", 0, first + 9, 0))
    assert [(r.number, r.steps, r.outcome) for r in w.runs.runs] == [(1, 20, "stopped")]
    curve = w.runs.runs[0].curve("loss/step")
    assert curve is not None and curve.x[0] == 1 and curve.x[-1] == 20

    fake_run(w, 0.01)  # from step 0 (after Reset): a new run
    assert [r.number for r in w.runs.runs] == [1, 2]
    made = w.runs.add_new(w.runs.runs[0], "adam 0.01")  # a run from elsewhere (a race)
    assert (made.number, made.name, len(w.runs.runs)) == (3, "adam 0.01", 3)


def cell(window, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    proxy = window.runs_panel.proxy
    return proxy.data(proxy.index(row, column), role)


def test_three_runs_read_correctly_and_overlay_when_ticked(bare_window) -> None:
    w = bare_window
    for rate in RATES:
        fake_run(w, rate)
    assert [cell(w, r, NAME) for r in range(3)] == ["run 1", "run 2", "run 3"]
    assert [cell(w, r, CHANGED) for r in range(3)] == [
        "first run",
        "lr 0.03 → 0.01",
        "lr 0.01 → 0.003",
    ]
    assert cell(w, 2, VALIDATION) == "80.0%" and cell(w, 2, TEST) == "–"

    loss = w.plots.loss
    assert not loss.overlays
    w.runs_panel.model.setData(
        w.runs_panel.model.index(0, NAME),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    w.runs_panel.tick(3)
    assert cell(w, 0, NAME, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    legend = loss.legend_html()
    assert "run&nbsp;1" in legend and "run&nbsp;3" in legend and "run&nbsp;2" not in legend
    assert run_color(1) in legend
    # Training and validation of each ticked run on the loss plot, beneath the live curves.
    items = loss.overlays._items
    assert sorted(items) == [(1, "loss/train"), (1, "loss/validation"),
                             (3, "loss/train"), (3, "loss/validation")]  # fmt: skip
    item = items[(3, "loss/validation")][0]
    assert item.zValue() < 0
    assert np.allclose(item.yData, [0.036, 0.018, 0.012, 0.009])
    assert len(w.plots.gradients.overlays._items) == 8  # 4 layers x 2 runs
    assert len(w.plots.learning_rate.overlays._items) == 2

    # Created once: ticking another run leaves the drawn ones' items (and data) alone.
    w.runs_panel.tick(2)
    assert loss.overlays._items[(3, "loss/validation")][0] is item
    w.runs_panel.tick(2, False)
    assert (2, "loss/train") not in loss.overlays._items


def test_rename_delete_and_restore(bare_window, qtbot) -> None:
    w = bare_window
    for rate in RATES:
        fake_run(w, rate)
    panel = w.runs_panel
    w.runs_panel.tick(2)
    panel.select(2)
    assert panel.model.setData(panel.model.index(1, NAME), "  slow   rate ")
    assert cell(w, 1, NAME) == "slow rate"
    assert panel.selected_numbers() == [2]  # renaming keeps the selection
    assert "slow&nbsp;rate" in w.plots.loss.legend_html()
    assert w.isWindowModified()

    panel.select(1)
    panel.restore_button.click()
    assert w.project.config.learning_rate == 0.03
    w.undo_action.trigger()  # one step undoes the whole restore
    assert w.project.config.learning_rate == 0.003

    panel.select(2)
    w.tabs.setCurrentIndex(w.runs_tab)  # the Runs tab on show, its table with the focus
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert [cell(w, r, NAME) for r in range(2)] == ["run 1", "run 3"]
    assert cell(w, 1, CHANGED) == "lr 0.03 → 0.003"
    assert not w.plots.loss.overlays  # the deleted run was the one drawn


def test_a_deleted_run_stays_deleted_when_its_model_trains_on(bare_window) -> None:
    w = bare_window
    fake_run(w, 0.03, epochs=4, steps_per_epoch=5)
    w.runs.delete([1])
    layers = ("dense1", "output")
    w.engine.started.emit(
        TrainStarted("cpu", "CPU", layers, layers, 40, 300, 100, 16, 5, 8, "accuracy", 0, 20)
    )  # Train again without Reset: the same model goes on from step 20
    loss, norms = np.full(5, 0.5), np.full((5, 2), 0.1)
    w.engine.batches_received.emit([BatchesEnded(21, 5, loss, norms)])
    w.engine.finished.emit(TrainEnded("stopped", "stopped", 4, 25, 4))
    assert [(r.number, r.steps) for r in w.runs.runs] == [(2, 25)]
    curve = w.runs.runs[0].curve("loss/step")
    assert curve is not None and curve.x[0] == 21  # only what it trained after the delete


def test_a_run_of_other_data_is_named_with_it_in_the_legends(bare_window) -> None:
    w = bare_window
    fake_run(w, 0.03)
    w.runs_panel.tick(1)
    legend = w.plots.loss.legend_html()
    assert "run&nbsp;1" in legend and "(spiral)" not in legend  # the data on screen: no note
    circle = dataclasses.replace(
        w.project.data, source=dataclasses.replace(w.project.data.source, name="circle")
    )
    w.project.edit("data", circle, "Use circle")
    assert "run&nbsp;1&nbsp;(spiral)" in w.plots.loss.legend_html()
    w.project.undo_stack.undo()  # the spiral again
    assert "(spiral)" not in w.plots.loss.legend_html()


def test_the_run_training_now_has_its_row_from_the_start(bare_window, monkeypatch) -> None:
    monkeypatch.setattr("app.run_history.LIVE_INTERVAL_S", 0.0)  # every report, not once a second
    w, panel = bare_window, bare_window.runs_panel
    fake_run(w, 0.03)
    panel.select(1)
    layers = ("dense1", "dense2", "dense3", "output")
    w.engine.started.emit(
        TrainStarted("cpu", "CPU", layers, layers, 400, 300, 100, 16, 5, 4, "accuracy", 0, 0)
    )
    assert panel.proxy.rowCount() == 2 and cell(w, 1, NAME) == "run 2 · training"
    assert panel.selected_numbers() == [1]  # the new row keeps the selection where it was
    loss, norms = np.full(5, 0.2), np.full((5, 4), 0.1)
    w.engine.batches_received.emit([BatchesEnded(1, 1, loss, norms)])
    w.engine.epochs_ended.emit(
        [EpochEnded(1, 5, 0.2, 0.25, 0.7, 0.65, "accuracy", 0.03, 1000.0, 0.1)]
    )
    assert cell(w, 1, EPOCHS) == "1" and cell(w, 1, VALIDATION) == "65.0%"
    index = panel.proxy.index(1, NAME)
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None  # nothing to tick yet
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(
        "run 2: training, 1 epoch (5 steps) so far"
    )
    panel.select(2)
    assert not panel.delete_button.isEnabled() and not panel.restore_button.isEnabled()
    w.engine.finished.emit(TrainEnded("stopped", "stopped", 1, 5, 1))
    assert [cell(w, r, NAME) for r in range(2)] == ["run 1", "run 2"]
    assert panel.proxy.index(1, NAME).data(Qt.ItemDataRole.CheckStateRole) is not None
    assert panel.delete_button.isEnabled()


def test_sorting_by_a_score_and_exporting_curves(bare_window, tmp_path: Path) -> None:
    w = bare_window
    for rate in RATES:
        fake_run(w, rate, epochs=3 if rate == 0.01 else 4)
    header = w.runs_panel.table.horizontalHeader()
    unsorted = header.sectionSize(VALIDATION)
    w.runs_panel.table.sortByColumn(VALIDATION, Qt.SortOrder.AscendingOrder)
    assert cell(w, 0, NAME) == "run 2"  # 70 % after 3 epochs, the others 80 %
    assert header.sectionSize(VALIDATION) >= unsorted + 16  # room for the sort arrow
    run = w.runs.run(2)
    w.runs_panel.export_csv_to([run], str(tmp_path / "run2.csv"))
    lines = (tmp_path / "run2.csv").read_text().splitlines()
    assert lines[0] == "run,curve,step,value"
    assert "run 2,loss/validation,15,0.04" in lines


def test_the_selected_runs_export_for_tensorboard(bare_window, tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    w = bare_window
    for rate in RATES[:2]:
        fake_run(w, rate)
    panel = w.runs_panel
    assert not panel.export_button.isEnabled()  # nothing selected or ticked
    panel.tick(2)  # with none selected, the ticked runs
    assert panel.export_button.isEnabled() and [r.number for r in panel.runs_to_export()] == [2]
    panel.table.selectAll()
    assert panel.export_button.isEnabled() and panel.tensorboard_action.isEnabled()
    messages: list[tuple[str, bool]] = []
    panel.message_changed.connect(lambda text, error: messages.append((text, error)))
    panel.export_tensorboard_to(panel.runs_to_export(), str(tmp_path))
    folders = sorted(tmp_path.iterdir())
    assert [f.name for f in folders] == ["1-run_1", "2-run_2"]
    assert all(any(f.name.startswith("events.out.tfevents") for f in d.iterdir()) for d in folders)
    assert messages == [
        (f"Wrote 2 runs for TensorBoard to {tmp_path}: open it with tensorboard --logdir "
         f"{tmp_path}", False)
    ]  # fmt: skip


@pytest.mark.slow
def test_three_spiral_runs_survive_save_and_reopen(qapp, qtbot, steps, tmp_path: Path) -> None:
    with steps.running_window(qapp) as w:
        w.project.edit_config("Short runs", epochs=5)
        for rate in RATES:
            w.project.edit_config("Learning rate", learning_rate=rate)
            w.run.reset_weights()  # each run from fresh weights: a new run
            qtbot.waitUntil(lambda: w.run.state == "ready", timeout=20_000)
            steps.train(w, qtbot)
            qtbot.waitUntil(lambda: cell(w, w.runs_panel.proxy.rowCount() - 1, TEST) != "–",
                            timeout=20_000)  # fmt: skip
        assert [cell(w, r, CHANGED) for r in range(3)] == [
            "first run", "lr 0.03 → 0.01", "lr 0.01 → 0.003"
        ]  # fmt: skip
        assert all(r.epochs == 5 and r.scores.test_metric is not None for r in w.runs.runs)
        w.runs_panel.tick(1)
        assert w.plots.loss.overlays
        path = tmp_path / "three.nnproj"
        w.files.save_to(path)
        qtbot.waitUntil(lambda: w.files.path == path, timeout=20_000)  # after any autosave
        assert [r.config.learning_rate for r in load_project(path).runs] == list(RATES)

        with qtbot.waitSignal(w.run.configured, timeout=20_000):
            w.files.new()
        assert w.runs_panel.proxy.rowCount() == 0
        with qtbot.waitSignal(w.engine.project_opened, timeout=20_000):
            w.files.open_path(path)
        assert [cell(w, r, CHANGED) for r in range(3)][2] == "lr 0.01 → 0.003"
        assert w.runs.next_number == 4


def test_an_optimizer_race_adds_one_run_per_copy(bare_window) -> None:
    from app.race_runs import keep_race
    from core.race_spec import DEFAULT_RACE, RaceRecord
    from core.training_process.messages import RaceFinished

    w = bare_window
    fake_run(w, 0.01)
    records = tuple(
        RaceRecord(e, np.linspace(0.7, 0.1, 40, dtype=np.float32)) for e in DEFAULT_RACE
    )
    finished = RaceFinished(1, "finished", records, 2.0)
    p = w.project
    kept = keep_race(w.runs, finished, (p.data, p.network, p.config))
    assert [r.number for r in kept] == list(range(2, 2 + len(DEFAULT_RACE)))
    assert [cell(w, r, NAME) for r in range(1, 1 + len(DEFAULT_RACE))] == [
        f"race: {e.name}" for e in DEFAULT_RACE
    ]
    assert kept[0].config.optimizer == DEFAULT_RACE[0].optimizer
    w.runs_panel.tick(kept[-1].number)
    # A race has no epochs: its loss at every step is drawn.
    assert list(w.plots.loss.overlays._items) == [(kept[-1].number, "loss/step")]
    assert "race:" in w.plots.loss.legend_html()


def test_search_trials_become_runs(bare_window) -> None:
    from app.search_runs import keep_trial
    from core.search.results import TrialResult

    w = bare_window
    p = w.project
    faster = dataclasses.replace(p.config, learning_rate=0.05)
    trial = TrialResult(3, "pruned", 0.8, (("learning_rate", 0.05),), p.network, faster, 2, 1.5,
                        val_loss=(0.6, 0.4), val_metric=(0.7, 0.8), train_loss=(0.7, 0.5),
                        train_metric=(0.6, 0.75))  # fmt: skip
    run = keep_trial(w.runs, trial, p.data, steps_per_epoch=19)
    assert run is not None and (run.name, run.outcome, run.steps) == ("trial 3", "pruned", 38)
    assert cell(w, 0, CHANGED) == "first run" and cell(w, 0, VALIDATION) == "80.0%"
    assert run.curve("loss/validation").x == (19.0, 38.0)
    stopped = dataclasses.replace(trial, state="stopped")
    assert keep_trial(w.runs, stopped, p.data, 19) is None and len(w.runs.runs) == 1
