"""What the network diagram says when the pointer rests on a node, a line, a band or a bar.

Plain text from the diagram's columns (app.plots.diagram_layout) and the live weights, read at
the moment of hovering, so a tooltip shows the weights as they are now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.plots.diagram_layout import Bar, Column
from core.activations import ACTIVATIONS
from core.layers import LAYER_KINDS
from core.text import plural

if TYPE_CHECKING:
    from app.project import DataShape
    from core.losses import Head


def describe_unit(
    column: Column, unit: int | None, shape: DataShape, head: Head, bias: np.ndarray | None
) -> str:
    """A node (`unit`), or the whole column drawn as a block (None); `bias` is its layer's."""
    if column.kind == "input":
        names = shape.input_names
        if unit is None:
            return (
                f"Input: {plural(column.units, 'value', 'values')}\n"
                + ", ".join(names[:12])
                + (" …" if len(names) > 12 else "")
            )
        return f"Input {unit + 1}: {names[unit] if unit < len(names) else ''}"
    if column.kind == "output":
        text = f"Output: {head.description}"
        if unit is not None and head.kind == "softmax" and unit < len(shape.class_names):
            name = shape.class_names[unit]
            text = f"Output unit {unit + 1}: probability of '{name}'\n{text}"
        return text + _bias_text(bias, unit)
    act = ACTIVATIONS.get(column.activation)
    act_text = (
        f"{act.label}: {act.description}" if act else f"unknown activation {column.activation}"
    )
    where = f"Layer {column.hidden_index + 1} ({column.name})"  # type: ignore[operator]
    if unit is None:
        return f"{where}: {plural(column.units, 'unit', 'units')}\nActivation {act_text}"
    return f"{where}, unit {unit + 1}\nActivation {act_text}" + _bias_text(bias, unit)


def _bias_text(bias: np.ndarray | None, unit: int | None) -> str:
    if unit is None or bias is None:
        return ""
    return f"\nBias {bias[unit]:+.3f}" if unit < len(bias) else ""


def describe_line(
    src: Column, dst: Column, n: int, w: np.ndarray | None, input_names: tuple[str, ...]
) -> str:
    """Line `n` between two columns (see `lay_out` for the order); `w` is their [out, in]
    weights, None before training."""
    if src.is_block:
        text = f"All {src.units:,} weights into {_unit_name(dst, n, input_names)}"
        return text + (
            "" if w is None else f"\nmean {w[n].mean():+.3f}, mean size {np.abs(w[n]).mean():.3f}"
        )
    if dst.is_block:
        text = f"All {dst.units:,} weights from {_unit_name(src, n, input_names)}"
        col = None if w is None else w[:, n]
        return text + (
            "" if col is None else f"\nmean {col.mean():+.3f}, mean size {np.abs(col).mean():.3f}"
        )
    i, o = n % src.units, n // src.units
    text = f"Weight from {_unit_name(src, i, input_names)} to {_unit_name(dst, o, input_names)}"
    return text + ("" if w is None else f": {w[o, i]:+.3f}")


def _unit_name(column: Column, unit: int, input_names: tuple[str, ...]) -> str:
    if column.kind == "input":
        return input_names[unit] if unit < len(input_names) else f"input {unit + 1}"
    if column.kind == "output":
        return f"output {unit + 1}"
    return f"unit {unit + 1} of layer {column.hidden_index + 1}"  # type: ignore[operator]


def describe_band(src: Column, dst: Column, w: np.ndarray | None) -> str:
    """The band between two blocks: how many weights, and their mean once trained."""
    text = f"{src.units * dst.units:,} weights from {src.units:,} to {dst.units:,} units"
    if w is not None:
        text += f"\nmean {w.mean():+.3f}, mean size {np.abs(w).mean():.3f}"
    return text


def describe_bar(bar: Bar) -> str:
    """A dropout or normalisation layer: its settings and what it does."""
    kind = LAYER_KINDS.get(bar.kind)
    return f"Layer {bar.hidden_index + 1}: {bar.label}\n{kind.description if kind else ''}"
