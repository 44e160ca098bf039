"""What each epoch's end measures (the training metric on a sample of the training rows, the
validation loss and metric) and the model's outputs for many rows, in chunks."""

from __future__ import annotations

import math

import torch
from torch import nn

from core.layer_activity import ActivityCount, forward_counting
from core.loss_functions import LossFunction, predicted_class
from core.losses import Head
from core.training_tensors import TrainingTensors

# Evaluation runs in chunks of rows whose widest activation holds about this many values (8 MB):
# measured on the 100-[512x3] net, 24,096 rows in chunks of 65,536 took 1.55x as long as in
# chunks of 4,096 (the activations of one huge chunk fall out of the caches).
EVAL_CHUNK_VALUES = 2**21


def eval_chunk_rows(n_inputs: int, params: list[nn.Parameter]) -> int:
    """Rows per chunk of evaluation for a model of these inputs and parameters."""
    widest = max([n_inputs] + [p.shape[0] for p in params if p.dim() == 2])
    return max(256, EVAL_CHUNK_VALUES // widest)


def measure_epoch(
    model: nn.Module,
    tensors: TrainingTensors,
    loss: LossFunction,
    head: Head,
    metric: str,
    chunk: int,
    device: torch.device,
    activity: ActivityCount | None = None,
) -> tuple[float, float, float, list[float]]:
    """The training metric, validation loss and validation metric (NaN without validation rows)
    of a model in evaluation mode; with `activity`, also its shares of dead or saturated units
    on the training sample (core.layer_activity), one per watched layer."""
    # inference_mode, not no_grad: the outputs skip autograd's version and view tracking.
    with torch.inference_mode():
        n_sample = len(tensors.train_sample_inputs)
        if activity is None:
            out_all = _forward_chunks(model, tensors.eval_inputs, chunk)
        else:
            assert isinstance(model, nn.Sequential)
            out_all = forward_counting(model, tensors.eval_inputs, chunk, n_sample, activity)
        parts = [_metric_of(out_all[:n_sample], tensors.train_sample_targets, metric, head)]
        if len(tensors.val_inputs):
            out = out_all[n_sample:]
            parts += [
                loss.compute(out, tensors.val_loss_targets, head),
                _metric_of(out, tensors.val_targets, metric, head),
            ]
        shares = activity.shares() if activity is not None else []
        parts += shares
        values = torch.stack(
            [torch.as_tensor(v, dtype=torch.float32, device=device) for v in parts]
        )
        values_host = values.tolist()  # the one host sync of the epoch's metrics
    train_metric = values_host[0]
    val_loss, val_metric = (
        (values_host[1], values_host[2]) if len(tensors.val_inputs) else (math.nan, math.nan)
    )
    return train_metric, val_loss, val_metric, values_host[len(values_host) - len(shares) :]


def _metric_of(out: torch.Tensor, y: torch.Tensor, metric: str, head: Head) -> torch.Tensor:
    """Accuracy or R² of outputs `out` against targets `y`, as a device scalar."""
    if metric == "accuracy":
        return (predicted_class(out, head) == y).float().mean()
    ss_res = (out - y).square().sum()
    ss_tot = (y - y.mean(dim=0)).square().sum()
    return 1 - ss_res / ss_tot.clamp_min(1e-12)


def forward_eval(model: nn.Module, x: torch.Tensor, chunk: int) -> torch.Tensor:
    """The model's outputs for rows `x` in evaluation mode, in chunks; its mode is restored."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = _forward_chunks(model, x, chunk)
    model.train(was_training)
    return out


def _forward_chunks(model: nn.Module, x: torch.Tensor, chunk: int) -> torch.Tensor:
    """The model's outputs for rows `x`, `chunk` rows at a time."""
    if len(x) <= chunk:
        return model(x)
    return torch.cat([model(x[i : i + chunk]) for i in range(0, len(x), chunk)])
