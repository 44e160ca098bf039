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
one value each, by default their training median. A line under the plot names those values,
and "Other features" opens a slider (or drop-down) per feature to move the slice
(`app.widgets.held_features`). A choice emits `plane_requested` with a `SetPlane`, which the
window sends to the training process; surfaces arrive for the chosen plane.

A surface is a [G, G] array over `extent` = (xmin, xmax, ymin, ymax), indexed [row, column] =
[y, x] with row 0 at ymin, as `np.meshgrid(xs, ys)` lays it out; `grid_points` gives the centres
of its cells in the same order. Values: binary classification p(class 1) in [0, 1]; multi-class
class index + confidence in [0, n_classes) (see `colors.encode_class_probabilities`);
regression the predicted value in target units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.plots import colors
from app.plots.data_points import axis_names, numeric_features
from app.plots.data_scatter import DataScatter, capped, split_codes
from app.plots.output_geometry import Box, data_box, grid_points, grow, value_range
from app.plots.output_key import OutputKey
from app.plots.output_surface import OutputSurface
from app.project import Project
from app.widgets.held_features import HeldFeatures
from app.widgets.plane_picker import PlanePicker
from core.plot_points import SPLITS, PlotPoints
from core.training_process.commands import SetPlane
from core.training_process.messages import FeatureRange, HeldValues

__all__ = ["OutputView", "grid_points"]

SURFACE_MARGIN = 0.1  # the surface reaches this fraction of the shown box beyond each side
NOT_2D = "The output plot shows data with two or more numeric features."


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

    plane_requested = Signal(object)  # SetPlane: the user chose the plane or a held value

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._plane: tuple[str, str] | None = None  # chosen features, when there are more than 2
        self._points: PlotPoints | None = None
        self._axis_names = ("x1", "x2")
        self._box, _ = data_box(np.empty((0, 2)))
        self._value_range = (-1.0, 1.0)
        self._surface_key: tuple[str, tuple[str, ...]] | None = None
        self._ranges: tuple[FeatureRange, ...] = ()  # every feature, as the engine measured it

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
        self.surface_item = OutputSurface()
        item.addItem(self.surface_item)
        self.points = DataScatter(item)
        self.scatter = self.points.items

        self.key = OutputKey()
        self.show_test = self.key.show_test
        self.show_test.toggled.connect(self._on_show_test_toggled)
        self.legend, self.gradient, self.marks = self.key.legend, self.key.gradient, self.key.marks
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        self.plane_row = PlanePicker()
        self.plane_x, self.plane_y = self.plane_row.plane_x, self.plane_row.plane_y
        self.plane_row.activated.connect(self._on_plane_chosen)
        self.plane_row.setVisible(False)
        self.held = HeldFeatures()
        self.held.changed.connect(self._on_held_changed)
        self.held.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.plane_row)
        self._frame = _Square(self.plot)
        layout.addWidget(self._frame, 1)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.held)
        layout.addWidget(self.key)

        self._apply_palette()
        project.changed.connect(self._on_project_changed)
        self._on_project_changed("data")

    # --- public -------------------------------------------------------------------------------

    def extent(self) -> Box:
        """Where to evaluate the surface: (xmin, xmax, ymin, ymax) a little beyond what is shown.

        The margin keeps the plot covered when the widget is not quite square; it is clipped.
        """
        return grow(self._box, SURFACE_MARGIN)

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
        split = split_codes(np.asarray(split))
        target = np.asarray(target)
        keep = capped(split)
        if keep is not None:
            x, target, split = x[keep], target[keep], split[keep]
        self._points = PlotPoints(
            (axis_names[0], axis_names[1]), x, target, split, task, tuple(class_names)
        )
        self._axis_names = axis_names
        self._show_plot(True)
        if task == "regression":
            self._value_range = value_range(target.astype(np.float64))
        self.points.draw(x, self._point_colors(target, task, len(class_names)), split)
        self.key.allow_test(int((split == SPLITS.index("test")).sum()))

        self._box, square = data_box(x)
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
        held: HeldValues = (),
    ) -> None:
        """Show the model's output over `extent` (the layout: `app.plots.output_surface`), drawn
        with the features it does not span held at `held`."""
        values = np.asarray(values, dtype=np.float64)
        pts = self._points
        if task == "regression" and (pts is None or pts.task != "regression" or not len(pts.x)):
            self._value_range = value_range(values)
        self.surface_item.draw(values, extent, task, len(class_names), self._value_range)
        self._surface_key = (task, tuple(class_names))
        self.held.show_held(held)

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
        text = self.palette().color(QPalette.ColorRole.WindowText).name()
        self.key.show_points(self._points, self._value_range, self.points.test_shown, text)

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
        choosing = len(spec.table_features) > 2 and len(numeric) >= 2
        if not choosing:
            self._plane = None
        elif self._plane is None or not set(self._plane) <= set(numeric):
            # Until the engine says which two it draws over (Configured, then show_plane).
            self._plane = (numeric[0], numeric[1])
        self.plane_row.show_choices(numeric if choosing else (), self._plane)
        self.plane_row.setVisible(choosing)
        self._show_held_row()
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
        self.points.clear()
        self._axis_names = features
        item = self.plot.getPlotItem()
        item.setLabel("bottom", features[0])
        item.setLabel("left", features[1])
        self._update_legend()

    @property
    def plane_features(self) -> tuple[str, str] | None:
        """The two features the plot spans now, or None when it shows nothing."""
        return self._plane or axis_names(self.project.data)

    def show_plane(
        self,
        features: tuple[str, str] | None,
        ranges: tuple[FeatureRange, ...] = (),
        held: HeldValues = (),
    ) -> None:
        """Span the plot over `features`, the others held at `held`, as the engine's model is
        drawn (no request goes out); `ranges` are every feature's (`Configured`)."""
        self._ranges = ranges
        numeric = numeric_features(self.project.data)
        moved = features is not None and self._plane not in (None, tuple(features))
        if moved and features is not None and set(features) <= set(numeric):
            self._plane = (features[0], features[1])
            self.plane_row.show_choices(numeric, self._plane)
            self.clear_surface()
            self._clear_scatter(self._plane)
        if self._plane is not None:
            self.held.show_features(ranges, self._plane, held)
        self.held.show_held(held)
        self._show_held_row()

    def _show_held_row(self) -> None:
        self.held.setVisible(self._plane is not None and bool(self.held.values))

    def choose_plane(self, feature_x: str, feature_y: str) -> None:
        """As if the user picked these two features in the drop-downs."""
        self.plane_x.setCurrentText(feature_x)
        self.plane_y.setCurrentText(feature_y)
        self._on_plane_chosen()

    @Slot()
    def _on_plane_chosen(self, *_args: object) -> None:
        if self._plane is None:
            return
        x, y = self.plane_row.chosen
        if x == y:  # picking the other axis's feature swaps the two
            x, y = (x, self._plane[0]) if x != self._plane[0] else (self._plane[1], y)
            self._plane = (x, y)
            self.plane_row.show_choices(numeric_features(self.project.data), self._plane)
        if (x, y) == self._plane and self._points is not None and self._axis_names == (x, y):
            return
        self._plane = (x, y)
        self.clear_surface()
        self._clear_scatter(self._plane)  # the engine sends the points over the new plane
        # A feature leaving the plane is held at its median; the others keep their values.
        self.held.show_features(self._ranges, self._plane, self.held.values)
        self._show_held_row()
        self.plane_requested.emit(SetPlane(x, y, self.held.values))

    @Slot()
    def _on_held_changed(self) -> None:
        if self._plane is not None:
            self.plane_requested.emit(SetPlane(*self._plane, self.held.values))

    def _on_show_test_toggled(self, checked: bool) -> None:
        self.points.show_test(checked)
        self._update_legend()
