"""Training speed with every plot live vs the engine alone, and how long the GUI stalls.

    python bench/bench_window_training.py [EPOCHS]

Both runs use the same training process (core.remote) on the default spiral and network:
"engine alone" drains its messages in a plain loop, "window" is the real MainWindow with all
plots, the output view and the diagram updating. Speed is the engine's own samples/s (median of
the epochs). Stalls are the gaps between ticks of a 5 ms QTimer on the GUI thread while training.
Targets (issue 3): window >= 0.9x engine alone; p99 stall < 50 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def engine_alone(epochs: int) -> float:
    from app.state import DEFAULT_CONFIG, DEFAULT_NETWORK, DEFAULT_TOY, toy_data_spec
    from core.events import EpochEnded, TrainEnded
    from core.remote import Events, Ready, RemoteTrainer

    remote = RemoteTrainer()
    remote.start()
    try:
        while not any(isinstance(m, Ready) for m in remote.poll(0.1)):
            pass
        config = replace(DEFAULT_CONFIG, epochs=epochs)
        remote.configure(toy_data_spec(DEFAULT_TOY), DEFAULT_NETWORK, config)
        remote.train()
        speeds, done = [], False
        while not done:
            for message in remote.poll(0.05):
                for e in message.events if isinstance(message, Events) else ():
                    if isinstance(e, EpochEnded):
                        speeds.append(e.samples_per_second)
                    done = done or isinstance(e, TrainEnded)
        return statistics.median(speeds)
    finally:
        remote.close()


def window(epochs: int) -> tuple[float, list[float], int]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    w.start_engine()
    while w.session.info is None:
        app.processEvents()
        time.sleep(0.005)
    w.project.edit_config("bench", epochs=epochs)
    speeds: list[float] = []
    w.worker.epochs_ended.connect(
        lambda events: speeds.extend(e.samples_per_second for e in events)
    )
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    w.controls.train_button.click()
    while w.session.state != "running":
        app.processEvents()
    last[0] = time.perf_counter()
    timer.start()
    while w.session.state == "running":
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    redraws = w.plots.redraws
    w.close()
    return statistics.median(speeds), gaps, redraws


def main() -> None:
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 150
    alone = engine_alone(epochs)
    live, gaps, redraws = window(epochs)
    gaps.sort()
    p99 = gaps[int(0.99 * (len(gaps) - 1))] * 1000
    print(f"engine alone: {alone:,.0f} samples/s")
    print(f"window, all plots live: {live:,.0f} samples/s ({live / alone:.2f}x), {redraws} redraws")
    print(
        f"GUI stalls while training: p50 {gaps[len(gaps) // 2] * 1000:.1f} ms, p99 {p99:.1f} ms, max {gaps[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
