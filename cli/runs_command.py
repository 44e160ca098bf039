"""`nnplay runs PROJECT.nnproj`: a project's run history, and its runs' curves written out as
CSV or for TensorBoard."""

from __future__ import annotations

import argparse

from cli.project_report import runs_report
from core.errors import DataError
from core.run_export import write_curves_csv, write_tensorboard
from core.runs import RunRecord


def runs_command(ns: argparse.Namespace) -> int:
    """Print the runs (those chosen with --select); with --csv or --tensorboard, write them."""
    from core.project import load_project  # loads torch: only once the command line is checked

    runs = chosen_runs(load_project(ns.project).runs, ns.select)
    print(runs_report(runs))
    if ns.csv:
        write_curves_csv(runs, ns.csv)
        print(f"wrote the curves of {len(runs)} run(s) to {ns.csv}")
    if ns.tensorboard:
        folders = write_tensorboard(runs, ns.tensorboard)
        print(f"wrote {len(folders)} run(s) for TensorBoard: tensorboard --logdir {ns.tensorboard}")
    return 0


def chosen_runs(runs: tuple[RunRecord, ...], select: str | None) -> list[RunRecord]:
    """The runs numbered in `select` ("1,3,5"), in the history's order; all when None."""
    if select is None:
        return list(runs)
    try:
        numbers = {int(part) for part in select.split(",") if part.strip()}
    except ValueError:
        raise DataError(f"--select: expected run numbers such as 1,3, not {select!r}") from None
    missing = sorted(numbers - {run.number for run in runs})
    if missing or not numbers:
        have = ", ".join(str(run.number) for run in runs) or "none"
        what = ", ".join(map(str, missing)) or "no run"
        raise DataError(f"--select: the project has no run {what} (its runs: {have})")
    return [run for run in runs if run.number in numbers]
