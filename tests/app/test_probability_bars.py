"""The one-row form's probability bars: a sure answer's "100%" is shown whole, at any width."""

from __future__ import annotations

import numpy as np
import pytest

from app.plots.probability_bars import ProbabilityBars


@pytest.mark.parametrize("width", [170, 220, 400])
def test_a_full_bars_percentage_is_not_cut(qtbot, width):
    bars = ProbabilityBars()
    qtbot.addWidget(bars)
    bars.set_classes(("benign", "malignant"))
    bars.resize(width, bars.height())
    bars.show()
    qtbot.waitExposed(bars)
    bars.set_probabilities(np.array([1.0, 0.0]))
    label = bars.labels[0]
    assert label.textItem.toPlainText() == "100%"

    def shown_whole() -> None:
        shown = label.mapRectToScene(label.boundingRect())
        plot = bars.viewbox.sceneBoundingRect()
        assert shown.right() <= plot.right() + 0.5, (shown, plot)

    qtbot.waitUntil(shown_whole, timeout=5000)  # placed once the view has its new range
