"""The network builder, driven by clicking and typing in its real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from app.panels.network_panel import LAYER_MIME, NetworkPanel
from app.project import DataShape, Project
from core.activations import ACTIVATIONS
from core.spec import LayerSpec, NetworkSpec

# The tests' own starting network, so they do not depend on the app's default.
START = NetworkSpec(layers=(LayerSpec(units=8, activation="tanh"),) * 3)


@pytest.fixture
def project(qtbot):
    project = Project()
    project.network = START
    return project


@pytest.fixture
def panel(qtbot, project):
    panel = NetworkPanel(project)
    qtbot.addWidget(panel)
    panel.resize(380, 900)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def click(qtbot, button):
    # The + buttons have a menu arrow on their right: click the left part, the button itself.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def type_into(qtbot, spin, text):
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)


def units(project):
    return [layer.units for layer in project.network.layers]


def test_opens_with_the_default_network_and_its_parameter_count(panel, project):
    assert len(panel.cards) == 3
    assert [c.units_spin.value() for c in panel.cards] == [8, 8, 8]
    # 2*8+8 + 8*8+8 + 8*8+8 + 8*1+1
    assert "177 parameters" in panel.total_label.text()
    assert panel.total_parameters == 177
    assert "x₁, x₂" in panel.input_card.names.text()
    assert "sigmoid" in panel.output_card.description.text()


def test_build_a_network_by_clicking(qtbot, panel, project):
    # Add a layer after the last hidden one: it copies its neighbour (8 tanh).
    click(qtbot, panel.insert_rows[3].button)
    assert len(project.network.layers) == 4
    assert project.network.layers[3] == LayerSpec(units=8, activation="tanh")
    assert "249 parameters" in panel.total_label.text()

    type_into(qtbot, panel.cards[3].units_spin, "4")
    assert units(project) == [8, 8, 8, 4]
    assert panel.total_parameters == 2 * 8 + 8 + 2 * (8 * 8 + 8) + 8 * 4 + 4 + 4 * 1 + 1
    assert f"{panel.total_parameters} parameters" in panel.total_label.text()
    assert "dense4 → 4 values · 36 parameters" in panel.cards[3].shape_label.text()

    panel.cards[1].activation_combo.setCurrentIndex(
        panel.cards[1].activation_combo.findData("relu")
    )
    assert project.network.layers[1].activation == "relu"

    click(qtbot, panel.cards[3].up_button)  # the 4-unit layer moves to position 3
    assert units(project) == [8, 8, 4, 8]
    click(qtbot, panel.cards[0].down_button)
    assert units(project) == [8, 8, 4, 8]
    assert [layer.activation for layer in project.network.layers] == [
        "relu",
        "tanh",
        "tanh",
        "tanh",
    ]

    click(qtbot, panel.cards[2].duplicate_button)
    assert units(project) == [8, 8, 4, 4, 8]
    click(qtbot, panel.cards[0].remove_button)
    assert units(project) == [8, 4, 4, 8]
    assert len(panel.cards) == 4
    assert panel.total_parameters == project.network.parameter_count(2, 1)
    assert panel.cards[0].up_button.isEnabled() is False
    assert panel.cards[-1].down_button.isEnabled() is False


def test_every_edit_undoes_and_redoes(qtbot, panel, project):
    stack = project.undo_stack
    click(qtbot, panel.insert_rows[0].button)
    click(qtbot, panel.insert_rows[0].button)  # the same button twice: two steps, not one
    type_into(qtbot, panel.cards[0].units_spin, "5")
    click(qtbot, panel.cards[0].down_button)
    click(qtbot, panel.cards[1].remove_button)
    assert stack.count() == 5
    after = project.network

    for _ in range(5):
        stack.undo()
    assert project.network == START
    assert len(panel.cards) == 3
    assert "177 parameters" in panel.total_label.text()
    for _ in range(5):
        stack.redo()
    assert project.network == after
    assert [c.units_spin.value() for c in panel.cards] == units(project)


def test_typing_a_number_is_one_undo_step(qtbot, panel, project):
    type_into(qtbot, panel.cards[1].units_spin, "12")
    assert units(project) == [8, 12, 8]
    assert project.undo_stack.count() == 1
    assert project.undo_stack.undoText() == "Change units of layer 2"
    project.undo_stack.undo()
    assert units(project) == [8, 8, 8]
    assert panel.cards[1].units_spin.value() == 8


def test_refresh_keeps_the_spin_box_being_typed_in(qtbot, panel, project):
    card = panel.cards[2]
    spin = card.units_spin
    type_into(qtbot, spin, "16")
    assert panel.cards[2] is card and card.units_spin is spin
    assert spin.hasFocus()
    assert spin.lineEdit().text() == "16"


def test_activation_combo_shows_labels_with_descriptions(panel):
    combo = panel.cards[0].activation_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        a.label for a in ACTIVATIONS.values()
    ]
    i = combo.findData("gelu")
    assert combo.itemData(i, Qt.ItemDataRole.ToolTipRole) == ACTIVATIONS["gelu"].description
    combo.setCurrentIndex(i)
    assert combo.toolTip() == ACTIVATIONS["gelu"].description


def test_invalid_units_are_explained_on_the_card_not_applied(qtbot, panel, project):
    card = panel.cards[1]
    type_into(qtbot, card.units_spin, "0")
    assert not card.problem_label.isHidden()
    assert "at least 1 unit" in card.problem_label.text()
    assert units(project) == [8, 8, 8]  # the project keeps the last valid network
    assert QApplication.activeModalWidget() is None  # no dialog
    type_into(qtbot, card.units_spin, "3")
    assert card.problem_label.isHidden()
    assert units(project) == [8, 3, 8]


def test_too_many_units_are_explained(qtbot, panel, project):
    card = panel.cards[0]
    type_into(qtbot, card.units_spin, "70000")
    assert "65,536" in card.problem_label.text()
    assert units(project) == [7000, 8, 8]  # the last valid value typed on the way
    assert project.undo_stack.count() == 1


def test_dropout_and_norm_layers(qtbot, panel, project):
    card = panel.cards[1]
    card.kind_combo.setCurrentIndex(card.kind_combo.findData("dropout"))
    assert project.network.layers[1].kind == "dropout"
    assert not card.dropout_row.isHidden() and card.dense_row.isHidden()
    type_into(qtbot, card.p_spin, "0.5")
    assert project.network.layers[1].p == 0.5
    assert "0 parameters" in card.shape_label.text()

    # The + arrow's menu adds the other kinds.
    menu = panel.insert_rows[0].button.menu()
    [action] = [a for a in menu.actions() if "batch norm" in a.text().lower()]
    action.trigger()
    assert project.network.layers[0].kind == "batch_norm"
    assert "batch_norm1 → 2 values · 4 parameters" in panel.cards[0].shape_label.text()
    assert panel.total_parameters == project.network.parameter_count(2, 1)


def test_data_change_updates_input_and_output_cards(panel, project):
    project.set_data_shape(
        DataShape(4, "classification", ("setosa", "versicolor", "virginica"), ("a", "b", "c", "d"))
    )
    assert "4 values" in panel.input_card.summary.text()
    assert "a, b, c, d" in panel.input_card.names.text()
    assert "3 units, softmax" in panel.output_card.description.text()
    assert panel.output_card.binary_combo.isHidden()
    assert panel.total_parameters == project.network.parameter_count(4, 3)


def test_many_inputs_are_named_in_short_with_the_full_list_in_the_tooltip(qtbot, panel, project):
    names = tuple(f"mean feature {i}" for i in range(30))
    project.set_data_shape(DataShape(30, "classification", ("benign", "malignant"), names))
    label = panel.input_card.names
    assert label.text() == "mean feature 0, mean feature 1, … and 28 more"
    assert all(name in label.toolTip().splitlines() for name in names)

    def two_lines_at_most_and_nothing_cut() -> None:
        # The card grows to the label's height once the layout has run.
        assert label.height() >= label.heightForWidth(label.width())
        assert label.heightForWidth(label.width()) <= 2 * label.fontMetrics().lineSpacing() + 4

    qtbot.waitUntil(two_lines_at_most_and_nothing_cut, timeout=5000)


def test_two_classes_can_be_answered_with_softmax(panel, project):
    combo = panel.output_card.binary_combo
    assert not panel.output_card.binary_combo.isHidden()
    combo.setCurrentIndex(combo.findData("softmax"))
    assert project.network.binary_output == "softmax"
    assert "2 units, softmax" in panel.output_card.description.text()
    project.undo_stack.undo()
    assert combo.currentData() == "sigmoid"


def test_training_disables_structure_edits(panel):
    height = panel.scroll_area.viewport().height()
    panel.set_training(True)
    assert not panel.training_note.isHidden()
    assert panel.total_label.isHidden()  # the note takes the total's place, not a row
    panel.layout().activate()
    assert panel.scroll_area.viewport().height() == height
    assert not any(row.isEnabled() for row in panel.insert_rows)
    for card in panel.cards:
        assert not card.remove_button.isEnabled()
        assert not card.units_spin.isEnabled()
        assert not card.kind_combo.isEnabled()
    panel.set_training(False)
    assert all(row.isEnabled() for row in panel.insert_rows)
    assert panel.cards[1].units_spin.isEnabled()


def test_dragging_a_card_moves_its_layer(qtbot, panel, project):
    project.edit_network(NetworkSpec(layers=tuple(LayerSpec(units=n) for n in (1, 2, 3))), "set")
    mime = QMimeData()
    mime.setData(LAYER_MIME, b"0")  # drag the first hidden layer ...
    target = panel.insert_rows[3]  # ... to the gap before the output card
    pos = target.geometry().center()
    how = (
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    assert QApplication.sendEvent(panel._list, QDragEnterEvent(pos, *how))
    QApplication.sendEvent(panel._list, QDragMoveEvent(pos, *how))
    assert target._drop_target  # the gap it would land in is marked
    QApplication.sendEvent(panel._list, QDropEvent(QPointF(pos), *how))
    assert not target._drop_target
    assert units(project) == [2, 3, 1]
    assert [c.units_spin.value() for c in panel.cards] == [2, 3, 1]
    project.undo_stack.undo()
    assert units(project) == [1, 2, 3]


def test_removed_cards_vanish_at_once_not_when_deleted_later(qtbot, panel, project):
    stale = panel.cards[1:]
    project.edit_network(NetworkSpec(layers=project.network.layers[:1]), "Keep one layer")
    # No event loop has run: the cards are not deleted yet, but nothing of them shows.
    assert len(panel.cards) == 1
    assert not any(card.isVisible() for card in stale)
