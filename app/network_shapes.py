"""Per-layer widths and parameter counts of a network that may still have invalid layers.

`NetworkSpec.shapes` refuses an invalid network as a whole; the builder and the diagram still
want to show every layer that can be worked out, so a bad layer only blanks what depends on it.
"""

from __future__ import annotations

from core.layers import LAYER_KINDS
from core.spec import LayerShape, NetworkSpec


def layer_shapes(network: NetworkSpec, n_inputs: int, n_outputs: int) -> list[LayerShape | None]:
    """One entry per hidden layer and a last one for the output layer; None where unknown."""
    out: list[LayerShape | None] = []
    width: int | None = n_inputs
    for name, layer in zip(network.layer_names(), network.layers, strict=True):
        kind = LAYER_KINDS.get(layer.kind)
        if width is None or kind is None or layer.problems():
            out.append(None)
            # Elementwise layers keep the width; a broken dense layer leaves it unknown.
            if kind is None or layer.kind == "dense":
                width = None
            continue
        new_width = kind.out_features(width, layer)
        out.append(
            LayerShape(
                name, layer.label(), layer.kind, width, new_width, kind.parameters(width, layer)
            )
        )
        width = new_width
    if width is None:
        out.append(None)
    else:
        out.append(
            LayerShape("output", "Output", "dense", width, n_outputs, width * n_outputs + n_outputs)
        )
    return out
