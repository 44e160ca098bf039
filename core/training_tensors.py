"""The training data as tensors on the training device, placed once when a Trainer is made."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.dataset import PreparedData
from core.loss_functions import loss_target
from core.losses import Head
from core.spec import NetworkSpec

# The training metric is measured at each epoch's end on at most this many training rows.
TRAIN_METRIC_ROWS = 4096


@dataclass(frozen=True)
class TrainingTensors:
    """Inputs, and targets as the loss wants them (converted once); the validation targets also
    as the data gives them (class indices or standardised values), for the metric."""

    train_inputs: torch.Tensor
    train_loss_targets: torch.Tensor
    val_inputs: torch.Tensor
    val_loss_targets: torch.Tensor
    val_targets: torch.Tensor
    # The training metric is measured on a fixed sample of the training rows.
    train_sample_inputs: torch.Tensor
    train_sample_targets: torch.Tensor
    # The epoch-end evaluation runs once over the sampled rows and the validation rows together.
    eval_inputs: torch.Tensor


def place_data(
    data: PreparedData, loss_name: str, head: Head, device: torch.device, seed: int
) -> TrainingTensors:
    """`data`'s training and validation rows on `device`; `seed` picks the training metric's
    sample of rows."""
    train_inputs, train_loss_targets = _to_device(
        data.train.x, data.train.y, loss_name, head, device
    )
    val_inputs, val_loss_targets = _to_device(data.val.x, data.val.y, loss_name, head, device)
    val_targets = torch.as_tensor(data.val.y).to(device)
    g = torch.Generator().manual_seed(seed + 1)
    n_sample = min(TRAIN_METRIC_ROWS, len(data.train.x))
    sample = torch.randperm(len(data.train.x), generator=g)[:n_sample].to(device)
    train_sample_inputs = train_inputs[sample]
    return TrainingTensors(
        train_inputs=train_inputs,
        train_loss_targets=train_loss_targets,
        val_inputs=val_inputs,
        val_loss_targets=val_loss_targets,
        val_targets=val_targets,
        train_sample_inputs=train_sample_inputs,
        train_sample_targets=torch.as_tensor(data.train.y).to(device)[sample],
        eval_inputs=(
            torch.cat([train_sample_inputs, val_inputs]) if len(val_inputs) else train_sample_inputs
        ),
    )


def _to_device(
    x: np.ndarray, y: np.ndarray, loss_name: str, head: Head, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs, and targets as the loss wants them, on the training device."""
    inputs = torch.as_tensor(x, dtype=torch.float32).to(device)
    return inputs, loss_target(loss_name, y, head, device)


def drops_single_row_batch(network: NetworkSpec, n_rows: int, batch_size: int) -> bool:
    """Whether an epoch's last batch of one row is left out: batch norm cannot train on it."""
    has_bn = any(layer.kind == "batch_norm" for layer in network.layers)
    return has_bn and n_rows % batch_size == 1 and n_rows > 1
