"""`nnplay info`: a model file reported in words."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from core.activations import ACTIVATIONS
from core.text import plural

if TYPE_CHECKING:
    from core.model_manifest import ModelParts


def model_report(tm: ModelParts, weights: dict[str, tuple[int, ...]] | None = None) -> str:
    """What `nnplay info` prints: architecture, preprocessing and training, in words; `weights`
    is what the weights file holds (tensor name -> shape), as read from its header."""
    pre = tm.preprocessor
    shapes = tm.network.shapes(pre.n_inputs, tm.head.units)
    lines = [f"task: {tm.task}", "", "architecture:"]
    lines.append(
        f"  input     {plural(pre.n_inputs, 'value', 'values')} ({plural(len(tm.data.features), 'column', 'columns')})"
    )
    for shape in shapes:
        lines.append(
            f"  {shape.name:<9} {shape.label:<28} -> {shape.out_features:<5} "
            f"{shape.parameters:>9,} parameters"
        )
    lines.append(f"  head      {tm.head.description}")
    lines.append(f"  total     {plural(tm.parameter_count(), 'parameter', 'parameters')}")
    if weights is not None:
        values = sum(math.prod(shape) for shape in weights.values())
        lines.append(
            f"  weights   {plural(len(weights), 'tensor', 'tensors')}, "
            f"{plural(values, 'value', 'values')} in the file"
        )
    if tm.class_names:
        lines.append(f"classes: {', '.join(tm.class_names)}")
    lines += ["", "preprocessing (fitted on the training rows):"]
    if pre.input_features:
        lines.append("  input features computed from x1 and x2: " + ", ".join(pre.input_labels))
    for c in tm.data.features:
        if c.kind == "numeric":
            how = {"none": "as is", "minmax": "min-max to [0,1]", "standard": "standardised"}[
                c.scaling
            ]
            lines.append(f"  {c.name}: numeric, missing -> {c.impute}, {how}")
        else:
            lines.append(
                f"  {c.name}: categorical, missing -> {c.impute.replace('_', ' ')}, one-hot"
            )
    lines.append(f"  target {tm.data.target.name}: {tm.task}")
    cfg = tm.config
    acts = sorted({layer.activation for layer in tm.network.layers if layer.kind == "dense"})
    lines += [
        "",
        "training:",
        f"  loss {tm.loss}, optimizer {cfg.optimizer}, learning rate {cfg.learning_rate:g}, "
        f"batch size {cfg.batch_size or 'full'}, seed {cfg.seed}",
        f"  activations: {', '.join(ACTIVATIONS[a].label for a in acts) or 'none'}",
    ]
    summary = tm.summary
    if summary:
        keys = [
            "epochs",
            "steps",
            "train_loss",
            "val_loss",
            "val_accuracy",
            "val_r2",
            "seconds",
            "device",
            "reason",
        ]
        for k in keys:
            if k in summary and summary[k] is not None:
                v = summary[k]
                lines.append(
                    f"  {k.replace('_', ' ')}: {v:.4g}"
                    if isinstance(v, float)
                    else f"  {k.replace('_', ' ')}: {v}"
                )
    return "\n".join(lines)
