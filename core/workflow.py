"""From a dataset and a design to a trained model: the steps the CLI and the window share."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.control import TrainingControl
from core.dataset import PreparedData
from core.events import Callback, TrainResult
from core.modelfile import TrainedModel
from core.spec import NetworkSpec, TrainConfig
from core.trainer import Trainer


def dense_network(
    hidden: Sequence[int], activation: str = "relu", dropout: float = 0.0
) -> NetworkSpec:
    """Dense layers of the given widths, each followed by dropout when `dropout` is not 0."""
    return NetworkSpec.dense(hidden, activation, dropout).validate()


@dataclass
class TrainOutcome:
    model: TrainedModel
    result: TrainResult
    summary: dict[str, Any]


def trained_model(trainer: Trainer, result: TrainResult | None = None) -> TrainedModel:
    """The trainer's current state as a TrainedModel (weights copied to the CPU)."""
    model = copy.deepcopy(trainer.model).cpu().eval()
    summary = training_summary(trainer, result)
    return TrainedModel(
        network=trainer.network,
        data=trainer.data.spec,
        config=trainer.config,
        preprocessor=trainer.data.preprocessor,
        model=model,
        loss=trainer.loss_name,
        history=trainer.history,
        summary=summary,
    )


def training_summary(trainer: Trainer, result: TrainResult | None) -> dict[str, Any]:
    h = trainer.history
    metric = "accuracy" if trainer.metric == "accuracy" else "r2"
    kept = result.best_epoch if result is not None else trainer.epoch
    out: dict[str, Any] = {
        "task": trainer.data.task,
        "epochs": trainer.epoch,
        "steps": trainer.step,
        # The figures of the weights kept: the best epoch's after early stopping, else the last.
        "train_loss": _finite(h.at_epoch(kept, "train_loss")),
        "val_loss": _finite(h.at_epoch(kept, "val_loss")),
        f"train_{metric}": _finite(h.at_epoch(kept, "train_metric")),
        f"val_{metric}": _finite(h.at_epoch(kept, "val_metric")),
        "parameters": sum(p.numel() for p in trainer.params),
        "n_train": len(trainer.data.train.x),
        "n_val": len(trainer.data.val.x),
        "n_test": len(trainer.data.test.x),
        "device": str(trainer.device),
        "loss": trainer.loss_name,
    }
    if result is not None:
        out.update(
            outcome=result.outcome,
            reason=result.reason,
            seconds=round(result.seconds, 4),
            best_epoch=result.best_epoch,
        )
    return out


def train(
    network: NetworkSpec,
    data: PreparedData,
    config: TrainConfig,
    callbacks: Sequence[Callback] = (),
    control: TrainingControl | None = None,
) -> TrainOutcome:
    trainer = Trainer(network, data, config, callbacks, control)
    result = trainer.fit()
    tm = trained_model(trainer, result)
    return TrainOutcome(tm, result, tm.summary)


def _finite(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)
