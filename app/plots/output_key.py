"""Under the output plot: what its colours mean (classes, or a value scale) and what its marks
mean (filled: training, rings: validation, crosses: test), with the "Show test data" toggle."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.plots import colors
from app.plots.data_scatter import rgb_color
from core.plot_points import SPLITS, PlotPoints

__all__ = ["OutputKey"]

TEST_TIP = "Also draw the test points (crosses), which training never sees."
NO_TEST_TIP = "This data has no test set (its test share is 0)."


class OutputKey(QWidget):
    """Row one: the class colours, or the regression colour scale; row two: the marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.show_test = QCheckBox("Show test data")
        self.show_test.setToolTip(TEST_TIP)

        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)  # many classes wrap instead of widening the plot
        self.legend.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.legend.setToolTip("The colour of each class, on the points and on the surface.")
        self.gradient = QLabel()  # regression: the colour scale, as a small picture
        self.gradient.setToolTip("The colour of a value: orange low, blue high.")
        self.scale_low, self.scale_high = QLabel(), QLabel()
        self.marks = QLabel()
        self.marks.setTextFormat(Qt.TextFormat.RichText)
        self.marks.setWordWrap(True)  # "✕ test" wraps instead of widening the window
        self.marks.setToolTip("Filled points train the network; rings only check it.")

        colours = QHBoxLayout()
        colours.setContentsMargins(4, 0, 4, 0)
        colours.addWidget(self.legend, 1)
        for w in (self.scale_low, self.gradient, self.scale_high):
            colours.addWidget(w)
        colours.addStretch(0)  # takes the room only when the legend is hidden (regression)
        marks = QHBoxLayout()
        marks.setContentsMargins(4, 0, 4, 0)
        marks.addWidget(self.marks, 1)
        marks.addWidget(self.show_test)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(colours)
        layout.addLayout(marks)

    def allow_test(self, n_test: int) -> None:
        """Enable the toggle when there are test points to show."""
        self.show_test.setEnabled(n_test > 0)
        self.show_test.setToolTip(TEST_TIP if n_test else NO_TEST_TIP)

    def show_points(
        self,
        pts: PlotPoints | None,
        value_range: tuple[float, float],
        test_shown: bool,
        text_color: str,
    ) -> None:
        """Explain the colours and marks of `pts` (nothing when None)."""
        regression = pts is not None and pts.task == "regression"
        for w in (self.scale_low, self.gradient, self.scale_high):
            w.setVisible(regression)
        self.legend.setVisible(pts is not None and not regression)
        if pts is None:
            self.marks.clear()
            return
        if regression:
            low, high = value_range
            self.scale_low.setText(f"{low:.3g}")
            self.scale_high.setText(f"{high:.3g}")
            self.gradient.setPixmap(_gradient_pixmap())
            self.legend.clear()
        else:
            chips = []
            for i, name in enumerate(pts.class_names):
                c = rgb_color(colors.class_color(i)).name()
                chips.append(f"<span style='color:{c}; font-size:large'>●</span>&nbsp;{name}")
            self.legend.setText("&nbsp;&nbsp; ".join(chips))
        n_test = int((pts.split == SPLITS.index("test")).sum())
        self.marks.setText(
            f"<span style='color:{text_color}'>●</span>&nbsp;training&nbsp;&nbsp; "
            f"<span style='color:{text_color}'>○</span>&nbsp;validation"
            + ("&nbsp;&nbsp; ✕&nbsp;test" if test_shown and n_test else "")
        )


def _gradient_pixmap() -> QPixmap:
    lut = np.ascontiguousarray(colors.regression_lut())
    strip = np.repeat(lut[None, :, :], 10, axis=0)
    strip = np.ascontiguousarray(strip)
    image = QImage(
        strip.data,
        strip.shape[1],
        strip.shape[0],
        strip.strides[0],
        QImage.Format.Format_RGB888,
    )
    return QPixmap.fromImage(image.scaled(96, 10))
