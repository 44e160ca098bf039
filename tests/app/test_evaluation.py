"""The Evaluation tab and the output's feature picker, on the example CSVs, with the real engine.

The figures the window shows must be those `nnplay evaluate` prints for the same rows and the
same weights (the model is saved from the window and evaluated by the CLI in a subprocess).
One window and training process serve the module.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.dataset import load_frame

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window(qapp, steps):
    with steps.running_window(qapp) as w:
        yield w


def show_evaluation(window, qtbot, epoch: int):
    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(
        lambda: panel.evaluation is not None and panel.evaluation.epoch == epoch, timeout=10_000
    )
    return panel


def test_classification_matches_nnplay_evaluate_on_each_split(window, qtbot, steps, tmp_path):
    spec = steps.use_csv(window, qtbot, "iris.csv", "species", test_fraction=0.2)
    steps.train(window, qtbot)
    panel = show_evaluation(window, qtbot, epoch=5)
    model = tmp_path / "iris.nnp"
    steps.save_model(window, qtbot, model)
    frame = load_frame(spec.source)
    split_of = steps.split_of(window, spec)
    runs = {}
    for split in ("val", "test"):
        rows = split_of[split]
        path = tmp_path / f"{split}.csv"
        frame.iloc[rows].to_csv(path, index=False)
        runs[split] = steps.nnplay("evaluate", model, "--data", path, "--json")

    assert [panel.split.itemData(i) for i in range(panel.split.count())] == ["val", "test"]
    for split, run in runs.items():
        panel.split.setCurrentIndex(panel.split.findData(split))
        shown = panel.current_split().report
        expected = json.loads(steps.output(run).strip().splitlines()[-1])
        assert shown["confusion_matrix"] == expected["confusion_matrix"]
        assert shown["accuracy"] == expected["accuracy"]
        assert shown["f1"] == pytest.approx(expected["f1"])
        assert shown["loss"] == pytest.approx(expected["loss"], rel=1e-6)
        # ... and what is on screen says so.
        assert panel.pages.currentWidget() is panel.classification_page
        assert f"Accuracy {expected['accuracy']:.1%}" in panel.summary.text()
        assert f"{expected['n']} {'validation' if split == 'val' else 'test'} rows" in (
            panel.detail.text()
        )
        np.testing.assert_array_equal(panel.matrix.counts, expected["confusion_matrix"])
        assert [label.toPlainText() for label in panel.matrix.labels] == [
            str(v) for row in expected["confusion_matrix"] for v in row
        ]
        table = panel.table
        assert table.rowCount() == 3 and table.item(0, 0).text() == "setosa"
        assert table.item(1, 2).text() == f"{expected['recall'][1]:.3f}"


def test_regression_shows_predicted_against_actual_in_target_units(window, qtbot, steps, tmp_path):
    spec = steps.use_csv(window, qtbot, "diabetes.csv", "progression")
    steps.train(window, qtbot)
    panel = show_evaluation(window, qtbot, epoch=5)
    model = tmp_path / "diabetes.nnp"
    steps.save_model(window, qtbot, model)
    rows = load_frame(spec.source).iloc[steps.split_of(window, spec)["val"]]
    rows.to_csv(tmp_path / "val.csv", index=False)
    run = steps.nnplay("evaluate", model, "--data", tmp_path / "val.csv", "--json")

    assert not panel.split.isEnabled()  # no test rows kept back
    part = panel.current_split()
    assert panel.pages.currentWidget() is panel.regression_page
    x, y = panel.scatter.points.getData()
    np.testing.assert_array_equal(x, part.actual)
    np.testing.assert_array_equal(y, part.predicted)
    # In the target's units (to float32 precision: the engine standardises the target).
    np.testing.assert_allclose(np.sort(part.actual), np.sort(rows["progression"]), rtol=1e-6)
    counts = panel.residuals.bars.getData()[1]
    assert counts.sum() == len(rows)
    expected = json.loads(steps.output(run).strip().splitlines()[-1])
    for name in ("r2", "rmse", "mae", "loss"):
        assert part.report[name] == pytest.approx(expected[name], rel=1e-6)
    text = panel.summary.text()
    assert f"RMSE {expected['rmse']:.4g}" in text and "progression" in text


def test_evaluation_follows_training_and_the_plane_follows_the_picker(window, qtbot, steps):
    steps.use_csv(window, qtbot, "breast_cancer.csv", "diagnosis", epochs=0, test_fraction=0.2)
    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.evaluation is not None, timeout=10_000)
    assert panel.evaluation.epoch == 0  # the untrained model
    view = window.output_view
    assert view.plane_row.isVisible() and view.plane_x.count() == 30
    # The two features most related to the diagnosis, as the engine draws its surface.
    assert view.plane_features == ("worst perimeter", "worst concave points")
    qtbot.waitUntil(lambda: view.has_surface, timeout=10_000)

    window.controls.train_button.click()  # until stopped: evaluated every few seconds
    qtbot.waitUntil(lambda: panel.evaluation.epoch > 0, timeout=15_000)
    view.choose_plane("worst area", "worst smoothness")
    assert not view.has_surface  # the old plane's surface went with it
    qtbot.waitUntil(lambda: view.has_surface, timeout=10_000)
    assert view.plot.getPlotItem().getAxis("bottom").labelText == "worst area"
    window.controls.stop_button.click()
    qtbot.waitUntil(lambda: not window.run.is_active, timeout=10_000)
    # The finished state is evaluated too.
    ended = window.controls._epoch
    qtbot.waitUntil(lambda: panel.evaluation.epoch == ended, timeout=10_000)
    panel.split.setCurrentIndex(panel.split.findData("test"))
    assert panel.current_split().report["n"] == window.run.info.n_test


def test_a_long_evaluation_line_does_not_widen_the_window(window, qtbot, settle_layout):
    window.resize(1400, 900)
    settle_layout()
    width = window.width()
    panel = window.evaluation_panel
    window.tabs.setCurrentWidget(panel)
    panel.detail.setText("30 validation rows · loss 0.1766 · epoch 40 · " * 6)
    settle_layout()
    assert window.width() == width


def test_moving_a_held_feature_moves_the_slice(window, qtbot, steps):
    steps.use_csv(window, qtbot, "iris.csv", "species", epochs=5)
    steps.train(window, qtbot)
    view = window.output_view
    assert view.plane_features == ("petal_length", "petal_width")
    qtbot.waitUntil(lambda: view.has_surface and view.held.isVisible(), timeout=10_000)
    assert [name for name, _ in view.held.values] == ["sepal_length", "sepal_width"]
    qtbot.waitUntil(lambda: "sepal_width" in view.held.summary.text(), timeout=10_000)
    before = view.surface_item.image.copy()

    view.held.toggle.click()
    slider = view.held.rows["sepal_width"].control
    slider.setValue(slider.maximum())  # the widest sepals of the training rows
    widest = dict(view.held.values)["sepal_width"]
    said = f"sepal_width {view.held.rows['sepal_width'].shown.text()}"
    view.held.toggle.click()  # closed, the line names every value again
    qtbot.waitUntil(lambda: said in view.held.summary.text(), timeout=10_000)
    assert widest > 4  # iris's sepals are at most 4.4 cm wide
    assert not np.array_equal(view.surface_item.image, before)  # another slice of the model


def test_the_held_features_fit_a_small_screen(window, qtbot, steps, settle_layout):
    steps.use_csv(window, qtbot, "breast_cancer.csv", "diagnosis", epochs=0)
    view = window.output_view
    qtbot.waitUntil(lambda: view.held.isVisible() and len(view.held.values) == 28, timeout=10_000)
    window.resize(1024, 768)
    view.held.toggle.setChecked(True)
    try:
        settle_layout()
        assert (window.width(), window.height()) == (1024, 768)
        area = view.held.area
        corner = area.mapTo(window, area.rect().bottomRight())
        assert window.rect().contains(corner)
        assert area.verticalScrollBar().isVisible()  # 28 features scroll in a few rows' room
        assert view.plot.height() >= 120  # the plot stays a plot
        name = view.held.rows["worst radius"].name
        assert name.width() >= 60, name.width()  # names are read, if cut
    finally:
        view.held.toggle.setChecked(False)
        window.resize(1400, 900)
