"""The output plot: data points by class and set, and the model's surface behind them."""

from __future__ import annotations

import contextlib
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from app.plots import colors
from app.plots.output_view import OutputView, grid_points
from app.project import Project
from core.data_spec import ToySource
from core.dataset import load_frame, prepare_data
from core.errors import DataError
from core.plot_points import PLOT_POINTS_PER_SPLIT, PlotPoints, sample_plot_points
from core.training_process.commands import SetPlane
from core.training_process.messages import FeatureRange

G = 40


@pytest.fixture
def project() -> Project:
    return Project()


def engine_points(project: Project, features: tuple[str, str] = ("x1", "x2")) -> PlotPoints:
    """What the training process sends for the project's data once it has split it."""
    frame = load_frame(project.data.source)
    return sample_plot_points(frame, prepare_data(project.data, frame), features)


@pytest.fixture
def view(qtbot, project) -> OutputView:
    widget = OutputView(project)
    qtbot.addWidget(widget)
    widget.resize(420, 460)
    widget.show()
    qtbot.waitExposed(widget)

    # As the window wires the engine: each data change comes back as the new split's points.
    def engine(field: str) -> None:
        if field == "data":
            # A file that cannot be read: the engine answers with an error instead.
            with contextlib.suppress(DataError, OSError):
                widget.show_points(engine_points(project))

    project.changed.connect(engine)
    engine("data")
    return widget


def pixel(view: OutputView, x: float, y: float) -> QColor:
    """The colour the user sees at data coordinates (x, y)."""
    image = view.plot.grab().toImage()  # paints, which also settles the view's transform
    where = view.plot.mapFromScene(view.viewbox.mapViewToScene(QPointF(x, y)))
    return image.pixelColor(where)


def is_blue(c: QColor) -> bool:
    return c.blue() > c.red() + 60


def is_orange(c: QColor) -> bool:
    return c.red() > c.blue() + 60


def is_pale(c: QColor) -> bool:
    return min(c.red(), c.green(), c.blue()) > 200


def few_points(view: OutputView, split=("train", "train", "test")) -> None:
    x = np.array([[-5.0, -5.0], [5.0, 5.0], [5.0, -5.0]])
    view.set_points(x, np.array([0, 1, 1]), np.array(split), "classification", ("blue", "orange"))


def test_opens_with_the_projects_points_and_no_surface(view, project):
    prepared = prepare_data(project.data)
    assert len(view.scatter["train"].data) == len(prepared.train) == 300
    assert len(view.scatter["val"].data) == len(prepared.val) == 100
    assert not view.scatter["test"].isVisible()  # until "Show test data" is ticked
    view.show_test.click()
    assert len(view.scatter["test"].data) == len(prepared.test) == 100
    view.show_test.click()
    assert not view.has_surface
    text = view.legend.text()
    assert "blue" in text and "orange" in text
    axes = view.plot.getPlotItem()
    assert axes.getAxis("bottom").labelText == "x1"
    assert axes.getAxis("left").labelText == "x2"


def test_points_are_drawn_in_their_class_colour(view):
    few_points(view)
    assert is_blue(pixel(view, -5, -5))
    assert is_orange(pixel(view, 5, 5))


def test_test_points_appear_only_when_asked(qtbot, view):
    few_points(view)
    assert view.show_test.isEnabled()
    assert not view.show_test.isChecked()
    assert is_pale(pixel(view, 5, -5))  # nothing drawn there yet
    view.show_test.click()
    assert is_orange(pixel(view, 5, -5))
    view.show_test.click()
    assert is_pale(pixel(view, 5, -5))


def test_a_toy_datasets_test_points_show_on_request(qtbot, view, project):
    assert view.show_test.isEnabled()  # a toy dataset keeps a test share
    qtbot.mouseClick(view.show_test, Qt.MouseButton.LeftButton)
    assert view.scatter["test"].isVisible()
    assert "test" in view.marks.text()


def test_the_toggle_is_off_when_the_data_has_no_test_set(view, project):
    project.edit("data", replace(project.data, test_fraction=0.0), "No test set")
    assert not view.show_test.isEnabled()


def test_points_follow_the_project(view, project):
    view.show_test.click()  # every set drawn
    project.set_toy(ToySource("circle", 300, 0.0, 4))
    assert sum(len(view.scatter[s].data) for s in ("train", "val", "test")) == 300
    project.undo_stack.undo()
    assert sum(len(view.scatter[s].data) for s in ("train", "val", "test")) == 500


def test_the_view_draws_the_engines_points_as_sent(view, project):
    points = engine_points(project)
    train = view.scatter["train"].data
    np.testing.assert_array_equal(
        np.column_stack([train["x"], train["y"]]), points.x[points.split == 0]
    )


def first(points: PlotPoints, n: int, features: tuple[str, str]) -> PlotPoints:
    return replace(
        points, features=features, x=points.x[:n], target=points.target[:n], split=points.split[:n]
    )


def test_points_for_another_plane_than_shown_are_not_drawn(view, project):
    points = engine_points(project)
    view.show_points(first(points, 5, ("x2", "x1")))
    assert len(view.scatter["train"].data) == 5  # the same two features: drawn, axes as sent
    axes = view.plot.getPlotItem()
    assert axes.getAxis("bottom").labelText == "x2"
    view.show_points(first(points, 3, ("x1", "other")))
    assert len(view.scatter["train"].data) == 5


def test_no_set_ever_draws_more_than_the_cap(view):
    n = 3 * PLOT_POINTS_PER_SPLIT
    x = np.random.default_rng(0).normal(size=(n, 2))
    view.set_points(
        x, np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.uint8), "classification", ("a", "b")
    )
    assert len(view.scatter["train"].data) == PLOT_POINTS_PER_SPLIT


def test_surface_is_refilled_in_place(view):
    few_points(view, split=("train", "train", "train"))
    items_before = list(view.viewbox.addedItems)
    item = view.surface_item
    extent = view.extent()
    view.set_surface(np.zeros((G, G)), extent, "classification", ("blue", "orange"))
    first = item.image.copy()
    for p in (0.25, 0.5, 1.0):
        view.set_surface(np.full((G, G), p), extent, "classification", ("blue", "orange"))
    assert view.surface_item is item
    assert list(view.viewbox.addedItems) == items_before
    assert not np.array_equal(item.image, first)
    assert view.has_surface


def test_heatmap_colours_show_the_probability_of_each_class(view):
    few_points(view, split=("train", "train", "train"))
    extent = view.extent()
    # p(orange) rises from 0 on the left to 1 on the right.
    xy = grid_points(extent, G)
    p = np.clip((xy[:, 0] + 2.5) / 5, 0, 1).reshape(G, G)
    view.set_surface(p, extent, "classification", ("blue", "orange"))
    assert is_blue(pixel(view, -4, 0))
    assert is_pale(pixel(view, 0, 0))  # 50/50: undecided, near white
    assert is_orange(pixel(view, 4, 0))
    # The points stay visible on top, and the surface is lighter than them.
    point = pixel(view, -5, -5)
    background = pixel(view, -4, 0)
    assert is_blue(point) and point.lightness() < background.lightness()

    view.clear_surface()
    assert not view.has_surface
    assert not is_blue(pixel(view, -4, 0))


def test_surface_rows_run_bottom_to_top(view):
    few_points(view, split=("train", "train", "train"))
    extent = view.extent()
    xy = grid_points(extent, G)
    view.set_surface(
        (xy[:, 1] > 0).astype(float).reshape(G, G), extent, "classification", ("blue", "orange")
    )
    assert is_orange(pixel(view, 0, 4))
    assert is_blue(pixel(view, 0, -4))


def test_regression_colours_values_and_shows_a_scale(view, project):
    project.set_toy(ToySource("plane", 400, 0.0, 0))
    assert view.gradient.isVisible() and not view.legend.isVisible()
    assert "blue" not in view.legend.text()
    # The points go from orange (low) to blue (high) along the diagonal.
    train = view.scatter["train"].data
    xy = np.column_stack([train["x"], train["y"]])
    low, high = xy.sum(axis=1).argmin(), xy.sum(axis=1).argmax()
    assert is_orange(train["brush"][low].color())
    assert is_blue(train["brush"][high].color())

    extent = view.extent()
    g = grid_points(extent, G)
    view.set_surface(((g[:, 0] + g[:, 1]) / 10).reshape(G, G), extent, "regression", ())
    assert view.has_surface
    assert is_orange(pixel(view, -5, -5))
    assert is_blue(pixel(view, 5, 5))
    assert is_pale(pixel(view, -5, 5))


def test_multiclass_surface_shows_each_class_in_its_own_hue(view):
    names = ("a", "b", "c")
    x = np.array([[-4.0, -4.0], [4.0, 4.0], [4.0, -4.0]])
    view.set_points(x, np.array([0, 1, 2]), np.array(["train"] * 3), "classification", names)
    assert all(name in view.legend.text() for name in names)
    extent = view.extent()
    g = grid_points(extent, G)
    probs = np.zeros((G * G, 3))
    probs[:, 2] = 0.1
    probs[:, 0] = np.where(g[:, 0] < 0, 0.85, 0.05)
    probs[:, 1] = 0.9 - probs[:, 0]
    values = colors.encode_class_probabilities(probs).reshape(G, G)
    view.set_surface(values, extent, "classification", names)
    assert is_blue(pixel(view, -2, 2))
    assert is_orange(pixel(view, 2, 2))
    # Class c is green, nowhere predicted, but its point is.
    third = pixel(view, 4, -4)
    assert third.green() > third.red() and third.green() > third.blue()


def test_a_new_dataset_keeps_the_surface_only_when_it_still_applies(view, project):
    extent = view.extent()
    view.set_surface(np.full((G, G), 0.9), extent, "classification", ("blue", "orange"))
    project.set_toy(ToySource("circle", 500, 0.1, 0))
    assert view.has_surface  # same task and classes: the model's picture is still true
    project.set_toy(ToySource("plane", 500, 0.1, 0))
    assert not view.has_surface  # a classifier's surface means nothing on a regression task


def test_data_that_is_not_two_dimensional_shows_a_message(view, project):
    from core.data_spec import ColumnSpec, CsvSource, DataSpec

    spec = DataSpec(  # one numeric feature: nothing to span a plane with
        source=CsvSource("/nowhere/wide.csv"),
        columns=(ColumnSpec("a"), ColumnSpec("b", kind="categorical"), ColumnSpec("y", "target")),
        task="regression",
    )
    project.edit("data", spec, "Open wide.csv")
    assert view.message.isVisible()
    assert not view.plot.isVisible()
    project.undo_stack.undo()
    assert view.plot.isVisible()
    assert not view.message.isVisible()


def test_show_test_checkbox_is_a_real_checkbox(qtbot, view):
    few_points(view)
    qtbot.mouseClick(view.show_test, Qt.MouseButton.LeftButton)
    assert view.scatter["test"].isVisible()


# --- more than two features: the others are held at values the user can move --------------


def wide_data(project: Project) -> tuple[FeatureRange, ...]:
    """Four features: the plane spans two, `depth` and `island` are held (no file is read)."""
    from core.data_spec import ColumnSpec, CsvSource, DataSpec

    spec = DataSpec(
        source=CsvSource("/nowhere/penguins.csv"),
        columns=(
            ColumnSpec("bill"),
            ColumnSpec("flipper"),
            ColumnSpec("depth"),
            ColumnSpec("island", kind="categorical"),
            ColumnSpec("species", "target"),
        ),
        task="classification",
    )
    project.edit("data", spec, "Open penguins.csv")
    return (
        FeatureRange("bill", 44.0, 32.0, 60.0),
        FeatureRange("flipper", 197.0, 172.0, 231.0),
        FeatureRange("depth", 17.3, 13.1, 21.5),
        FeatureRange("island", "Biscoe", categories=("Biscoe", "Dream", "Torgersen")),
    )


def test_the_plot_says_what_the_other_features_are_held_at(qtbot, view, project):
    ranges = wide_data(project)
    held = (("depth", 17.3), ("island", "Biscoe"))
    view.show_plane(("bill", "flipper"), ranges, held)
    assert view.held.isVisible() and not view.held.area.isVisible()  # closed until asked
    assert view.held.summary.text() == "Other features held at: depth 17.3, island Biscoe"
    view.set_surface(np.zeros((G, G)), (32, 60, 172, 231), "classification", ("a", "b"), held)
    assert "depth 17.3" in view.held.summary.text()

    qtbot.mouseClick(view.held.toggle, Qt.MouseButton.LeftButton)
    assert view.held.area.isVisible()
    slider = view.held.rows["depth"].control
    assert slider.minimum() < slider.value() < slider.maximum()  # the median, mid-range
    island = view.held.rows["island"].control
    assert [island.itemText(i) for i in range(island.count())] == ["Biscoe", "Dream", "Torgersen"]
    assert island.currentText() == "Biscoe"


def test_moving_a_slider_asks_for_that_slice_a_few_times_a_drag(qtbot, view, project):
    view.show_plane(("bill", "flipper"), wide_data(project), ())  # all at their defaults
    sent: list[SetPlane] = []
    view.plane_requested.connect(sent.append)
    view.held.toggle.click()
    slider = view.held.rows["depth"].control
    for position in range(slider.value(), slider.maximum() + 1):  # a drag to the right end
        slider.setValue(position)
    qtbot.waitUntil(lambda: bool(sent) and dict(sent[-1].held)["depth"] == 21.5)
    assert len(sent) <= 2  # the drag took no time: its last value, perhaps one before
    assert sent[-1] == SetPlane("bill", "flipper", (("depth", 21.5), ("island", "Biscoe")))
    view.held.rows["island"].control.setCurrentText("Dream")
    qtbot.waitUntil(lambda: dict(sent[-1].held)["island"] == "Dream")
    view.held.reset.click()
    qtbot.waitUntil(lambda: sent[-1].held == (("depth", 17.3), ("island", "Biscoe")))


def test_a_feature_leaving_the_plane_is_held_at_its_median(qtbot, view, project):
    view.show_plane(("bill", "flipper"), wide_data(project), (("depth", 20.0),))
    with qtbot.waitSignal(view.plane_requested) as request:
        view.choose_plane("bill", "depth")
    # depth is on the plane now; flipper is held, at its median; island keeps its value.
    assert request.args[0] == SetPlane("bill", "depth", (("flipper", 197.0), ("island", "Biscoe")))
    assert [name for name, _ in view.held.values] == ["flipper", "island"]


def test_two_features_hold_nothing(view):
    assert not view.held.isVisible()  # the toy data: the plane is all of it


def test_computed_input_features_keep_the_plot_over_x1_and_x2(view, project):
    source = project.data.source
    project.set_toy(replace(source, features=("x1", "x2", "x1_sq", "sin_x2")))
    assert view.plane_features == ("x1", "x2")
    assert not view.plane_row.isVisibleTo(view)  # nothing to choose: the features are x1, x2's
    assert view.plot.isVisibleTo(view)
