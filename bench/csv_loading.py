"""Loading a large CSV file: the app's loader against plain pandas.read_csv.

    python bench/csv_loading.py [--rows 1000000] [--rounds 3]

The file: ROWS rows x 20 float columns (full precision) + 1 text column, the target (made once,
kept in $NNPLAY_BENCH_DATA or /tmp/nnplay-bench). The app's loader is what opening a file and
pressing Train does before the first step: core.csv_io.read_csv (format detection),
core.columns.auto_data_spec (column kinds, task) and core.dataset.prepare_data (split,
preprocessing fitted, float32 arrays ready). Each side runs in a fresh process, interleaved;
time is measured after imports, memory is the peak RSS above the RSS after imports. CPU time
(user + system, all threads) is printed beside the wall time: on a shared machine it says how
much work each side did when the wall clock mostly says how busy the machine was.
Targets (issue 6): <= 1.0x pandas' time and <= 0.75x its extra memory.

pandas 3.1 reads a large file with a path on several threads itself (a memory map of the file,
whose pages count in its RSS); the app reads byte ranges on threads with pandas' C parser, with
the same parsing work per byte.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, result, run_python

CHILD = r"""
import json, resource, sys, time
import psutil
import pandas as pd
which, path = sys.argv[1], sys.argv[2]
if which == "app":
    from core.columns import auto_data_spec
    from core.csv_io import read_csv
    from core.data_spec import CsvSource
    from core.dataset import prepare_data
base = psutil.Process().memory_info().rss
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c = cpu()
t = time.perf_counter()
if which == "pandas":
    frame = pd.read_csv(path)
    steps = {}
else:
    source = CsvSource(path)
    frame, _ = read_csv(source)
    t1 = time.perf_counter()
    spec = auto_data_spec(frame, source, "label")
    t2 = time.perf_counter()
    data = prepare_data(spec, frame)
    steps = {"read": t1 - t, "detect": t2 - t1, "prepare": time.perf_counter() - t2}
seconds = time.perf_counter() - t
cpu_seconds = cpu() - c
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
print(json.dumps({"seconds": seconds, "cpu": cpu_seconds, "extra_mb": peak / 2**20, "steps": steps}))
"""


def make_file(rows: int) -> Path:
    path = DATA_DIR / f"table_{rows}x20.csv"
    if path.exists():
        return path
    import numpy as np
    import pandas as pd

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 20))
    frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(20)])
    frame["label"] = np.array(["red", "green", "blue", "yellow"])[x[:, :4].argmax(axis=1)]
    print(f"# writing {path} (once)", flush=True)
    frame.to_csv(path.with_suffix(".tmp"), index=False)
    path.with_suffix(".tmp").rename(path)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--rounds", type=int, default=3)
    ns = p.parse_args(argv)
    path = make_file(ns.rows)
    size_mb = path.stat().st_size / 2**20
    print(f"# CSV loading: {ns.rows:,} rows x 21 columns ({size_mb:.0f} MB), fresh processes")
    runs: dict[str, list[dict]] = {"pandas": [], "app": []}
    for _ in range(ns.rounds):
        for which in ("pandas", "app"):
            runs[which].append(json.loads(run_python(["-c", CHILD, which, str(path)])))
    time_ratios = [
        a["seconds"] / b["seconds"] for a, b in zip(runs["app"], runs["pandas"], strict=True)
    ]
    mem_ratios = [
        a["extra_mb"] / b["extra_mb"] for a, b in zip(runs["app"], runs["pandas"], strict=True)
    ]
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    mem = {k: statistics.median(r["extra_mb"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in runs.items()}
    steps = {
        k: statistics.median(r["steps"][k] for r in runs["app"])
        for k in ("read", "detect", "prepare")
    }
    print(
        f"pandas.read_csv : {med['pandas']:.2f} s (CPU {cpu['pandas']:.2f} s), +{mem['pandas']:.0f} MB peak"
    )
    print(
        f"app loader      : {med['app']:.2f} s (read {steps['read']:.2f}, detect "
        f"{steps['detect']:.2f}, prepare {steps['prepare']:.2f}; CPU {cpu['app']:.2f} s), "
        f"+{mem['app']:.0f} MB peak"
    )
    t, m = statistics.median(time_ratios), statistics.median(mem_ratios)
    result(
        "CSV loading",
        f"{ns.rows:,} rows x 21 columns: time",
        t,
        "x pandas",
        "<= 1.0",
        t <= 1.0,
        f"app {med['app']:.2f} s (read {steps['read']:.2f} + detect {steps['detect']:.2f} + "
        f"prepare {steps['prepare']:.2f}) vs pandas.read_csv {med['pandas']:.2f} s; CPU "
        f"{cpu['app']:.2f} s vs {cpu['pandas']:.2f} s",
    )
    result(
        "CSV loading",
        f"{ns.rows:,} rows x 21 columns: extra memory",
        m,
        "x pandas",
        "<= 0.75",
        m <= 0.75,
        f"app +{mem['app']:.0f} MB vs pandas.read_csv +{mem['pandas']:.0f} MB peak RSS",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
