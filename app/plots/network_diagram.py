"""The network as a picture: units as nodes, weights as lines, live while it trains.

As in TensorFlow Playground, a line is blue for a positive weight and orange for a negative one,
and thicker the larger it is; for 2-D data each hidden unit shows a small heatmap of its output
over the input plane. Layers wider than `MAX_NODES` are drawn as one block labelled with their
width, and dropout and normalisation layers as thin bars between the layers they sit between.

The graphics items are created when the structure changes (project.changed 'network' or 'data')
and only restyled afterwards: `set_weights` and `set_node_maps` run several times a second while
training, so they change pens and pixmaps and never add or remove items.

Where things go is app.plots.diagram_layout (geometry only), what they say on hover
app.plots.diagram_hover, the pens and heatmap pixels app.plots.diagram_style, the items and
their scene app.plots.diagram_items, the key app.plots.diagram_legend.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from app.plots.diagram_hover import describe_band, describe_bar, describe_line, describe_unit
from app.plots.diagram_items import (
    BandItem,
    BarItems,
    ColumnItems,
    DiagramScene,
    GapItems,
    LineItem,
    NodeItem,
)
from app.plots.diagram_layout import MAX_NODES, Box, lay_out, network_columns, weight_line_count
from app.plots.diagram_legend import WeightLegend
from app.plots.diagram_style import NEUTRAL_EDGE, WeightPens, faded, heatmap_pixmap, line_levels
from app.project import Project
from core.data_spec import ToySource
from core.input_features import feature_maps

__all__ = ["MAX_NODES", "WEIGHT_ROLE", "NetworkDiagram"]

WEIGHT_ROLE = 0  # QGraphicsItem.data key holding "weight" on every weight line (for tests)


def _rect(box: Box) -> QRectF:
    return QRectF(box.left, box.top, box.width, box.height)


class NetworkDiagram(QGraphicsView):
    """The project's network drawn as nodes and weights, restyled live by `set_weights`."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setScene(DiagramScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMinimumSize(140, 180)  # at 1024 pixels the cards beside it take the width
        self.columns: list[ColumnItems] = []
        self.bars: list[BarItems] = []
        self.gaps: list[GapItems] = []
        self._weights: list[np.ndarray] | None = None
        self._biases: list[np.ndarray] | None = None
        self._pens = WeightPens()
        self._legend: WeightLegend | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self._input_labels: list[QGraphicsSimpleTextItem] = []
        project.changed.connect(self._on_project_changed)
        self._rebuild()

    # --- public -------------------------------------------------------------------------------

    def set_weights(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> None:
        """Restyle the lines from the dense layers' [out, in] weights (output layer last).

        Weights that do not fit the drawn network (sent before a structure change) are ignored.
        """
        expected = [(b.units, a.units) for a, b in pairwise(self.columns)]
        if [tuple(np.shape(w)) for w in weights] != expected:
            return
        self._weights = [np.asarray(w, dtype=np.float64) for w in weights]
        self._biases = [np.asarray(b, dtype=np.float64) for b in biases] if biases else None
        self._restyle_lines()
        self._show_legend(trained=True)

    def set_node_maps(
        self, maps: list[np.ndarray] | None, extent: tuple[float, float, float, float]
    ) -> None:
        """Show each hidden unit's output over the input plane; None clears the heatmaps.

        `maps` has one [units, g, g] array per hidden dense layer, row i of a map being the i-th
        y value from the bottom, column j the j-th x value from the left; `extent` is
        (x_min, x_max, y_min, y_max) of that grid.
        """
        dense = [c for c in self.columns if c.kind == "dense"]
        if maps is None:
            for column in self.columns:
                for heatmap in column.heatmaps:
                    heatmap.setVisible(False)
            return
        if len(maps) != len(dense) or any(
            np.shape(m)[0] != c.units for m, c in zip(maps, dense, strict=False)
        ):
            return
        for column, layer_maps in zip(dense, maps, strict=True):
            if not column.is_block:
                for heatmap, values in zip(column.heatmaps, np.asarray(layer_maps), strict=True):
                    self._show_heatmap(heatmap, values)
        if extent != self._extent:
            self._extent = extent
            g = int(np.shape(maps[0])[-1]) if maps else 32
            self._show_input_maps(extent, g)

    def clear_weights(self) -> None:
        """Back to the untrained look: grey lines, no heatmaps (after Reset weights)."""
        self._weights = self._biases = None
        self._extent = None
        self._restyle_lines()
        self.set_node_maps(None, (0.0, 1.0, 0.0, 1.0))
        self._show_legend(trained=False)

    # --- structure ----------------------------------------------------------------------------

    def _on_project_changed(self, field: str) -> None:
        if field in ("network", "data"):
            self._rebuild()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            weights, biases = self._weights, self._biases
            self._rebuild()
            if weights is not None:
                self.set_weights(weights, biases or [])

    def _rebuild(self) -> None:
        """Create the items for the project's network; the only place items are made."""
        scene = self.scene()
        scene.clear()
        self.gaps, self._legend = [], None
        self._weights = self._biases = None
        self._extent = None
        self.setBackgroundBrush(self.palette().base())
        self._pens.set_background(self.backgroundBrush().color())
        shape = self.project.shape
        columns, bars = network_columns(shape, self.project.head, self.project.network)
        self.columns = [ColumnItems(column) for column in columns]
        self.bars = [BarItems(bar) for bar in bars]

        self._input_labels = []
        names = shape.input_names
        if not self.columns[0].is_block and all(len(n) <= 10 for n in names[: shape.n_inputs]):
            self._input_labels = [
                self._text(n, muted=True, scale=0.9) for n in names[: shape.n_inputs]
            ]
        for k, column in enumerate(self.columns):
            self._make_column(k, column)
        for bar in self.bars:
            self._make_bar(bar)
        for k in range(len(self.columns) - 1):
            self.gaps.append(self._make_gap(k))
        self._legend = WeightLegend(scene, lambda text: self._text(text, muted=True, scale=0.8))
        self._layout()
        self._restyle_lines()
        self._show_legend(trained=False)

    def _text(self, text: str, muted: bool = False, bold: bool = False, scale: float = 0.85):
        item = QGraphicsSimpleTextItem(text)
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * scale))
        font.setBold(bold)
        item.setFont(font)
        pal = self.palette()
        item.setBrush(pal.placeholderText() if muted else pal.text())
        item.setZValue(6)
        self.scene().addItem(item)
        return item

    def _make_column(self, k: int, column: ColumnItems) -> None:
        pal = self.palette()
        border = QPen(pal.mid().color().darker(115), 1.0)
        fill = QBrush(pal.alternateBase())
        column.title_item = self._text(column.layer.title, bold=True)
        column.subtitle_item = self._text(column.layer.subtitle, muted=True)
        shape, head = self.project.shape, self.project.head

        def describe(unit: int | None) -> str:
            return describe_unit(column.layer, unit, shape, head, self._bias_of(k))

        if column.is_block:
            block = NodeItem()
            block.setPen(border)
            block.setBrush(fill)
            block.setZValue(4)
            block.describe = lambda: describe(None)
            self.scene().addItem(block)
            column.block = block
            column.block_text = self._text(f"{column.units:,}", bold=True, scale=0.95)
            return
        for u in range(column.units):
            node = NodeItem()
            node.setPen(border)
            node.setBrush(fill)
            node.setZValue(4)
            node.describe = lambda u=u: describe(u)
            self.scene().addItem(node)
            heatmap = QGraphicsPixmapItem(node)
            heatmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            heatmap.setVisible(False)
            column.nodes.append(node)
            column.heatmaps.append(heatmap)

    def _bias_of(self, k: int) -> np.ndarray | None:
        """The biases of column `k`'s layer, once trained (the input has none)."""
        biases = self._biases
        return biases[k - 1] if biases is not None and 0 < k <= len(biases) else None

    def _make_bar(self, bar: BarItems) -> None:
        pal = self.palette()
        rect = NodeItem()
        color = QColor(pal.mid().color())
        color.setAlpha(140)
        rect.setBrush(color)
        rect.setPen(QPen(pal.mid().color().darker(120), 1.0))
        rect.setZValue(3)
        rect.describe = lambda: describe_bar(bar.layer)
        self.scene().addItem(rect)
        bar.rect = rect
        bar.text = self._text(bar.label, scale=0.8)
        bar.text.setRotation(-90)

    def _make_gap(self, k: int) -> GapItems:
        src, dst = self.columns[k].layer, self.columns[k + 1].layer
        gap = GapItems(k)
        if src.is_block and dst.is_block:
            band = BandItem()
            band.setPen(Qt.PenStyle.NoPen)
            band.setZValue(1)
            band.describe = lambda: describe_band(src, dst, self._weights_of(k))
            self.scene().addItem(band)
            gap.band = band
            return gap
        for n in range(weight_line_count(src, dst)):
            line = LineItem()
            line.setZValue(2)
            line.setData(WEIGHT_ROLE, "weight")
            line.describe = lambda n=n: describe_line(
                src, dst, n, self._weights_of(k), self.project.shape.input_names
            )
            self.scene().addItem(line)
            gap.lines.append(line)
        return gap

    def _weights_of(self, k: int) -> np.ndarray | None:
        return None if self._weights is None else self._weights[k]

    def _show_legend(self, trained: bool) -> None:
        if self._legend is not None:
            self._legend.show(trained, blocks=any(c.is_block for c in self.columns))

    # --- layout (positions only; on resize and after a rebuild) -------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    def _layout(self) -> None:
        """Move the items where `lay_out` says, and the text beside them."""
        if not self.columns:
            return
        label_w = max((t.boundingRect().width() for t in self._input_labels), default=0.0)
        view = self.viewport()
        layout = lay_out(
            [c.layer for c in self.columns],
            [b.layer for b in self.bars],
            view.width(),
            view.height(),
            label_w,
        )
        self.scene().setSceneRect(0, 0, layout.width, layout.height)
        if self._pens.set_max_width(layout.max_pen):
            self._restyle_lines()
        for label in self._input_labels:
            label.setVisible(layout.show_input_labels)
        middle = layout.middle
        for k, (column, x) in enumerate(zip(self.columns, layout.xs, strict=True)):
            block = layout.blocks[k]
            if block is not None and column.block is not None and column.block_text is not None:
                column.block.setRect(_rect(block))
                br = column.block_text.boundingRect()
                column.block_text.setPos(x - br.width() / 2, middle - br.height() / 2)
            for u, (node, heatmap, box) in enumerate(
                zip(column.nodes, column.heatmaps, layout.nodes[k], strict=True)
            ):
                node.setRect(_rect(box))
                self._place_heatmap(heatmap, node.rect())
                if column.kind == "input" and u < len(self._input_labels):
                    label = self._input_labels[u]
                    br = label.boundingRect()
                    y = box.top + box.height / 2
                    label.setPos(box.left - 5 - br.width(), y - br.height() / 2)
            self._place_titles(column, x, layout.compact)

        for gap, lines, band in zip(self.gaps, layout.lines, layout.bands, strict=True):
            if gap.band is not None and band is not None:
                gap.band.setPolygon(QPolygonF([QPointF(*p) for p in band]))
            for line, ((x1, y1), (x2, y2)) in zip(gap.lines, lines, strict=True):
                line.setLine(x1, y1, x2, y2)

        for bar, box in zip(self.bars, layout.bars, strict=True):
            bar.rect.setRect(_rect(box))  # type: ignore[union-attr]
            text = bar.text
            br = text.boundingRect()  # type: ignore[union-attr]
            # Rotated -90°: the text runs bottom to top, centred on the bar.
            bx = box.left + box.width / 2
            text.setPos(bx - br.height() / 2, middle + br.width() / 2)  # type: ignore[union-attr]
            text.setVisible(br.width() < box.height - 4 and br.height() <= box.width + 6)  # type: ignore[union-attr]

        if self._legend is not None:
            self._legend.place(*layout.legend, width=layout.width - 2 * layout.legend[0])

    def _place_titles(self, column: ColumnItems, x: float, compact: bool) -> None:
        title, subtitle = column.title_item, column.subtitle_item
        if title is None or subtitle is None:
            return
        title_text, subtitle_text = column.layer.heading(compact)
        title.setText(title_text)
        subtitle.setText(subtitle_text)
        for item, y in ((title, 4.0), (subtitle, 4.0 + title.boundingRect().height())):
            width = item.boundingRect().width()
            left = min(max(x - width / 2, 2.0), self.scene().width() - width - 2)
            item.setPos(left, y)

    @staticmethod
    def _place_heatmap(heatmap: QGraphicsPixmapItem, rect: QRectF) -> None:
        pixmap = heatmap.pixmap()
        if pixmap.isNull():
            return
        inner = rect.adjusted(1, 1, -1, -1)
        heatmap.setScale(inner.width() / max(pixmap.width(), 1))
        heatmap.setPos(inner.topLeft())

    # --- live restyling -----------------------------------------------------------------------

    def _restyle_lines(self) -> None:
        if self._weights is None:
            for gap in self.gaps:
                for line in gap.lines:
                    line.setPen(self._pens.neutral)
                if gap.band is not None:
                    gap.band.setBrush(faded(NEUTRAL_EDGE, 0.25))
            return
        # One scale for the whole network, so layers can be compared by eye.
        scale = max((float(np.abs(w).max()) for w in self._weights if w.size), default=1.0) or 1.0
        for gap, w in zip(self.gaps, self._weights, strict=True):
            src, dst = self.columns[gap.gap], self.columns[gap.gap + 1]
            if gap.band is not None:
                gap.band.setBrush(
                    faded(NEUTRAL_EDGE, min(0.6, 0.2 + float(np.abs(w).mean()) / scale))
                )
                continue
            signs, levels = line_levels(w, src.is_block, dst.is_block, scale)
            for line, sign, level in zip(gap.lines, signs, levels, strict=True):
                line.setPen(self._pens.pen(sign, level))

    def _show_heatmap(self, heatmap: QGraphicsPixmapItem, values: np.ndarray) -> None:
        pixmap = heatmap_pixmap(values)
        size_changed = heatmap.pixmap().width() != pixmap.width()
        heatmap.setPixmap(pixmap)
        heatmap.setVisible(True)
        if size_changed:
            parent = heatmap.parentItem()
            if isinstance(parent, QGraphicsRectItem):
                self._place_heatmap(heatmap, parent.rect())

    def _show_input_maps(self, extent: tuple[float, float, float, float], g: int) -> None:
        """Each input over the plane: a toy dataset's features (x₁², sin x₁, ...) as computed,
        or the plane's two axes for other data with two inputs."""
        column = self.columns[0]
        source = self.project.data.source
        names = source.features if isinstance(source, ToySource) else ("x1", "x2")
        if column.is_block or len(column.heatmaps) != len(names):
            return
        for heatmap, values in zip(column.heatmaps, feature_maps(names, extent, g), strict=True):
            self._show_heatmap(heatmap, values)
