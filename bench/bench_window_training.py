"""Training speed with every plot live vs the engine alone, and how late the GUI's timer runs.

    python bench/bench_window_training.py [--seconds 40] [--long] [--scenarios spiral,table]
                                          [--profile] [--cprofile FILE]

Both runs use the same training process (core.remote): "engine alone" drains its messages in a
plain loop; "window" is the real MainWindow (offscreen) with all plots, the output view and the
diagram updating. Speed is the engine's own samples/s (median over epochs), so the two compare
the same work. Lateness: a 10 ms QTimer on the GUI thread records how late each tick fires while
training. Scenarios: the default spiral and network, and a generated table of 100,000 rows (20
inputs, 4 classes) with a [64, 64] network. The default run trains each for SECONDS; --long
trains long enough for 1e5+ points per curve (minutes).
Targets (issue 6): window >= 0.9x the engine alone; p99 lateness < 50 ms, max < 100 ms.

--profile also prints where the GUI thread's time went, in ms per second of training: each view's
painting, the plots' setData, the event and snapshot slots, and the GUI thread's whole CPU time.
That is far less sensitive to a busy machine than the lateness percentiles. --cprofile FILE
writes a cProfile of the GUI thread during the window run (e.g. `python -m pstats FILE`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, LatenessTimer, result

TICK_MS = 10


def table_csv(rows: int = 100_000) -> Path:
    path = DATA_DIR / f"window_table_{rows}.csv"
    if not path.exists():
        import numpy as np
        import pandas as pd

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        x = rng.normal(size=(rows, 20))
        frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(20)])
        frame["label"] = np.array(["a", "b", "c", "d"])[(x @ rng.normal(size=(20, 4))).argmax(1)]
        frame.to_csv(path, index=False)
    return path


def design(scenario: str):  # type: ignore[no-untyped-def]
    """(DataSpec, NetworkSpec, TrainConfig) of a scenario, training until stopped."""
    from app.state import DEFAULT_CONFIG, DEFAULT_NETWORK, DEFAULT_TOY, toy_data_spec
    from core.spec import LayerSpec, NetworkSpec

    config = replace(DEFAULT_CONFIG, epochs=0)
    if scenario == "spiral":
        return toy_data_spec(DEFAULT_TOY), DEFAULT_NETWORK, config
    from core.columns import auto_data_spec
    from core.csv_io import read_csv
    from core.data_spec import CsvSource

    source = CsvSource(str(table_csv()))
    frame, _ = read_csv(source)
    spec = auto_data_spec(frame, source, "label")
    network = NetworkSpec(layers=(LayerSpec(units=64), LayerSpec(units=64)))
    return spec, network, replace(config, batch_size=256)


def engine_alone(scenario: str, seconds: float) -> float:
    from core.events import EpochEnded
    from core.remote import Events, Ready, RemoteTrainer

    remote = RemoteTrainer()
    remote.start()
    try:
        while not any(isinstance(m, Ready) for m in remote.poll(0.1)):
            pass
        remote.configure(*design(scenario))
        remote.train()
        speeds: list[float] = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            for message in remote.poll(0.05):
                for e in message.events if isinstance(message, Events) else ():
                    if isinstance(e, EpochEnded):
                        speeds.append(e.samples_per_second)
        remote.stop()
        return statistics.median(speeds[1:] or speeds)
    finally:
        remote.close()


def _profiled(app):  # type: ignore[no-untyped-def]
    """A GuiProfile timing the window's GUI-thread work (patches classes: call before building)."""
    import pyqtgraph as pg
    from _gui_profile import GuiProfile

    from app.main_window import MainWindow
    from app.panels.controls_panel import ControlsPanel
    from app.plots.network_diagram import NetworkDiagram
    from app.plots.output_view import OutputView
    from app.plots.training_plots import TrainingPlots
    from app.training_worker import TrainingWorker

    profile = GuiProfile()
    for cls, name, label in (
        (TrainingWorker, "_dispatch", "messages in (all slots)"),
        (TrainingPlots, "add_batches", "  plots: append steps"),
        (TrainingPlots, "add_epochs", "  plots: append epochs"),
        (ControlsPanel, "add_batches", "  controls: steps"),
        (ControlsPanel, "add_epochs", "  controls: epochs"),
        (MainWindow, "_on_snapshot_received", "  snapshot slot"),
        (NetworkDiagram, "set_weights", "    diagram: set_weights"),
        (NetworkDiagram, "set_node_maps", "    diagram: set_node_maps"),
        (OutputView, "set_surface", "    output: set_surface"),
        (TrainingPlots, "_on_redraw_due", "plots: redraw tick (setData)"),
    ):
        profile.time_method(cls, name, label)
    from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QWidget

    # Each class whose own paintEvent the window's widgets use (a patched base class would
    # call the base's painting for a subclass that has its own).
    for cls in (pg.GraphicsView, NetworkDiagram, QWidget, QLabel, QProgressBar, QMainWindow):
        profile.time_paint(cls)
    profile.count_paints(app)
    return profile


def window(
    scenario: str, seconds: float, profile: bool = False, cprofile: str | None = None
) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from app.main_window import MainWindow
    from app.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light")
    gui = _profiled(app) if profile else None
    w = MainWindow()
    if gui is not None:
        for plot in w.plots.plots:
            gui.view_names[id(plot.plot)] = f"plot {plot.title.text()}"
        gui.view_names[id(w.diagram)] = "diagram"
        gui.view_names[id(w.output_view.plot)] = "output view"
    w.resize(1400, 900)
    w.show()
    w.start_engine()
    while w.session.info is None:
        app.processEvents()
        time.sleep(0.005)
    data, network, config = design(scenario)
    if data != w.project.data:
        w.project.edit("data", data, "bench")
    w.project.edit_network(network, "bench")
    w.project.edit("config", config, "bench")
    speeds: list[float] = []
    w.worker.epochs_ended.connect(
        lambda events: speeds.extend(e.samples_per_second for e in events)
    )
    lateness = LatenessTimer(TICK_MS)
    late = lateness.late
    w.controls.train_button.click()
    deadline = time.perf_counter() + 120
    while w.session.state != "running" and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)
    lateness.start()
    profiler = None
    if cprofile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if gui is not None:
        gui.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and w.session.state == "running":
        app.processEvents()
        time.sleep(0.001)
    lateness.stop()
    if gui is not None:
        gui.stop()
        gui.report()
        gui.undo()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(cprofile)
    redraws = w.plots.redraws
    w.session.stop()
    for _ in range(200):
        app.processEvents()
        time.sleep(0.005)
    w.files.may_close = lambda: True  # the bench's edits are not the user's to save
    w.close()
    for _ in range(100):
        app.processEvents()
        time.sleep(0.01)
    late.sort()
    return {
        "speed": statistics.median(speeds[1:] or speeds),
        "p99_ms": late[int(0.99 * (len(late) - 1))] * 1000,
        "max_ms": late[-1] * 1000,
        "ticks": len(late),
        "redraws": redraws,
        "epochs": len(speeds),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seconds", type=float, default=40.0, help="training time per run")
    p.add_argument("--long", action="store_true", help="train 6 minutes per run")
    p.add_argument("--scenarios", default="spiral,table")
    p.add_argument("--profile", action="store_true", help="print the GUI thread's work per item")
    p.add_argument("--cprofile", metavar="FILE", help="write a cProfile of the GUI thread")
    p.add_argument("--window-only", action="store_true", help="skip the engine-alone run")
    ns = p.parse_args(argv)
    seconds = 360.0 if ns.long else ns.seconds
    for scenario in ns.scenarios.split(","):
        alone = float("nan") if ns.window_only else engine_alone(scenario, seconds / 2)
        cprofile = f"{ns.cprofile}.{scenario}" if ns.cprofile else None
        live = window(scenario, seconds, ns.profile, cprofile)
        ratio = live["speed"] / alone
        print(
            f"{scenario}: engine alone {alone:,.0f} samples/s; window with all plots live "
            f"{live['speed']:,.0f} samples/s ({ratio:.2f}x), {live['redraws']} redraws, "
            f"{live['epochs']} epochs; timer lateness p99 {live['p99_ms']:.1f} ms, "
            f"max {live['max_ms']:.1f} ms over {live['ticks']} ticks"
        )
        label = "spiral" if scenario == "spiral" else "100,000-row table, [64,64], batch 256"
        result(
            "window",
            f"{label}: training speed, plots live",
            ratio,
            "x engine alone",
            ">= 0.9",
            ratio >= 0.9,
            f"{live['speed']:,.0f} vs {alone:,.0f} samples/s over {seconds:.0f} s",
        )
        result(
            "window",
            f"{label}: 10 ms timer lateness p99",
            live["p99_ms"],
            "ms",
            "< 50",
            live["p99_ms"] < 50,
            f"{live['ticks']} ticks, {live['redraws']} redraws",
        )
        result(
            "window",
            f"{label}: 10 ms timer lateness max",
            live["max_ms"],
            "ms",
            "< 100",
            live["max_ms"] < 100,
            "",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
