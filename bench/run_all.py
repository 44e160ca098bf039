"""Run every benchmark and write bench/RESULTS.md from their output.

    python bench/run_all.py [--quick] [--only engine,sklearn,csv,window,data_edit,startup,soak]
                            [--soak-minutes 4]

Each benchmark runs in its own process, one after another (never two at once: they compete for
the same cores); their RESULT lines become the table in RESULTS.md, with the machine and the
versions. Not part of CI. The full run takes about 25 minutes; --quick fewer rounds and a short
soak (about 12 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, versions

BENCH = Path(__file__).resolve().parent


def commands(quick: bool, soak_minutes: float) -> dict[str, list[str]]:
    rounds = "2" if quick else "5"
    return {
        "engine": ["engine_vs_bare.py", "--rows", "all", "--rounds", rounds],
        "sklearn": ["engine_vs_sklearn.py", "--rounds", "2" if quick else "3"],
        "csv": ["csv_loading.py", "--rounds", "2" if quick else "3"],
        "window": ["bench_window_training.py", "--seconds", "30" if quick else "60"],
        "data_edit": ["bench_data_edit.py", "--edits", "2" if quick else "4"],
        "startup": ["startup.py", "--rounds", rounds],
        "soak": ["soak.py", "--minutes", str(2.0 if quick else soak_minutes)],
    }


def run(name: str, args: list[str]) -> tuple[list[dict], str, float]:
    print(f"## {name}: python bench/{' '.join(args)}", flush=True)
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-u", str(BENCH / args[0]), *args[1:]],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    rows, lines = [], []
    assert proc.stdout is not None
    for line in proc.stdout:
        if "propagateSizeHints" in line or "QBackingStore::flush" in line:
            continue  # the offscreen platform's chatter
        lines.append(line)
        print(line, end="", flush=True)
        if line.startswith("RESULT "):
            rows.append(json.loads(line[len("RESULT ") :]))
    code = proc.wait()
    if code != 0:
        rows.append(
            {
                "bench": name,
                "row": "(the benchmark failed)",
                "figure": float("nan"),
                "unit": "",
                "target": "",
                "met": False,
                "detail": "".join(lines[-3:]).strip().replace("\n", " ")[-300:],
            }
        )
    return rows, "".join(lines), time.perf_counter() - t


def figure(row: dict) -> str:
    value = row["figure"]
    if value != value:  # NaN
        return "-"
    if value == float("inf"):
        return "not reached"
    if abs(value) >= 1000:
        return f"{value:,.0f} {row['unit']}"
    return f"{value:.3g} {row['unit']}"


def write(results: dict[str, tuple[list[dict], str, float]], quick: bool) -> Path:
    m, v = machine(), versions()
    out = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run_all.py{' --quick' if quick else ''}` on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Each figure is measured side by "
        "side with its competitor in one run (interleaved rounds or fresh processes, medians); "
        "see each script's docstring for exactly what runs. Absolute times are this machine's.",
        "",
        f"**Machine:** {m['cpu']}, {m['cores']} cores, {m['os']}. No GPU.",
        "",
        "**Versions:** " + ", ".join(f"{k} {val}" for k, val in v.items()),
        "",
        "| benchmark | row | figure | target | met | detail |",
        "|---|---|---|---|---|---|",
    ]
    for rows, _, _ in results.values():
        for r in rows:
            detail = str(r.get("detail", "")).replace("|", "/")
            out.append(
                f"| {r['bench']} | {r['row']} | {figure(r)} | {r['target']} | "
                f"{'yes' if r['met'] else '**no**'} | {detail} |"
            )
    out += ["", "## Run times", ""]
    out += [f"- {name}: {seconds / 60:.1f} min" for name, (_, _, seconds) in results.items()]
    out += [
        "",
        "The GPU rows of issue 6 need a CUDA machine: "
        "`python bench/engine_vs_bare.py --rows gpu --device cuda` runs them in one go.",
        "",
    ]
    path = BENCH / "RESULTS.md"
    path.write_text("\n".join(out))
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", default="", help="comma-separated subset (RESULTS.md gets only it)")
    p.add_argument("--soak-minutes", type=float, default=4.0)
    ns = p.parse_args(argv)
    todo = commands(ns.quick, ns.soak_minutes)
    if ns.only:
        todo = {k: todo[k] for k in ns.only.split(",")}
    results = {name: run(name, args) for name, args in todo.items()}
    path = write(results, ns.quick)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
