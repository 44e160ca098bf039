"""Tools > Search settings: ranges checked as they are typed, a small search on iris in the real
training process, live results, Stop, and "Use best" as one undoable edit."""

from __future__ import annotations

import pytest


def open_dialog(window, qtbot):
    window.search_action.trigger()
    dialog = window.search_action.dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_a_backwards_range_is_said_and_cannot_start(bare_window, qtbot) -> None:
    dialog = open_dialog(bare_window, qtbot)
    assert dialog.start_button.isEnabled()
    dialog.form.lr.low.setValue(0.1)
    dialog.form.lr.high.setValue(0.001)
    assert not dialog.start_button.isEnabled()
    assert "Learning rate range runs from 0.1 down to 0.001" in dialog.problem.text()
    dialog.form.lr.check.setChecked(False)  # not varied: its range no longer matters
    assert dialog.start_button.isEnabled()
    assert not dialog.problem.isVisible()
    dialog.close()


@pytest.mark.slow
def test_small_search_on_iris_shows_trials_and_uses_the_best(qapp, qtbot, steps) -> None:
    with steps.running_window(qapp) as window:
        steps.use_csv(window, qtbot, "iris.csv", "species")
        project = window.project
        before = (project.network, project.config)
        dialog = open_dialog(window, qtbot)
        dialog.form.trials.setValue(4)
        dialog.form.epochs.setValue(4)
        assert not dialog.use_best_button.isEnabled()
        with qtbot.waitSignal(window.engine.search_ended, timeout=120_000) as ended:
            dialog.start_button.click()
            assert dialog.stop_button.isEnabled() and not dialog.start_button.isEnabled()
        summary = ended.args[0].summary
        assert summary is not None and summary.reason == "4 trials done"
        assert len(dialog.results) == 4
        assert len(dialog.plot.results) == 4
        states = {r.state for r in dialog.results}
        assert states <= {"complete", "pruned"}
        best = dialog.best
        assert best is not None and best.state == "complete"
        assert f"Trial {best.number}:" in dialog.best_label.text()
        assert dialog.progress.text().startswith("4 trials done: ")

        dialog.use_best_button.click()
        params = dict(best.params)
        assert project.config.learning_rate == pytest.approx(params["learning_rate"])
        assert project.config.batch_size == params["batch_size"]
        assert project.config.epochs == before[1].epochs  # not the trials' epochs
        dense = [layer for layer in project.network.layers if layer.kind == "dense"]
        assert len(dense) == params["layers"]
        assert {layer.activation for layer in dense} == {params["activation"]}
        project.undo_stack.undo()  # one step undoes the whole "Use best"
        assert (project.network, project.config) == before

        # Stop keeps what finished: a long search stopped after its first trial.
        dialog.form.trials.setValue(200)
        dialog.form.epochs.setValue(200)
        with qtbot.waitSignal(window.engine.search_trial_ended, timeout=60_000):
            dialog.start_button.click()
        # The same study (Use best and its undo leave its name): its 4 trials are on the plot.
        assert [r.number for r in dialog.earlier] == [0, 1, 2, 3]
        assert [r.number for r in dialog.plot.results][:5] == [0, 1, 2, 3, 4]
        with qtbot.waitSignal(window.engine.search_ended, timeout=60_000) as ended:
            dialog.stop_button.click()
        assert ended.args[0].summary.reason == "stopped"
        assert 1 <= len(dialog.results) < 200
        assert dialog.use_best_button.isEnabled()

        # Start at once after Use best: the new design's Configure does not stop the search.
        dialog.use_best_button.click()
        dialog.form.trials.setValue(3)
        dialog.form.epochs.setValue(100)  # longer than the 150 ms a design edit waits
        with qtbot.waitSignal(window.engine.search_ended, timeout=120_000) as ended:
            dialog.start_button.click()
        assert ended.args[0].summary.reason == "3 trials done"
        dialog.close()
        project.undo_stack.setClean()


def test_a_saved_project_keeps_its_study_beside_it(bare_window, qtbot, tmp_path) -> None:
    bare_window.files.path = tmp_path / "work.nnproj"
    dialog = open_dialog(bare_window, qtbot)
    assert dialog.storage == f"sqlite:///{tmp_path / 'work.study.db'}"
    assert "work.study.db" in dialog.study_label.text()
    dialog.close()
    bare_window.files.path = None
    assert open_dialog(bare_window, qtbot).storage is None  # unsaved: in memory
    bare_window.search_action.dialog.close()
