"""Early stopping: keep the weights of the epoch with the lowest validation loss, and stop once
it has not improved for `patience` epochs."""

from __future__ import annotations

import math

import torch
from torch import nn


class EarlyStopping:
    """Follows the validation loss epoch by epoch; `best_epoch` is the epoch whose weights count."""

    def __init__(self) -> None:
        self.best_epoch = 0
        self.best_loss = math.inf
        self.best_state: list[torch.Tensor] | None = None  # a copy of the model's state then
        self.bad_epochs = 0

    def epoch_ended(self, epoch: int, val_loss: float, model: nn.Module, patience: int) -> str:
        """After `epoch`: '' to go on, or why training stops (the best weights put back)."""
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = val_loss, epoch, 0
            self.best_state = [t.detach().clone() for t in model.state_dict().values()]
            return ""
        self.bad_epochs += 1
        if self.bad_epochs < patience or self.best_state is None:
            return ""
        for t, best in zip(model.state_dict().values(), self.best_state, strict=True):
            t.copy_(best)
        return (
            f"early stopping: the validation loss did not improve for {patience} epochs; "
            f"kept the weights of epoch {self.best_epoch}"
        )
