"""Start-up: the window's first paint, its training process, and the command line, each
against its floor, in fresh processes, interleaved.

    python bench/startup.py [--rounds 5]

- First paint: `python -m app --startup-time` against a fresh Python that imports PySide6, shows
  an empty QMainWindow and waits for its first paint; both timed from outside, from process start
  to the line printed at first paint. Target (issue 6): within 0.7 s of the floor.
- Engine ready: `python -m app --engine-time` prints how long after its first paint the training
  process said Ready; the floor is `python -c "import torch"` in a fresh process, timed from
  outside. Target (issue 12): within 1.0 s of the floor.
- Command line: `nnplay train` on iris for 20 epochs and `nnplay predict` with its model, wall
  time against the same floor (target <= 1.2x); `nnplay --help` and `nnplay info MODEL` (target
  <= 0.5 s, and neither imports torch: checked by tests/cli/test_start_up.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, result

FLOOR = r"""
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print("first paint", flush=True)
            app.quit()
        return False
f = FirstPaint()
window.installEventFilter(f)
window.resize(1400, 900)
window.show()
app.exec()
"""


def time_to_paint(args: list[str]) -> float:
    """Seconds from spawning `python ARGS` to its 'first paint' line."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    t = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("first paint"):
                seconds = time.perf_counter() - t
                break
        else:
            raise RuntimeError(f"{args} ended without painting")
        proc.wait(timeout=60)
    return seconds


def time_to_line(args: list[str], prefix: str) -> float:
    """The seconds that `python ARGS` prints on its line starting with `prefix`."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    ).stdout
    for line in out.splitlines():
        if line.startswith(prefix):
            return float(line.split()[len(prefix.split())])
    raise RuntimeError(f"{args} printed no {prefix!r} line: {out}")


def wall_time(args: list[str]) -> float:
    """Seconds from spawning `python ARGS` to its exit (which must be 0)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t


def engine_and_cli(rounds: int) -> None:
    """Rows for the training process's start and the command line's, against `import torch`."""
    import tempfile

    iris = str(ROOT / "resources" / "data" / "iris.csv")
    model = str(Path(tempfile.mkdtemp(prefix="nnplay-bench-")) / "iris.nnp")
    train = ["-m", "cli", "train", "--data", iris, "--target", "species", "--epochs", "20"]
    train += ["--out", model]
    commands = {
        "floor": ["-c", "import torch"],
        "train": train,
        "predict": ["-m", "cli", "predict", model, "--data", iris, "--out", model + ".csv"],
        "help": ["-m", "cli", "--help"],
        "info": ["-m", "cli", "info", model],
    }
    wall_time(train)  # the model for predict and info, and a warm disk cache
    times: dict[str, list[float]] = {name: [] for name in (*commands, "engine")}
    for _ in range(rounds):
        for name, args in commands.items():
            times[name].append(wall_time(args))
        times["engine"].append(time_to_line(["-m", "app", "--engine-time"], "engine ready"))
    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["floor"]
    print(
        f"floor (python -c 'import torch'): {floor:.2f} s; "
        + ", ".join(f"{name} {value:.2f} s" for name, value in median.items() if name != "floor")
    )
    gap = median["engine"] - floor
    detail = f"floor {floor:.2f} s, {rounds} rounds, offscreen"
    result(
        "start-up",
        "engine ready after the first paint, minus import torch",
        gap,
        "s",
        "<= 1.0",
        gap <= 1.0,
        f"engine {median['engine']:.2f} s, {detail}",
    )
    for name, what in (("train", "nnplay train iris 20 epochs"), ("predict", "nnplay predict")):
        ratio = median[name] / floor
        result(
            "start-up",
            f"{what} / import torch",
            ratio,
            "x",
            "<= 1.2",
            ratio <= 1.2,
            f"{median[name]:.2f} s, {detail}",
        )
    for name in ("help", "info"):
        result(
            "start-up",
            f"nnplay {'--help' if name == 'help' else 'info MODEL'}",
            median[name],
            "s",
            "<= 0.5",
            median[name] <= 0.5,
            f"{rounds} rounds",
        )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--only", choices=("paint", "engine"), help="one half of the benchmark")
    ns = p.parse_args(argv)
    if ns.only != "paint":
        engine_and_cli(ns.rounds)
    if ns.only == "engine":
        return 0
    time_to_paint(["-c", FLOOR])  # warm the disk cache for both
    time_to_paint(["-m", "app", "--startup-time"])
    floor, app = [], []
    for _ in range(ns.rounds):
        floor.append(time_to_paint(["-c", FLOOR]))
        app.append(time_to_paint(["-m", "app", "--startup-time"]))
    gaps = [a - f for a, f in zip(app, floor, strict=True)]
    gap = statistics.median(gaps)
    print(
        f"floor (PySide6 + empty window): {statistics.median(floor):.2f} s; "
        f"app first paint: {statistics.median(app):.2f} s; gap {gap:.2f} s "
        f"(rounds {[round(g, 2) for g in gaps]})"
    )
    result(
        "start-up",
        "python -m app to first paint, minus the floor",
        gap,
        "s",
        "<= 0.7",
        gap <= 0.7,
        f"app {statistics.median(app):.2f} s, floor {statistics.median(floor):.2f} s "
        f"(offscreen, fresh processes, {ns.rounds} rounds)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
