"""Runs' curves written out: as CSV for a spreadsheet or a plotting script, and as TensorBoard
event files when the `tensorboard` package is installed (the app never needs it).

TensorBoard's writer is used as PyTorch's own `SummaryWriter` uses it (`EventFileWriter` and the
`Event`/`Summary` protocol buffers), without torch: the window's process never loads torch.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from core.errors import DataError
from core.runs import GRADIENT, RunRecord

TENSORBOARD_MISSING = (
    "writing TensorBoard files needs the tensorboard package (pip install tensorboard)"
)


def file_stem(run: RunRecord) -> str:
    """The run's name as a file or folder name: letters, digits, '-' and '_' only."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in run.name)


def curves_csv(runs: Sequence[RunRecord]) -> str:
    """The runs' curves as CSV text, one row a point: run, curve, step, value (empty when
    missing).

    Long rather than wide: the curves have points at different steps (every step, every epoch).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "curve", "step", "value"])
    for run in runs:
        for name, curve in run.curves:
            for x, y in zip(curve.x, curve.y, strict=True):
                value = "" if math.isnan(y) else f"{y:.6g}"
                writer.writerow([run.name, curve_label(run, name), f"{x:g}", value])
    return out.getvalue()


def write_curves_csv(runs: Sequence[RunRecord], path: str | Path) -> None:
    """Write `curves_csv(runs)` to `path`; a file that cannot be written raises DataError."""
    try:
        Path(path).write_text(curves_csv(runs), encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}") from None


def tensorboard_available() -> bool:
    return importlib.util.find_spec("tensorboard") is not None


def curve_label(run: RunRecord, curve: str) -> str:
    """A curve's name in the CSV and its tag in TensorBoard: the record's name with the run's
    metric named ("accuracy/train", "r2/validation"); TensorBoard groups tags by what comes
    before the '/'."""
    if curve.startswith("metric/"):
        return run.metric + curve[len("metric") :]
    if curve.startswith(GRADIENT):
        return "gradient size/" + curve[len(GRADIENT) :]
    return curve


def write_tensorboard(runs: Sequence[RunRecord], folder: str | Path) -> list[Path]:
    """Each run's curves as TensorBoard scalars, in a folder of its own under `folder`
    ("3-run_3"), so that `tensorboard --logdir FOLDER` draws the runs over each other; returns
    those folders. Each point's time is spread over the run's training time from its start.

    Without the tensorboard package, or where the folder cannot be written, raises DataError.
    """
    if not tensorboard_available():
        raise DataError(TENSORBOARD_MISSING)
    if Path(folder).resolve() == Path(Path(folder).resolve().anchor):
        # A folder dialog once answered "/" for a folder typed after a wrong one: a folder a
        # run would land at the top of the disk.
        raise DataError(f"will not write into {folder}: choose or make a folder for the runs")
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    written = []
    for run in runs:
        where = Path(folder) / f"{run.number}-{file_stem(run)}"
        try:
            where.mkdir(parents=True, exist_ok=True)
            writer = EventFileWriter(str(where))
        except OSError as exc:
            raise DataError(f"cannot write {where}: {exc.strerror or exc}") from None
        start, steps = _started(run), max(run.steps, 1)
        for name, curve in run.curves:
            tag = curve_label(run, name)
            for x, y in zip(curve.x, curve.y, strict=True):
                if not math.isfinite(y):
                    continue  # TensorBoard draws no gap: a missing value is left out
                value = Summary.Value(tag=tag, simple_value=y)
                writer.add_event(
                    Event(
                        wall_time=start + run.seconds * min(x / steps, 1.0),
                        step=round(x),
                        summary=Summary(value=[value]),
                    )
                )
        writer.close()
        written.append(where)
    return written


def _started(run: RunRecord) -> float:
    try:
        return datetime.fromisoformat(run.started).timestamp()
    except ValueError:
        return time.time()
