"""Where the network diagram's shapes go: plain geometry, no painting and no Qt.

`network_columns` turns the project's network into what the diagram draws: a column per input,
dense and output layer (a column of nodes, or one block when wider than `MAX_NODES`) and a bar per
dropout or normalisation layer. `lay_out` places them in a view of a given size: the nodes,
blocks and bars as boxes, the weights as lines (or a band between two blocks), the legend's
corner. The drawing (app.plots.network_diagram) puts its graphics items where this says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.activations import ACTIVATIONS
from core.layers import LAYER_KINDS

if TYPE_CHECKING:
    from app.project import DataShape
    from core.losses import Head
    from core.spec import NetworkSpec

MAX_NODES = 12  # wider layers are drawn as a block
MIN_PEN, MAX_PEN = 0.6, 5.0  # the thinnest and thickest weight lines (smaller nodes: thinner)
MIN_WIDTH, MIN_HEIGHT = 120, 100  # a smaller view is drawn at this size, cut off
TOP, BOTTOM, SIDE = 40.0, 26.0, 14.0  # room for the titles, the legend, the sides
MAX_SPACING = 230.0  # very wide views spread the layers no further apart: long lines read badly
COMPACT_SPACING = 64.0  # closer columns get short titles ("In", "1", "Out")
# A narrow view still names its inputs when the gaps keep this much room (a network without
# hidden layers fed x₁², sin x₁: its inputs are the point of the picture).
LABELLED_SPACING = 80.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A rectangle: its top-left corner and its size."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def inset(self, fraction: float) -> Box:
        """The box less `fraction` of its height at the top and at the bottom."""
        cut = self.height * fraction
        return Box(self.left, self.top + cut, self.width, self.height - cut - cut)


@dataclass(frozen=True)
class Column:
    """A layer drawn as a column of nodes (or one block): the input, a dense layer, the output."""

    kind: str  # "input", "dense" or "output"
    units: int
    title: str
    subtitle: str
    hidden_index: int | None = None  # position among the hidden layers (for dense columns)
    activation: str = ""
    name: str = ""

    @property
    def is_block(self) -> bool:
        return self.units > MAX_NODES

    def heading(self, compact: bool) -> tuple[str, str]:
        """The title and subtitle; when columns stand close, short ones ("1", "8")."""
        if not compact:
            return self.title, self.subtitle
        short = {"input": "In", "output": "Out"}.get(self.kind)
        return short or f"{(self.hidden_index or 0) + 1}", self.subtitle.split(" ")[0]


@dataclass(frozen=True)
class Bar:
    """A dropout or normalisation layer: a bar in the gap after column `gap`."""

    gap: int
    hidden_index: int
    kind: str
    label: str


def network_columns(
    shape: DataShape, head: Head, network: NetworkSpec
) -> tuple[list[Column], list[Bar]]:
    """The columns (input, dense layers, output) and the bars between them."""
    columns = [Column("input", shape.n_inputs, "Input", f"{shape.n_inputs:,}")]
    bars: list[Bar] = []
    for i, (layer, name) in enumerate(zip(network.layers, network.layer_names(), strict=True)):
        if layer.kind == "dense":
            units = max(1, layer.units)  # a 0-unit layer (shown in red in the builder) as 1
            act = ACTIVATIONS.get(layer.activation)
            subtitle = f"{units:,} {act.label if act else '?'}"
            columns.append(
                Column("dense", units, f"Layer {i + 1}", subtitle, i, layer.activation, name)
            )
        else:
            label = layer.label() if LAYER_KINDS.get(layer.kind) else layer.kind
            bars.append(Bar(len(columns) - 1, i, layer.kind, label))
    columns.append(Column("output", head.units, "Output", f"{head.units} {head.kind}"))
    return columns, bars


def weight_line_count(src: Column, dst: Column) -> int:
    """Lines drawn between two columns: one per weight, one per node beside a block, 0 (a band)
    between two blocks."""
    if src.is_block and dst.is_block:
        return 0
    if src.is_block:
        return dst.units
    if dst.is_block:
        return src.units
    return src.units * dst.units


@dataclass(frozen=True)
class DiagramLayout:
    """Where everything goes in a view of `width` x `height`."""

    width: float
    height: float
    node_size: float
    middle: float  # the height blocks and bars are centred on
    max_pen: float  # the thickest weight line, for nodes of this size
    xs: list[float]  # each column's centre
    compact: bool  # columns too close for their full titles
    show_input_labels: bool
    nodes: list[list[Box]]  # per column, top to bottom (none for a block)
    blocks: list[Box | None]  # per column: its block, if it is one
    lines: list[list[tuple[Point, Point]]]  # per gap, in the order of the weights
    bands: list[list[Point] | None]  # per gap between two blocks: a polygon
    bars: list[Box]  # in the order of the bars
    legend: Point  # the legend's left end, vertically centred


def lay_out(
    columns: list[Column], bars: list[Bar], width: float, height: float, label_width: float = 0.0
) -> DiagramLayout:
    """Place `columns` and `bars` in a view; `label_width` is the widest input name's (0: none).

    Nodes sit on one vertical grid for the whole network; a block is as tall as about twelve
    nodes; bars stand evenly spaced in the gap after their column. Lines between two node
    columns are ordered as the weights are, row-major [out, in]: line n joins input n % n_in to
    output n // n_in.
    """
    w, h = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
    area_h = h - TOP - BOTTOM
    n_cols = len(columns)
    tallest = max([c.units for c in columns if not c.is_block] + [1])
    roomy = (w - 2 * SIDE - label_width - 6) / max(n_cols - 1, 1) >= LABELLED_SPACING
    left_pad = label_width + 6 if label_width and (w > 360 or roomy) else 0.0
    spread = min(w - 2 * SIDE - left_pad, (n_cols - 1) * MAX_SPACING)
    side = (w - spread - left_pad) / 2
    spacing = spread / max(n_cols - 1, 1)
    size = max(min(42.0, area_h / (tallest * 1.3), spacing * 0.42), 8.0)
    max_pen = round(min(MAX_PEN, max(2.0, size * 0.16)), 1)
    step = size * 1.3
    block_h = min(area_h, max(step * MAX_NODES * 0.9, area_h * 0.6))
    block_w = max(size * 1.15, 30.0)
    centre_y = TOP + area_h / 2

    def half_width(column: Column) -> float:
        return (block_w if column.is_block else size) / 2

    x0, x1 = side + left_pad + half_width(columns[0]), w - side - half_width(columns[-1])
    xs = [x0 + (x1 - x0) * k / max(n_cols - 1, 1) for k in range(n_cols)]
    if n_cols == 1:
        xs = [w / 2]

    nodes: list[list[Box]] = []
    blocks: list[Box | None] = []
    ins: list[list[Point]] = []  # where lines end at each node, on its left side
    outs: list[list[Point]] = []  # and where they start, on its right
    for column, x in zip(columns, xs, strict=True):
        is_block = column.is_block
        ys = (
            []
            if is_block
            else [centre_y + (u - (column.units - 1) / 2) * step for u in range(column.units)]
        )
        nodes.append([Box(x - size / 2, y - size / 2, size, size) for y in ys])
        blocks.append(
            Box(x - block_w / 2, centre_y - block_h / 2, block_w, block_h) if is_block else None
        )
        ins.append([(x - size / 2, y) for y in ys])
        outs.append([(x + size / 2, y) for y in ys])

    lines: list[list[tuple[Point, Point]]] = []
    bands: list[list[Point] | None] = []
    for k in range(n_cols - 1):
        src, dst = columns[k], columns[k + 1]
        src_block, dst_block = blocks[k], blocks[k + 1]
        src_outs, dst_ins = outs[k], ins[k + 1]
        gap_lines: list[tuple[Point, Point]] = []
        band = None
        if src_block is not None and dst_block is not None:
            # A narrower band than the blocks, so the bars and the blocks stay the main shapes.
            a, b = src_block.inset(0.2), dst_block.inset(0.2)
            band = [(a.right, a.top), (b.left, b.top), (b.left, b.bottom), (a.right, a.bottom)]
        elif src_block is not None:  # block -> nodes: one line into each node
            for o in range(dst.units):
                y = src_block.top + src_block.height * (o + 0.5) / dst.units
                gap_lines.append(((src_block.right, y), dst_ins[o]))
        elif dst_block is not None:  # nodes -> block: one line out of each node
            for i in range(src.units):
                y = dst_block.top + dst_block.height * (i + 0.5) / src.units
                gap_lines.append((src_outs[i], (dst_block.left, y)))
        else:
            for n in range(src.units * dst.units):
                gap_lines.append((src_outs[n % src.units], dst_ins[n // src.units]))
        lines.append(gap_lines)
        bands.append(band)

    bar_w = max(8.0, min(16.0, spacing * 0.12))
    bar_h = min(area_h, block_h)
    bar_boxes: list[Box] = []
    for n, bar in enumerate(bars):
        before = sum(other.gap == bar.gap for other in bars[:n])
        in_gap = sum(other.gap == bar.gap for other in bars)
        a = xs[bar.gap] + half_width(columns[bar.gap])
        b = xs[bar.gap + 1] - half_width(columns[bar.gap + 1])
        bx = a + (b - a) * (before + 1) / (in_gap + 1)
        bar_boxes.append(Box(bx - bar_w / 2, centre_y - bar_h / 2, bar_w, bar_h))

    return DiagramLayout(
        width=w,
        height=h,
        node_size=size,
        middle=centre_y,
        max_pen=max_pen,
        xs=xs,
        compact=spacing < COMPACT_SPACING,
        show_input_labels=left_pad > 0,
        nodes=nodes,
        blocks=blocks,
        lines=lines,
        bands=bands,
        bars=bar_boxes,
        legend=(14.0, h - BOTTOM / 2),
    )
