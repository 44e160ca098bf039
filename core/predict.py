"""Predictions and evaluation of a trained model on raw rows, prepared exactly as in training."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from core.errors import DataError
from core.loss_functions import LOSS_FUNCTIONS, probabilities
from core.metrics import classification_report, regression_report
from core.modelfile import TrainedModel
from core.predictions import Predictions

__all__ = ["Evaluated", "Predictions", "evaluate_frame", "evaluation_details", "predict_frame"]

CHUNK = 65536


def model_outputs(tm: TrainedModel, frame: pd.DataFrame) -> torch.Tensor:
    """Raw model outputs (logits, or standardised values) for raw rows."""
    if len(frame) == 0:
        raise DataError("there are no rows to predict")
    x = torch.from_numpy(tm.preprocessor.transform(frame))
    tm.model.eval()
    with torch.no_grad():
        return torch.cat([tm.model(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)])


def predict_frame(tm: TrainedModel, frame: pd.DataFrame) -> Predictions:
    out = model_outputs(tm, frame)
    if tm.task == "classification":
        probs = probabilities(out, tm.head).numpy().astype(np.float64)
        labels = np.asarray(tm.preprocessor.decode_classes(probs.argmax(axis=1)))
        return Predictions(labels, probs, tm.class_names)
    values = np.asarray(tm.preprocessor.decode_values(out.numpy()), dtype=np.float64).reshape(
        len(frame), -1
    )
    return Predictions(values[:, 0], None, ())


@dataclass(frozen=True, eq=False)
class Evaluated:
    """An evaluation's report and, for regression, the values it compared (target units)."""

    report: dict[str, Any]  # what `nnplay evaluate --json` prints
    actual: np.ndarray | None  # float64 [n] for regression, None for classification
    predicted: np.ndarray | None


def evaluate_frame(tm: TrainedModel, frame: pd.DataFrame) -> dict[str, Any]:
    """Loss and metrics on labelled rows; regression metrics in the target's own units."""
    return evaluation_details(tm, frame).report


def evaluation_details(tm: TrainedModel, frame: pd.DataFrame) -> Evaluated:
    """`evaluate_frame`'s report, with the true and predicted values behind a regression's."""
    target = tm.data.target.name
    if target not in frame.columns:
        raise DataError(f"the target column {target!r} is not in the data; evaluation needs it")
    labelled = frame[frame[target].notna()]
    if len(labelled) == 0:
        raise DataError(f"the target column {target!r} has no values to evaluate against")
    out = model_outputs(tm, labelled)
    y = tm.preprocessor.encode_target(labelled[target])
    loss_fn = LOSS_FUNCTIONS[tm.loss]
    with torch.no_grad():
        t = loss_fn.target(torch.as_tensor(y), tm.head)
        loss = float(loss_fn.compute(out, t, tm.head))
    truth = values = None
    if tm.task == "classification":
        pred = probabilities(out, tm.head).argmax(dim=1).numpy()
        report = classification_report(np.asarray(y), pred, tm.class_names).to_json()
    else:
        truth = np.asarray(tm.preprocessor.decode_values(np.asarray(y)), dtype=np.float64)
        values = np.asarray(tm.preprocessor.decode_values(out.numpy()), dtype=np.float64)
        truth, values = truth.reshape(-1), values.reshape(-1)
        report = regression_report(truth, values).to_json()
    report.update({"n": len(labelled), "loss": loss})
    return Evaluated(report, truth, values)
