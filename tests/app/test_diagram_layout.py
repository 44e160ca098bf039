"""Where the network diagram puts its nodes, blocks, bars and lines (no drawing involved)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from app.plots.diagram_layout import (
    MAX_NODES,
    Box,
    lay_out,
    network_columns,
    weight_line_count,
)
from app.project import DataShape
from core.losses import make_head
from core.spec import LayerSpec, NetworkSpec

SHAPE = DataShape(2, "classification", ("a", "b"), ("x1", "x2"))
SOFTMAX_2 = make_head("classification", 2, "softmax")


def columns_of(*layers: LayerSpec):
    return network_columns(SHAPE, SOFTMAX_2, NetworkSpec(layers=layers))


def inside(box: Box, width: float, height: float) -> bool:
    return box.left >= 0 and box.top >= 0 and box.right <= width and box.bottom <= height


def test_a_small_network_gets_a_node_per_unit_and_a_line_per_weight():
    columns, bars = columns_of(LayerSpec(units=8), LayerSpec(units=8))
    layout = lay_out(columns, bars, 600, 380)

    assert [c.title for c in columns] == ["Input", "Layer 1", "Layer 2", "Output"]
    assert [len(nodes) for nodes in layout.nodes] == [2, 8, 8, 2]
    assert layout.blocks == [None] * 4
    assert [len(lines) for lines in layout.lines] == [2 * 8, 8 * 8, 8 * 2]
    # Each line runs from a node's right side to a node's left side in the next column.
    for k, lines in enumerate(layout.lines):
        rights = {(b.right, b.top + b.height / 2) for b in layout.nodes[k]}
        lefts = {(b.left, b.top + b.height / 2) for b in layout.nodes[k + 1]}
        for start, end in lines:
            assert start[0] == pytest.approx(min(r[0] for r in rights))
            assert end[0] == pytest.approx(min(left[0] for left in lefts))
            assert any(start[1] == pytest.approx(r[1]) for r in rights)
            assert any(end[1] == pytest.approx(left[1]) for left in lefts)


@pytest.mark.parametrize("size", [(600, 380), (1400, 900), (300, 200), (2500, 600)])
def test_everything_fits_the_view_left_to_right(size):
    columns, bars = columns_of(LayerSpec(units=8), LayerSpec(kind="dropout"), LayerSpec(units=64))
    layout = lay_out(columns, bars, *size)
    boxes = [b for nodes in layout.nodes for b in nodes]
    boxes += [b for b in layout.blocks if b is not None] + layout.bars
    assert all(inside(b, *size) for b in boxes)
    assert layout.xs == sorted(layout.xs)
    # Nodes of a column do not overlap.
    for nodes in layout.nodes:
        assert all(a.bottom < b.top for a, b in pairwise(nodes))


def test_layers_wider_than_twelve_units_become_blocks():
    columns, bars = columns_of(LayerSpec(units=MAX_NODES), LayerSpec(units=MAX_NODES + 1))
    layout = lay_out(columns, bars, 800, 500)
    assert [c.is_block for c in columns] == [False, False, True, False]
    assert [len(nodes) for nodes in layout.nodes] == [2, 12, 0, 2]
    block = layout.blocks[2]
    assert block is not None and block.width > layout.node_size
    assert block.top + block.height / 2 == pytest.approx(layout.middle)  # level with the nodes
    # Beside a block, one line per node stands for all of that node's weights.
    assert [len(lines) for lines in layout.lines] == [2 * 12, 12, 2]


def test_two_blocks_are_joined_by_a_band_and_a_bar_stands_between_them():
    columns, bars = columns_of(LayerSpec(units=64), LayerSpec(kind="dropout"), LayerSpec(units=32))
    layout = lay_out(columns, bars, 800, 500)
    assert weight_line_count(columns[1], columns[2]) == 0 and layout.lines[1] == []
    band = layout.bands[1]
    left, right = layout.blocks[1], layout.blocks[2]
    assert band is not None and left is not None and right is not None
    assert {x for x, _ in band} == {left.right, right.left}
    [bar] = layout.bars
    assert left.right < bar.left and bar.right < right.left
    assert "Dropout" in bars[0].label


def test_a_narrow_view_shortens_the_titles():
    columns, bars = columns_of(*(LayerSpec(units=4, activation="relu"),) * 6)
    wide, narrow = lay_out(columns, bars, 1400, 500), lay_out(columns, bars, 300, 500)
    assert not wide.compact and narrow.compact
    assert columns[1].heading(wide.compact) == ("Layer 1", "4 ReLU")
    assert columns[1].heading(narrow.compact) == ("1", "4")
    assert columns[0].heading(True)[0] == "In" and columns[-1].heading(True)[0] == "Out"
    assert narrow.node_size < wide.node_size
