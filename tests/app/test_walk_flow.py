"""Walking a row from the window, with the real training process: a point clicked on the spiral's
output plot while paused, a row number once finished, and a CSV with categories and gaps (a row
number, and a row of the Predict table)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPointF, Qt

from app.main_window import MainWindow
from core.dataset import load_frame, prepare_data
from core.spec import LayerSpec, NetworkSpec

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window(qapp, steps):
    w = steps.open_window(qapp)
    yield w
    w.project.undo_stack.setClean()
    w.close()
    w.deleteLater()
    qapp.processEvents()


def table_column(window: MainWindow, header: str) -> np.ndarray:
    table = window.walk_panel.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    c = headers.index(header)
    return np.array([float(table.item(r, c).text()) for r in range(table.rowCount())])


def walked(window: MainWindow, qtbot, before: object) -> None:
    qtbot.waitUntil(lambda: window.walk_panel.walk not in (None, before), timeout=15_000)


def test_a_clicked_point_of_the_paused_spiral_walks_from_raw_input_to_the_update(window, qtbot):
    project = window.project
    project.edit_network(NetworkSpec((LayerSpec(units=6, activation="tanh"),) * 2), "Small")
    project.edit_config("Short run", epochs=4, batch_size=32, learning_rate=0.02)
    qtbot.waitUntil(
        lambda: window.run.info is not None and window.run.info.parameters < 100, timeout=20_000
    )
    with qtbot.waitSignal(window.engine.paused, timeout=30_000):
        window.controls.step_button.click()  # one batch, then paused
    panel = window.walk_panel

    # Click a point on the output plot: the nearest row is walked, the Walk tab comes up.
    view = window.output_view
    x, y = 1.0, 1.0
    scene = view.viewbox.mapViewToScene(QPointF(x, y))
    pos = view.plot.mapFromScene(scene)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    walked(window, qtbot, None)
    assert window.tabs.currentWidget() is window.learn_panel  # Learn, at its walk page
    assert window.walk_page.on_screen()
    walk = panel.walk
    assert walk.step == 1 and walk.updates["adam"].state == "current"
    assert "row" in walk.row and str(walk.step) in panel.about.text()
    assert panel.split.currentData() == walk.split and panel.row.value() == walk.index + 1

    # Next through every page: the numbers in the tables are the walk's.
    pages = []
    while True:
        page = panel.pages[panel.index]
        pages.append(page.step)
        if page.step == 1 and page.layer == "dense1":
            np.testing.assert_allclose(
                table_column(window, "z = W a + b"), walk.forward[0].z, rtol=1e-5
            )
        if page.step == 2:
            assert walk.output.predicted in panel.text.text()
        if page.step == 3:
            assert table_column(window, "value")[1] == pytest.approx(walk.loss.value, rel=1e-5)
        if not panel.next_button.isEnabled():
            break
        panel.next_button.click()
    assert pages == [0, 1, 1, 1, 2, 3, 4, 4, 4, 5]
    update = walk.updates["adam"]
    np.testing.assert_allclose(
        table_column(window, "after")[:3],
        [p.after.reshape(-1)[0] for p in update.params[:3]],
        rtol=1e-5,
    )
    assert "step t = 2" in panel.text.text()

    # One more batch: the row shown is walked again with the new weights.
    window.controls.step_button.click()
    qtbot.waitUntil(lambda: panel.walk.step == 2, timeout=15_000)
    assert panel.walk.row == walk.row and "step t = 3" in panel.text.text()

    # Finished: a row by its number.
    with qtbot.waitSignal(window.engine.finished, timeout=30_000):
        window.controls.train_button.click()
    panel.split.setCurrentIndex(panel.split.findData("val"))
    panel.row.setValue(3)
    panel.walk_button.click()
    qtbot.waitUntil(lambda: panel.walk.row.startswith("validation row 3 of"), timeout=15_000)
    assert panel.walk.epoch == 4


def penguins(path) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 120
    species = rng.choice(["Adelie", "Chinstrap", "Gentoo"], n)
    bill = np.where(species == "Adelie", 38.0, np.where(species == "Gentoo", 47.0, 49.0))
    table = pd.DataFrame(
        {
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], n),
            "bill_length": (bill + rng.normal(0, 2, n)).round(1),
            "body_mass": (
                np.where(species == "Gentoo", 5000, 3700) + rng.normal(0, 300, n)
            ).round(),
            "sex": rng.choice(["male", "female"], n),
            "species": species,
        }
    )
    for column in ("island", "bill_length", "body_mass", "sex"):
        table.loc[rng.random(n) < 0.1, column] = None
    table.to_csv(path, index=False)
    return table


def test_a_csv_row_with_categories_and_gaps_walks_by_number_and_from_the_predict_table(
    window, qtbot, tmp_path, steps
):
    path = tmp_path / "penguins.csv"
    table = penguins(path)
    # An absolute path: the helper's folder of example files joins to it unchanged.
    spec = steps.use_csv(window, qtbot, str(path), "species", epochs=3)
    prepared = prepare_data(spec, load_frame(spec.source))
    steps.train(window, qtbot)

    # A training row with a missing value, by its number.
    rows = prepared.train.rows
    gappy = next(i for i, r in enumerate(rows) if table.iloc[r].isna().any())
    panel = window.walk_panel
    window.learn_panel.show_page(window.walk_page.holder)
    window.tabs.setCurrentWidget(window.learn_panel)
    panel.split.setCurrentIndex(panel.split.findData("train"))
    panel.row.setValue(gappy + 1)
    before = panel.walk
    panel.walk_button.click()
    walked(window, qtbot, before)
    walk = panel.walk
    np.testing.assert_allclose(walk.x, prepared.train.x[gappy], rtol=1e-5, atol=1e-6)
    panel.go_to_step(0)
    text = panel.text.text()
    assert "is missing → the" in text and "of the training rows" in text
    assert "one-hot over its" in text
    np.testing.assert_allclose(table_column(window, "value"), walk.x, rtol=1e-5)
    assert walk.updates["adam"].state == "current"  # Adam's m and v after 3 epochs

    # A row of the Predict table: its values walk, with its true class.
    window.predict_panel.load(path)
    qtbot.waitUntil(lambda: window.predict_panel.model.rowCount() == len(table), timeout=15_000)
    window.tabs.setCurrentWidget(window.predict_panel)
    index = window.predict_panel.model.index(0, 0)
    before = panel.walk
    window.predict_panel.table.doubleClicked.emit(index)
    walked(window, qtbot, before)
    assert window.tabs.currentWidget() is window.learn_panel  # Learn, at its walk page
    assert window.walk_page.on_screen()
    assert panel.walk.row == "the values entered"
    assert panel.walk.output.true == table.species.iloc[int(window.predict_panel.model.order[0])]
