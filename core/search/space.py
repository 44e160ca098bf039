"""What a settings search varies, over which ranges, and how long it runs: frozen dataclasses.

Torch-free and Optuna-free: the window builds a `SearchPlan` in its dialog and checks it here
before the training process sees it; `core.search.study` turns it into Optuna suggestions.
A setting left as None (or an empty choice) is not varied: it keeps the base settings' value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from core.activations import ACTIVATIONS
from core.errors import SpecError
from core.limits import MAX_BATCH_SIZE, MAX_EPOCHS, MAX_UNITS

# A search builds networks of at most this many dense layers (each trial trains one).
MAX_SEARCH_LAYERS = 10
MAX_TRIALS = 100_000

Metric = Literal["val_loss", "val_metric"]
METRICS: dict[str, str] = {
    "val_loss": "validation loss",
    "val_metric": "validation accuracy or R²",
}


# A storage given as `journal:PATH` is Optuna's journal file: an append-only log that processes
# on a shared file system (NFS) write to under a file lock; needs no database server.
JOURNAL_PREFIX = "journal:"


def journal_file(storage: str) -> str | None:
    """The journal file a storage names, None for a database URL; checks its shape, so that a
    mistake is said before Optuna loads."""
    if storage.startswith(JOURNAL_PREFIX):
        path = storage.removeprefix(JOURNAL_PREFIX).removeprefix("//")
        if not path:
            raise SpecError("--storage journal: needs a file, like journal:/shared/study.log")
        return path
    if "://" not in storage:
        raise SpecError(
            f"--storage {storage!r} is not a storage URL; use sqlite:///study.db, "
            "postgresql://user:password@host/db or journal:/shared/study.log"
        )
    return None


@dataclass(frozen=True)
class FloatRange:
    """From `low` to `high`, both included; `log` samples evenly over the orders of magnitude."""

    low: float
    high: float
    log: bool = False

    def problems(self, what: str, lowest: float = 0.0, below: float | None = None) -> list[str]:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            return [f"{what} range must be finite numbers, not {self.low:g} to {self.high:g}"]
        out = []
        if self.low > self.high:
            out.append(
                f"{what} range runs from {self.low:g} down to {self.high:g}; put the low end first"
            )
        if self.log and self.low <= 0:
            out.append(f"{what} on a log scale needs a low end above 0, not {self.low:g}")
        if self.low < lowest:
            out.append(f"{what} cannot be below {lowest:g} (the range starts at {self.low:g})")
        if below is not None and self.high >= below:
            out.append(f"{what} must stay below {below:g} (the range ends at {self.high:g})")
        return out

    def text(self) -> str:
        return f"{self.low:g} to {self.high:g}" + (" (log)" if self.log else "")


@dataclass(frozen=True)
class IntRange:
    """Whole numbers from `low` to `high`, both included; `log` favours the small ones evenly."""

    low: int
    high: int
    log: bool = False

    def problems(self, what: str, lowest: int, highest: int) -> list[str]:
        if self.low > self.high:
            return [f"{what} range runs from {self.low} down to {self.high}; put the low end first"]
        if self.low < lowest or self.high > highest:
            return [f"{what} must be from {lowest} to {highest:,}, not {self.low} to {self.high:,}"]
        return []

    def text(self) -> str:
        return f"{self.low} to {self.high}"


@dataclass(frozen=True)
class SearchSpace:
    """The settings a search varies. None (or an empty tuple) keeps the base setting."""

    learning_rate: FloatRange | None = FloatRange(1e-4, 1e-1, log=True)
    layers: IntRange | None = IntRange(1, 3)
    units: IntRange | None = IntRange(4, 64, log=True)  # each layer's own, within this range
    activations: tuple[str, ...] = ("relu", "tanh")
    batch_sizes: tuple[int, ...] = (16, 32, 64)
    weight_decay: FloatRange | None = None  # L2: pulls the weights toward 0
    dropout: FloatRange | None = None

    def problems(self) -> list[str]:
        out: list[str] = []
        if self.learning_rate is not None:
            out += self.learning_rate.problems("learning rate")
            if self.learning_rate.low <= 0 and not out:
                out.append(f"learning rate must be above 0, not {self.learning_rate.low:g}")
        if self.layers is not None:
            out += self.layers.problems("number of layers", 1, MAX_SEARCH_LAYERS)
        if self.units is not None:
            out += self.units.problems("units per layer", 1, MAX_UNITS)
        unknown = [a for a in self.activations if a not in ACTIVATIONS]
        if unknown:
            out.append(
                f"unknown activation {', '.join(map(repr, unknown))}; choose from "
                f"{', '.join(ACTIVATIONS)}"
            )
        bad = [b for b in self.batch_sizes if not 0 <= b <= MAX_BATCH_SIZE]
        if bad:
            out.append(
                f"batch sizes must be from 0 (full batch) to {MAX_BATCH_SIZE:,}, not {bad[0]}"
            )
        if self.weight_decay is not None:
            out += self.weight_decay.problems("weight decay (L2)")
        if self.dropout is not None:
            out += self.dropout.problems("dropout", 0.0, below=1.0)
        return out

    def varied(self) -> list[str]:
        """The varied settings in words, e.g. ['learning rate 0.0001 to 0.1 (log)', ...]."""
        out = []
        for what, value in (
            ("learning rate", self.learning_rate),
            ("layers", self.layers),
            ("units", self.units),
            ("weight decay", self.weight_decay),
            ("dropout", self.dropout),
        ):
            if value is not None:
                out.append(f"{what} {value.text()}")
        if self.activations:
            out.append("activation " + "/".join(self.activations))
        if self.batch_sizes:
            out.append("batch size " + "/".join(map(str, self.batch_sizes)))
        return out


@dataclass(frozen=True)
class SearchPlan:
    """A whole search: the space, what it optimises, and its budget."""

    space: SearchSpace = field(default_factory=SearchSpace)
    metric: Metric = "val_loss"
    trials: int = 30
    epochs: int = 30  # each trial trains this many epochs (the pruner may stop it sooner)
    timeout: float = 0.0  # seconds; no new trial starts after it; 0: no limit
    seed: int = 0  # the split and the weights, the same in every trial

    def problems(self) -> list[str]:
        out = self.space.problems()
        if self.metric not in METRICS:
            out.append(f"unknown metric {self.metric!r}; choose {' or '.join(METRICS)}")
        if not 1 <= self.trials <= MAX_TRIALS:
            out.append(f"number of trials must be from 1 to {MAX_TRIALS:,}, not {self.trials}")
        if not 1 <= self.epochs <= MAX_EPOCHS:
            out.append(f"epochs per trial must be from 1 to {MAX_EPOCHS:,}, not {self.epochs}")
        if not (math.isfinite(self.timeout) and self.timeout >= 0):
            out.append(f"time budget must be 0 (none) or more seconds, not {self.timeout:g}")
        return out

    def validate(self) -> SearchPlan:
        problems = self.problems()
        if problems:
            raise SpecError("invalid search: " + "; ".join(problems))
        return self

    @property
    def direction(self) -> Literal["minimize", "maximize"]:
        return "minimize" if self.metric == "val_loss" else "maximize"
