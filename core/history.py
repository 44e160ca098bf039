"""Training history, kept with a trained model so its curves can be shown again: every epoch's
figures, and a thinned record of the steps (loss and per-layer gradient norms)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import ModelFileError
from core.events import EpochEnded

# At most this many steps are kept; past it every other one is dropped and the stride doubles,
# so a long run keeps an evenly thinned picture of its whole length.
MAX_STEP_ROWS = 4096

COLUMNS = (
    "epoch",
    "step",
    "train_loss",
    "val_loss",
    "train_metric",
    "val_metric",
    "learning_rate",
    "elapsed",
)


@dataclass
class History:
    metric: str = "accuracy"
    rows: list[tuple[float, ...]] = field(default_factory=list)
    # Steps: (step, loss, norm of each layer in `step_layers`), one every `step_stride` steps.
    step_layers: tuple[str, ...] = ()
    step_rows: list[tuple[float, ...]] = field(default_factory=list)
    step_stride: int = 1

    def add_steps(self, first_step: int, losses: np.ndarray, norms: np.ndarray) -> None:
        """Keep the steps of a report that fall on the stride."""
        steps = first_step + np.arange(len(losses))
        keep = steps % self.step_stride == 0
        rows = np.column_stack((steps[keep], losses[keep], norms[keep])).astype(np.float64)
        self.step_rows.extend(map(tuple, rows.tolist()))
        if len(self.step_rows) > MAX_STEP_ROWS:
            self.step_stride *= 2
            self.step_rows = [r for r in self.step_rows if int(r[0]) % self.step_stride == 0]

    def append(self, e: EpochEnded) -> None:
        self.metric = e.metric
        self.rows.append(
            (
                e.epoch,
                e.step,
                e.train_loss,
                e.val_loss,
                e.train_metric,
                e.val_metric,
                e.learning_rate,
                e.elapsed,
            )
        )

    def column(self, name: str) -> list[float]:
        i = COLUMNS.index(name)
        return [r[i] for r in self.rows]

    def last(self, name: str) -> float:
        return self.rows[-1][COLUMNS.index(name)] if self.rows else math.nan

    def at_epoch(self, epoch: int, name: str) -> float:
        """The value recorded at the end of `epoch` (1-based), NaN if there is none."""
        for row in reversed(self.rows):
            if row[0] == epoch:
                return row[COLUMNS.index(name)]
        return math.nan

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "columns": list(COLUMNS),
            "rows": [_nulls(r) for r in self.rows],
            "step_layers": list(self.step_layers),
            "step_stride": self.step_stride,
            "step_rows": [_nulls(r) for r in self.step_rows],
        }

    @classmethod
    def from_json(cls, data: Any) -> History:
        try:
            if list(data["columns"]) != list(COLUMNS):
                raise ModelFileError("training history has unexpected columns")
            rows = [
                tuple(math.nan if v is None else float(v) for v in r)
                for r in data["rows"]
                if len(r) == len(COLUMNS)
            ]
            layers = tuple(str(n) for n in data.get("step_layers", []))
            step_rows = [
                tuple(math.nan if v is None else float(v) for v in r)
                for r in data.get("step_rows", [])
                if len(r) == 2 + len(layers)
            ]
            stride = int(data.get("step_stride", 1))
            if stride < 1:
                raise ValueError(f"step stride {stride}")
            return cls(str(data["metric"]), rows, layers, step_rows, stride)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFileError(f"training history is malformed ({exc})") from None


def _nulls(row: tuple[float, ...]) -> list[float | None]:
    # JSON has no NaN: store None.
    return [None if isinstance(v, float) and math.isnan(v) else v for v in row]
