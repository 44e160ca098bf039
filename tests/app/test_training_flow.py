"""Training from the window's own buttons, with the real training process.

One window and one training process serve the whole module (starting torch takes seconds); the
tests run in order and each leaves the window idle.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from PySide6.QtCore import Qt

from app.engine_link import MAX_RESTARTS
from core.data_spec import ColumnSpec, CsvSource, DataSpec

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window(qapp, steps):
    w = steps.open_window(qapp)
    yield w
    w.close()
    w.deleteLater()
    qapp.processEvents()


@pytest.fixture
def states(window):
    seen: list[str] = []
    window.run.state_changed.connect(seen.append)
    yield seen
    window.run.state_changed.disconnect(seen.append)


def stop_and_wait(window, qtbot) -> None:
    if window.run.is_active:
        window.controls.stop_button.click()
    qtbot.waitUntil(lambda: not window.run.is_active, timeout=10_000)


def test_train_a_few_epochs_from_the_train_button(window, qtbot, states):
    window.project.edit_config("Five epochs", epochs=5)
    button = window.controls.train_button
    assert button.text() == "Train" and not window.controls.stop_button.isEnabled()
    # The worker's signals come on the GUI thread, so waitSignal works on them.
    with qtbot.waitSignal(window.engine.finished, timeout=30_000) as finished:
        button.click()
        assert button.text() == "Pause" and window.controls.stop_button.isEnabled()
    assert finished.args[0].outcome == "finished"
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=2000)
    # epochs changed: the model is built anew first, then trained
    assert states == ["configuring", "running", "finished"]
    assert button.text() == "Train" and not window.controls.stop_button.isEnabled()

    plots = window.plots
    qtbot.waitUntil(lambda: plots.loss.epochs.n == 5, timeout=2000)
    epoch_losses = plots.loss.epochs.y(0)
    assert epoch_losses[-1] < epoch_losses[0], "the loss went down"
    steps = window.run.info.steps_per_epoch * 5
    assert plots.loss.steps.n == steps and plots.loss.steps.x[-1] == steps
    assert plots.accuracy.epochs.n == 5
    assert len(plots.gradients._curves) == len(window.run.info.layer_names)
    assert plots.gradients.norms.n == steps
    plots.refresh()
    assert len(plots.loss._curves[0].item.getData()[0]) > 0
    assert window.controls.epoch_label[1].text() == "5 / 5"
    assert window.output_view.has_surface
    assert "Trained 5 epochs" in window.message_label.text()

    # Train again: five more epochs from the trained weights, the curves going on.
    with qtbot.waitSignal(window.engine.finished, timeout=30_000):
        with qtbot.waitSignal(window.engine.started, timeout=10_000) as started:
            button.click()
        assert started.args[0].step == steps
    qtbot.waitUntil(lambda: plots.loss.epochs.n == 10, timeout=2000)
    assert plots.loss.steps.x[0] == 1 and plots.loss.steps.n == 2 * steps
    assert window.controls.epoch_label[1].text() == "10 / 10"


def test_pause_step_resume_stop_and_continue(window, qtbot, states):
    window.project.edit_config("Until stopped", epochs=0)
    controls = window.controls
    with qtbot.waitSignal(window.engine.started, timeout=10_000) as started:
        controls.train_button.click()
    assert started.args[0].step == 0  # another number of epochs: a new model
    qtbot.waitUntil(lambda: controls._step > 20, timeout=20_000)
    assert window.data_panel.isEnabled()  # the panel stays, its controls are locked
    assert not window.training_panel.optimizer.isEnabled()

    with qtbot.waitSignal(window.engine.paused, timeout=5000) as paused:
        controls.train_button.click()  # Pause
    qtbot.waitUntil(lambda: window.run.state == "paused", timeout=5000)
    assert controls.train_button.text() == "Resume"
    paused_at = paused.args[0].step  # the engine's step: the counter shows it once caught up
    qtbot.waitUntil(lambda: controls._step == paused_at, timeout=5000)
    # One batch, then the engine pauses again and says so at the step after.
    with qtbot.waitSignal(
        window.engine.paused, timeout=5000, check_params_cb=lambda e: e.step == paused_at + 1
    ):
        qtbot.keyClick(window, Qt.Key.Key_S)  # Step
    qtbot.waitUntil(lambda: controls._step == paused_at + 1, timeout=5000)
    assert controls._step == paused_at + 1 and window.run.state == "paused"

    qtbot.keyClick(window, Qt.Key.Key_Space)  # Resume
    qtbot.waitUntil(lambda: controls._step > paused_at + 10, timeout=10_000)
    assert window.run.state == "running"

    controls.stop_button.click()
    qtbot.waitUntil(lambda: window.run.state == "ready", timeout=5000)
    assert window.run.last_outcome == "stopped"
    run_states = [s for s in states if s != "configuring"]
    assert run_states[:3] == ["running", "paused", "running"] and states[-1] == "ready"
    assert window.training_panel.optimizer.isEnabled()

    stopped_at = window.plots.loss.steps.n
    with qtbot.waitSignal(window.engine.started, timeout=10_000) as started:
        controls.train_button.click()  # continues the same model
    assert started.args[0].step == stopped_at
    qtbot.waitUntil(lambda: window.plots.loss.steps.n > stopped_at + 10, timeout=10_000)
    assert window.plots.loss.steps.x[0] == 1  # the history was kept
    stop_and_wait(window, qtbot)


def test_change_the_learning_rate_while_running(window, qtbot):
    window.controls.train_button.click()
    qtbot.waitUntil(lambda: window.run.state == "running", timeout=5000)
    box = window.training_panel.learning_rate
    assert box.isEnabled()
    with qtbot.waitSignal(window.engine.hyperparameter_changed, timeout=5000) as changed:
        box.setValue(0.003)
    assert changed.args[0].name == "learning_rate" and changed.args[0].value == pytest.approx(0.003)
    markers = window.plots.loss.markers
    assert markers and "lr 0.003" in markers[-1].label.toPlainText()
    assert all(plot.markers for plot in window.plots.plots)
    qtbot.waitUntil(
        lambda: window.plots.learning_rate.values.y()[-1] == pytest.approx(0.003), timeout=5000
    )
    stop_and_wait(window, qtbot)


def test_divergence_becomes_a_readable_message(window, qtbot):
    window.project.edit_config("Diverge", optimizer="sgd", learning_rate=1e9, epochs=3)
    with qtbot.waitSignal(window.engine.finished, timeout=20_000) as ended:
        window.controls.train_button.click()
    assert ended.args[0].outcome == "failed"
    text = window.message_label.text()
    assert "learning rate" in text and "Traceback" not in text
    assert window.run.state == "failed" and window.controls.train_button.text() == "Train"
    window.project.edit_config("Back", optimizer="adam", learning_rate=0.01, epochs=0)


def test_a_bad_data_source_becomes_a_readable_message(window, qtbot):
    good = window.project.data
    missing = DataSpec(
        CsvSource("/nonexistent/table.csv"),
        (ColumnSpec("a"), ColumnSpec("b", role="target")),
        task="regression",
    )
    window.project.edit("data", missing, "Open a missing file")
    with qtbot.waitSignal(window.engine.failed, timeout=10_000):
        window.controls.train_button.click()
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=5000)
    text = window.message_label.text()
    assert text.startswith("Could not") and "Traceback" not in text
    window.project.edit("data", good, "Back to the spiral")
    qtbot.waitUntil(
        lambda: window.run.info is not None and window.run.info.n_train > 0, timeout=10_000
    )


@pytest.mark.replaces_shared_process
def test_a_killed_training_process_is_reported_and_replaced(window, qtbot, steps):
    window.controls.train_button.click()
    qtbot.waitUntil(lambda: window.run.state == "running", timeout=5000)
    old = window.engine.process
    os.kill(old.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=10_000)
    assert "killed" in window.message_label.text()
    old.join(5)
    assert not old.is_alive()
    qtbot.waitUntil(lambda: window.engine.is_ready, timeout=steps.READY_TIMEOUT_S * 1000)
    qtbot.waitUntil(lambda: window.run.info is not None, timeout=10_000)


def test_closing_the_window_while_training_stops_everything(window, qtbot):
    window.controls.train_button.click()
    qtbot.waitUntil(lambda: window.controls._step > 10, timeout=20_000)
    process = window.engine.process
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5
    assert not process.is_alive()
    assert window.engine.closed and window.engine.process is None


@pytest.mark.replaces_shared_process
def test_once_the_engine_is_given_up_train_says_so_instead_of_seeming_to_start(qapp, qtbot, steps):
    w = steps.open_window(qapp)
    qtbot.addWidget(w)
    w.engine.restarts = MAX_RESTARTS  # this death is one too many
    process = w.engine.process
    os.kill(process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "Restart the app" in w.message_label.text(), timeout=10_000)
    assert "out of memory" in w.message_label.text()  # SIGKILL: what the OOM killer sends
    w.controls.train_button.click()
    assert w.run.state != "running"
    assert "not running" in w.message_label.text()
    w.close()
    process.join(5)
