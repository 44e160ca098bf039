"""The input feature toggles of a toy dataset: one undoable edit each, shown as the network's
input nodes, never all off, and a "?" into Learn."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.learn_links import LEARN_LINKS
from app.panels.data_panel import DataPanel
from app.plots.network_diagram import NetworkDiagram
from app.project import Project
from core.spec import NetworkSpec

MAPS_GRID = 32  # what the diagram draws input maps at when no unit map gives it a size


@pytest.fixture
def project() -> Project:
    return Project()


@pytest.fixture
def panel(qtbot, project) -> DataPanel:
    widget = DataPanel(project)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_a_toggle_is_one_undoable_edit_of_the_data(qtbot, panel, project):
    toggles = panel.input_features.toggles
    assert [n for n, b in toggles.items() if b.isChecked()] == ["x1", "x2"]
    qtbot.mouseClick(toggles["x1_sq"], Qt.MouseButton.LeftButton)
    assert project.data.source.features == ("x1", "x2", "x1_sq")
    assert [c.name for c in project.data.features] == ["x1", "x2", "x1_sq"]
    assert project.shape.input_names == ("x₁", "x₂", "x₁²")
    assert project.undo_stack.undoText() == "Use input features x₁, x₂, x₁²"
    project.undo_stack.undo()
    assert project.data.source.features == ("x1", "x2")
    assert not toggles["x1_sq"].isChecked()


def test_the_features_stay_when_the_dataset_changes(qtbot, panel, project):
    qtbot.mouseClick(panel.input_features.toggles["sin_x1"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.thumbnails["circle"], Qt.MouseButton.LeftButton)
    assert project.data.source.name == "circle"
    assert project.data.source.features == ("x1", "x2", "sin_x1")


def test_the_last_feature_on_cannot_be_turned_off(qtbot, panel, project):
    toggles = panel.input_features.toggles
    qtbot.mouseClick(toggles["x1"], Qt.MouseButton.LeftButton)
    assert project.data.source.features == ("x2",)
    assert not toggles["x2"].isEnabled()
    assert "At least one input feature" in toggles["x2"].toolTip()
    qtbot.mouseClick(toggles["x2"], Qt.MouseButton.LeftButton)
    assert project.data.source.features == ("x2",)


def test_the_toggles_rest_while_training(panel):
    panel.set_training(True)
    assert not any(b.isEnabled() for b in panel.input_features.toggles.values())
    panel.set_training(False)
    assert panel.input_features.toggles["x1_sq"].isEnabled()


def test_the_question_mark_opens_the_features_section(qtbot, panel):
    with qtbot.waitSignal(LEARN_LINKS.requested) as blocker:
        qtbot.mouseClick(panel.input_features.help, Qt.MouseButton.LeftButton)
    assert blocker.args == ["features"]


def test_the_diagram_shows_one_input_node_per_feature(qtbot, project):
    diagram = NetworkDiagram(project)
    qtbot.addWidget(diagram)
    diagram.resize(600, 380)
    diagram.show()
    qtbot.waitExposed(diagram)
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
