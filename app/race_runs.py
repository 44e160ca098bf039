"""An optimizer race's copies kept in the run history: each copy becomes a run (its settings,
its training loss per step), so the table lists it and ticking draws it on the loss plot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.run_history import RunHistory
from core.data_spec import DataSpec
from core.runs import LOSS_STEP, RunRecord, downsample
from core.spec import NetworkSpec, TrainConfig

if TYPE_CHECKING:  # the race's types load when first used (the window's first paint)
    from core.training_process.messages import RaceFinished

OUTCOMES = {"finished": "finished", "stopped": "stopped", "diverged": "failed"}


def keep_race(
    history: RunHistory,
    finished: RaceFinished,
    design: tuple[DataSpec, NetworkSpec, TrainConfig] | None,
) -> list[RunRecord]:
    """Add each copy of `finished` to `history` (nothing without the design it started from)."""
    if design is None:
        return []
    data, network, config = design
    share = finished.seconds / max(1, len(finished.records))
    kept = []
    for record in finished.records:
        losses = np.asarray(record.losses, dtype=np.float64)
        steps = np.arange(1, len(losses) + 1, dtype=np.float64)
        run = RunRecord(
            number=history.next_number,
            name="race",
            data=data,
            network=network,
            config=record.entry.train_config(config),
            steps=len(losses),
            outcome=OUTCOMES.get(record.outcome, "stopped"),
            seconds=round(share, 3),
            curves=((LOSS_STEP, downsample(steps, losses)),) if len(losses) else (),
        )
        kept.append(history.add_new(run, f"race: {record.name}"))
    return kept
