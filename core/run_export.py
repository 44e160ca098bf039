"""A run's curves written out as CSV, for a spreadsheet or a plotting script."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from core.errors import DataError
from core.runs import RunRecord


def curves_csv(run: RunRecord) -> str:
    """The run's curves as CSV text, one row a point: curve, step, value (empty when missing).

    Long rather than wide: the curves have points at different steps (every step, every epoch).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run", "curve", "step", "value"])
    for name, curve in run.curves:
        for x, y in zip(curve.x, curve.y, strict=True):
            writer.writerow([run.name, name, f"{x:g}", "" if math.isnan(y) else f"{y:.6g}"])
    return out.getvalue()


def write_curves_csv(run: RunRecord, path: str | Path) -> None:
    """Write `curves_csv(run)` to `path`; a file that cannot be written raises DataError."""
    try:
        Path(path).write_text(curves_csv(run), encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}") from None
