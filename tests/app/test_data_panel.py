"""The data panel: picking, shaping and regenerating the data, every step undoable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.learn_links import LEARN_LINKS
from app.panels.data_panel import DataPanel
from app.project import Project
from core.data_spec import ColumnSpec, CsvSource, DataSpec
from core.dataset import prepare_data
from core.errors import DataError
from core.toy import TOY_DATASETS, make_toy


@pytest.fixture
def project() -> Project:
    return Project()


@pytest.fixture
def panel(qtbot, project) -> DataPanel:
    widget = DataPanel(project)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)

    # As the window wires the engine: each data change comes back as the split it made.
    def engine(field: str) -> None:
        if field == "data":
            try:
                data = prepare_data(project.data)
            except (DataError, OSError):
                return  # the engine answers with an error; the status bar says it
            widget.show_split(len(data.train), len(data.val), len(data.test), data.dropped_rows)

    project.changed.connect(engine)
    engine("data")
    return widget


def test_the_counts_are_the_engines_and_only_for_the_data_it_split(qtbot, project):
    panel = DataPanel(project)
    qtbot.addWidget(panel)
    assert panel.summary.text() == ""  # nothing is split in the window
    panel.show_split(299, 101, 100)
    assert panel.summary.text() == "299 training points, 101 validation, 100 test."
    qtbot.keyClick(panel.train_share, Qt.Key.Key_Right)
    assert panel.summary.text() == ""  # those counts were for other data
    project.undo_stack.undo()
    assert panel.summary.text() == "299 training points, 101 validation, 100 test."


def test_opens_on_the_projects_dataset_with_its_picture_selected(panel, project):
    assert project.data.source.name == "spiral"
    checked = [name for name, b in panel.thumbnails.items() if b.isChecked()]
    assert checked == ["spiral"]
    assert set(panel.thumbnails) == set(TOY_DATASETS)
    assert all(not b.icon().isNull() for b in panel.thumbnails.values())
    assert "Spiral" in panel.description.text()
    assert panel.noise_value.text() == "0.10"
    assert panel.samples.value() == 500
    assert panel.summary.text() == "300 training points, 100 validation, 100 test."
    assert (panel.ratio_value.text(), panel.test_value.text()) == ("60 / 20", "20 %")


def test_clicking_a_thumbnail_switches_the_dataset_and_undo_switches_back(qtbot, panel, project):
    qtbot.mouseClick(panel.thumbnails["circle"], Qt.MouseButton.LeftButton)
    assert project.data.source.name == "circle"
    assert panel.thumbnails["circle"].isChecked()
    assert not panel.thumbnails["spiral"].isChecked()
    assert "Circle" in panel.description.text()
    # The other settings carry over to the new dataset.
    assert (project.data.source.samples, project.data.source.noise) == (500, 0.1)

    qtbot.mouseClick(panel.thumbnails["plane"], Qt.MouseButton.LeftButton)
    assert project.data.task == "regression"
    assert project.shape.task == "regression"

    project.undo_stack.undo()
    assert project.data.source.name == "circle"
    project.undo_stack.undo()
    assert project.data.source.name == "spiral"
    assert panel.thumbnails["spiral"].isChecked()
    assert "Spiral" in panel.description.text()


def test_noise_steps_are_undoable_and_shown(qtbot, panel, project):
    qtbot.keyClick(panel.noise, Qt.Key.Key_Right)
    assert project.data.source.noise == pytest.approx(0.11)
    assert panel.noise_value.text() == "0.11"
    qtbot.keyClick(panel.noise, Qt.Key.Key_PageUp)
    assert project.data.source.noise == pytest.approx(0.16)
    # Two separate changes are two undo steps.
    project.undo_stack.undo()
    assert project.data.source.noise == pytest.approx(0.11)
    project.undo_stack.undo()
    assert project.data.source.noise == pytest.approx(0.10)
    assert panel.noise.value() == 10
    assert panel.noise_value.text() == "0.10"


def test_noise_goes_to_the_playgrounds_limit(qtbot, panel, project):
    qtbot.keyClick(panel.noise, Qt.Key.Key_End)
    assert project.data.source.noise == pytest.approx(0.5)


def test_sample_count_is_undoable_and_updates_the_summary(qtbot, panel, project):
    panel.samples.lineEdit().selectAll()
    qtbot.keyClicks(panel.samples.lineEdit(), "800")
    qtbot.keyClick(panel.samples.lineEdit(), Qt.Key.Key_Return)
    assert project.data.source.samples == 800
    assert panel.summary.text() == "480 training points, 160 validation, 160 test."
    project.undo_stack.undo()
    assert project.data.source.samples == 500
    assert panel.samples.value() == 500
    assert panel.summary.text() == "300 training points, 100 validation, 100 test."


def test_train_validation_share_is_undoable(qtbot, panel, project):
    qtbot.keyClick(panel.train_share, Qt.Key.Key_Right)
    assert project.data.val_fraction == pytest.approx(0.15)
    assert project.data.test_fraction == pytest.approx(0.2)  # the test share stays
    assert panel.ratio_value.text() == "65 / 15"
    assert panel.summary.text() == "325 training points, 75 validation, 100 test."
    project.undo_stack.undo()
    assert project.data.val_fraction == pytest.approx(0.2)
    assert panel.ratio_value.text() == "60 / 20"


def test_test_share_is_undoable_and_keeps_the_validation_share(qtbot, panel, project):
    qtbot.keyClick(panel.test_share, Qt.Key.Key_Home)
    assert project.data.test_fraction == 0
    assert project.data.val_fraction == pytest.approx(0.2)
    assert panel.test_value.text() == "0 %"
    assert panel.ratio_value.text() == "80 / 20"
    assert panel.summary.text() == "400 training points, 100 validation."
    qtbot.keyClick(panel.test_share, Qt.Key.Key_End)  # the most it keeps back
    assert project.data.test_fraction == pytest.approx(0.4)
    assert panel.summary.text() == "200 training points, 100 validation, 200 test."
    project.undo_stack.undo()
    project.undo_stack.undo()
    assert project.data.test_fraction == pytest.approx(0.2)
    assert panel.test_value.text() == "20 %"


def test_a_test_share_leaves_training_its_least_share(qtbot, panel, project):
    qtbot.keyClick(panel.train_share, Qt.Key.Key_Home)  # 10 % training, 70 % validation
    assert project.data.val_fraction == pytest.approx(0.7)
    qtbot.keyClick(panel.test_share, Qt.Key.Key_End)  # 40 % test: validation gives way
    assert project.data.test_fraction == pytest.approx(0.4)
    assert project.data.val_fraction == pytest.approx(0.5)
    assert project.data.problems() == []


def test_regenerate_draws_new_points_and_undo_brings_the_old_ones_back(qtbot, panel, project):
    before = make_toy(project.data.source)
    qtbot.mouseClick(panel.regenerate, Qt.MouseButton.LeftButton)
    assert project.data.source.seed == 1
    assert project.data.seed == 1  # the split follows the new seed too
    assert panel.seed_label.text() == "seed 1"
    assert not make_toy(project.data.source).equals(before)
    project.undo_stack.undo()
    assert project.data.source.seed == 0
    assert make_toy(project.data.source).equals(before)


def test_while_training_the_data_cannot_change(qtbot, panel, project):
    panel.set_training(True)
    assert panel.training_note.isVisible()
    controls = [
        *panel.thumbnails.values(),
        panel.noise,
        panel.samples,
        panel.train_share,
        panel.test_share,
    ]
    assert not any(w.isEnabled() for w in [*controls, panel.regenerate, panel.open_csv])
    qtbot.mouseClick(panel.thumbnails["circle"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.regenerate, Qt.MouseButton.LeftButton)
    assert project.data.source.name == "spiral"
    assert project.data.source.seed == 0

    panel.set_training(False)
    assert not panel.training_note.isVisible()
    assert all(w.isEnabled() for w in [*controls, panel.regenerate, panel.open_csv])
    qtbot.mouseClick(panel.thumbnails["circle"], Qt.MouseButton.LeftButton)
    assert project.data.source.name == "circle"


def test_open_csv_button_asks_the_window_to_open_a_file(qtbot, panel):
    with qtbot.waitSignal(panel.open_csv_requested, timeout=1000):
        qtbot.mouseClick(panel.open_csv, Qt.MouseButton.LeftButton)


def test_with_a_csv_no_picture_is_selected_and_one_click_goes_back(qtbot, panel, project):
    csv = DataSpec(
        source=CsvSource("/somewhere/iris.csv"),
        columns=(
            ColumnSpec("sepal_length"),
            ColumnSpec("species", "target", "categorical", "none", "most_frequent"),
        ),
    )
    project.edit("data", csv, "Open iris.csv")
    assert not any(b.isChecked() for b in panel.thumbnails.values())
    # The toy datasets' own controls do nothing for a table: they go.
    assert not panel.noise.isEnabled() and not panel.regenerate.isEnabled()
    assert not any(w.isVisible() for w in (panel.noise, panel.samples, panel.regenerate))
    assert panel.test_share.isVisible() and panel.train_share.isVisible()
    assert "iris.csv" in panel.csv_label.text()
    qtbot.keyClick(panel.train_share, Qt.Key.Key_Left)  # the split applies to a CSV too
    assert project.data.val_fraction == pytest.approx(0.25)
    qtbot.keyClick(panel.test_share, Qt.Key.Key_Right)
    assert project.data.test_fraction == pytest.approx(0.05)
    assert isinstance(project.data.source, CsvSource)

    qtbot.mouseClick(panel.thumbnails["xor"], Qt.MouseButton.LeftButton)
    assert project.data.source.name == "xor"
    assert panel.thumbnails["xor"].isChecked()
    assert panel.noise.isEnabled()
    assert all(w.isVisible() for w in (panel.noise, panel.samples, panel.regenerate))


def test_every_control_explains_itself(panel):
    widgets = [
        *panel.thumbnails.values(),
        panel.noise,
        panel.samples,
        panel.train_share,
        panel.test_share,
        panel.regenerate,
        panel.open_csv,
    ]
    assert all(w.toolTip() for w in widgets)


def test_thumbnails_are_drawn_once_and_reused(panel):
    from app.plots.toy_thumbnails import toy_thumbnail

    first = toy_thumbnail("spiral", 60)
    assert toy_thumbnail("spiral", 60) is first
    assert first.width() == first.height() == 60


# --- input features (TensorFlow Playground's x₁², sin x₁, ...) ---


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
