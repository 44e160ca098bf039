"""A settings search's trials kept in the run history: each trial that ended (complete, pruned
or failed) becomes a run with its settings, its per-epoch curves and its score.

A run's name stays "trial N", which the Runs table's narrow name column shows whole; a trial
the pruner stopped early has the outcome "pruned", which the row's tooltip says."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from app.run_history import RunHistory
from core.data_spec import DataSpec
from core.run_recorder import started_ago
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

OUTCOMES = {"complete": "finished", "pruned": "pruned", "failed": "failed"}


def keep_trial(
    history: RunHistory, trial: TrialResult, data: DataSpec, steps_per_epoch: int, device: str = ""
) -> RunRecord | None:
    """Add `trial` to `history` as a run ("trial N", trained on `device`, ended now); a trial
    the user stopped is not kept.
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
        device=device,
        started=started_ago(trial.seconds),
        scores=RunScores(
            val_loss=val_loss[-1] if val_loss else None,
            val_metric=val_metric[-1] if val_metric else None,
            best_val_loss=min(val_loss) if val_loss else None,
            best_val_metric=max(val_metric) if val_metric else None,
        ),
        curves=tuple(curves),
    )
    return history.add_new(run, f"trial {trial.number}")
