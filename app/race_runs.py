"""An optimizer race's copies kept in the run history: each copy becomes a run (its settings,
its training loss per step, its optimizer's colour), so the table lists it and ticking draws it
on the loss plot; and the one line the status bar says about how the race ended."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from app.run_history import RunHistory
from core.data_spec import DataSpec
from core.run_recorder import started_ago
from core.runs import LOSS_STEP, RunRecord, downsample
from core.spec import NetworkSpec, TrainConfig

if TYPE_CHECKING:  # the race's types load when first used (the window's first paint)
    from core.race_spec import RaceRecord
    from core.training_process.messages import RaceFinished

OUTCOMES = {"finished": "finished", "stopped": "stopped", "diverged": "failed"}


def keep_race(
    history: RunHistory,
    finished: RaceFinished,
    design: tuple[DataSpec, NetworkSpec, TrainConfig] | None,
    colors: Sequence[str] = (),
    device: str = "",
) -> list[RunRecord]:
    """Add each copy of `finished` to `history` (nothing without the design it started from),
    each in its colour of `colors` (one per record, as the race drew it), trained on `device`."""
    if design is None:
        return []
    data, network, config = design
    share = finished.seconds / max(1, len(finished.records))
    started = started_ago(finished.seconds)
    kept = []
    for i, record in enumerate(finished.records):
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
            device=device,
            started=started,
            color=colors[i] if i < len(colors) else None,
            curves=((LOSS_STEP, downsample(steps, losses)),) if len(losses) else (),
        )
        kept.append(history.add_new(run, f"race: {record.name}"))
    return kept


def final_loss(record: RaceRecord) -> float | None:
    """A copy's loss at the end: the mean of its last 5 % of steps (a batch's loss is noisy)."""
    tail = np.asarray(record.losses[-max(1, len(record.losses) // 20) :], dtype=np.float64)
    return float(np.mean(tail)) if len(tail) else None


def race_outcome(finished: RaceFinished) -> str:
    """How a race ended, in a line: "Race finished: Adam lowest, 0.0071 after 1,000 steps"."""
    steps = max((len(r.losses) for r in finished.records), default=0)
    head = f"Race {finished.outcome}"
    scored = [
        (loss, r.name)
        for r in finished.records
        if r.outcome != "diverged" and (loss := final_loss(r)) is not None and np.isfinite(loss)
    ]
    if scored:
        loss, name = min(scored)
        head += f": {name} lowest, {loss:.3g} after {steps:,} steps"
    else:
        head += f" after {steps:,} steps, with no copy's loss to compare"
    diverged = [r.name for r in finished.records if r.outcome == "diverged"]
    if diverged:
        head += f"; {', '.join(diverged)} diverged"
    return head + "."
