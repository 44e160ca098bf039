"""What an optimizer race compares, and what it leaves behind: plain data, no torch.

The window fills the race dialog from DEFAULT_RACE and sends RaceEntry values to the training
process; each copy's outcome comes back as a RaceRecord (its settings and its loss per step),
the plain data a run history can keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from core.errors import SpecError
from core.optimizers import OPTIMIZERS
from core.spec import TrainConfig

MAX_RACE_STEPS = 20_000
MAX_RACE_ENTRIES = 8
DEFAULT_RACE_STEPS = 1000
# The loss surface is evaluated on at most this many training rows (an even random sample, the
# same for every grid point): on the toy datasets a 41 x 41 map then takes about a second.
SURFACE_ROWS = 2000
SURFACE_GRID = 41  # grid points per side, fewer for a large network (loss_plane.surface_grid_size)
SURFACE_MIN_GRID = 11
# About this many multiply-adds for the whole map (grid points x rows x weights): ~10 s on a
# laptop core at worst; a playground network on 2,000 rows stays at the full grid.
SURFACE_BUDGET = 2e11


@dataclass(frozen=True)
class RaceEntry:
    """One copy in the race: an optimizer of the OPTIMIZERS registry and its settings."""

    optimizer: str
    learning_rate: float
    momentum: float = 0.0  # read by SGD and RMSprop only
    label: str = ""  # the name the legend shows; the optimizer's label when empty

    @property
    def name(self) -> str:
        known = self.optimizer in OPTIMIZERS
        return self.label or (OPTIMIZERS[self.optimizer].label if known else self.optimizer)

    def problems(self) -> list[str]:
        out = []
        if self.optimizer not in OPTIMIZERS:
            out.append(
                f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}"
            )
        if not (math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 10):
            out.append(f"learning rate must be above 0 and at most 10, not {self.learning_rate}")
        if not (math.isfinite(self.momentum) and 0 <= self.momentum < 1):
            out.append(f"momentum must be at least 0 and below 1, not {self.momentum}")
        return out

    def train_config(self, base: TrainConfig) -> TrainConfig:
        """`base` (the user's settings: batch size, seed, loss, device) with this optimizer alone:
        no weight decay or Nesterov, the race's copies' exact settings (and a run's, for history)."""
        return replace(
            base,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            momentum=self.momentum,
            nesterov=False,
            weight_decay=0.0,
        )

    def settings(self) -> dict[str, float]:
        """The settings that differ between copies, as a run history would list them."""
        out = {"learning_rate": self.learning_rate}
        if "momentum" in OPTIMIZERS[self.optimizer].settings:
            out["momentum"] = self.momentum
        return out


# Each optimizer at the learning rate it is usually started with, chosen so that the default
# race on the default spiral network (1,000 steps of 16 rows, measured) shows each one moving:
# Adam at 0.01, the training panel's own default (Kingma & Ba's 0.001 still sits at a loss of
# 0.54 after 1,000 steps, 0.007 at 0.01); RMSprop at 0.01, torch's default; plain SGD at 0.1
# (at 0.01 it hardly leaves the start: 0.66 after 1,000 steps); SGD with momentum 0.9 at 0.01,
# since momentum multiplies the step by about 1 / (1 - 0.9) = 10: the same pace as SGD at 0.1,
# so the race shows what momentum changes, not a larger step.
DEFAULT_RACE: tuple[RaceEntry, ...] = (
    RaceEntry("sgd", 0.1, 0.0, "SGD"),
    RaceEntry("sgd", 0.01, 0.9, "SGD + momentum"),
    RaceEntry("rmsprop", 0.01, 0.0, "RMSprop"),
    RaceEntry("adam", 0.01, 0.0, "Adam"),
)


def race_problems(entries: tuple[RaceEntry, ...], steps: int) -> list[str]:
    """What is wrong with a race of `entries` for `steps` steps, in words; empty when nothing."""
    out = []
    if not 1 <= len(entries) <= MAX_RACE_ENTRIES:
        out.append(f"choose 1 to {MAX_RACE_ENTRIES} optimizers, not {len(entries)}")
    if not 1 <= steps <= MAX_RACE_STEPS:
        out.append(f"steps must be 1 to {MAX_RACE_STEPS:,}, not {steps:,}")
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        out.append("give each optimizer in the race its own name")
    for entry in entries:
        out += [f"{entry.name}: {p}" for p in entry.problems()]
    return out


def check_race(entries: tuple[RaceEntry, ...], steps: int) -> None:
    problems = race_problems(entries, steps)
    if problems:
        raise SpecError("cannot race: " + "; ".join(problems))


@dataclass(frozen=True, eq=False)
class RaceRecord:
    """One copy's race: what a run history keeps of it."""

    entry: RaceEntry
    losses: np.ndarray  # float32 [steps done]: the training batch's loss at each step
    outcome: str = "finished"  # finished, stopped, or diverged (its loss became NaN/infinite)
    reason: str = ""
    settings: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.entry.name
