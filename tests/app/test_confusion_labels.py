"""The confusion matrix's class names never run into each other ("AdelieChinstrap")."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from PySide6.QtGui import QFontMetrics

from app.plots.evaluation_plots import ConfusionMatrixPlot

NAMES = ("Adelie Penguin (Pygoscelis adeliae)", "Chinstrap penguin", "Gentoo penguin")


def test_class_names_across_the_bottom_do_not_overlap(qtbot):
    plot = ConfusionMatrixPlot()
    qtbot.addWidget(plot)
    plot.resize(330, 300)  # the Evaluation tab's matrix on a 1024 x 768 screen
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_matrix(np.array([[30, 2, 0], [1, 20, 3], [0, 0, 25]]), NAMES)
    metrics = QFontMetrics(plot.class_name_font())
    cell_px = 1 / plot.viewbox.viewPixelSize()[0]
    assert sum(metrics.horizontalAdvance(n) for n in NAMES) > 3 * cell_px, "names too short"

    shown = plot.shown_class_names("bottom")
    assert len(shown) == 3 and shown[0].startswith("Adel")
    widths = [metrics.horizontalAdvance(text) for text in shown]
    # Each name centred under its cell: neighbours' rectangles must not meet.
    for left, right in pairwise(widths):
        assert left / 2 + right / 2 < cell_px, f"{shown} overlap in {cell_px:.0f} px cells"
    assert all(metrics.horizontalAdvance(t) <= 110 for t in plot.shown_class_names("left"))
