"""A training snapshot drawn on the window: the output surface and the diagram's weights and
unit maps."""

from __future__ import annotations

import numpy as np

from app.plots.network_diagram import NetworkDiagram
from app.plots.output_view import OutputView
from core.training_process.messages import Configured, Snapshot


def show_snapshot(
    snapshot: Snapshot, info: Configured, output_view: OutputView, diagram: NetworkDiagram
) -> None:
    # The plane the snapshot was drawn over; one the user has just changed away from is old.
    extent = snapshot.extent or info.extent
    current = snapshot.features is None or snapshot.features == output_view.plane_features
    if snapshot.output is not None and extent is not None and current:
        values = snapshot.output
        if snapshot.kind == "class" and snapshot.confidence is not None:
            n = max(2, len(info.class_names))
            sure = np.clip((snapshot.confidence - 1.0 / n) / (1.0 - 1.0 / n), 0.0, 0.999)
            values = snapshot.output + sure
        output_view.set_surface(values, extent, info.task, info.class_names, snapshot.held)
    if snapshot.weights:
        biases = [
            b if b is not None else np.zeros(len(w), dtype=np.float32)
            for w, b in zip(snapshot.weights, snapshot.biases, strict=True)
        ]
        diagram.set_weights(list(snapshot.weights), biases)
    # Without hidden layers there are no unit maps, but the inputs still show theirs.
    if (snapshot.units or snapshot.weights) and extent is not None:
        diagram.set_node_maps(list(snapshot.units), extent)
