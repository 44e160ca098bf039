"""The model's output over the plane, as one persistent image behind the data points.

Created once; `draw` only refills it (it is called several times a second while training). A
surface is a [G, G] array over `extent` = (xmin, xmax, ymin, ymax), indexed [row, column] =
[y, x] with row 0 at ymin (see `app.plots.output_geometry.grid_points`). Values: binary
classification p(class 1) in [0, 1]; multi-class class index + confidence in [0, n_classes)
(see `colors.encode_class_probabilities`); regression the predicted value in target units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from app.plots import colors

__all__ = ["OutputSurface"]


class OutputSurface(pg.ImageItem):
    """A heatmap of the decision boundary (classification) or the regression surface."""

    def __init__(self) -> None:
        super().__init__(axisOrder="row-major")
        self.setZValue(-10)
        self.setVisible(False)

    def draw(
        self,
        values: np.ndarray,
        extent: tuple[float, float, float, float],
        task: str,
        n_classes: int,
        value_range: tuple[float, float],
    ) -> None:
        """Colour `values` over `extent`; `value_range` is the regression colours' span."""
        if task == "regression":
            low, high = value_range
            lut = colors.regression_lut(colors.SURFACE_STRENGTH)
        elif n_classes > 2:
            low, high = 0.0, float(n_classes)
            lut = colors.multiclass_lut(n_classes, colors.SURFACE_STRENGTH)
        else:
            low, high = 0.0, 1.0
            lut = colors.binary_lut(colors.SURFACE_STRENGTH)
        rgba = np.empty((*values.shape, 4), dtype=np.uint8)
        rgba[..., :3] = colors.lookup(lut, values, low, high)
        rgba[..., 3] = 255
        self.setImage(rgba, autoLevels=False, levels=(0, 255))
        xmin, xmax, ymin, ymax = extent
        self.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.setVisible(True)
