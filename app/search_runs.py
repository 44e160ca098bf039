"""A settings search's trials kept in the run history: each trial that ended (complete, pruned
or failed) becomes a run with its settings, its per-epoch curves and its score.

The run's name carries what the search compared, "trial 2: validation loss 0.04791 at its last
epoch", beside the table's Best loss (the lowest of any epoch), and says a trial was pruned:
a run's outcome is only finished, stopped or failed."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from app.run_history import RunHistory
from app.search_action import metric_words, score_text
from core.data_spec import DataSpec
from core.runs import (
    LOSS_TRAIN,
    LOSS_VAL,
    METRIC_TRAIN,
    METRIC_VAL,
    Curve,
    RunRecord,
    RunScores,
    downsample,
)

if TYPE_CHECKING:  # the search's types load when first used (the window's first paint)
    from core.search.results import TrialResult

OUTCOMES = {"complete": "finished", "pruned": "stopped", "failed": "failed"}


def keep_trial(
    history: RunHistory,
    trial: TrialResult,
    data: DataSpec,
    steps_per_epoch: int,
    metric: str = "val_loss",
) -> RunRecord | None:
    """Add `trial` to `history` as a run ("trial N"); a trial the user stopped is not kept.
    Its curves are per epoch, placed at the step each epoch ended (`steps_per_epoch`, the
    model's: the trial's batch size may differ, so the steps are approximate)."""
    if trial.state not in OUTCOMES:
        return None
    steps = np.arange(1, trial.epochs + 1, dtype=np.float64) * max(1, steps_per_epoch)
    series = (
        (LOSS_TRAIN, trial.train_loss),
        (LOSS_VAL, trial.val_loss),
        (METRIC_TRAIN, trial.train_metric),
        (METRIC_VAL, trial.val_metric),
    )
    curves: list[tuple[str, Curve]] = []
    for name, values in series:
        y = np.asarray(values, dtype=np.float64)
        if len(y) == len(steps) and np.isfinite(y).any():
            curves.append((name, downsample(steps, y)))
    val_loss = [v for v in trial.val_loss if math.isfinite(v)]
    val_metric = [v for v in trial.val_metric if math.isfinite(v)]
    run = RunRecord(
        number=history.next_number,
        name="trial",
        data=data,
        network=trial.network,
        config=trial.config,
        metric="accuracy" if data.task == "classification" else "r2",
        epochs=trial.epochs,
        steps=int(steps[-1]) if len(steps) else 0,
        outcome=OUTCOMES[trial.state],
        seconds=round(trial.seconds, 3),
        scores=RunScores(
            val_loss=val_loss[-1] if val_loss else None,
            val_metric=val_metric[-1] if val_metric else None,
            best_val_loss=min(val_loss) if val_loss else None,
            best_val_metric=max(val_metric) if val_metric else None,
        ),
        curves=tuple(curves),
    )
    return history.add_new(run, trial_name(trial, metric, data.task))


def trial_name(trial: TrialResult, metric: str, task: str) -> str:
    """'trial 2: validation loss 0.04791 at its last epoch', 'trial 6, pruned at epoch 6: …'."""
    name = f"trial {trial.number}"
    if trial.state == "pruned":
        name += f", pruned at epoch {trial.epochs}"
    if trial.score is None or not math.isfinite(trial.score):
        return name
    score = f"{metric_words(metric, task)} {score_text(metric, task, trial.score)}"
    return f"{name}: {score}" + (" at its last epoch" if trial.state == "complete" else "")
