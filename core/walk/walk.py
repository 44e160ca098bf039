"""The whole walk of one row: preprocessing, forward, output, loss, backward, one update."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from core.fitted_preprocessor import FittedPreprocessor
from core.losses import Head, make_head, resolve_loss
from core.optimizers import OPTIMIZERS
from core.spec import NetworkSpec, TrainConfig
from core.walk.backward import backward, gradients
from core.walk.forward import forward
from core.walk.prepare import RawValue, is_missing, prepare_row
from core.walk.row_loss import allowed_losses, head_output, row_loss
from core.walk.steps import (
    LayerForward,
    LossStep,
    OutputStep,
    ParamUpdate,
    RowWalk,
    UpdateStep,
)
from core.walk.update import OPTIMIZER_STEPS, State, penalised_gradients, settings_of


def walk_row(
    network: NetworkSpec,
    weights: Mapping[str, np.ndarray],
    preprocessor: FittedPreprocessor,
    config: TrainConfig,
    raw: Mapping[str, RawValue],
    target: RawValue = None,
    *,
    row: str = "",
    scalings: Mapping[str, str] | None = None,
    imputes: Mapping[str, str] | None = None,
    optimizer_state: Mapping[str, State] | None = None,
    learning_rate: float | None = None,
    step: int = 0,
    epoch: int = 0,
) -> RowWalk:
    """Walk one raw row (feature column -> value) and its true target through the network.

    `scalings` and `imputes` name each feature's preparation (from the DataSpec) where known;
    `weights` are the model's state dict as numpy arrays; `optimizer_state` is the chosen
    optimizer's state per weight (state-dict key -> its buffers), None before the first step;
    `learning_rate` the one training uses now (the schedule's), else the config's.
    """
    w = {key: np.asarray(value, dtype=np.float64) for key, value in weights.items()}
    head = make_head(preprocessor.task, len(preprocessor.classes), network.binary_output)
    loss_name = resolve_loss(config.loss, preprocessor.task, head)
    columns, x = prepare_row(preprocessor, raw, scalings, imputes)
    layers = forward(network, w, x)
    output = _output(layers[-1].a, head, preprocessor, target)
    notes = [n for n in dict.fromkeys(layer.note for layer in layers) if n]
    unknown = (
        "no target value"
        if preprocessor.task == "regression" and is_missing(target)
        else "no known class"
        if preprocessor.task == "classification" and output.true_index < 0
        else ""
    )
    if unknown:
        notes.append(f"The row has {unknown}: there is no loss, gradient or update to show.")
        return RowWalk(
            row, columns, preprocessor.input_names, x, layers, output, None, (), {},
            config.optimizer, step, epoch, tuple(notes),
        )  # fmt: skip
    y = output.true_index if head.kind != "linear" else _standardised(target, preprocessor)
    logits = layers[-1].a
    value, t, compared, dz = row_loss(loss_name, logits, head, y)
    every = {name: row_loss(name, logits, head, y)[0] for name in allowed_losses(preprocessor.task)}
    loss = LossStep(loss_name, value, t, compared, dz, every)
    back = backward(layers, dz)
    notes.append(
        "Training averages the gradient over a batch of rows; the update here uses this one row's "
        "gradient alone."
    )

    def loss_with(new_weights: Mapping[str, np.ndarray]) -> float:
        return row_loss(loss_name, forward(network, new_weights, x)[-1].a, head, y)[0]

    grads, clip_factor = penalised_gradients(
        w, gradients(back), _penalised(layers), config.l1, config.l2, config.grad_clip
    )
    settings = settings_of(config, learning_rate)
    updates: dict[str, UpdateStep] = {}
    for name in (config.optimizer, *(o for o in OPTIMIZERS if o != config.optimizer)):
        current = name == config.optimizer and bool(optimizer_state)
        updates[name] = _update(
            name,
            w,
            grads,
            dict(optimizer_state or {}) if current else {},
            settings,
            loss_with,
            value,
            clip_factor,
            config,
        )
    return RowWalk(
        row, columns, preprocessor.input_names, x, layers, output, loss, back, updates,
        config.optimizer, step, epoch, tuple(notes),
    )  # fmt: skip


def _output(
    logits: np.ndarray, head: Head, preprocessor: FittedPreprocessor, target: RawValue
) -> OutputStep:
    p = head_output(logits, head)
    classes = preprocessor.classes
    if head.kind == "linear":
        t = preprocessor.target
        predicted_value = float(t.mean + t.std * logits[0])
        true_value = float("nan") if is_missing(target) else float(target)  # type: ignore[arg-type]
        return OutputStep(
            head.kind, logits, p, (), -1, f"{predicted_value:.6g}", -1,
            "" if is_missing(target) else f"{true_value:.6g}",
            predicted_value, true_value, t.mean, t.std,
        )  # fmt: skip
    # One-hot decoding: the class with the highest probability (sigmoid: p > 0.5, i.e. z > 0).
    index = int(logits[0] > 0) if head.kind == "sigmoid" else int(np.argmax(logits))
    label = "" if is_missing(target) else str(target)
    true_index = classes.index(label) if label in classes else -1
    return OutputStep(head.kind, logits, p, classes, index, classes[index], true_index, label)


def _standardised(target: RawValue, preprocessor: FittedPreprocessor) -> np.ndarray:
    t = preprocessor.target
    return np.array([(float(target) - t.mean) / t.std])  # type: ignore[arg-type]


def _penalised(layers: tuple[LayerForward, ...]) -> tuple[str, ...]:
    """The weights L1 and L2 penalise: every dense layer's W (as the trainer's `_penalised`)."""
    return tuple(f"{s.name}.weight" for s in layers if s.kind in ("dense", "output"))


def _update(
    name: str,
    weights: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    state: dict[str, State],
    settings: dict[str, float],
    loss_with: Callable[[Mapping[str, np.ndarray]], float],
    loss_before: float,
    clip_factor: float,
    config: TrainConfig,
) -> UpdateStep:
    step_fn = OPTIMIZER_STEPS[name]
    after = dict(weights)
    params = []
    for key, g in grads.items():
        before_state = {k: np.asarray(v, dtype=np.float64) for k, v in state.get(key, {}).items()}
        new_w, new_state = step_fn(weights[key], g, before_state, settings)
        after[key] = new_w
        count = int(new_state["step"]) if "step" in new_state else 0
        params.append(ParamUpdate(key, weights[key], g, before_state, new_state, new_w, count))
    penalty = {k: getattr(config, k) for k in ("l1", "l2") if getattr(config, k)}
    return UpdateStep(
        name,
        settings,
        "current" if state else ("fresh" if any(p.state_after for p in params) else "none"),
        tuple(params),
        loss_before,
        float(loss_with(after)),
        penalty,
        clip_factor,
    )
