"""Start-up: from the command to the first painted main window, against the floor.

    python bench/startup.py [--rounds 5]

The app: `python -m app --startup-time` (prints the first paint and quits). The floor: a fresh
Python that imports PySide6, shows an empty QMainWindow and waits for its first paint. Both are
timed from outside, from process start to the line printed at first paint, in fresh processes,
interleaved. Target (issue 6): first paint within 0.7 s of the floor.
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5)
    ns = p.parse_args(argv)
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
