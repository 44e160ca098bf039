"""The network diagram: nodes and weights, blocks for wide layers, live restyling in place."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsPixmapItem

from app import theme
from app.plots.network_diagram import MAX_NODES, WEIGHT_ROLE, NetworkDiagram
from app.project import Project
from core.spec import LayerSpec, NetworkSpec

BLUE, ORANGE = QColor(theme.BLUE), QColor(theme.ORANGE)
MAPS_GRID = 32  # what the diagram draws input maps at when no unit map gives it a size


@pytest.fixture
def project(qtbot):
    project = Project()
    # The tests' own starting network, so they do not depend on the app's default.
    project.network = NetworkSpec(layers=(LayerSpec(units=8, activation="tanh"),) * 3)
    return project


@pytest.fixture
def diagram(qtbot, project):
    diagram = NetworkDiagram(project)
    qtbot.addWidget(diagram)
    diagram.resize(600, 380)
    diagram.show()
    qtbot.waitExposed(diagram)
    return diagram


def weight_lines(diagram):
    return [
        i
        for i in diagram.scene().items()
        if isinstance(i, QGraphicsLineItem) and i.data(WEIGHT_ROLE) == "weight"
    ]


def is_grey(color: QColor) -> bool:
    return color.hsvSaturation() < 40


def hue_of(color: QColor) -> str:
    """'blue' or 'orange' (lines are drawn as their colour faded towards the background)."""
    hue = color.hsvHue()
    assert color.hsvSaturation() >= 40, color.name()
    return "blue" if 180 <= hue <= 230 else "orange" if 20 <= hue <= 45 else color.name()


def random_weights(diagram, rng, scale=1.0):
    widths = [c.units for c in diagram.columns]
    weights = [rng.normal(0, scale, (b, a)) for a, b in pairwise(widths)]
    biases = [rng.normal(0, scale, b) for b in widths[1:]]
    return weights, biases


def test_untrained_network_is_drawn_with_grey_lines(diagram):
    # 2 inputs, three layers of 8, one sigmoid output: a node per unit and a line per weight.
    assert [len(c.nodes) for c in diagram.columns] == [2, 8, 8, 8, 1]
    lines = weight_lines(diagram)
    assert len(lines) == 2 * 8 + 8 * 8 + 8 * 8 + 8 * 1
    assert all(is_grey(line.pen().color()) for line in lines)


def test_weights_are_coloured_by_sign_and_sized_by_magnitude(diagram):
    widths = [c.units for c in diagram.columns]
    weights = [np.full((b, a), 0.1) for a, b in pairwise(widths)]
    weights[0][0, 0] = -2.0  # input 1 -> unit 1 of layer 1: large and negative
    weights[0][1, 1] = 2.0  # input 2 -> unit 2: large and positive
    biases = [np.zeros(b) for b in widths[1:]]
    diagram.set_weights(weights, biases)

    first = diagram.gaps[0].lines  # row-major [out, in]: line n = out * n_in + in
    strong_negative, strong_positive, weak = first[0], first[1 * 2 + 1], first[1]
    assert strong_negative.pen().color() == ORANGE  # the largest weights in full colour
    assert strong_positive.pen().color() == BLUE
    assert hue_of(weak.pen().color()) == "blue"
    assert strong_positive.pen().widthF() > 3 * weak.pen().widthF()
    assert strong_negative.pen().widthF() == strong_positive.pen().widthF()
    assert "-2.000" in strong_negative.describe()


def test_live_updates_restyle_the_same_items(diagram):
    rng = np.random.default_rng(0)
    diagram.set_weights(*random_weights(diagram, rng))
    items = list(diagram.scene().items())
    lines = weight_lines(diagram)
    pens_before = [line.pen().color().name() for line in lines]
    for _ in range(30):
        diagram.set_weights(*random_weights(diagram, rng))
    assert len(diagram.scene().items()) == len(items)
    assert set(diagram.scene().items()) == set(items)
    assert [line.pen().color().name() for line in lines] != pens_before


def test_a_wide_layer_is_drawn_as_a_block_with_its_width(diagram, project):
    project.edit_network(NetworkSpec(layers=(LayerSpec(units=64), LayerSpec(units=4))), "wide")
    wide = diagram.columns[1]
    assert wide.units == 64 > MAX_NODES
    assert wide.block is not None and wide.nodes == []
    assert wide.block_text.text() == "64"
    assert [len(c.nodes) for c in diagram.columns] == [2, 0, 4, 1]
    # nodes -> block and block -> nodes: one line per node stands for its weights.
    assert [len(g.lines) for g in diagram.gaps] == [2, 4, 4]

    rng = np.random.default_rng(1)
    weights, biases = random_weights(diagram, rng)
    weights[1][:] = -np.abs(weights[1])  # everything into the 4-unit layer negative
    diagram.set_weights(weights, biases)
    assert {hue_of(line.pen().color()) for line in diagram.gaps[1].lines} == {"orange"}
    assert {hue_of(line.pen().color()) for line in diagram.gaps[0].lines} <= {"orange", "blue"}


def test_two_wide_layers_are_joined_by_a_band(diagram, project):
    project.edit_network(
        NetworkSpec(layers=(LayerSpec(units=64), LayerSpec(kind="dropout"), LayerSpec(units=32))),
        "x",
    )
    assert diagram.gaps[1].band is not None
    assert "2,048 weights" in diagram.gaps[1].band.describe()
    assert len(diagram.bars) == 1 and "Dropout" in diagram.bars[0].label


def test_structure_edits_redraw_and_stale_weights_are_ignored(diagram, project):
    rng = np.random.default_rng(2)
    old = random_weights(diagram, rng)
    project.edit_network(NetworkSpec(layers=(LayerSpec(units=3, activation="relu"),)), "smaller")
    assert [len(c.nodes) for c in diagram.columns] == [2, 3, 1]
    diagram.set_weights(*old)  # from the network before the edit: does not fit, not drawn
    assert all(is_grey(line.pen().color()) for line in weight_lines(diagram))


def test_hovering_a_node_names_its_activation(diagram, project):
    node = diagram.columns[1].nodes[0]
    text = node.describe()
    assert "tanh" in text and "Squashes" in text
    assert "x₂" in diagram.columns[0].nodes[1].describe()
    assert "sigmoid" in diagram.columns[-1].nodes[0].describe()


def test_node_maps_show_each_units_heatmap(diagram):
    g = 20
    xs = np.linspace(-1, 1, g)
    maps = [
        np.tanh(np.stack([xs[None, :] * (u + 1) + xs[:, None] for u in range(8)])) for _ in range(3)
    ]
    diagram.set_node_maps(maps, (-6.0, 6.0, -6.0, 6.0))
    for column in diagram.columns[:-1]:  # inputs (x1, x2) and every hidden unit
        assert all(h.isVisible() and h.pixmap().width() == g for h in column.heatmaps)
    count = len(diagram.scene().items())
    diagram.set_node_maps(maps, (-6.0, 6.0, -6.0, 6.0))
    assert len(diagram.scene().items()) == count

    image = diagram.columns[1].heatmaps[0].pixmap().toImage()
    left, right = QColor(image.pixel(0, g // 2)), QColor(image.pixel(g - 1, g // 2))
    assert left.blue() < left.red() and right.blue() > right.red()  # orange low, blue high

    diagram.set_node_maps(None, (-6.0, 6.0, -6.0, 6.0))
    assert not any(h.isVisible() for h in diagram.columns[1].heatmaps)
    assert any(isinstance(i, QGraphicsPixmapItem) for i in diagram.scene().items())


def test_the_drawing_scales_with_the_widget(qtbot, diagram):
    small = diagram.columns[1].nodes[0].rect().width()
    diagram.resize(900, 700)
    qtbot.waitUntil(lambda: diagram.columns[1].nodes[0].rect().width() > small)
    right_edge = max(item.sceneBoundingRect().right() for item in diagram.scene().items())
    assert right_edge <= diagram.viewport().width()


def test_reset_returns_to_grey(diagram):
    diagram.set_weights(*random_weights(diagram, np.random.default_rng(3)))
    diagram.clear_weights()
    assert all(is_grey(line.pen().color()) for line in weight_lines(diagram))


@pytest.mark.parametrize("width", [600, 300])
def test_the_weight_key_fits_the_diagram_however_narrow(diagram, qtbot, width):
    weights, biases = random_weights(diagram, np.random.default_rng(0))
    diagram.set_weights(weights, biases)
    diagram.resize(width, 380)
    key = diagram._legend.negative
    qtbot.waitUntil(key.isVisible)
    # Shorter words on a narrow diagram (at 1024 x 768 the full key ran past its edge).
    qtbot.waitUntil(lambda: key.sceneBoundingRect().right() <= diagram.viewport().width())
    full = key.text() == "negative weight · thicker = larger"
    assert full if width == 600 else not full


def test_the_diagram_shows_one_input_node_per_feature(qtbot, diagram, project):
    source = project.data.source
    project.set_toy(type(source)(source.name, features=("x1_sq", "x2_sq", "sin_x1")))
    qtbot.waitUntil(lambda: diagram.columns[0].layer.units == 3)
    labels = [item.text() for item in diagram._input_labels]
    assert labels == ["x₁²", "x₂²", "sin x₁"]

    # Each input node draws its feature over the plane, even with no hidden layer to map.
    project.edit_network(NetworkSpec(layers=()), "No hidden layer")
    diagram.set_node_maps([], (-6.0, 6.0, -6.0, 6.0))
    square = diagram.columns[0].heatmaps[0].pixmap().toImage()
    assert square.width() == MAPS_GRID
    edge, middle = QColor(square.pixel(0, 5)), QColor(square.pixel(MAPS_GRID // 2, 5))
    assert edge.blue() > edge.red() and middle.red() > 200  # x₁²: high at both sides, 0 between
    assert square.pixel(0, 5) == square.pixel(MAPS_GRID - 1, 5)  # and symmetric
