"""Importing a CSV through the dialog: the real widgets, the background reader, the project.

The window here has no training process (nothing is trained); `test_csv_training.py` trains.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QComboBox

from app.dialogs.csv_import_dialog import (
    DEFAULT_SIZE,
    KIND,
    ROLE,
    CsvImportDialog,
    fitting_size,
)
from app.main_window import MainWindow
from app.recent_files import MAX_RECENT
from core.data_spec import CsvSource, ToySource

DATA = Path(__file__).resolve().parents[2] / "resources" / "data"
WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def recent_files_in_tmp(tmp_path, monkeypatch):
    """Each test starts with no recent files (the settings live in the app-data folder)."""
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path))


@pytest.fixture
def window(bare_window):
    return bare_window


def settled(dialog: CsvImportDialog) -> bool:
    """Nothing is being read or checked, and the dialog shows its verdict."""
    return not dialog.jobs.busy and not dialog._check_timer.isActive()


def open_dialog(qtbot, window: MainWindow, path: Path | str) -> CsvImportDialog:
    dialog = window.csv_import.open(str(path))
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    return dialog


def choose(combo: QComboBox, value: str) -> None:
    """Pick the item whose data (or text) is `value`, as a click on it would."""
    index = combo.findData(value)
    if index < 0:
        index = combo.findText(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def import_clicked(qtbot, dialog: CsvImportDialog) -> None:
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- the example files --------------------------------------------------------------------------


def test_import_iris_changes_the_data_the_network_and_the_panel_in_one_undoable_step(qtbot, window):
    project = window.project
    steps = project.undo_stack.count()
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    assert dialog.message == ""
    assert dialog.preview_model.columnCount() == 5 and dialog.preview_model.rowCount() == 100
    assert dialog.column_names() == [
        "sepal_length",
        "sepal_width",
        "petal_length",
        "petal_width",
        "species",
    ]
    assert dialog.target.currentText() == "species"
    assert "classification" in dialog.task.currentText()
    assert dialog.balance.bars == [("setosa", 50), ("versicolor", 50), ("virginica", 50)]
    # 60 / 20 / 20 by default, as a toy dataset: the Evaluation tab has a test split to score.
    assert "90 training rows, 30 validation, 30 test" in dialog.split_note.text()
    import_clicked(qtbot, dialog)

    assert isinstance(project.data.source, CsvSource)
    assert project.data.source.delimiter == "," and project.data.task == "classification"
    assert project.shape.n_inputs == 4
    assert project.shape.class_names == ("setosa", "versicolor", "virginica")
    assert project.undo_stack.count() == steps + 1
    assert project.undo_stack.undoText() == "Open iris.csv"
    assert window.network_panel.input_card.summary.text() == "4 values"
    label = window.data_panel.csv_label.text()
    assert "iris.csv" in label and "150 rows, 4 features, target <i>species</i>" in label
    # How many rows each set holds is the engine's to say (test_csv_training.py): none here.
    assert "training rows" not in label
    assert window.data_panel.csv_settings.isVisible()
    assert window.csv_import.recent_files() == [str((DATA / "iris.csv").resolve())]

    project.undo_stack.undo()
    assert isinstance(project.data.source, ToySource) and project.shape.n_inputs == 2
    assert window.network_panel.input_card.summary.text() == "2 values"
    project.undo_stack.redo()
    assert project.shape.n_inputs == 4 and project.shape.class_names[0] == "setosa"


@pytest.mark.parametrize(
    ("name", "task", "n_inputs", "n_classes"),
    [("breast_cancer", "classification", 30, 2), ("diabetes", "regression", 10, 0)],
)
def test_import_the_other_examples(qtbot, window, name, task, n_inputs, n_classes):
    dialog = open_dialog(qtbot, window, DATA / f"{name}.csv")
    assert task in dialog.task.currentText()
    if task == "regression":
        assert "Values from 25 to 346" in dialog.target_note.text()
        assert dialog.combo("progression", KIND).currentData() == "numeric"
    import_clicked(qtbot, dialog)
    shape = window.project.shape
    assert (shape.task, shape.n_inputs, len(shape.class_names)) == (task, n_inputs, n_classes)
    assert window.training_panel.loss.currentText()  # the loss follows the task


@pytest.mark.slow  # several reads of the file in the background, one after another
def test_changing_a_role_and_the_target(qtbot, window):
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    choose(dialog.combo("sepal_width", ROLE), "ignore")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert "3 network inputs" in dialog.split_note.text()
    assert not dialog.combo("sepal_width", KIND).isEnabled()

    choose(dialog.target, "petal_width")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert "regression" in dialog.task.currentText()
    # The old target is now a feature: its three classes become three one-hot inputs.
    assert dialog.combo("species", ROLE).currentData() == "feature"
    assert dialog.combo("species", KIND).currentData() == "categorical"
    assert dialog.combo("sepal_width", ROLE).currentData() == "ignore"  # the user's choice stays
    assert not dialog.combo("petal_width", ROLE).isEnabled()
    import_clicked(qtbot, window.csv_import.dialog or dialog)
    spec = window.project.data
    assert spec.target.name == "petal_width" and spec.task == "regression"
    assert window.project.shape.n_inputs == 2 + 3

    # Reopening shows the choices made, and changing the task back is one more undo step.
    dialog = window.csv_import.reopen()
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert dialog.target.currentText() == "petal_width"
    assert dialog.combo("sepal_width", ROLE).currentData() == "ignore"
    choose(dialog.combo("species", ROLE), "target")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    import_clicked(qtbot, dialog)
    assert window.project.data.target.name == "species"
    assert window.project.shape.class_names == ("setosa", "versicolor", "virginica")


def test_changing_the_delimiter_reparses_the_preview(qtbot, window, tmp_path):
    rows = "\n".join(f"{i},5;{i % 3},25;{'ab'[i % 2]}" for i in range(40))
    path = write(tmp_path, "semicolons.csv", f"width;height;label\n{rows}\n")
    dialog = open_dialog(qtbot, window, path)
    assert dialog.message == ""
    assert "semicolon" in dialog.delimiter.currentText()
    assert "," in dialog.decimal.currentText()
    assert dialog.preview_model.columnCount() == 3
    assert dialog.preview_model.data(dialog.preview_model.index(0, 0)) == "0.5"

    choose(dialog.delimiter, ",")
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.preview_model.columnCount() != 3 or dialog.message
    assert not dialog.import_button.isEnabled() or dialog.column_names() != [
        "width",
        "height",
        "label",
    ]

    choose(dialog.delimiter, ";")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert dialog.column_names() == ["width", "height", "label"]
    import_clicked(qtbot, dialog)
    assert window.project.data.source.delimiter == ";"


# --- bad files ----------------------------------------------------------------------------------


def _text_in_numbers(dialog: CsvImportDialog) -> None:
    choose(dialog.combo("size", KIND), "numeric")


BAD_FILES = [
    ("empty.csv", "", None, ["empty"]),
    ("header_only.csv", "a,b,label\n", None, ["header but no data rows"]),
    (
        "ragged.csv",
        "a,b,label\n1,2,x\n3,4,y\n5,6,x,9\n7,8,y\n",
        None,
        ["line 4", "data row 3", "4 fields", "expected 3"],
    ),
    (
        "single_class.csv",
        "a,b,label\n" + "".join(f"{i},{i * 2},same\n" for i in range(30)),
        None,
        ["single class", "'label'"],
    ),
    (
        "many_classes.csv",
        "a,b,code\n" + "".join(f"{i},{i % 7},c{i % 300}\n" for i in range(900)),
        None,
        ["300 distinct values", "200 classes"],
    ),
    (
        "text_in_numbers.csv",
        "a,size,label\n"
        # 'big' in 6 of 30 rows: too many to be stray marks of a missing value (core.value_checks)
        + "".join(f"{i % 7},{'big' if i % 5 == 0 else i % 4},{'xy'[i % 2]}\n" for i in range(30)),
        _text_in_numbers,
        ["'size'", "row ", "'big' is not a number"],
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "action", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_explained_in_the_dialog_and_the_project_is_unchanged(
    qtbot, window, tmp_path, name, text, action, expected
):
    project = window.project
    before, steps = project.data, project.undo_stack.count()
    dialog = open_dialog(qtbot, window, write(tmp_path, name, text))
    if action is not None:
        assert dialog.message == ""
        action(dialog)
        qtbot.waitUntil(lambda: settled(dialog) and dialog.message != "", timeout=WAIT_MS)
    message = dialog.message
    for words in expected:
        assert words in message, message
    assert dialog.banner.isVisible() and "Traceback" not in message
    assert not dialog.import_button.isEnabled()
    dialog.reject()
    assert project.data == before and project.undo_stack.count() == steps
    # The window goes on working.
    qtbot.mouseClick(window.data_panel.thumbnails["circle"], Qt.MouseButton.LeftButton)
    assert project.data.source.name == "circle"


def test_undecodable_bytes_are_named_when_utf8_is_chosen(qtbot, window, tmp_path):
    body = "a,b,city\n" + "".join(f"{i},{i},{'xy'[i % 2]}\n" for i in range(20))
    path = write(tmp_path, "latin.csv", body.encode() + "3,4,Mal\xe9\n".encode("latin-1"))
    dialog = open_dialog(qtbot, window, path)
    # Detected: it is not UTF-8, so it is read as Latin-1, and the dialog says so.
    assert "latin-1" in dialog.encoding.currentText().lower()
    assert "not valid UTF-8" in dialog.banner.text
    choose(dialog.encoding, "utf-8")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.message != "", timeout=WAIT_MS)
    assert "line 22" in dialog.message and "0xe9" in dialog.message
    assert not dialog.import_button.isEnabled()
    dialog.reject()


@pytest.mark.slow  # several reads of the file in the background, one after another
def test_features_can_be_chosen_when_the_engine_finds_none(qtbot, window, tmp_path):
    rows = "".join(f"{i},{i % 3},{'xy'[i % 2]}\n" for i in range(30))
    dialog = open_dialog(qtbot, window, write(tmp_path, "ids.csv", f"id,code,label\n{rows}"))
    # code 0,1,2 is numeric; only the id column is ignored.
    assert dialog.combo("id", ROLE).currentData() == "ignore"
    choose(dialog.combo("code", ROLE), "ignore")
    qtbot.waitUntil(lambda: settled(dialog) and "feature" in dialog.message, timeout=WAIT_MS)
    assert not dialog.import_button.isEnabled()
    choose(dialog.combo("id", ROLE), "feature")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert dialog.message == ""
    dialog.reject()


def test_cancel_leaves_the_project_as_it_was(qtbot, window):
    before = window.project.data
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible() and window.project.data == before
    assert window.csv_import.recent_files() == []


# --- ways to open a file ------------------------------------------------------------------------


def test_dropping_a_csv_on_the_window_opens_the_dialog(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(DATA / "iris.csv"))])
    event = QDropEvent(
        QPointF(QPoint(50, 50)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    dialog = window.csv_import.dialog
    assert dialog is not None and dialog.path.endswith("iris.csv")
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    dialog.reject()


def test_open_csv_is_in_the_file_menu_with_ctrl_o_and_a_recent_list(qtbot, window, tmp_path):
    importer = window.csv_import
    assert importer.open_action.shortcut().toString() == "Ctrl+O"
    file_menu = window.menuBar().actions()[0].menu()
    assert importer.open_action in file_menu.actions()
    assert importer.recent_menu.menuAction() in file_menu.actions()

    gone = write(tmp_path, "gone.csv", "a,b\n1,2\n")
    files = [write(tmp_path, f"t{i}.csv", "a,b\n1,2\n") for i in range(MAX_RECENT + 1)]
    for path in [gone, *files]:
        importer._remember(str(path))
    gone.unlink()
    importer._fill_recent_menu()
    recent = importer.recent_files()
    assert len(recent) == MAX_RECENT and recent[0].endswith(f"t{MAX_RECENT}.csv")

    importer._remember(str(gone))  # now missing: listed, greyed out
    importer._fill_recent_menu()
    actions = importer.recent_menu.actions()
    assert actions[0].text() == "gone.csv (not found)" and not actions[0].isEnabled()
    assert actions[1].isEnabled()
    actions[1].trigger()
    dialog = importer.dialog
    assert dialog is not None and dialog.path.endswith(f"t{MAX_RECENT}.csv")
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    dialog.reject()
    importer.clear_recent()
    assert importer.recent_files() == []


def test_the_example_tables_open_from_the_file_menu(qtbot, window):
    importer = window.csv_import
    file_menu = window.menuBar().actions()[0].menu()
    assert importer.examples_menu.menuAction() in file_menu.actions()
    actions = {a.text(): a for a in importer.examples_menu.actions()}
    assert set(actions) == {"iris.csv", "breast_cancer.csv", "diabetes.csv"}
    assert all(a.toolTip() for a in actions.values())  # each says what it holds
    actions["diabetes.csv"].trigger()
    dialog = importer.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    import_clicked(qtbot, dialog)
    assert window.project.shape.task == "regression" and window.project.shape.n_inputs == 10


# --- fitting small screens and large numbers ---------------------------------------------------


def test_a_csv_project_saved_without_a_test_share_keeps_none(qtbot, window):
    """New imports default to 20 % test; data chosen before keeps its own split."""
    from core.columns import auto_data_spec
    from core.dataset import load_frame

    source = CsvSource(str(DATA / "iris.csv"))
    old = auto_data_spec(load_frame(source), source, "species", val_fraction=0.25)
    assert old.test_fraction == 0.0
    window.project.edit("data", old, "Open an older project")
    dialog = window.csv_import.reopen()
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    assert (dialog.split_box.val_percent.value(), dialog.split_box.test_percent.value()) == (25, 0)
    assert "112 training rows, 38 validation" in dialog.split_note.text()
    import_clicked(qtbot, dialog)
    assert window.project.data.test_fraction == 0.0


def test_the_dialog_fits_a_768_pixel_high_screen(qtbot, window):
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    assert dialog.height() <= 700
    assert dialog.minimumSizeHint().height() <= 700
    assert dialog.minimumSizeHint().width() <= 1024


def test_large_numbers_read_in_full_in_the_columns_table(qtbot, window, tmp_path):
    from app.widgets.column_table import MAX, MEAN, MIN

    rows = "\n".join(f"{150_000 + 4_400 * i},{i % 3}" for i in range(10))
    dialog = open_dialog(qtbot, window, write(tmp_path, "prices.csv", "price,kind\n" + rows))
    row = dialog.column_names().index("price")
    table = dialog.columns
    assert [table.item(row, c).text() for c in (MIN, MAX)] == ["150,000", "189,600"]
    assert table.item(row, MEAN).text() == "169,800"
    for column in (MIN, MAX, MEAN):
        shown = table.fontMetrics().horizontalAdvance(table.item(row, column).text())
        assert shown < table.columnWidth(column), column


class _Screen:
    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)

    def availableGeometry(self) -> QRect:
        return QRect(0, 0, *self.size)


class _OnScreen:
    """A parent on a screen of the given free size."""

    def __init__(self, width: int, height: int) -> None:
        self._screen = _Screen(width, height)

    def screen(self):
        return self._screen


@pytest.mark.parametrize(
    ("free", "expected"),
    [((1024, 740), (921, 666)), ((1920, 1040), DEFAULT_SIZE), ((1280, 984), (1152, 680))],
)
def test_the_dialog_opens_no_larger_than_the_screen_it_is_on(free, expected):
    size = fitting_size(_OnScreen(*free))
    assert (size.width(), size.height()) == expected
    assert size.width() <= free[0] and size.height() <= free[1]


def test_the_dialog_is_sized_for_its_parents_screen(qtbot, window):
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    free = window.screen().availableGeometry()
    # No larger than 90% of the free area, unless that is below what its controls need.
    assert dialog.width() <= max(int(0.9 * free.width()), dialog.minimumSizeHint().width())
    assert dialog.height() <= max(int(0.9 * free.height()), dialog.minimumSizeHint().height())
    dialog.reject()


def test_infinite_values_and_stray_texts_are_said_and_import_as_missing(qtbot, window, tmp_path):
    rows = "".join(f"{i},{i * 0.5},{'ab'[i % 2]}\n" for i in range(40))
    odd = "1,inf,a\n2,-inf,b\n3,1e308,a\n4,?,b\n"
    dialog = open_dialog(qtbot, window, write(tmp_path, "odd.csv", f"x1,x2,label\n{rows}{odd}"))
    qtbot.waitUntil(lambda: "x2" in dialog.banner.text, timeout=WAIT_MS)
    text = dialog.banner.text
    assert "infinite" in text and "treated as missing" in text and "'?'" in text
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    dialog.reject()


def test_the_wheel_over_the_columns_table_never_changes_a_column(
    qtbot, window, tmp_path, wheel_down
):
    from PySide6.QtWidgets import QComboBox

    rows = "".join(f"{i},{i * 0.5},{'ab'[i % 2]}\n" for i in range(40))
    dialog = open_dialog(qtbot, window, write(tmp_path, "w.csv", f"x1,x2,label\n{rows}"))
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    table = dialog.columns
    combos = [
        w
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if isinstance(w := table.cellWidget(r, c), QComboBox)
    ]
    before = [c.currentText() for c in combos]
    for combo in combos:
        wheel_down(combo)
    assert [c.currentText() for c in combos] == before
    dialog.reject()


@pytest.mark.slow  # several reads of the file in the background, one after another
def test_opening_a_file_again_brings_back_its_choices(qtbot, window):
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    choose(dialog.combo("sepal_width", ROLE), "ignore")
    choose(dialog.target, "petal_width")
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    import_clicked(qtbot, window.csv_import.dialog or dialog)

    # File > Open Recent (or Open CSV) on the same file: its target and roles as chosen.
    again = open_dialog(qtbot, window, DATA / "iris.csv")
    qtbot.waitUntil(lambda: settled(again) and again.import_button.isEnabled(), timeout=WAIT_MS)
    assert again.target.currentText() == "petal_width"
    assert again.combo("sepal_width", ROLE).currentData() == "ignore"
    again.reject()


def test_the_proposed_target_is_the_first_thing_to_confirm(qtbot, window, tmp_path):
    rows = "".join(f"{i % 3},{30 + i},{2007 + i % 3}\n" for i in range(30))
    dialog = open_dialog(
        qtbot, window, write(tmp_path, "penguins.csv", f"species,bill,year\n{rows}")
    )
    qtbot.waitUntil(lambda: settled(dialog) and dialog.import_button.isEnabled(), timeout=WAIT_MS)
    proposal = dialog.target_box.proposal
    assert dialog.target.currentText() == "species"  # not the last column, year
    assert proposal.isVisible() and "species" in proposal.text() and "name says" in proposal.text()
    assert dialog.focusWidget() is dialog.target  # the keyboard is on it: confirm or pick another
    choose(dialog.target, "bill")
    qtbot.waitUntil(lambda: not proposal.isVisible(), timeout=WAIT_MS)
    dialog.reject()


def test_the_target_header_is_marked_whichever_read_finishes_first(qtbot, window):
    """The quick preview and the whole file are read on two threads; when the preview lands
    last, its fresh headers still mark the target (it was plain 'species' one time in two)."""
    dialog = open_dialog(qtbot, window, DATA / "iris.csv")
    model = dialog.preview_model

    def header() -> list[str]:
        return [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]

    assert "species (target)" in header()
    dialog._on_preview(dialog._preview)  # the preview arriving after the whole file was read
    assert "species (target)" in header()
    dialog.reject()
