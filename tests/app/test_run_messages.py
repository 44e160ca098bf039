"""What the status bar, the controls and the Evaluation tab say as a run goes on, without a
training process: the engine's messages are played to the window as its link would emit them."""

from __future__ import annotations

import numpy as np
import pytest

from app.main_window import MainWindow
from core.events import BatchesEnded, TrainPaused, TrainResumed, TrainStarted


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


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
