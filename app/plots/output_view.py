"""What the network outputs over the 2-D input plane, behind the data it learns from.

A heatmap of the decision boundary (classification) or the regression surface, drawn by one
persistent ImageItem that `set_surface` refills (it is called several times a second while
training), behind the training points (filled) and validation points (rings); test points
(crosses) stay hidden until "Show test data" is ticked. The points are what the training
process sends (`show_points`, a `core.plot_points.PlotPoints`: at most a few thousand of each
split, sampled where the data lives); the view follows `project.changed("data")` only for what
the DataSpec says (which features the plane may span), and never reads or splits the data.

With more than two features (a CSV), two drop-downs above the plot choose the two numeric
features the plane spans; the model's output is drawn over them with the other features held at
their training median. A choice emits `plane_requested`, which the window passes to the
training process (`set_plane`); surfaces arrive for the chosen plane.

A surface is a [G, G] array over `extent` = (xmin, xmax, ymin, ymax), indexed [row, column] =
[y, x] with row 0 at ymin, as `np.meshgrid(xs, ys)` lays it out; `grid_points` gives the centres
of its cells in the same order. Values: binary classification p(class 1) in [0, 1]; multi-class
class index + confidence in [0, n_classes) (see `colors.encode_class_probabilities`);
regression the predicted value in target units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.plots import colors
from app.plots.data_points import axis_names, numeric_features
from app.project import Project
from core.plot_points import PLOT_POINTS_PER_SPLIT, SPLITS, PlotPoints

__all__ = ["OutputView", "grid_points"]

SURFACE_MARGIN = 0.1  # the surface reaches this fraction of the shown box beyond each side
NOT_2D = "The output plot shows data with two or more numeric features."


def grid_points(extent: tuple[float, float, float, float], size: int) -> np.ndarray:
    """float64 [size * size, 2]: cell centres of a size x size surface over `extent`.

    Evaluate the model at these and `reshape(size, size)` the outputs for `set_surface`.
    """
    xmin, xmax, ymin, ymax = extent
    xs = xmin + (np.arange(size) + 0.5) * (xmax - xmin) / size
    ys = ymin + (np.arange(size) + 0.5) * (ymax - ymin) / size
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


Box = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax


def _data_box(x: np.ndarray) -> tuple[Box, bool]:
    """What the plot shows: the points' bounding box with a margin, and whether to lock aspect.

    When both features have comparable spans the box is made square and both axes share one
    scale, so circles look round; otherwise each axis gets its own scale.
    """
    finite = x[np.isfinite(x).all(axis=1)] if len(x) else x
    if len(finite) == 0:
        return (-6.0, 6.0, -6.0, 6.0), True
    lo, hi = finite.min(axis=0), finite.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, np.maximum(np.abs(lo), 1.0))
    mid = (lo + hi) / 2
    square = span.max() / span.min() < 3
    if square:
        span = np.full(2, span.max())
    half = span * 0.55  # 5% margin on each side
    return (
        float(mid[0] - half[0]),
        float(mid[0] + half[0]),
        float(mid[1] - half[1]),
        float(mid[1] + half[1]),
    ), bool(square)


def _grow(box: Box, fraction: float) -> Box:
    xmin, xmax, ymin, ymax = box
    dx, dy = (xmax - xmin) * fraction, (ymax - ymin) * fraction
    return (xmin - dx, xmax + dx, ymin - dy, ymax + dy)


def _value_range(values: np.ndarray) -> tuple[float, float]:
    """Colour range for regression values: symmetric about 0 when they straddle it."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return (-1.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    if lo < 0 < hi:
        m = max(-lo, hi)
        return (-m, m)
    if lo == hi:
        return (lo - 1.0, hi + 1.0)
    return (lo, hi)


def _pen(color: QColor, width: float) -> QPen:
    # Symbols are drawn at unit size and scaled: a non-cosmetic pen would scale with them.
    pen = QPen(color, width)
    pen.setCosmetic(True)
    return pen


def _rgb(c: tuple[int, int, int] | np.ndarray, alpha: int = 255) -> QColor:
    return QColor(int(c[0]), int(c[1]), int(c[2]), alpha)


class _Square(QWidget):
    """Keeps its one child square and centred, as TensorFlow Playground's output is."""

    def __init__(self, child: QWidget) -> None:
        super().__init__()
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160)

    def resizeEvent(self, event: QResizeEvent) -> None:
        side = min(self.width(), self.height())
        self.child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        super().resizeEvent(event)


class OutputView(QWidget):
    """Heatmap of the model's output behind the data points, with a legend and a test toggle."""

    plane_requested = Signal(str, str)  # the user chose the plane's two features (across, up)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._plane: tuple[str, str] | None = None  # chosen features, when there are more than 2
        self._points: PlotPoints | None = None
        self._styles: dict[tuple[int, int, int], tuple[QBrush, QPen, QPen]] = {}
        self._cross_rim = _pen(QColor(40, 40, 40, 200), 0.8)
        # The hidden test set's points, drawn when "Show test data" is ticked.
        self._test_pending: tuple[np.ndarray, list[QBrush], float] | None = None
        self._axis_names = ("x1", "x2")
        self._box, _ = _data_box(np.empty((0, 2)))
        self._value_range = (-1.0, 1.0)
        self._surface_key: tuple[str, tuple[str, ...]] | None = None

        self.plot = pg.PlotWidget()
        # A coarse surface scaled up smoothly reads as a boundary, not as a grid of cells.
        self.plot.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.plot.setToolTip(
            "The data (filled: training, rings: validation) on the network's output: "
            "colour shows what it predicts at each point of the plane."
        )
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=False, y=False)
        self.viewbox = item.getViewBox()
        self.viewbox.setMouseEnabled(False, False)
        self.viewbox.enableAutoRange(enable=False)

        # Created once; set_surface only refills it.
        self.surface_item = pg.ImageItem(axisOrder="row-major")
        self.surface_item.setZValue(-10)
        self.surface_item.setVisible(False)
        item.addItem(self.surface_item)

        self.scatter: dict[str, pg.ScatterPlotItem] = {}
        # Each split's positions are copied into its own array, allocated once at the cap.
        self._positions = {name: np.empty((PLOT_POINTS_PER_SPLIT, 2)) for name in SPLITS}
        for z, split in enumerate(SPLITS):
            scatter = pg.ScatterPlotItem(pxMode=True, symbol="x" if split == "test" else "o")
            scatter.setZValue(z + 1)
            item.addItem(scatter)
            self.scatter[split] = scatter
        self.scatter["test"].setVisible(False)

        self.show_test = QCheckBox("Show test data")
        self.show_test.setToolTip("Also draw the test points (crosses), which training never sees.")
        self.show_test.toggled.connect(self._on_show_test_toggled)

        # Row one: what the colours mean (classes, or a value scale); row two: the marks.
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
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setVisible(False)

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
        self.plane_x, self.plane_y = QComboBox(), QComboBox()
        self.plane_x.setToolTip("The feature across the plot.")
        self.plane_y.setToolTip("The feature up the plot.")
        for combo in (self.plane_x, self.plane_y):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.activated.connect(self._on_plane_chosen)
        self.plane_row = QWidget()
        self.plane_row.setToolTip(
            "The two features the plot spans; the model's output is drawn over them with the "
            "other features held at their median (categories at the most frequent one)."
        )
        plane = QHBoxLayout(self.plane_row)
        plane.setContentsMargins(4, 0, 4, 0)
        plane.setSpacing(4)
        plane.addWidget(QLabel("Across"))
        plane.addWidget(self.plane_x, 1)
        plane.addWidget(QLabel("up"))
        plane.addWidget(self.plane_y, 1)
        self.plane_row.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.plane_row)
        self._frame = _Square(self.plot)
        layout.addWidget(self._frame, 1)
        layout.addWidget(self.message, 1)
        layout.addLayout(colours)
        layout.addLayout(marks)

        self._apply_palette()
        project.changed.connect(self._on_project_changed)
        self._on_project_changed("data")

    # --- public -------------------------------------------------------------------------------

    def extent(self) -> Box:
        """Where to evaluate the surface: (xmin, xmax, ymin, ymax) a little beyond what is shown.

        The margin keeps the plot covered when the widget is not quite square; it is clipped.
        """
        return _grow(self._box, SURFACE_MARGIN)

    def show_points(self, points: PlotPoints) -> None:
        """Draw the data points the engine sent, unless they are over another plane than the
        one shown now (an answer to an earlier choice)."""
        shown = self.plane_features
        if shown is None or set(points.features) != set(shown):
            return
        if self._plane is not None and points.features != self._plane:
            return
        self.set_points(
            points.x,
            points.target,
            points.split,
            points.task,
            points.class_names,
            axis_names=points.features,
        )
        # The surface pictures the model, which a new sample of the same task does not change;
        # one drawn for another task or other classes would be coloured wrongly.
        if self._surface_key != (points.task, points.class_names):
            self.clear_surface()

    def set_points(
        self,
        x: np.ndarray,
        target: np.ndarray,
        split: np.ndarray,
        task: str,
        class_names: tuple[str, ...],
        axis_names: tuple[str, str] = ("x1", "x2"),
    ) -> None:
        """Show these points, coloured by class (or value), styled by the set they belong to.

        `split` holds "train", "val" and "test", or their codes (core.plot_points.SPLITS). At
        most PLOT_POINTS_PER_SPLIT of each set are drawn (an even subset beyond that).
        """
        x = np.asarray(x, dtype=np.float64).reshape(-1, 2)
        split = _split_codes(np.asarray(split))
        target = np.asarray(target)
        keep = _capped(split)
        if keep is not None:
            x, target, split = x[keep], target[keep], split[keep]
        self._points = PlotPoints(
            (axis_names[0], axis_names[1]), x, target, split, task, tuple(class_names)
        )
        self._axis_names = axis_names
        self._show_plot(True)
        if task == "regression":
            self._value_range = _value_range(target.astype(np.float64))
        rgb = self._point_colors(target, task, len(class_names))

        size = 7.0 if len(x) <= 1500 else 5.0 if len(x) <= 6000 else 3.5
        # One pen and brush object per distinct colour: the scatter caches a rendered symbol per
        # style object, so a fresh object per point would render every point's symbol anew.
        palette, index = np.unique(rgb, axis=0, return_inverse=True)
        index = index.reshape(-1)
        styles = [self._style((int(c[0]), int(c[1]), int(c[2]))) for c in palette]
        fills = [fill for fill, _, _ in styles]
        rims = [rim for _, rim, _ in styles]
        rings = [ring for _, _, ring in styles]
        self._test_pending = None
        for code, (name, scatter) in enumerate(self.scatter.items()):
            mask = split == code
            ids = index[mask]
            pos = self._positions[name][: len(ids)]
            pos[:] = x[mask]
            if name == "test" and not scatter.isVisible():
                # Hidden until asked for: drawn then (a third of the work, often never needed).
                self._test_pending = (pos, [fills[i] for i in ids], size)
                scatter.setData(pos=np.empty((0, 2)))
                continue
            if name == "train":
                # A darker rim of its own colour keeps a point visible on any background,
                # including a neutral one (a regression value near the middle).
                brushes = [fills[i] for i in ids]
                pens = [rims[i] for i in ids]
                scatter.setData(pos=pos, brush=brushes, pen=pens, size=size)
            elif name == "val":
                pens = [rings[i] for i in ids]
                scatter.setData(pos=pos, brush=QBrush(Qt.BrushStyle.NoBrush), pen=pens, size=size)
            else:
                self._draw_test(pos, [fills[i] for i in ids], size)
        n_test = int((split == SPLITS.index("test")).sum())
        self.show_test.setEnabled(n_test > 0)
        self.show_test.setToolTip(
            "Also draw the test points (crosses), which training never sees."
            if n_test
            else "This data has no test set (its test share is 0)."
        )

        self._box, square = _data_box(x)
        xmin, xmax, ymin, ymax = self._box
        self.viewbox.setAspectLocked(square)
        self.viewbox.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", axis_names[0])
        item.setLabel("left", axis_names[1])
        self._update_legend()

    def set_surface(
        self,
        values: np.ndarray,
        extent: tuple[float, float, float, float],
        task: str,
        class_names: tuple[str, ...],
    ) -> None:
        """Show the model's output over `extent` (see the module docstring for the layout)."""
        values = np.asarray(values, dtype=np.float64)
        n = len(class_names)
        if task == "regression":
            if self._points is None or self._points.task != "regression" or not len(self._points.x):
                self._value_range = _value_range(values)
            low, high = self._value_range
            lut = colors.regression_lut(colors.SURFACE_STRENGTH)
        elif n > 2:
            low, high = 0.0, float(n)
            lut = colors.multiclass_lut(n, colors.SURFACE_STRENGTH)
        else:
            low, high = 0.0, 1.0
            lut = colors.binary_lut(colors.SURFACE_STRENGTH)
        rgba = np.empty((*values.shape, 4), dtype=np.uint8)
        rgba[..., :3] = colors.lookup(lut, values, low, high)
        rgba[..., 3] = 255
        self.surface_item.setImage(rgba, autoLevels=False, levels=(0, 255))
        xmin, xmax, ymin, ymax = extent
        self.surface_item.setRect(QRectF(xmin, ymin, xmax - xmin, ymax - ymin))
        self.surface_item.setVisible(True)
        self._surface_key = (task, tuple(class_names))

    def clear_surface(self) -> None:
        """Hide the surface (before training, or after the model was reset)."""
        self.surface_item.setVisible(False)
        self._surface_key = None

    @property
    def has_surface(self) -> bool:
        return self.surface_item.isVisible()

    # --- internals ----------------------------------------------------------------------------

    def _point_colors(self, target: np.ndarray, task: str, n_classes: int) -> np.ndarray:
        if len(target) == 0:
            return np.empty((0, 3), dtype=np.uint8)
        if task == "regression":
            low, high = self._value_range
            return colors.lookup(
                colors.regression_point_lut(), target.astype(np.float64), low, high
            )
        return colors.class_colors(max(n_classes, 1))[
            np.clip(target.astype(np.intp), 0, None) % max(n_classes, 1)
        ]

    def _update_legend(self) -> None:
        pts = self._points
        regression = pts is not None and pts.task == "regression"
        for w in (self.scale_low, self.gradient, self.scale_high):
            w.setVisible(regression)
        self.legend.setVisible(pts is not None and not regression)
        if pts is None:
            self.marks.clear()
            return
        if regression:
            low, high = self._value_range
            self.scale_low.setText(f"{low:.3g}")
            self.scale_high.setText(f"{high:.3g}")
            self.gradient.setPixmap(self._gradient_pixmap())
            self.legend.clear()
        else:
            chips = []
            for i, name in enumerate(pts.class_names):
                c = _rgb(colors.class_color(i)).name()
                chips.append(f"<span style='color:{c}; font-size:large'>●</span>&nbsp;{name}")
            self.legend.setText("&nbsp;&nbsp; ".join(chips))
        text = self.palette().color(QPalette.ColorRole.WindowText).name()
        n_test = int((pts.split == SPLITS.index("test")).sum())
        self.marks.setText(
            f"<span style='color:{text}'>●</span>&nbsp;training&nbsp;&nbsp; "
            f"<span style='color:{text}'>○</span>&nbsp;validation"
            + ("&nbsp;&nbsp; ✕&nbsp;test" if self.scatter["test"].isVisible() and n_test else "")
        )

    def _gradient_pixmap(self) -> QPixmap:
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

    def _show_plot(self, visible: bool) -> None:
        self._frame.setVisible(visible)
        self.message.setVisible(not visible)

    def _apply_palette(self) -> None:
        pal = self.palette()
        self.plot.setBackground(pal.color(QPalette.ColorRole.Base))
        fg = pal.color(QPalette.ColorRole.WindowText)
        item = self.plot.getPlotItem()
        for name in ("bottom", "left"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(fg))
            axis.setTextPen(pg.mkPen(fg))
        if self._points is not None:
            self._update_legend()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _on_project_changed(self, field: str) -> None:
        if field != "data":
            return
        spec = self.project.data
        numeric = numeric_features(spec)
        choosing = len(spec.features) > 2 and len(numeric) >= 2
        if not choosing:
            self._plane = None
        elif self._plane is None or not set(self._plane) <= set(numeric):
            # Until the engine says which two it draws over (Configured, then show_plane).
            self._plane = (numeric[0], numeric[1])
        self._fill_plane_choices(numeric if choosing else ())
        self.plane_row.setVisible(choosing)
        if self._surface_key is not None and self._surface_key[0] != spec.task:
            self.clear_surface()  # a picture of another task's model means nothing here
        features = self.plane_features
        if features is None:
            self.clear_points(NOT_2D)
            return
        # The engine sends the new data's points once it has split it; until then the old ones
        # stay, unless they lie over other features.
        if self._points is None or set(self._points.features) != set(features):
            self._clear_scatter(features)
        self._show_plot(True)

    def clear_points(self, message: str = "") -> None:
        """Draw no points; with `message`, show it instead of the plot."""
        self._clear_scatter(self._axis_names)
        self.clear_surface()
        if message:
            self.message.setText(message)
            self._show_plot(False)

    def _clear_scatter(self, features: tuple[str, str]) -> None:
        self._points = None
        self._test_pending = None
        for scatter in self.scatter.values():
            scatter.setData(pos=np.empty((0, 2)))
        self._axis_names = features
        item = self.plot.getPlotItem()
        item.setLabel("bottom", features[0])
        item.setLabel("left", features[1])
        self._update_legend()

    @property
    def plane_features(self) -> tuple[str, str] | None:
        """The two features the plot spans now, or None when it shows nothing."""
        return self._plane or axis_names(self.project.data)

    def show_plane(self, features: tuple[str, str] | None) -> None:
        """Span the plot over `features`, as the engine's model is drawn (no request goes out)."""
        if features is None or self._plane is None or tuple(features) == self._plane:
            return
        if not set(features) <= set(numeric_features(self.project.data)):
            return
        self._plane = (features[0], features[1])
        self._fill_plane_choices(numeric_features(self.project.data))
        self.clear_surface()
        self._clear_scatter(self._plane)

    def choose_plane(self, feature_x: str, feature_y: str) -> None:
        """As if the user picked these two features in the drop-downs."""
        self.plane_x.setCurrentText(feature_x)
        self.plane_y.setCurrentText(feature_y)
        self._on_plane_chosen()

    def _fill_plane_choices(self, names: tuple[str, ...]) -> None:
        for combo, pick in ((self.plane_x, 0), (self.plane_y, 1)):
            combo.blockSignals(True)
            if tuple(combo.itemText(i) for i in range(combo.count())) != names:
                combo.clear()
                combo.addItems(list(names))
            if self._plane is not None:
                combo.setCurrentText(self._plane[pick])
            combo.blockSignals(False)

    @Slot()
    def _on_plane_chosen(self, *_args: object) -> None:
        if self._plane is None:
            return
        x, y = self.plane_x.currentText(), self.plane_y.currentText()
        if x == y:  # picking the other axis's feature swaps the two
            x, y = (x, self._plane[0]) if x != self._plane[0] else (self._plane[1], y)
            self._plane = (x, y)
            self._fill_plane_choices(numeric_features(self.project.data))
        if (x, y) == self._plane and self._points is not None and self._axis_names == (x, y):
            return
        self._plane = (x, y)
        self.clear_surface()
        self._clear_scatter(self._plane)  # the engine sends the points over the new plane
        self.plane_requested.emit(x, y)

    def _on_show_test_toggled(self, checked: bool) -> None:
        self.scatter["test"].setVisible(checked)
        if checked and self._test_pending is not None:
            self._draw_test(*self._test_pending)
            self._test_pending = None
        self._update_legend()

    def _draw_test(self, pos: np.ndarray, brushes: list[QBrush], size: float) -> None:
        self.scatter["test"].setData(pos=pos, brush=brushes, pen=self._cross_rim, size=size + 2)

    def _style(self, rgb: tuple[int, int, int]) -> tuple[QBrush, QPen, QPen]:
        """A colour's fill, rim and ring, made once: the scatter renders a symbol per style
        object, so fresh objects on every redraw would render (and keep) them all anew."""
        style = self._styles.get(rgb)
        if style is None:
            c = _rgb(rgb)
            style = (QBrush(c), _pen(c.darker(150), 1.0), _pen(c.darker(125), 2.0))
            self._styles[rgb] = style
        return style


def _split_codes(split: np.ndarray) -> np.ndarray:
    """uint8 codes (core.plot_points.SPLITS) of split names, or the codes as they are."""
    if split.dtype.kind in "US":
        codes = np.full(len(split), 255, dtype=np.uint8)
        for code, name in enumerate(SPLITS):
            codes[split == name] = code
        return codes
    return split.astype(np.uint8, copy=False)


def _capped(split: np.ndarray) -> np.ndarray | None:
    """Positions keeping at most PLOT_POINTS_PER_SPLIT points of each set (an even subset),
    or None when no set has more: the plot never draws an uncapped scatter."""
    counts = np.bincount(split, minlength=len(SPLITS))
    if counts.max(initial=0) <= PLOT_POINTS_PER_SPLIT:
        return None
    keep = []
    for code in range(len(SPLITS)):
        rows = np.flatnonzero(split == code)
        if len(rows) > PLOT_POINTS_PER_SPLIT:
            rows = rows[np.linspace(0, len(rows) - 1, PLOT_POINTS_PER_SPLIT).astype(np.intp)]
        keep.append(rows)
    return np.sort(np.concatenate(keep))
