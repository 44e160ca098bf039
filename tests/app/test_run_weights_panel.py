"""Runs' kept weights in the window: the Weights column marks them, Restore puts the model back.

The window is fed the events and answers a training process sends (no engine); the commands it
sends are recorded. tests/core/test_training_process_run_weights.py checks the engine's side.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.panels.runs_panel import MIN_CHANGED_WIDTH
from app.widgets.runs_table import CHANGED, COLUMNS, NAME, WEIGHTS
from core.dataset import load_frame
from core.events import BatchesEnded, EpochEnded, TrainEnded, TrainStarted
from core.training_process.commands import Configure, KeepRunWeights, Predict
from core.training_process.messages import Configured, RunWeightsKept

LAYERS = ("dense1", "output")


def fake_run(window, rate: float, epochs: int = 4, steps_per_epoch: int = 5) -> None:
    """A run of the window's design at learning rate `rate`, as the engine reports one."""
    window.project.edit_config("Learning rate", learning_rate=rate)
    engine = window.engine
    engine.started.emit(
        TrainStarted("cpu", "CPU", LAYERS, LAYERS, 40, 30, 10, 16, steps_per_epoch, epochs,
                     "accuracy", 0, 0)
    )  # fmt: skip
    for epoch in range(1, epochs + 1):
        step = epoch * steps_per_epoch
        loss = np.full(steps_per_epoch, rate / epoch)
        norms = np.full((steps_per_epoch, len(LAYERS)), 0.1)
        engine.batches_received.emit([BatchesEnded(step - steps_per_epoch + 1, epoch, loss, norms)])
        engine.epochs_ended.emit(
            [EpochEnded(epoch, step, rate / epoch, rate / epoch, 0.8, 0.7, "accuracy", rate,
                        1000.0, epoch * 0.1)]
        )  # fmt: skip
    engine.finished.emit(TrainEnded("finished", "done", epochs, epochs * steps_per_epoch, epochs))


def marks(window) -> list[str]:
    proxy = window.runs_panel.proxy
    return [proxy.data(proxy.index(r, WEIGHTS)) for r in range(proxy.rowCount())]


def test_kept_weights_are_marked_and_a_restore_builds_that_model(bare_window, monkeypatch):
    w = bare_window
    sent: list[object] = []
    monkeypatch.setattr(w.engine, "send", sent.append)
    w.engine.is_ready = True
    w.project.edit_config("Short runs", epochs=4)
    for rate in (0.03, 0.01):
        fake_run(w, rate)
    # Each run's end asks the engine to keep its model, naming the runs of the history.
    keeps = [c for c in sent if isinstance(c, KeepRunWeights)]
    assert keeps == [KeepRunWeights(1, 20, (1,)), KeepRunWeights(2, 20, (1, 2))]
    assert COLUMNS[WEIGHTS] == "Weights" and marks(w) == ["✓", "✓"]
    w.engine.run_weights_kept.emit(RunWeightsKept(1, True))
    w.engine.run_weights_kept.emit(RunWeightsKept(2, False))  # too large, say
    assert marks(w) == ["✓", ""]
    panel = w.runs_panel
    tip = panel.proxy.data(panel.proxy.index(1, WEIGHTS), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("run 2: finished") and tip.endswith("its final weights are not kept")
    messages: list[str] = []
    panel.message_changed.connect(lambda text, _error: messages.append(text))

    # Run 2: its settings alone.
    panel.select(2)
    assert panel.restore_button.text() == "Restore settings"
    assert "not kept" in panel.restore_button.toolTip()
    sent.clear()
    panel.select(1)
    panel.restore_button.click()  # run 1's settings, back from run 2's
    assert messages == ["Restored the settings and weights of run 1."]
    assert w.project.config.learning_rate == 0.03
    p = w.project
    assert sent == [Configure(p.data, p.network, p.config, weights_of=1)]
    assert w.run.state == "configuring"
    # The engine builds run 1's model: a trained model whose 4 epochs are done (Train goes on).
    w.engine.configured.emit(
        Configured("classification", ("a", "b"), ("x", "y"), LAYERS, 17, "cross_entropy", 0,
                   30, 10, 0, 0, 16, 5, "cpu", "CPU", None, None)
    )  # fmt: skip
    assert w.run.state == "finished" and w.run.model_trained and w.run.model_fits_design
    assert panel.restore_button.text() == "Restore settings and weights"

    panel.select(2)
    sent.clear()
    panel.restore_button.click()
    assert messages[-1] == "Restored the settings of run 2 (its weights are not kept)."
    assert w.project.config.learning_rate == 0.01 and sent == []  # the preview configures

    # Older runs' models let go to make room for a new one: no longer marked.
    w.engine.run_weights_kept.emit(RunWeightsKept(3, True, dropped=(1,)))
    assert marks(w) == ["", ""]
    assert [w.runs_panel.proxy.data(w.runs_panel.proxy.index(r, NAME)) for r in range(2)] == [
        "run 1",
        "run 2",
    ]


def test_the_weights_column_gives_way_to_the_changes_in_a_small_window(bare_window, qtbot):
    w = bare_window
    fake_run(w, 0.03)
    w.tabs.setCurrentIndex(w.runs_tab)
    table = w.runs_panel.table
    for size, hidden in (((1400, 900), False), ((1024, 768), True), ((1400, 900), False)):
        w.resize(*size)
        qtbot.waitUntil(lambda h=hidden: table.isColumnHidden(WEIGHTS) == h)
        # Shown only while the change column keeps its room; hidden, it has all there is.
        assert hidden or table.columnWidth(CHANGED) >= MIN_CHANGED_WIDTH


@pytest.mark.slow
def test_a_restored_run_predicts_exactly_as_it_did(qapp, qtbot, steps, tmp_path: Path) -> None:
    with steps.running_window(qapp) as w:
        w.project.edit_config("Short runs", epochs=5)
        assert w.project.data is not None
        frame = load_frame(w.project.data.source)

        def predict() -> np.ndarray:
            with qtbot.waitSignal(w.engine.predicted, timeout=20_000) as got:
                w.engine.send(Predict(frame, "check"))
            return got.args[0].predictions.probabilities

        after: list[np.ndarray] = []
        for rate in (0.03, 0.3):
            w.project.edit_config("Learning rate", learning_rate=rate)
            w.run.reset_weights()  # each run from fresh weights: a new run
            qtbot.waitUntil(lambda: w.run.state == "ready", timeout=20_000)
            with qtbot.waitSignal(w.engine.run_weights_kept, timeout=20_000):
                steps.train(w, qtbot)
            after.append(predict())
        assert marks(w) == ["✓", "✓"] and not np.array_equal(after[0], after[1])

        w.runs_panel.select(1)
        w.runs_panel.restore_button.click()
        assert w.run.state == "configuring"  # the engine builds the run's model
        qtbot.waitUntil(lambda: w.run.state == "finished", timeout=20_000)
        assert w.project.config.learning_rate == 0.03
        np.testing.assert_array_equal(predict(), after[0])

        path = tmp_path / "two.nnproj"
        w.files.save_to(path)
        qtbot.waitUntil(lambda: w.files.path == path, timeout=20_000)
        with qtbot.waitSignal(w.run.configured, timeout=20_000):
            w.files.new()
        with qtbot.waitSignal(w.engine.project_opened, timeout=20_000):
            w.files.open_path(path)
        assert marks(w) == ["✓", "✓"]
        w.runs_panel.select(2)
        w.runs_panel.restore_button.click()
        assert w.run.state == "configuring"  # the engine builds the run's model
        qtbot.waitUntil(lambda: w.run.state == "finished", timeout=20_000)
        np.testing.assert_array_equal(predict(), after[1])
