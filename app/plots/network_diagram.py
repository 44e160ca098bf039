"""The network as a picture: units as nodes, weights as lines, live while it trains.

As in TensorFlow Playground, a line is blue for a positive weight and orange for a negative one,
and thicker the larger it is; for 2-D data each hidden unit shows a small heatmap of its output
over the input plane. Layers wider than `MAX_NODES` are drawn as one block labelled with their
width, and dropout and normalisation layers as thin bars between the layers they sit between.

The graphics items are created when the structure changes (project.changed 'network' or 'data')
and only restyled afterwards: `set_weights` and `set_node_maps` run several times a second while
training, so they change pens and pixmaps and never add or remove items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from app import theme
from app.plots.colors import LUT_SIZE, regression_lut
from app.plots.diagram_hover import describe_band, describe_bar, describe_line, describe_unit
from app.plots.diagram_layout import (
    MAX_NODES,
    MAX_PEN,
    MIN_PEN,
    Bar,
    Box,
    Column,
    lay_out,
    network_columns,
    weight_line_count,
)
from app.project import Project

NEUTRAL_EDGE = QColor(150, 156, 165, 110)  # lines before there are weights to show
PEN_LEVELS = 24  # weight magnitudes are drawn with this many line widths per sign
WEIGHT_ROLE = 0  # QGraphicsItem.data key holding "weight" on every weight line (for tests)

# Negative values orange, positive blue: the same as the weights' lines.
_HEATMAP_LUT = regression_lut()


@dataclass
class _Column:
    """A column's graphics items: a node (with its heatmap) per unit, or one block."""

    layer: Column
    nodes: list[QGraphicsRectItem] = field(default_factory=list)
    heatmaps: list[QGraphicsPixmapItem] = field(default_factory=list)
    block: QGraphicsRectItem | None = None
    block_text: QGraphicsSimpleTextItem | None = None
    title_item: QGraphicsSimpleTextItem | None = None
    subtitle_item: QGraphicsSimpleTextItem | None = None

    @property
    def kind(self) -> str:
        return self.layer.kind

    @property
    def units(self) -> int:
        return self.layer.units

    @property
    def is_block(self) -> bool:
        return self.layer.is_block


@dataclass
class _Bar:
    """A dropout or normalisation layer's bar and its rotated label."""

    layer: Bar
    rect: QGraphicsRectItem | None = None
    text: QGraphicsSimpleTextItem | None = None

    @property
    def label(self) -> str:
        return self.layer.label


@dataclass
class _Gap:
    """The weights between column `gap` and the next: lines, or a band between two blocks."""

    gap: int
    lines: list[QGraphicsLineItem] = field(default_factory=list)
    band: QGraphicsPolygonItem | None = None


def _rect(box: Box) -> QRectF:
    return QRectF(box.left, box.top, box.width, box.height)


def _faded(color: QColor, alpha: float) -> QColor:
    out = QColor(color)
    out.setAlphaF(alpha)
    return out


class _Scene(QGraphicsScene):
    """Shows each item's tooltip from its `describe` callable, so it can read live weights."""

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        item = self.itemAt(event.scenePos(), self.views()[0].transform() if self.views() else None)
        while item is not None and not callable(getattr(item, "describe", None)):
            item = item.parentItem()
        text = item.describe() if item is not None else ""  # type: ignore[attr-defined]
        if text:
            QToolTip.showText(event.screenPos(), text)
        else:
            QToolTip.hideText()
        event.accept()


class _Node(QGraphicsRectItem):
    describe: Callable[[], str]


class _Line(QGraphicsLineItem):
    describe: Callable[[], str]


class _Band(QGraphicsPolygonItem):
    describe: Callable[[], str]


class NetworkDiagram(QGraphicsView):
    """The project's network drawn as nodes and weights, restyled live by `set_weights`."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setScene(_Scene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMinimumSize(180, 180)
        self.columns: list[_Column] = []
        self.bars: list[_Bar] = []
        self.gaps: list[_Gap] = []
        self._weights: list[np.ndarray] | None = None
        self._biases: list[np.ndarray] | None = None
        self._pens: dict[tuple[int, int], QPen] = {}
        # Made opaque against the background by _rebuild.
        self._neutral_pen = QPen(NEUTRAL_EDGE, 1.0)
        self._legend: list[QGraphicsItem] = []
        self._legend_text: QGraphicsSimpleTextItem | None = None
        self._extent: tuple[float, float, float, float] | None = None
        self._max_pen = MAX_PEN
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
        if self.project.shape.n_inputs == 2 and extent != self._extent:
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
        self.gaps, self._legend = [], []
        self._weights = self._biases = None
        self._extent = None
        self._pens.clear()
        self.setBackgroundBrush(self.palette().base())
        self._neutral_pen = QPen(self._opaque(NEUTRAL_EDGE, NEUTRAL_EDGE.alphaF()), 1.0)
        shape = self.project.shape
        columns, bars = network_columns(shape, self.project.head, self.project.network)
        self.columns = [_Column(column) for column in columns]
        self.bars = [_Bar(bar) for bar in bars]

        self._input_labels = []
        names = shape.input_names
        if not self.columns[0].is_block and all(len(n) <= 10 for n in names[: shape.n_inputs]):
            self._input_labels = [
                self._text(n, muted=True, scale=0.8) for n in names[: shape.n_inputs]
            ]
        for k, column in enumerate(self.columns):
            self._make_column(k, column)
        for bar in self.bars:
            self._make_bar(bar)
        for k in range(len(self.columns) - 1):
            self.gaps.append(self._make_gap(k))
        self._make_legend()
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

    def _make_column(self, k: int, column: _Column) -> None:
        pal = self.palette()
        border = QPen(pal.mid().color().darker(115), 1.0)
        fill = QBrush(pal.alternateBase())
        column.title_item = self._text(column.layer.title, bold=True)
        column.subtitle_item = self._text(column.layer.subtitle, muted=True)
        shape, head = self.project.shape, self.project.head

        def describe(unit: int | None) -> str:
            return describe_unit(column.layer, unit, shape, head, self._bias_of(k))

        if column.is_block:
            block = _Node()
            block.setPen(border)
            block.setBrush(fill)
            block.setZValue(4)
            block.describe = lambda: describe(None)
            self.scene().addItem(block)
            column.block = block
            column.block_text = self._text(f"{column.units:,}", bold=True, scale=0.95)
            return
        for u in range(column.units):
            node = _Node()
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

    def _make_bar(self, bar: _Bar) -> None:
        pal = self.palette()
        rect = _Node()
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

    def _make_gap(self, k: int) -> _Gap:
        src, dst = self.columns[k].layer, self.columns[k + 1].layer
        gap = _Gap(k)
        if src.is_block and dst.is_block:
            band = _Band()
            band.setPen(Qt.PenStyle.NoPen)
            band.setZValue(1)
            band.describe = lambda: describe_band(src, dst, self._weights_of(k))
            self.scene().addItem(band)
            gap.band = band
            return gap
        for n in range(weight_line_count(src, dst)):
            line = _Line()
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

    def _make_legend(self) -> None:
        for color in (theme.BLUE, theme.ORANGE):
            line = QGraphicsLineItem()
            pen = QPen(QColor(color), 2.5)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            line.setPen(pen)
            line.setZValue(6)
            self.scene().addItem(line)
            self._legend.append(line)
        self._legend.append(self._text("positive weight", muted=True, scale=0.8))
        self._legend.append(self._text("negative weight · thicker = larger", muted=True, scale=0.8))
        self._legend_text = self._text("Weights appear once training starts", muted=True, scale=0.8)

    def _show_legend(self, trained: bool) -> None:
        for item in self._legend:
            item.setVisible(trained)
        if self._legend_text is not None:
            # Weights of layers drawn as blocks never arrive: say so instead of promising them.
            blocks = any(c.is_block for c in self.columns)
            self._legend_text.setText(
                f"Weights are drawn when every layer has at most {MAX_NODES} units"
                if blocks
                else "Weights appear once training starts"
            )
            self._legend_text.setVisible(not trained)

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
        if layout.max_pen != self._max_pen:
            self._max_pen = layout.max_pen
            self._pens.clear()
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

        self._place_legend(*layout.legend)

    def _place_titles(self, column: _Column, x: float, compact: bool) -> None:
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

    def _place_legend(self, x: float, y: float) -> None:
        if len(self._legend) < 4 or self._legend_text is None:
            return
        blue, orange, pos_text, neg_text = self._legend
        h = pos_text.boundingRect().height()
        blue.setLine(x, y, x + 16, y)  # type: ignore[attr-defined]
        pos_text.setPos(x + 21, y - h / 2)
        x2 = x + 21 + pos_text.boundingRect().width() + 12
        orange.setLine(x2, y, x2 + 16, y)  # type: ignore[attr-defined]
        neg_text.setPos(x2 + 21, y - h / 2)
        self._legend_text.setPos(x, y - h / 2)

    # --- live restyling -----------------------------------------------------------------------

    def _pen(self, sign: int, level: int) -> QPen:
        """One shared pen per (sign, magnitude level), so restyling allocates nothing."""
        key = (sign, level)
        pen = self._pens.get(key)
        if pen is None:
            frac = level / (PEN_LEVELS - 1)
            floor = 0.5 if theme.current().dark else 0.35  # faint lines vanish on a dark canvas
            color = self._opaque(
                QColor(theme.BLUE if sign > 0 else theme.ORANGE), floor + (1 - floor) * frac
            )
            pen = QPen(color, MIN_PEN + (self._max_pen - MIN_PEN) * frac)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen

    def _opaque(self, color: QColor, alpha: float) -> QColor:
        """`color` at `alpha` over the background, as an opaque colour.

        Translucent antialiased lines cost the raster engine about six times as much to draw
        (measured: 25 ms against 4.6 ms a frame for the default network), and at 10 updates a
        second that time is taken from the window.
        """
        back = self.backgroundBrush().color()
        mix = [
            round(a * alpha + b * (1 - alpha))
            for a, b in zip(color.getRgb()[:3], back.getRgb()[:3], strict=True)
        ]
        return QColor(*mix)

    def _restyle_lines(self) -> None:
        if self._weights is None:
            for gap in self.gaps:
                for line in gap.lines:
                    line.setPen(self._neutral_pen)
                if gap.band is not None:
                    gap.band.setBrush(_faded(NEUTRAL_EDGE, 0.25))
            return
        # One scale for the whole network, so layers can be compared by eye.
        scale = max((float(np.abs(w).max()) for w in self._weights if w.size), default=1.0) or 1.0
        for gap, w in zip(self.gaps, self._weights, strict=True):
            src, dst = self.columns[gap.gap], self.columns[gap.gap + 1]
            if gap.band is not None:
                gap.band.setBrush(
                    _faded(NEUTRAL_EDGE, min(0.6, 0.2 + float(np.abs(w).mean()) / scale))
                )
                continue
            if src.is_block:
                values, sizes = w.mean(axis=1), np.abs(w).mean(axis=1)
            elif dst.is_block:
                values, sizes = w.mean(axis=0), np.abs(w).mean(axis=0)
            else:
                values = w.reshape(-1)  # row-major [out, in]: n = o * n_in + i, as laid out
                sizes = np.abs(values)
            levels = np.clip(np.rint(sizes / scale * (PEN_LEVELS - 1)), 0, PEN_LEVELS - 1).astype(
                int
            )
            signs = np.where(values >= 0, 1, -1)
            for line, sign, level in zip(gap.lines, signs.tolist(), levels.tolist(), strict=True):
                line.setPen(self._pen(sign, level))

    def _show_heatmap(self, heatmap: QGraphicsPixmapItem, values: np.ndarray) -> None:
        values = np.nan_to_num(np.asarray(values, dtype=np.float64))
        peak = float(np.abs(values).max()) or 1.0
        index = np.clip(((values / peak + 1) / 2 * (LUT_SIZE - 1)).round(), 0, LUT_SIZE - 1).astype(
            np.intp
        )
        rgb = np.ascontiguousarray(
            _HEATMAP_LUT[index][::-1]
        )  # row 0 is the lowest y: draw it at the bottom
        g_h, g_w = rgb.shape[:2]
        image = QImage(rgb.data, g_w, g_h, 3 * g_w, QImage.Format.Format_RGB888).copy()
        size_changed = heatmap.pixmap().width() != g_w
        heatmap.setPixmap(QPixmap.fromImage(image))
        heatmap.setVisible(True)
        if size_changed:
            parent = heatmap.parentItem()
            if isinstance(parent, QGraphicsRectItem):
                self._place_heatmap(heatmap, parent.rect())

    def _show_input_maps(self, extent: tuple[float, float, float, float], g: int) -> None:
        column = self.columns[0]
        if column.is_block or len(column.heatmaps) != 2:
            return
        x_min, x_max, y_min, y_max = extent
        xs = np.linspace(x_min, x_max, g)
        ys = np.linspace(y_min, y_max, g)
        self._show_heatmap(column.heatmaps[0], np.broadcast_to(xs[None, :], (g, g)))
        self._show_heatmap(column.heatmaps[1], np.broadcast_to(ys[:, None], (g, g)))
