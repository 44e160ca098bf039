"""How the hidden layers' units behave on the training rows: dead ReLUs, saturated tanh/sigmoid.

Measured inside the epoch-end evaluation (core.epoch_metrics), which already runs the model
over a sample of the training rows: the weighted sums z of the watched layers are read there,
so the hints cost no extra forward pass, and their values join the epoch's one host read.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from core.health import SATURATED_ROWS, SATURATION_Z
from core.health_monitor import WatchedLayer


class ActivityCount:
    """Per watched layer, per unit: whether any row turned it on (ReLU), or on how many rows it
    sat on a flat end (tanh, sigmoid); added up over the chunks of one evaluation."""

    def __init__(self, watched: Sequence[WatchedLayer]) -> None:
        self.watched = {layer.name: layer for layer in watched}
        self.counts: dict[str, torch.Tensor] = {}
        self.rows = 0

    def add(self, name: str, z: torch.Tensor) -> None:
        """Layer `name`'s weighted sums for some training rows [rows, units]."""
        layer = self.watched[name]
        if layer.activation == "relu":
            count = (z > 0).any(dim=0)
        else:
            count = (z.abs() > SATURATION_Z[layer.activation]).sum(dim=0)
        before = self.counts.get(name)
        if before is not None:
            count = before | count if count.dtype == torch.bool else before + count
        self.counts[name] = count

    def shares(self) -> list[torch.Tensor]:
        """Per watched layer, as a device scalar: the share of its units that are dead (ReLU) or
        saturated on at least SATURATED_ROWS of the rows (tanh, sigmoid)."""
        out = []
        for name, layer in self.watched.items():
            count = self.counts[name]
            if layer.activation == "relu":
                out.append(1.0 - count.float().mean())
            else:
                out.append((count >= SATURATED_ROWS * self.rows).float().mean())
        return out


def forward_counting(
    model: nn.Sequential, x: torch.Tensor, chunk: int, rows: int, count: ActivityCount
) -> torch.Tensor:
    """The model's outputs for `x`, `chunk` rows at a time, counting the watched layers'
    activity over the first `rows` rows (the training sample; the rest are validation rows)."""
    outs = []
    watched = count.watched
    count.counts.clear()
    count.rows = min(rows, len(x))
    for start in range(0, len(x), chunk):
        h = x[start : start + chunk]
        counted = max(0, min(rows - start, len(h)))
        for name, module in model.named_children():
            h = module(h)
            if counted and name in watched:
                count.add(name, h[:counted])
        outs.append(h)
    return outs[0] if len(outs) == 1 else torch.cat(outs)
