"""Tools > Search settings, fed the training process's messages directly (no engine): the
numbers the dialog, the plot, the Runs table and the status bar show for the same trials, a
search going on with its study, and the study's name across "Use best" and reopening."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.data_spec import CsvSource
from core.project import ProjectFile, load_project, save_project
from core.search.results import SearchSummary, TrialResult
from core.search.space import SearchPlan
from core.training_process.messages import SearchEnded, SearchStarted, SearchTrialEnded

IRIS = Path(__file__).resolve().parents[2] / "resources" / "data" / "iris.csv"


def trial(project, number, state, val_loss, params=(("learning_rate", 0.05),)) -> TrialResult:
    score = val_loss[-1] if state != "failed" else None
    return TrialResult(
        number, state, score, params, project.network, project.config, len(val_loss), 1.0,
        val_loss=tuple(val_loss), val_metric=(0.9,) * len(val_loss),
    )  # fmt: skip


@pytest.fixture
def searching(bare_window, qtbot, monkeypatch):
    """The dialog of a window whose training process would be searching (commands recorded)."""
    sent = []
    monkeypatch.setattr(bare_window.engine, "send", sent.append)
    bare_window.search_action.trigger()
    dialog = bare_window.search_action.dialog
    qtbot.waitExposed(dialog)
    dialog.start_button.click()
    assert dialog.running and sent[-1].study == dialog.study
    yield dialog
    dialog.running = False
    dialog.close()


def test_the_dialog_and_the_runs_table_name_each_number_alike(bare_window, searching) -> None:
    p = bare_window.project
    engine = bare_window.engine
    t2 = trial(p, 2, "complete", [0.3, 0.0109, 0.04791])
    engine.search_trial_ended.emit(SearchTrialEnded(t2, t2, 1))
    assert searching.best_label.text().splitlines()[:2] == [
        "Trial 2: validation loss 0.04791 at its last epoch (3)",
        "Lowest of any epoch: 0.0109 at epoch 2 (Best loss in Runs)",
    ]
    assert searching.plot.getPlotItem().getAxis("left").labelText == (
        "Validation loss at the last epoch"
    )
    run = bare_window.runs.runs[-1]
    assert run.name == "trial 2"
    assert run.scores.best_val_loss == pytest.approx(0.0109)  # the Best loss column

    t3 = trial(p, 3, "pruned", [0.5, 0.45])
    engine.search_trial_ended.emit(SearchTrialEnded(t3, t2, 2))
    table = bare_window.runs_panel.proxy
    rows = {table.index(r, 0).data(): r for r in range(table.rowCount())}
    tip = table.index(rows["trial 3"], 2).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("trial 3: pruned after 2 epochs")  # not just "6 epochs"


def test_a_search_going_on_with_its_study_shows_the_earlier_trials(bare_window, searching) -> None:
    p = bare_window.project
    earlier = (
        trial(p, 0, "complete", [0.2, 0.05]),
        trial(p, 1, "pruned", [0.6]),
        trial(p, 2, "complete", [0.1, 0.03]),
    )
    bare_window.engine.search_started.emit(SearchStarted(searching.study, earlier))
    assert searching.best is not None and searching.best_label.text().startswith("Trial 2:")
    t3 = trial(p, 3, "complete", [0.3, 0.145])
    bare_window.engine.search_trial_ended.emit(SearchTrialEnded(t3, earlier[2], 1))
    assert [r.number for r in searching.plot.results] == [0, 1, 2, 3]
    xs, best = searching.plot.best_line.getData()
    assert list(xs) == [0, 2, 3, 3] and best[-1] == pytest.approx(0.03)  # the header's trial 2
    assert searching.best_label.text().startswith("Trial 2: validation loss 0.03 ")
    assert "3 earlier trials in the study" in searching.progress.text()
    assert [r.name.split(":")[0] for r in bare_window.runs.runs] == ["trial 3"]  # kept once


def test_the_trial_axis_has_whole_numbers_only(bare_window, searching) -> None:
    axis = searching.plot.getPlotItem().getAxis("bottom")
    ticks = [v for _, values in axis.tickValues(*axis.range, axis.width()) for v in values]
    assert ticks and all(float(v).is_integer() for v in ticks)  # empty: not 0.1 to 0.9
    p = bare_window.project
    for n in range(10, 14):
        searching.plot.add(trial(p, n, "complete", [0.1 + n / 100]))
    low, high = axis.range
    assert low < 10 and high > 13
    ticks = [v for _, values in axis.tickValues(low, high, axis.width()) for v in values]
    assert {10, 11, 12, 13} <= set(ticks) and all(float(v).is_integer() for v in ticks)


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("30 trials done", "Search finished: 30 trials, best trial 12, validation loss 0.0219"),
        ("stopped", "Search stopped after 30 trials, best trial 12, validation loss 0.0219"),
        (
            "the time budget of 60 s is used",
            "Search finished (the time budget of 60 s is used): 30 trials, best trial 12, "
            "validation loss 0.0219",
        ),
    ],
)
def test_the_status_bar_says_how_a_search_ended(bare_window, searching, reason, said) -> None:
    best = trial(bare_window.project, 12, "complete", [0.5, 0.0219])
    summary = SearchSummary(reason, 20, 9, 1, best, 12.0, "val_loss")
    searching.close()  # the status bar says it even when nobody watches the dialog
    bare_window.engine.search_ended.emit(SearchEnded(summary))
    assert bare_window.message_label.text() == said


def test_the_study_goes_on_after_use_best_and_after_reopening(
    bare_window, qtbot, tmp_path, monkeypatch
) -> None:
    from app.search_study import study_name

    shutil.copy(IRIS, tmp_path / "iris.csv")
    monkeypatch.chdir(tmp_path)
    p = bare_window.project
    p.data = dataclasses.replace(p.data, source=CsvSource("iris.csv"))  # relative, as typed
    bare_window.files.path = tmp_path / "work.nnproj"
    bare_window.search_action.trigger()
    dialog = bare_window.search_action.dialog
    qtbot.waitExposed(dialog)
    name = dialog.study
    storage = f"sqlite:///{tmp_path / 'work.study.db'}"
    assert dialog.study_label.text() == f"Study {name} in {storage}"  # for nnplay search
    selectable = Qt.TextInteractionFlag.TextSelectableByMouse
    assert dialog.study_label.textInteractionFlags() & selectable

    params = (("learning_rate", 0.0544), ("layers", 3), ("units_1", 60), ("units_2", 55),
              ("units_3", 33), ("activation", "tanh"), ("batch_size", 16))  # fmt: skip
    dialog.best = trial(p, 2, "complete", [0.05], params)
    dialog.use_best()
    assert p.config.learning_rate == 0.0544 and len(p.network.layers) >= 3
    assert dialog.study == name

    save_project(tmp_path / "work.nnproj", ProjectFile(p.data, p.network, p.config))
    monkeypatch.chdir(tmp_path.parent)  # the CSV file's path is now absolute
    again = load_project(tmp_path / "work.nnproj")
    assert again.data.source.path != p.data.source.path
    plan = dialog.form.plan(seed=p.config.seed)
    assert study_name(again.data, again.network, again.config, plan) == name

    # A setting the search does not vary is part of the design: another study.
    other = dataclasses.replace(p.config, optimizer="sgd")
    assert study_name(p.data, p.network, other, plan) != name
    assert study_name(p.data, p.network, p.config, SearchPlan(metric="val_metric")) != name
    dialog.close()
