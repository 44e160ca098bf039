"""What every benchmark shares: result lines, the machine and versions, fresh-process timing.

Each benchmark prints human-readable lines and, per row, one machine-readable line

    RESULT {"bench": ..., "row": ..., "figure": 0.97, "unit": "x", "target": ">= 0.95", "met": true}

which `bench/run_all.py` collects into bench/RESULTS.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NNPLAY_BENCH_DATA", "/tmp/nnplay-bench"))


def result(
    bench: str, row: str, figure: float, unit: str, target: str, met: bool, detail: str = ""
) -> None:
    """Print one row's figure for run_all.py (and for people)."""
    line = {
        "bench": bench,
        "row": row,
        "figure": round(float(figure), 4),
        "unit": unit,
        "target": target,
        "met": bool(met),
        "detail": detail,
    }
    print("RESULT " + json.dumps(line), flush=True)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": str(cores),
        "os": f"{platform.system()} {platform.release()}",
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    names = ("torch", "numpy", "pandas", "pyarrow", "PySide6", "PySide6-Essentials", "pyqtgraph")
    for name in (*names, "scikit-learn", "psutil"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def run_python(code_or_args: list[str], env: dict[str, str] | None = None) -> str:
    """Run `python ARGS` in a fresh process from the repository root; its stdout."""
    done = subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{code_or_args[:2]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


class LatenessTimer:
    """A 10 ms QTimer on the GUI thread that records how late each tick fires (seconds).

    With each tick it also records how much CPU the GUI thread used since the last one: a late
    tick with little CPU used was a thread kept waiting (other processes on the machine, the
    GIL), not one kept busy by the window's own work.
    """

    def __init__(self, tick_ms: int = 10) -> None:
        import time

        from PySide6.QtCore import QTimer

        self._clock = time.perf_counter
        self._cpu = time.thread_time
        self.tick_s = tick_ms / 1000
        self.late: list[float] = []
        self.busy: list[float] = []  # GUI-thread CPU seconds between the same two ticks
        self.at: list[float] = []  # when each tick fired, seconds after start()
        self._start = self._clock()
        self._last = self._clock()
        self._last_cpu = self._cpu()
        self.timer = QTimer()
        self.timer.setInterval(tick_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._start = self._last = self._clock()
        self._last_cpu = self._cpu()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now, cpu = self._clock(), self._cpu()
        self.late.append(max(0.0, now - self._last - self.tick_s))
        self.busy.append(cpu - self._last_cpu)
        self.at.append(now - self._start)
        self._last, self._last_cpu = now, cpu

    def stalls(self, over_s: float = 0.05) -> str:
        """The ticks later than `over_s`, each with the GUI thread's CPU time in that gap."""
        ticks = zip(self.late, self.busy, self.at, strict=True)
        worst = sorted((t for t in ticks if t[0] > over_s), reverse=True)
        shown = ", ".join(
            f"{1000 * late:.0f} ({1000 * busy:.0f}) at {at:.1f} s" for late, busy, at in worst[:8]
        )
        more = f" and {len(worst) - 8} more" if len(worst) > 8 else ""
        return (
            f"{len(worst)} ticks late > {1000 * over_s:.0f} ms; ms late (ms of GUI-thread CPU) "
            f"and when, after the timer started: {shown or '-'}{more}"
        )
