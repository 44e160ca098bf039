"""Pictures of the model for the window: its answer over a 2-D input plane, and its weights.

Runs in the training process, between batches; what it returns holds numpy arrays only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import torch
from torch import nn

from core.dataset import PreparedData
from core.device import device_label
from core.errors import SpecError
from core.fitted_preprocessor import CategoricalFeature, NumericFeature
from core.labels import as_labels
from core.loss_functions import probabilities
from core.plane import default_plane
from core.plot_points import PlotPoints, sample_plot_points
from core.spec import TrainConfig
from core.trainer import Trainer
from core.training_process.messages import (
    GRID,
    MAX_DIAGRAM_UNITS,
    UNIT_GRID,
    Configured,
    FeatureRange,
    HeldValues,
    Snapshot,
)

# The plane extends this fraction of the data's range beyond it on every side.
PLANE_MARGIN = 0.05


@dataclass(frozen=True)
class Plane:
    """The 2-D input plane snapshots are drawn over, with its grid points already preprocessed."""

    features: tuple[str, str]
    extent: tuple[float, float, float, float]
    fine: torch.Tensor  # [GRID * GRID, n_inputs] network inputs, row-major over (y, x)
    coarse: torch.Tensor  # [UNIT_GRID * UNIT_GRID, n_inputs]
    held: HeldValues = ()  # the other features, and the values they are held at


def check_plane_features(data: PreparedData, feature_x: str, feature_y: str) -> None:
    """Raise SpecError unless the two are different numeric features of the data."""
    features = data.preprocessor.source_features
    numeric = [f.name for f in features if isinstance(f, NumericFeature)]
    for name in (feature_x, feature_y):
        if name not in numeric:
            raise SpecError(
                f"{name!r} is not a numeric feature of the data; choose among: "
                + ", ".join(numeric)
            )
    if feature_x == feature_y:
        raise SpecError("choose two different features for the plane")


def feature_ranges(frame: pd.DataFrame, data: PreparedData) -> tuple[FeatureRange, ...]:
    """Each feature over the training rows: a numeric one's range and median, a categorical
    one's categories and most frequent one (what the plane holds it at by default)."""
    train = frame.iloc[data.train.rows]
    ranges: list[FeatureRange] = []
    for f in data.preprocessor.source_features:
        if isinstance(f, NumericFeature):
            values = pd.to_numeric(train[f.name], errors="coerce").to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]
            if len(values):
                median, low, high = np.median(values), values.min(), values.max()
            else:
                median = low = high = f.fill
            ranges.append(FeatureRange(f.name, float(median), float(low), float(high)))
        else:
            counts = as_labels(train[f.name]).value_counts()
            default = str(counts.index[0]) if len(counts) else f.fill
            ranges.append(FeatureRange(f.name, default, categories=f.categories))
    return tuple(ranges)


def check_held(data: PreparedData, held: HeldValues) -> None:
    """Raise SpecError unless each value fits its feature: a finite number for a numeric one,
    one of its categories for a categorical one."""
    features = {f.name: f for f in data.preprocessor.source_features}
    for name, value in held:
        feature = features.get(name)
        if feature is None:
            raise SpecError(f"{name!r} is not a feature of the data")
        if isinstance(feature, CategoricalFeature):
            if not isinstance(value, str) or value not in feature.categories:
                raise SpecError(
                    f"{value!r} is not a category of {name!r}; choose among: "
                    + ", ".join(feature.categories)
                )
        elif isinstance(value, (str, bool)) or not np.isfinite(value):
            raise SpecError(f"hold {name!r} at a number, not {value!r}")


def make_plane(
    frame: pd.DataFrame,
    data: PreparedData,
    trainer: Trainer,
    choice: tuple[str, str] | None = None,
    held: HeldValues = (),
    ranges: tuple[FeatureRange, ...] | None = None,
) -> Plane | None:
    """The plane over two numeric features (`choice`, else `default_plane`'s), or None when the
    data has fewer than two. Other features are held at the values `held` gives them, else at
    their median over the training rows (categories at the most frequent one), so the plane is
    by default a slice through typical rows. A held value that no longer fits its feature (the
    data changed) is left out; `ranges` are `feature_ranges(frame, data)`, when known.
    """

    features = data.preprocessor.source_features
    numeric = [f.name for f in features if isinstance(f, NumericFeature)]
    if len(numeric) < 2:
        return None
    if choice is not None and choice[0] != choice[1] and set(choice) <= set(numeric):
        names = choice
    else:
        names = default_plane(frame, data.spec) or (numeric[0], numeric[1])
    bounds: list[float] = []
    for name in names:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
        values = values[np.isfinite(values)]
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        pad = (hi - lo) * PLANE_MARGIN if hi > lo else 1.0
        bounds += [lo - pad, hi + pad]
    extent = (bounds[0], bounds[1], bounds[2], bounds[3])

    chosen: dict[str, float | str] = {}
    for name, value in held:
        try:
            check_held(data, ((name, value),))
        except SpecError:
            continue
        chosen[name] = value
    fixed = {
        r.name: chosen.get(r.name, r.default)
        for r in (ranges if ranges is not None else feature_ranges(frame, data))
        if r.name not in names
    }

    def inputs(n: int) -> torch.Tensor:
        xs = _cell_centres(extent[0], extent[1], n)
        ys = _cell_centres(extent[2], extent[3], n)
        gx, gy = np.meshgrid(xs, ys)  # [y, x]
        columns: dict[str, object] = {names[0]: gx.ravel(), names[1]: gy.ravel()}
        for name, value in fixed.items():
            columns[name] = np.full(n * n, value, dtype=object if isinstance(value, str) else None)
        table = pd.DataFrame(columns)
        return torch.as_tensor(data.preprocessor.transform(table)).to(trainer.device)

    return Plane(names, extent, inputs(GRID), inputs(UNIT_GRID), tuple(fixed.items()))


def chosen_plane(
    frame: pd.DataFrame,
    trainer: Trainer,
    choice: tuple[str, str],
    held: HeldValues,
    ranges: tuple[FeatureRange, ...] | None,
    before: tuple[str, str] | None,
) -> tuple[Plane | None, tuple[PlotPoints, ...]]:
    """The plane a `SetPlane` asks for, checked first, and the data points to draw over it: none
    when its two features are those of the plane `before` (a new held value moves no point)."""
    check_plane_features(trainer.data, *choice)
    check_held(trainer.data, held)
    plane = make_plane(frame, trainer.data, trainer, choice, held, ranges)
    if plane is None or plane.features == before:
        return plane, ()
    return plane, (sample_plot_points(frame, trainer.data, plane.features),)


def _cell_centres(lo: float, hi: float, n: int) -> np.ndarray:
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def drawable(model: torch.nn.Module) -> bool:
    """Whether the network is small enough for the diagram: no layer wider than the limit."""

    linears = [m for m in model.children() if isinstance(m, nn.Linear)]
    return all(max(m.in_features, m.out_features) <= MAX_DIAGRAM_UNITS for m in linears)


def take_snapshot(trainer: Trainer, plane: Plane | None) -> Snapshot:
    """The model's answer over `plane` and, for a network small enough to draw, its weights.

    Runs in evaluation mode without gradients and draws no random numbers, so taking snapshots
    never changes what training computes.
    """

    model, head = trainer.model, trainer.head
    linears = [(name, m) for name, m in model.named_children() if isinstance(m, nn.Linear)]
    small = drawable(model)
    kind: Literal["probability", "class", "value"]
    if head.kind == "linear":
        kind = "value"
    elif head.kind == "sigmoid" or head.units == 2:
        kind = "probability"
    else:
        kind = "class"
    output = confidence = None
    units: list[torch.Tensor] = []
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            if plane is not None:
                logits = model(plane.fine)
                if kind == "value":
                    output = logits[:, 0]
                else:
                    probs = probabilities(logits, head)
                    if kind == "probability":
                        output = probs[:, 1]
                    else:
                        best, index = probs.max(dim=1)
                        output, confidence = index.float(), best
                if small:
                    h = plane.coarse
                    for name, module in model.named_children():
                        h = module(h)
                        if name.endswith("_act"):
                            units.append(h.T.reshape(-1, UNIT_GRID, UNIT_GRID))
            tensors = [t for t in (output, confidence) if t is not None] + units
            if small:
                tensors += [m.weight for _, m in linears]
                tensors += [m.bias for _, m in linears if m.bias is not None]
            # One transfer to the host for everything: on a GPU each transfer is a sync point.
            parts = [t.detach().float().reshape(-1) for t in tensors]
            flat = torch.cat(parts).cpu().numpy() if parts else np.empty(0, np.float32)
    finally:
        model.train(was_training)
    host, at = [], 0
    for t in tensors:
        host.append(flat[at : at + t.numel()].reshape(tuple(t.shape)))
        at += t.numel()
    it = iter(host)
    out_np = next(it).reshape(GRID, GRID) if output is not None else None
    conf_np = next(it).reshape(GRID, GRID) if confidence is not None else None
    units_np = tuple(next(it) for _ in units)
    weights: tuple[np.ndarray, ...] = ()
    biases: tuple[np.ndarray | None, ...] = ()
    if small:
        weights = tuple(next(it) for _ in linears)
        biases = tuple(next(it) if m.bias is not None else None for _, m in linears)
    if out_np is not None and kind == "value":
        out_np = trainer.data.preprocessor.decode_values(out_np).astype(np.float32)
    return Snapshot(
        step=trainer.step,
        epoch=trainer.epoch,
        kind=kind,
        output=out_np,
        confidence=conf_np,
        dense_names=tuple(name for name, _ in linears) if small else (),
        weights=weights,
        biases=biases,
        units=units_np,
        features=plane.features if plane is not None else None,
        extent=plane.extent if plane is not None else None,
        held=plane.held if plane is not None else (),
    )


def configured_message(
    trainer: Trainer,
    data: PreparedData,
    config: TrainConfig,
    plane: Plane | None,
    ranges: tuple[FeatureRange, ...],
) -> Configured:
    """What the window learns of a model just built: its data, layers, device and plane."""
    return Configured(
        task=data.task,
        class_names=data.class_names,
        input_names=data.preprocessor.input_names,
        layer_names=tuple(trainer.layers),
        layer_labels=tuple(trainer.layer_labels()),
        parameters=sum(p.numel() for p in trainer.params),
        loss=trainer.loss_name,
        seed=config.seed,
        n_train=len(data.train),
        n_val=len(data.val),
        n_test=len(data.test),
        dropped_rows=data.dropped_rows,
        batch_size=trainer.batch_size,
        steps_per_epoch=trainer.steps_per_epoch,
        device=str(trainer.device),
        device_name=device_label(trainer.device, trainer.threads),  # what training will use
        plane_features=plane.features if plane else None,
        extent=plane.extent if plane else None,
        preprocessor=data.preprocessor,
        feature_ranges=ranges,
        held=plane.held if plane else (),
    )
