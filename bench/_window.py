"""The window benchmark's handling of a real MainWindow: waiting on it, letting it settle, running
its event loop, and giving it earlier runs to draw."""

from __future__ import annotations

import time


def overlay_runs(w, n: int) -> None:  # type: ignore[no-untyped-def]
    """Add `n` earlier runs of the window's design, with full curves, and tick them."""
    import numpy as np

    from core.events import BatchesEnded, EpochEnded, TrainEnded, TrainStarted
    from core.run_recorder import RunRecorder

    layers = w.run.info.layer_names
    epochs, steps = 200, 25
    rng = np.random.default_rng(0)
    for number in range(1, n + 1):
        p = w.project
        recorder = RunRecorder(number, f"run {number}", p.data, p.network, p.config)
        recorder.on_train_start(
            TrainStarted("cpu", "CPU", layers, layers, 1, 1, 1, 16, steps, epochs, "accuracy", 0, 0)
        )
        for epoch in range(1, epochs + 1):
            loss = rng.uniform(0.5, 1.0, steps) / epoch**0.5
            norms = rng.uniform(0.01, 1.0, (steps, len(layers)))
            recorder.on_train_batch_end(BatchesEnded((epoch - 1) * steps + 1, epoch, loss, norms))
            recorder.on_train_epoch_end(
                EpochEnded(epoch, epoch * steps, loss.mean(), loss.mean() * 1.1, 0.9, 0.85,
                           "accuracy", 0.01, 1.0, float(epoch))
            )  # fmt: skip
        recorder.on_train_end(TrainEnded("finished", "", epochs, epochs * steps, epochs))
        w.runs.add(recorder.record())
        w.runs.set_ticked(number, True)


def wait(app, until, seconds: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.perf_counter() + seconds
    while not until() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)


def settle_window(app, quiet_s: float = 0.3, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Process events until nothing has been painted for `quiet_s`.

    The bench makes its edits (design, earlier runs) and stops each round through the API, then
    blocks the event loop while the engine alone trains. Without this, the relayout and first
    paint of those edits fell into the next round's first 0.2 s and counted as the training's
    lateness (a 150-190 ms tick with five runs overlaid): a user ticks runs and sees them drawn
    long before pressing Train.
    """
    from PySide6.QtCore import QEvent, QObject

    painted = [time.perf_counter()]

    class _Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() in (QEvent.Type.Paint, QEvent.Type.LayoutRequest):
                painted[0] = time.perf_counter()
            return False

    watcher = _Paints()
    app.installEventFilter(watcher)
    deadline = time.perf_counter() + seconds
    try:
        while time.perf_counter() - painted[0] < quiet_s and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.005)
    finally:
        app.removeEventFilter(watcher)


def run_event_loop(w, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Run Qt's event loop, as the app does, for `seconds` or until training stops."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    w.run.state_changed.connect(loop.quit)  # stopped or failed: nothing left to measure
    loop.exec()
    w.run.state_changed.disconnect(loop.quit)
