"""What the status bar, the controls and the Evaluation tab say as a run goes on, without a
training process: the engine's messages are played to the window as its link would emit them."""

from __future__ import annotations

import numpy as np
import pytest

from core.events import BatchesEnded, TrainPaused, TrainResumed, TrainStarted
from core.training_process.messages import Configured, Evaluation, SplitEvaluation


@pytest.fixture
def window(bare_window):
    return bare_window


def started(step: int = 0) -> TrainStarted:
    names, labels = ("dense1", "output"), ("dense1: Dense 8, ReLU", "output")
    return TrainStarted("cpu", "CPU", names, labels, 100, 400, 100, 16, 25, 10, "accuracy", 0, step)


def test_pausing_clears_the_time_left_and_resuming_says_training_goes_on(
    window, qtbot, monkeypatch
):
    clock = iter(np.arange(100.0, 200.0, 1.0))  # one second between readings
    monkeypatch.setattr("app.panels.controls_panel.time.monotonic", lambda: float(next(clock)))
    engine, controls = window.engine, window.controls
    window.run._set_state("running")
    engine.started.emit(started())
    for first in (1, 11, 21):
        engine.batches_received.emit(
            [BatchesEnded(first, 1, np.full(10, 0.5), np.full((10, 2), 0.1))]
        )
    qtbot.waitUntil(lambda: " left" in controls.speed_label.text(), timeout=2000)

    engine.paused.emit(TrainPaused(30, 2))
    assert "Paused at epoch 2, step 30" in window.message_label.text()
    assert " left" not in controls.speed_label.text()  # no time runs out while paused

    engine.resumed.emit(TrainResumed(30, 2))
    assert window.run.state == "running"
    text = window.message_label.text()
    assert "Paused" not in text and "continues" in text and "epoch 2" in text


def configured(n_train: int, n_val: int, n_test: int) -> Configured:
    return Configured(
        "classification", ("a", "b"), ("x", "y"), ("dense1", "output"), 17, "cross_entropy", 0,
        n_train, n_val, n_test, 0, 16, 1, "cpu", "CPU", None, None,
    )  # fmt: skip


def test_a_split_without_validation_rows_reads_the_same_everywhere(window, qtbot):
    """A 4-row file splits 3 / 0 / 1: the status bar and the Evaluation tab say so, and the
    Evaluation tab shows the one test row instead of "no rows kept back"."""
    engine, panel = window.engine, window.evaluation_panel
    engine.configured.emit(configured(3, 0, 1))
    window.run._set_state("running")
    engine.started.emit(
        TrainStarted(
            "cpu", "CPU", ("dense1", "output"), ("d", "o"), 17, 3, 0, 3, 1, 5, "accuracy", 0, 0
        )
    )
    assert "3 training rows, 0 validation, 1 test." in window.message_label.text()

    report = {
        "task": "classification", "n": 1, "loss": 0.5, "accuracy": 1.0, "macro_f1": 1.0,
        "labels": ["a", "b"], "confusion_matrix": [[1, 0], [0, 0]], "precision": [1.0, 0.0],
        "recall": [1.0, 0.0], "f1": [1.0, 0.0], "support": [1, 0],
        "in_macro_average": [True, False], "macro_f1_note": "",
    }  # fmt: skip
    engine.evaluated.emit(Evaluation(3, 1, (SplitEvaluation("test", report, None, None),)))
    assert panel.split.currentText() == "Test"
    assert [panel.split.itemText(i) for i in range(panel.split.count())] == ["Test"]
    assert panel.pages.currentWidget() is panel.classification_page
    assert "keeps no rows" not in panel.message.text() or not panel.message.isVisible()
    assert "No validation rows; showing the 1 test row " in panel.detail.text()
