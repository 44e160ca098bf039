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
from app.project import Project
from core.activations import ACTIVATIONS
from core.layers import LAYER_KINDS

MAX_NODES = 12  # wider layers are drawn as a block
NEUTRAL_EDGE = QColor(150, 156, 165, 110)  # lines before there are weights to show
PEN_LEVELS = 24  # weight magnitudes are drawn with this many line widths per sign
MIN_PEN, MAX_PEN = 0.6, 5.0
WEIGHT_ROLE = 0  # QGraphicsItem.data key holding "weight" on every weight line (for tests)

# Negative values orange, positive blue: the same as the weights' lines.
_HEATMAP_LUT = regression_lut()


@dataclass
class _Column:
    """A layer drawn as a column of nodes (or one block): the input, a dense layer, the output."""

    kind: str  # "input", "dense" or "output"
    units: int
    title: str
    subtitle: str
    hidden_index: int | None = None  # position among the hidden layers (for dense columns)
    activation: str = ""
    name: str = ""
    nodes: list[QGraphicsRectItem] = field(default_factory=list)
    heatmaps: list[QGraphicsPixmapItem] = field(default_factory=list)
    block: QGraphicsRectItem | None = None
    block_text: QGraphicsSimpleTextItem | None = None
    title_item: QGraphicsSimpleTextItem | None = None
    subtitle_item: QGraphicsSimpleTextItem | None = None

    @property
    def is_block(self) -> bool:
        return self.units > MAX_NODES


@dataclass
class _Bar:
    """A dropout or normalisation layer: a bar in the gap after column `gap`."""

    gap: int
    hidden_index: int
    kind: str
    label: str
    rect: QGraphicsRectItem | None = None
    text: QGraphicsSimpleTextItem | None = None


@dataclass
class _Gap:
    """The weights between column `gap` and the next: lines, or a band between two blocks."""

    gap: int
    lines: list[QGraphicsLineItem] = field(default_factory=list)
    band: QGraphicsPolygonItem | None = None


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
        self._node_size = 24.0
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
        self.columns, self.bars, self.gaps, self._legend = [], [], [], []
        self._weights = self._biases = None
        self._extent = None
        self._pens.clear()
        self.setBackgroundBrush(self.palette().base())
        self._neutral_pen = QPen(self._opaque(NEUTRAL_EDGE, NEUTRAL_EDGE.alphaF()), 1.0)
        project = self.project
        shape, head, network = project.shape, project.head, project.network
        self.columns.append(_Column("input", shape.n_inputs, "Input", f"{shape.n_inputs:,}"))
        for i, (layer, name) in enumerate(zip(network.layers, network.layer_names(), strict=True)):
            if layer.kind == "dense":
                units = max(1, layer.units)  # a 0-unit layer (shown in red in the builder) as 1
                act = ACTIVATIONS.get(layer.activation)
                self.columns.append(
                    _Column(
                        "dense",
                        units,
                        f"Layer {i + 1}",
                        f"{units:,} {act.label if act else '?'}",
                        hidden_index=i,
                        activation=layer.activation,
                        name=name,
                    )
                )
            else:
                kind = LAYER_KINDS.get(layer.kind)
                label = layer.label() if kind else layer.kind
                self.bars.append(_Bar(len(self.columns) - 1, i, layer.kind, label))
        self.columns.append(_Column("output", head.units, "Output", f"{head.units} {head.kind}"))

        self._input_labels = []
        names = shape.input_names
        if not self.columns[0].is_block and all(len(n) <= 10 for n in names[: shape.n_inputs]):
            self._input_labels = [
                self._text(n, muted=True, scale=0.8) for n in names[: shape.n_inputs]
            ]
        for column in self.columns:
            self._make_column(column)
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

    def _make_column(self, column: _Column) -> None:
        pal = self.palette()
        border = QPen(pal.mid().color().darker(115), 1.0)
        fill = QBrush(pal.alternateBase())
        column.title_item = self._text(column.title, bold=True)
        column.subtitle_item = self._text(column.subtitle, muted=True)
        describe = self._describer(column)
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

    def _describer(self, column: _Column) -> Callable[[int | None], str]:
        shape, head = self.project.shape, self.project.head

        def describe(unit: int | None) -> str:
            if column.kind == "input":
                names = shape.input_names
                if unit is None:
                    return (
                        f"Input: {column.units:,} values\n"
                        + ", ".join(names[:12])
                        + (" …" if len(names) > 12 else "")
                    )
                return f"Input {unit + 1}: {names[unit] if unit < len(names) else ''}"
            if column.kind == "output":
                text = f"Output: {head.describe()}"
                if unit is not None and head.kind == "softmax" and unit < len(shape.class_names):
                    name = shape.class_names[unit]
                    text = f"Output unit {unit + 1}: probability of '{name}'\n{text}"
                return text + self._bias_text(len(self.columns) - 2, unit)
            act = ACTIVATIONS.get(column.activation)
            act_text = (
                f"{act.label}: {act.description}"
                if act
                else f"unknown activation {column.activation}"
            )
            where = f"Layer {column.hidden_index + 1} ({column.name})"  # type: ignore[operator]
            if unit is None:
                return f"{where}: {column.units:,} units\nActivation {act_text}"
            gap = self.columns.index(column) - 1
            return f"{where}, unit {unit + 1}\nActivation {act_text}" + self._bias_text(gap, unit)

        return describe

    def _bias_text(self, gap: int, unit: int | None) -> str:
        if unit is None or self._biases is None or gap >= len(self._biases):
            return ""
        bias = self._biases[gap]
        return f"\nBias {bias[unit]:+.3f}" if unit < len(bias) else ""

    def _make_bar(self, bar: _Bar) -> None:
        pal = self.palette()
        rect = _Node()
        color = QColor(pal.mid().color())
        color.setAlpha(140)
        rect.setBrush(color)
        rect.setPen(QPen(pal.mid().color().darker(120), 1.0))
        rect.setZValue(3)
        kind = LAYER_KINDS.get(bar.kind)
        rect.describe = lambda: (
            f"Layer {bar.hidden_index + 1}: {bar.label}\n{kind.description if kind else ''}"
        )
        self.scene().addItem(rect)
        bar.rect = rect
        bar.text = self._text(bar.label, scale=0.8)
        bar.text.setRotation(-90)

    def _make_gap(self, k: int) -> _Gap:
        src, dst = self.columns[k], self.columns[k + 1]
        gap = _Gap(k)
        if src.is_block and dst.is_block:
            band = _Band()
            band.setPen(Qt.PenStyle.NoPen)
            band.setZValue(1)
            band.describe = lambda: self._describe_band(k)
            self.scene().addItem(band)
            gap.band = band
            return gap
        # Between two columns of nodes, one line per weight; between nodes and a block, one line
        # per node, standing for all of that node's weights to or from the block.
        count = (
            src.units * dst.units
            if not (src.is_block or dst.is_block)
            else (dst.units if src.is_block else src.units)
        )
        for n in range(count):
            line = _Line()
            line.setZValue(2)
            line.setData(WEIGHT_ROLE, "weight")
            line.describe = lambda n=n: self._describe_line(k, n)
            self.scene().addItem(line)
            gap.lines.append(line)
        return gap

    def _unit_name(self, column: _Column, unit: int) -> str:
        if column.kind == "input":
            names = self.project.shape.input_names
            return names[unit] if unit < len(names) else f"input {unit + 1}"
        if column.kind == "output":
            return f"output {unit + 1}"
        return f"unit {unit + 1} of layer {column.hidden_index + 1}"  # type: ignore[operator]

    def _describe_line(self, k: int, n: int) -> str:
        src, dst = self.columns[k], self.columns[k + 1]
        w = None if self._weights is None else self._weights[k]
        if src.is_block:
            text = f"All {src.units:,} weights into {self._unit_name(dst, n)}"
            return text + (
                ""
                if w is None
                else f"\nmean {w[n].mean():+.3f}, mean size {np.abs(w[n]).mean():.3f}"
            )
        if dst.is_block:
            text = f"All {dst.units:,} weights from {self._unit_name(src, n)}"
            col = None if w is None else w[:, n]
            return text + (
                ""
                if col is None
                else f"\nmean {col.mean():+.3f}, mean size {np.abs(col).mean():.3f}"
            )
        i, o = n % src.units, n // src.units
        text = f"Weight from {self._unit_name(src, i)} to {self._unit_name(dst, o)}"
        return text + ("" if w is None else f": {w[o, i]:+.3f}")

    def _describe_band(self, k: int) -> str:
        src, dst = self.columns[k], self.columns[k + 1]
        text = f"{src.units * dst.units:,} weights from {src.units:,} to {dst.units:,} units"
        if self._weights is not None:
            w = self._weights[k]
            text += f"\nmean {w.mean():+.3f}, mean size {np.abs(w).mean():.3f}"
        return text

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
        w, h = max(self.viewport().width(), 120), max(self.viewport().height(), 100)
        self.scene().setSceneRect(0, 0, w, h)
        if not self.columns:
            return
        top, bottom, side = 40.0, 26.0, 14.0
        area_h = h - top - bottom
        n_cols = len(self.columns)
        tallest = max([c.units for c in self.columns if not c.is_block] + [1])
        label_w = max((t.boundingRect().width() for t in self._input_labels), default=0.0)
        left_pad = label_w + 6 if label_w and w > 360 else 0.0
        for label in self._input_labels:
            label.setVisible(left_pad > 0)
        # Very wide views spread the layers no further apart than this: long lines read badly.
        spread = min(w - 2 * side - left_pad, (n_cols - 1) * 230.0)
        side = (w - spread - left_pad) / 2
        spacing = spread / max(n_cols - 1, 1)
        size = min(42.0, area_h / (tallest * 1.3), spacing * 0.42)
        size = max(size, 8.0)
        self._node_size = size
        max_pen = round(min(MAX_PEN, max(2.0, size * 0.16)), 1)
        if max_pen != self._max_pen:
            self._max_pen = max_pen
            self._pens.clear()
            self._restyle_lines()
        step = size * 1.3
        block_h = min(area_h, max(step * MAX_NODES * 0.9, area_h * 0.6))
        block_w = max(size * 1.15, 30.0)
        centre_y = top + area_h / 2
        first_half = (block_w if self.columns[0].is_block else size) / 2
        last_half = (block_w if self.columns[-1].is_block else size) / 2
        x0, x1 = side + left_pad + first_half, w - side - last_half
        xs = [x0 + (x1 - x0) * k / max(n_cols - 1, 1) for k in range(n_cols)]
        if n_cols == 1:
            xs = [w / 2]
        compact = spacing < 64

        ends: list[tuple[list[QPointF], list[QPointF], QRectF | None]] = []
        for column, x in zip(self.columns, xs, strict=True):
            lefts: list[QPointF] = []
            rights: list[QPointF] = []
            rect = None
            if column.is_block:
                rect = QRectF(x - block_w / 2, centre_y - block_h / 2, block_w, block_h)
                column.block.setRect(rect)  # type: ignore[union-attr]
                text = column.block_text
                br = text.boundingRect()  # type: ignore[union-attr]
                text.setPos(x - br.width() / 2, centre_y - br.height() / 2)  # type: ignore[union-attr]
            else:
                for u, (node, heatmap) in enumerate(
                    zip(column.nodes, column.heatmaps, strict=True)
                ):
                    y = centre_y + (u - (column.units - 1) / 2) * step
                    node.setRect(QRectF(x - size / 2, y - size / 2, size, size))
                    lefts.append(QPointF(x - size / 2, y))
                    rights.append(QPointF(x + size / 2, y))
                    self._place_heatmap(heatmap, node.rect())
                    if column.kind == "input" and u < len(self._input_labels):
                        label = self._input_labels[u]
                        br = label.boundingRect()
                        label.setPos(x - size / 2 - 5 - br.width(), y - br.height() / 2)
            ends.append((lefts, rights, rect))
            self._place_titles(column, x, top, spacing, compact)

        for gap in self.gaps:
            self._place_gap(gap, ends[gap.gap], ends[gap.gap + 1])

        by_gap: dict[int, list[_Bar]] = {}
        for bar in self.bars:
            by_gap.setdefault(bar.gap, []).append(bar)
        bar_w = max(8.0, min(16.0, spacing * 0.12))
        bar_h = min(area_h, block_h)
        for k, bars in by_gap.items():
            a = xs[k] + (block_w if self.columns[k].is_block else size) / 2
            b = xs[k + 1] - (block_w if self.columns[k + 1].is_block else size) / 2
            for j, bar in enumerate(bars):
                bx = a + (b - a) * (j + 1) / (len(bars) + 1)
                bar.rect.setRect(QRectF(bx - bar_w / 2, centre_y - bar_h / 2, bar_w, bar_h))  # type: ignore[union-attr]
                text = bar.text
                br = text.boundingRect()  # type: ignore[union-attr]
                # Rotated -90°: the text runs bottom to top, centred on the bar.
                text.setPos(bx - br.height() / 2, centre_y + br.width() / 2)  # type: ignore[union-attr]
                text.setVisible(br.width() < bar_h - 4 and br.height() <= bar_w + 6)  # type: ignore[union-attr]

        self._place_legend(14.0, h - bottom / 2)

    def _place_titles(
        self, column: _Column, x: float, top: float, spacing: float, compact: bool
    ) -> None:
        title, subtitle = column.title_item, column.subtitle_item
        if title is None or subtitle is None:
            return
        if compact:
            short = {"input": "In", "output": "Out"}.get(column.kind)
            title.setText(short or f"{(column.hidden_index or 0) + 1}")
        else:
            title.setText(column.title)
        sub = column.subtitle if not compact else column.subtitle.split(" ")[0]
        subtitle.setText(sub)
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

    def _place_gap(self, gap: _Gap, src_ends, dst_ends) -> None:
        _, src_right, src_rect = src_ends
        dst_left, _, dst_rect = dst_ends
        if gap.band is not None:
            # A narrower band than the blocks, so the bars and the blocks stay the main shapes.
            a = src_rect.adjusted(0, src_rect.height() * 0.2, 0, -src_rect.height() * 0.2)  # type: ignore[union-attr]
            b = dst_rect.adjusted(0, dst_rect.height() * 0.2, 0, -dst_rect.height() * 0.2)  # type: ignore[union-attr]
            gap.band.setPolygon(
                QPolygonF([a.topRight(), b.topLeft(), b.bottomLeft(), a.bottomRight()])
            )
            return
        src, dst = self.columns[gap.gap], self.columns[gap.gap + 1]
        if src_rect is not None:  # block -> nodes: one line into each node
            for o, line in enumerate(gap.lines):
                y = src_rect.top() + src_rect.height() * (o + 0.5) / dst.units
                line.setLine(src_rect.right(), y, dst_left[o].x(), dst_left[o].y())
        elif dst_rect is not None:  # nodes -> block: one line out of each node
            for i, line in enumerate(gap.lines):
                y = dst_rect.top() + dst_rect.height() * (i + 0.5) / src.units
                line.setLine(src_right[i].x(), src_right[i].y(), dst_rect.left(), y)
        else:
            for n, line in enumerate(gap.lines):
                i, o = n % src.units, n // src.units
                line.setLine(src_right[i].x(), src_right[i].y(), dst_left[o].x(), dst_left[o].y())

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
