"""What a search reports: one result per trial, as plain data (no Optuna, no torch).

Each trial is a whole training run: its settings, its score and its curves, so that whoever
keeps runs can keep trials as runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.spec import NetworkSpec, TrainConfig

# complete: trained all its epochs; pruned: the pruner stopped it (its score is its last
# epoch's); failed: training diverged or could not start; stopped: the search was stopped
# while it trained (it is not part of the study's results).
TrialState = Literal["complete", "pruned", "failed", "stopped"]


@dataclass(frozen=True)
class TrialResult:
    number: int  # the study's trial number (0-based, shared by every process on the study)
    state: TrialState
    # The searched metric at the trial's last epoch (the pruned: at the epoch it was stopped):
    # the weights a trial ends with are the ones its settings give, so they are what is scored.
    score: float | None
    params: tuple[tuple[str, float | int | str], ...]  # the values the sampler chose
    network: NetworkSpec
    config: TrainConfig
    epochs: int  # epochs trained
    seconds: float
    # Per epoch, for curves (NaN where a figure is missing): loss and accuracy/R².
    val_loss: tuple[float, ...] = ()
    val_metric: tuple[float, ...] = ()
    train_loss: tuple[float, ...] = ()
    train_metric: tuple[float, ...] = ()
    reason: str = ""  # why it failed or stopped


@dataclass(frozen=True)
class SearchSummary:
    """A search's end: how many trials ended how, and the study's best (any process's)."""

    reason: str  # a sentence: "30 trials done", "stopped", "time budget of 60 s used"
    complete: int
    pruned: int
    failed: int
    best: TrialResult | None
    seconds: float
    metric: str = "val_loss"  # the score searched (core.search.space.METRICS)
