"""Per-epoch training history, kept with a trained model so its curves can be shown again."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from core.errors import ModelFileError
from core.events import EpochEnded

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
        # JSON has no NaN: store None.
        return {
            "metric": self.metric,
            "columns": list(COLUMNS),
            "rows": [
                [None if isinstance(v, float) and math.isnan(v) else v for v in r]
                for r in self.rows
            ],
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
            return cls(metric=str(data["metric"]), rows=rows)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"training history is malformed ({exc})") from None
