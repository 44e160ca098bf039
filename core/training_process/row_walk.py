"""WalkRow: one row of the data (or typed values) walked through the model as it is now.

The numbers come from core.walk's numpy mathematics, given the model's weights and the
optimizer's own state read out of torch here; torch computes none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import torch
from torch import nn

from core.column_numbers import column_numbers
from core.errors import SpecError
from core.labels import as_labels
from core.trainer import Trainer
from core.training_process.commands import WalkRow
from core.training_process.messages import RowWalked
from core.value_checks import unusable_as_missing
from core.walk.prepare import RawValue
from core.walk.walk import walk_row

SPLIT_NAMES = {"train": "training", "val": "validation", "test": "test"}


def weights_of(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's state dict as float64 numpy arrays (one host read per tensor, once a walk)."""
    return {k: v.detach().to("cpu", torch.float64).numpy() for k, v in model.state_dict().items()}


def optimizer_state_of(
    model: nn.Module, optimizer: torch.optim.Optimizer
) -> dict[str, dict[str, np.ndarray]]:
    """The optimizer's state per weight, by state-dict key; empty before its first step."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for key, p in model.named_parameters():
        buffers = {
            name: np.asarray(
                value.detach().to("cpu", torch.float64).numpy()
                if isinstance(value, torch.Tensor)
                else value,
                dtype=np.float64,
            )
            for name, value in optimizer.state.get(p, {}).items()
            if value is not None
        }
        if buffers:
            out[key] = buffers
    return out


def raw_row(
    table: pd.DataFrame, numeric: set[str], features: Sequence[str], target: str
) -> tuple[dict[str, RawValue], RawValue]:
    """A one-row table's feature values and target as the preprocessing reads them: numbers
    for the `numeric` columns (NaN where missing), labels for the others (None where missing)."""
    table, _ = unusable_as_missing(table, parse_text=False)
    values = {name: _one(table[name], name in numeric) for name in features if name in table}
    return values, _one(table[target], target in numeric) if target in table else None


def _one(series: pd.Series, numeric: bool) -> RawValue:
    if numeric:
        return float(column_numbers(series, None)[0][0])  # text that is no number: DataError
    label = as_labels(series).iloc[0]
    return None if pd.isna(label) else str(label)


def walk(command: WalkRow, trainer: Trainer, frame: pd.DataFrame | None) -> RowWalked:
    """Walk the row `command` names through the trainer's model."""
    data = trainer.data
    pre = data.preprocessor
    target = data.spec.target.name
    numeric = {c.name for c in data.spec.table_features if c.kind == "numeric"}
    split_name, index = "", -1
    if command.values:
        table = pd.DataFrame({name: [value] for name, value in command.values})
        table[target] = [command.target]
        row = "the values entered"
    else:
        if frame is None:
            raise SpecError("the data is not loaded: configure the data first")
        split_name, index = _chosen(command, trainer, frame)
        split = getattr(data, split_name)
        position = int(split.rows[index])
        table = frame.iloc[[position]][[*pre.feature_names, target]]
        row = (
            f"{SPLIT_NAMES[split_name]} row {index + 1} of {len(split):,} (data row {position + 1})"
        )
    if data.task == "regression":
        numeric.add(target)
    values, true = raw_row(table, numeric, pre.feature_names, target)
    scalings = {c.name: c.scaling for c in data.spec.features if c.kind == "numeric"}
    result = walk_row(
        trainer.network,
        weights_of(trainer.model),
        pre,
        trainer.config,
        values,
        true,
        row=row,
        scalings=scalings,
        imputes={c.name: c.impute for c in data.spec.features},
        optimizer_state=optimizer_state_of(trainer.model, trainer.optimizer),
        learning_rate=float(trainer.optimizer.param_groups[0]["lr"]),
        step=trainer.step,
        epoch=trainer.epoch,
    )
    return RowWalked(command.request, replace(result, split=split_name, index=index))


def _chosen(command: WalkRow, trainer: Trainer, frame: pd.DataFrame) -> tuple[str, int]:
    """(split, position in it) of the row the command names."""
    data = trainer.data
    if command.point is None:
        if command.split not in SPLIT_NAMES:
            raise SpecError(f"unknown split {command.split!r}; choose train, val or test")
        n = len(getattr(data, command.split))
        if not 0 <= command.index < n:
            raise SpecError(
                f"there is no {SPLIT_NAMES[command.split]} row {command.index + 1}; "
                f"choose 1 to {n:,}"
            )
        return command.split, command.index
    # The nearest row on the plane, each axis measured in its own spread.
    names = list(command.plane)
    if any(n not in frame.columns for n in names):
        raise SpecError(f"the plane's features {', '.join(names)} are not in the data")
    best: tuple[float, str, int] | None = None
    for split_name in SPLIT_NAMES:
        rows = getattr(data, split_name).rows
        if not len(rows):
            continue
        xy = frame.iloc[rows][names].apply(pd.to_numeric, errors="coerce").to_numpy(np.float64)
        spread = np.nanstd(xy, axis=0)
        spread[~(spread > 0)] = 1.0
        d = np.nansum(((xy - np.asarray(command.point)) / spread) ** 2, axis=1)
        i = int(np.argmin(d))
        if best is None or d[i] < best[0]:
            best = (float(d[i]), split_name, i)
    if best is None:
        raise SpecError("there are no rows to walk")
    return best[1], best[2]
