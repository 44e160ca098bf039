"""The Predict tab with the real engine: a file's predictions are exactly `nnplay predict`'s,
the table sorts and shows the unsure rows, the one-row form follows typing, and bad files get a
message that names the problem while the window goes on working."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.panels.row_form import RowForm
from core.data_spec import ToySource
from core.dataset import load_frame, prepare_data
from core.toy import toy_data_spec

# Every test here shares a window with a real training process (torch loads in it): slow.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def window(qapp, steps):
    with steps.running_window(qapp) as w:
        w.tabs.setCurrentWidget(w.predict_panel)
        yield w


def predict_file(panel, qtbot, path) -> None:
    shown = panel.predictions
    panel.load(path)
    qtbot.waitUntil(lambda: panel.predictions is not shown, timeout=15_000)


def message_after_loading(panel, qtbot, path) -> str:
    panel.load(path)
    qtbot.waitUntil(lambda: panel.status.property("role") == "error", timeout=15_000)
    return panel.status.text()


def test_file_predictions_are_exactly_nnplay_predicts(window, qtbot, steps, tmp_path):
    spec = steps.use_csv(window, qtbot, "iris.csv", "species", epochs=40, rate=0.03)
    steps.train(window, qtbot)
    panel = window.predict_panel
    # New rows: no target, an extra column, a gap (imputed as in training).
    rows = load_frame(spec.source).drop(columns=["species"]).iloc[::3].copy()
    rows["note"] = "extra"
    rows.iloc[4, 0] = np.nan
    new = tmp_path / "new.csv"
    rows.to_csv(new, index=False)
    predict_file(panel, qtbot, new)
    model = tmp_path / "iris.nnp"
    steps.save_model(window, qtbot, model)
    cli = steps.nnplay("predict", model, "--data", new, "--out", tmp_path / "cli.csv")
    ours = tmp_path / "window.csv"
    with qtbot.waitSignal(panel.saved, timeout=10_000):
        panel.save(ours)
    steps.output(cli)
    assert ours.read_bytes() == (tmp_path / "cli.csv").read_bytes()

    table = panel.model
    assert table.rowCount() == 50 and panel.pages.currentWidget() is panel.table
    assert table.headers[:5] == [
        "prediction",
        "confidence",
        "probability_setosa",
        "probability_versicolor",
        "probability_virginica",
    ]
    assert table.headers[5:] == [*rows.columns]
    # Least confident first: the top row is the least sure, and tinted when unsure.
    panel.unsure_button.click()
    confidence = [table.value(r, 1) for r in range(table.rowCount())]
    assert confidence == sorted(confidence)
    top = table.index(0, 0)
    assert (table.data(top, Qt.ItemDataRole.BackgroundRole) is not None) == (
        confidence[0] < table.threshold
    )
    assert f"50 rows, {table.n_unsure:,} unsure" in panel.file_label.text()
    # Any column sorts from the header, numbers as numbers.
    panel.table.sortByColumn(table.column_of("petal_length"), Qt.SortOrder.DescendingOrder)
    lengths = [table.value(r, table.column_of("petal_length")) for r in range(50)]
    assert lengths == sorted(lengths, reverse=True)


def test_one_row_form_predicts_as_you_type(window, qtbot):
    form = window.predict_panel.form
    assert list(form.fields) == ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    assert len(form.bars.labels) == 3
    qtbot.waitUntil(lambda: form.result.text() != "—", timeout=5000)
    form.fields["petal_length"].clear()
    qtbot.keyClicks(form.fields["petal_length"], "1.2")
    form.fields["petal_width"].setText("0.2")
    qtbot.waitUntil(lambda: form.result.text().startswith("setosa"), timeout=5000)
    assert form.bars.class_names[form.bars.shown[0]] == "setosa"
    form.fields["petal_length"].setText("6.5")
    form.fields["petal_width"].setText("2.4")
    qtbot.waitUntil(lambda: form.result.text().startswith("virginica"), timeout=5000)
    form.fields["petal_width"].setText("wide")
    qtbot.waitUntil(lambda: form.problem.isVisible(), timeout=2000)
    assert "petal_width" in form.problem.text() and "'wide'" in form.problem.text()
    form.fields["petal_width"].setText("")  # missing: imputed as in training
    qtbot.waitUntil(lambda: not form.problem.isVisible(), timeout=5000)


def test_bad_files_are_named_and_the_window_goes_on(window, qtbot, tmp_path):
    panel = window.predict_panel
    shown = panel.predictions
    rows = load_frame(window.project.data.source).drop(columns=["species"])

    missing = tmp_path / "missing.csv"
    rows.drop(columns=["petal_width", "sepal_length"]).to_csv(missing, index=False)
    text = message_after_loading(panel, qtbot, missing)
    assert "missing.csv" in text and "'sepal_length'" in text and "'petal_width'" in text
    assert panel.predictions is shown and panel.model.rowCount() == 50  # the table stays

    wordy = tmp_path / "wordy.csv"
    bad = rows.astype({"sepal_width": object})
    # Text in 20 of 150 rows: too much to be stray marks of a missing value (core.value_checks)
    bad.iloc[7:27, 1] = "wide"
    bad.to_csv(wordy, index=False)
    text = message_after_loading(panel, qtbot, wordy)
    assert "'sepal_width'" in text and "row 8" in text and "'wide' is not a number" in text

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty.csv" in message_after_loading(panel, qtbot, empty)

    # Still working: another file predicts, and so does the form.
    good = tmp_path / "good.csv"
    rows.iloc[:10].to_csv(good, index=False)
    predict_file(panel, qtbot, good)
    assert panel.model.rowCount() == 10 and panel.status.property("role") == "muted"
    form = panel.form
    form.fields["petal_length"].setText("1.0")
    form.fields["petal_width"].setText("0.1")
    qtbot.waitUntil(lambda: form.result.text().startswith("setosa"), timeout=5000)


def test_regression_file_and_categorical_fields(window, qtbot, steps, tmp_path):
    spec = steps.use_csv(window, qtbot, "diabetes.csv", "progression", epochs=2)
    panel = window.predict_panel
    form = panel.form
    qtbot.waitUntil(lambda: "progression" in form.result.text(), timeout=5000)
    assert not form.bars.isVisible()
    rows = load_frame(spec.source).iloc[:20]
    path = tmp_path / "with_target.csv"
    rows.to_csv(path, index=False)  # the target column may be there: it is carried along
    predict_file(panel, qtbot, path)
    assert panel.model.headers[0] == "prediction" and "confidence" not in panel.model.headers
    assert not panel.unsure_button.isEnabled()
    values = [panel.model.value(r, 0) for r in range(20)]
    assert np.isfinite(values).all()


def test_saving_suggests_the_files_folder_but_never_the_apps_own(
    window, steps, tmp_path, monkeypatch
):
    from pathlib import Path

    panel = window.predict_panel
    home = tmp_path / "home"
    monkeypatch.setattr(Path, "home", lambda: home)
    monkeypatch.setattr(panel, "_last_folder", "")
    asked, saved = [], []
    answer = tmp_path / "elsewhere" / "mine.csv"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda parent, title, suggested, filters: (asked.append(suggested), (str(answer), ""))[1],
    )
    monkeypatch.setattr(panel, "save", saved.append)

    monkeypatch.setattr(panel, "path", str(tmp_path / "new_rows.csv"))
    panel._on_save_clicked()  # as the Save predictions… button does
    assert asked[-1] == str(tmp_path / "new_rows_predictions.csv")
    assert saved == [str(answer)]

    # An example file of the app's own: the folder saved to last, or else the home folder.
    monkeypatch.setattr(panel, "path", str(steps.DATA / "iris.csv"))
    panel._on_save_clicked()
    assert asked[-1] == str(answer.parent / "iris_predictions.csv")
    monkeypatch.setattr(panel, "_last_folder", "")
    assert panel.suggested_save_path() == str(home / "iris_predictions.csv")


def test_a_new_file_shows_its_predictions_and_new_data_clears_the_old_table(
    window, qtbot, steps, tmp_path
):
    spec = steps.use_csv(window, qtbot, "iris.csv", "species", epochs=2)
    panel = window.predict_panel
    rows = load_frame(spec.source).iloc[:30].copy()
    for i in range(30):  # wide enough to scroll sideways
        rows[f"extra_{i}"] = i
    wide = tmp_path / "wide.csv"
    rows.to_csv(wide, index=False)
    predict_file(panel, qtbot, wide)
    bar = panel.table.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())  # the user looks at the last columns
    assert panel.table.columnViewportPosition(0) < 0
    other = tmp_path / "other.csv"
    rows.iloc[:10].to_csv(other, index=False)
    predict_file(panel, qtbot, other)
    prediction = panel.model.column_of("prediction")
    left = panel.table.columnViewportPosition(prediction)
    assert 0 <= left < panel.table.viewport().width()  # the prediction is in view

    # Other data: the iris table cannot be predicted again by a diabetes model.
    steps.use_csv(window, qtbot, "diabetes.csv", "progression", epochs=2)
    qtbot.waitUntil(lambda: panel.pages.currentWidget() is panel.placeholder, timeout=5000)
    assert panel.model.rowCount() == 0 and not panel.file_label.isVisible()
    assert "data changed" in panel.status.text()
    assert "trained since" not in panel.status.text()
    assert not panel.again_button.isEnabled() and not panel.save_button.isEnabled()


def test_one_row_form_asks_for_x1_and_x2_when_the_features_are_computed(qtbot):
    source = ToySource("circle", samples=50, features=("x1_sq", "sin_x2"))
    preprocessor = prepare_data(toy_data_spec(source)).preprocessor
    form = RowForm()
    qtbot.addWidget(form)
    form.set_model(preprocessor)
    assert list(form.fields) == ["x1", "x2"]
    form.fields["x1"].setText("2")
    form.fields["x2"].setText("0.5")
    row = form.row()
    assert row is not None and list(row.columns) == ["x1", "x2"]
    assert preprocessor.transform(row).tolist() == [[4.0, pytest.approx(0.4794255)]]
