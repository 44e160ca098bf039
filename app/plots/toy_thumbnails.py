"""Small pictures of the built-in toy datasets, drawn once per size and kept.

Each is a scatter of the dataset without noise, on the light background TensorFlow Playground
uses, in the colours the output plot uses (classes blue and orange; values orange low, blue high).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap

from app.plots import colors
from core.data_spec import ToySource
from core.toy import TOY_DATASETS, toy_points

EXTENT = 6.0  # the toy sets lie in about [-6, 6]^2
SAMPLES = 240


def toy_thumbnail(name: str, size: int = 64, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A size x size (logical pixels) picture of toy dataset `name`; the same object each call."""
    return _render(name, size, round(device_pixel_ratio * 4) / 4)


@cache
def _render(name: str, size: int, dpr: float) -> QPixmap:
    classification = TOY_DATASETS[name].task == "classification"
    # A value pattern needs dense, small dots to show its shape; middling values fade into
    # the background as they do on the output plot.
    samples = SAMPLES if classification else 4 * SAMPLES
    xy, target = toy_points(ToySource(name=name, samples=samples, noise=0.0, seed=0))
    if classification:
        index = (~target).astype(np.intp)  # True is "blue", the first class
        rgb = colors.class_colors(2)[index]
    else:
        y = target.astype(np.float64)
        m = max(float(np.abs(y).max()), 1e-9)
        rgb = colors.lookup(colors.regression_lut(), y, -m, m)

    pixels = max(1, round(size * dpr))
    image = QImage(pixels, pixels, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(*colors.NEUTRAL).lighter(104))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = pixels / (2 * EXTENT)
    radius = max(1.0, (1.6 if classification else 1.1) * pixels / 64)
    if classification:
        painter.setPen(QPen(QColor(255, 255, 255, 200), 0.5 * pixels / 64))
    else:
        painter.setPen(Qt.PenStyle.NoPen)
    for (px, py), c in zip(xy, rgb, strict=True):
        painter.setBrush(QColor(int(c[0]), int(c[1]), int(c[2])))
        # Screen y grows downwards; data y upwards.
        centre = QPointF((px + EXTENT) * scale, (EXTENT - py) * scale)
        painter.drawEllipse(centre, radius, radius)
    painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(0.5, 0.5, pixels - 1, pixels - 1))
    painter.end()
    pixmap = QPixmap.fromImage(image)
    pixmap.setDevicePixelRatio(dpr)
    return pixmap
