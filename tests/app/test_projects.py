"""Projects from the window: save, reopen, unsaved changes, broken files, moved data, recovery.

One window and one training process serve most of the module (starting torch takes seconds);
each test starts from File > New. The recovery test starts a window of its own, as the next
start after a crash would.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from app import file_actions
from app.main_window import MainWindow
from app.project import DEFAULT_CONFIG, DEFAULT_NETWORK
from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.project import ProjectFile, load_project, save_project
from core.spec import LayerSpec, NetworkSpec, TrainConfig
from core.toy import make_toy
from core.training_process.commands import OpenProject, SaveProject

READY_TIMEOUT_S = 90
TIMEOUT_MS = 20_000
SMALL = NetworkSpec(layers=(LayerSpec(units=5, activation="tanh"),) * 2)
XOR = ToySource("xor", samples=300, noise=0.05, seed=2)


@pytest.fixture(scope="module")
def window(qapp, steps):
    w = steps.open_window(qapp)
    yield w
    w.close()
    w.deleteLater()
    qapp.processEvents()


@pytest.fixture
def fresh(window, qtbot):
    """The shared window after File > New (changes discarded), its new model built."""
    if window.files.error_box is not None:
        window.files.error_box.close()
    with qtbot.waitSignal(window.run.configured, timeout=TIMEOUT_MS):
        window.files.new()
    assert not window.isWindowModified()
    return window


def _design(w: MainWindow) -> tuple[object, ...]:
    return (w.project.data, w.project.network, w.project.config)


def _toy_project(path: Path, **config: object) -> Path:
    """A valid, untrained toy project written by core (as another session would have)."""
    data = auto_data_spec(make_toy(XOR), XOR, "label")
    save_project(path, ProjectFile(data, SMALL, TrainConfig(**config)))  # type: ignore[arg-type]
    return path


@pytest.mark.slow  # the shared window's training process
def test_an_edit_marks_the_title_and_saving_clears_it(fresh, qtbot, tmp_path):
    w = fresh
    assert w.windowTitle() == "Untitled[*] — NN Playground"
    w.project.edit_config("Faster", learning_rate=0.02)
    assert w.isWindowModified()

    path = tmp_path / "edited.nnproj"
    with qtbot.waitSignal(w.engine.project_saved, timeout=TIMEOUT_MS):
        w.files.save_to(path)
    assert not w.isWindowModified()
    assert w.windowTitle() == "edited[*] — NN Playground"
    assert load_project(path).config.learning_rate == 0.02
    assert w.files.recent_files()[0] == str(path.resolve())
    w.project.undo_stack.undo()
    assert w.isWindowModified()  # back before the saved state
    w.project.undo_stack.redo()
    assert not w.isWindowModified()


@pytest.mark.slow  # the shared window's training process
def test_a_trained_project_reopens_with_its_design_curves_and_predictions(
    fresh, qtbot, tmp_path, monkeypatch
):
    w = fresh
    w.project.set_toy(XOR)
    w.project.edit_network(SMALL, "Smaller network")
    w.project.edit_config("Four epochs", epochs=4, learning_rate=0.03)
    snapshots: list[object] = []
    w.engine.snapshot_received.connect(snapshots.append)
    qtbot.waitUntil(lambda: w.run.model_fits_design, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(w.engine.finished, timeout=TIMEOUT_MS):
        w.controls.train_button.click()
    steps = 4 * w.run.info.steps_per_epoch
    qtbot.waitUntil(lambda: snapshots and snapshots[-1].step == steps, timeout=5000)
    trained_output = snapshots[-1].output.copy()
    qtbot.waitUntil(lambda: w.plots.loss.epochs.n == 4, timeout=5000)
    curves = (w.plots.loss.epochs.y(0).copy(), w.plots.accuracy.epochs.y(1).copy())
    step_curves = (w.plots.loss.steps.y(0).copy(), w.plots.gradients.norms.y(0).copy())
    assert len(step_curves[0]) == steps  # a short run keeps every step
    design = _design(w)
    assert w.isWindowModified(), "training is an unsaved change"
    assert w.files.export_action.isEnabled()

    # File > Save As; the suffix is added to a name typed without it.
    path = tmp_path / "trained.nnproj"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "trained"), "")
    )
    # (The autosave after training may answer first: wait for this file's answer.)
    with qtbot.waitSignal(
        w.engine.project_saved, timeout=TIMEOUT_MS, check_params_cb=lambda s: s.path == str(path)
    ) as saved:
        w.files.save_as_action.trigger()
    assert saved.args[0].trained and path.is_file()
    assert not w.isWindowModified() and w.windowTitle().startswith("trained[*]")

    # File > New forgets it all...
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS):
        w.files.new_action.trigger()
    assert w.project.network == DEFAULT_NETWORK and w.project.config == DEFAULT_CONFIG
    assert w.plots.loss.epochs.n == 0 and not w.files.export_action.isEnabled()
    assert w.windowTitle().startswith("Untitled")

    # ...and File > Open brings back the design, the curves and the model's answers.
    snapshots.clear()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    with qtbot.waitSignal(w.engine.project_opened, timeout=TIMEOUT_MS):
        w.files.open_action.trigger()
    assert _design(w) == design
    qtbot.waitUntil(lambda: snapshots and w.plots.loss.epochs.n == 4, timeout=5000)
    np.testing.assert_allclose(snapshots[-1].output, trained_output, atol=1e-6)
    assert snapshots[-1].step == steps
    np.testing.assert_allclose(w.plots.loss.epochs.y(0), curves[0])
    np.testing.assert_allclose(w.plots.accuracy.epochs.y(1), curves[1])
    # The per-step loss and gradient curves come back too.
    qtbot.waitUntil(lambda: w.plots.loss.steps.n == steps, timeout=5000)
    np.testing.assert_allclose(w.plots.loss.steps.y(0), step_curves[0], rtol=1e-6)
    np.testing.assert_allclose(w.plots.gradients.norms.y(0), step_curves[1], rtol=1e-6)
    assert not w.isWindowModified() and w.windowTitle().startswith("trained[*]")
    assert w.files.export_action.isEnabled()
    # The counter agrees with the Evaluation tab: the saved run's last epoch, of its total.
    qtbot.waitUntil(lambda: w.controls.epoch_label[1].text() == "4 / 4", timeout=5000)
    w.project.edit_config("Ten epochs", epochs=10)  # with nothing running: the total follows
    assert w.controls.epoch_label[1].text() == "4 / 10"
    # The file itself, read by core: the same history the plots show.
    model = load_project(path).model
    assert model is not None
    np.testing.assert_allclose(model.history.column("train_loss"), curves[0])
    w.engine.snapshot_received.disconnect(snapshots.append)


def test_new_open_and_close_ask_about_unsaved_changes(qtbot, monkeypatch):
    w = MainWindow()  # no training process needed to ask
    w.show()
    w.project.edit_config("Slower", learning_rate=0.001)
    asked: list[str] = []
    answer = ["cancel"]

    def ask(parent, name):
        asked.append(name)
        return answer[0]

    monkeypatch.setattr(file_actions, "ask_to_save", ask)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: pytest.fail("opened"))
    w.close()
    assert w.isVisible(), "Cancel keeps the window open"
    w.files.new()
    w.files.open()
    assert asked == ["Untitled"] * 3
    assert w.project.config.learning_rate == 0.001 and w.isWindowModified()

    answer[0] = "discard"
    w.files.new()
    assert w.project.config == DEFAULT_CONFIG and not w.isWindowModified()
    w.project.edit_config("Slower", learning_rate=0.001)
    w.close()
    assert not w.isVisible() and len(asked) == 5
    w.deleteLater()


@pytest.mark.slow  # the shared window's training process
def test_save_from_the_question_writes_the_file_then_goes_on(fresh, qtbot, tmp_path, monkeypatch):
    w = fresh
    path = tmp_path / "kept.nnproj"
    with qtbot.waitSignal(w.engine.project_saved, timeout=TIMEOUT_MS):
        w.files.save_to(path)
    w.project.edit_config("Slower", learning_rate=0.004)
    monkeypatch.setattr(file_actions, "ask_to_save", lambda parent, name: "save")
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS):
        w.files.new()  # saves kept.nnproj first, then starts anew
    assert load_project(path).config.learning_rate == 0.004
    assert w.project.config == DEFAULT_CONFIG and not w.isWindowModified()


@pytest.mark.slow  # the shared window's training process
def test_a_failed_save_leaves_the_old_file_intact(fresh, qtbot, tmp_path):
    w = fresh
    path = tmp_path / "safe.nnproj"
    with qtbot.waitSignal(w.engine.project_saved, timeout=TIMEOUT_MS):
        w.files.save_to(path)
    before = path.read_bytes()
    w.project.edit_config("Slower", learning_rate=0.005)
    # Something in the way of the temporary file: the write fails part-way through saving.
    blocker = tmp_path / f".{path.name}.tmp"
    blocker.mkdir()
    (blocker / "in the way").touch()
    with qtbot.waitSignal(
        w.engine.failed, timeout=TIMEOUT_MS, check_params_cb=lambda f: f.command is SaveProject
    ):
        w.files.save_to(path)
    assert path.read_bytes() == before
    assert w.isWindowModified(), "what was not saved is still unsaved"
    assert w.files.error_box is not None and w.files.last_error


def _pickle_payload(path: Path, marker: Path) -> None:
    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    path.write_bytes(pickle.dumps(Payload()))


def _truncated(path: Path, _marker: Path) -> None:
    _toy_project(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _with_manifest(change: dict[str, object]):
    def make(path: Path, _marker: Path) -> None:
        _toy_project(path)
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("project.json"))
        manifest.update(change)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("project.json", json.dumps(manifest))

    return make


@pytest.mark.slow  # the shared window's training process
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_pickle_payload, "not a valid zip"),
        (_truncated, "not a valid zip"),
        (_with_manifest({"network": "three layers"}), "NetworkSpec: expected an object"),
        (_with_manifest({"config": {"epochs": "many"}}), "epochs"),
        (_with_manifest({"format_version": 99}), "newer NN Playground"),
    ],
    ids=["pickle", "truncated", "network-is-text", "epochs-is-text", "newer-version"],
)
def test_broken_and_hostile_files_are_refused_and_nothing_changes(
    fresh, qtbot, tmp_path, make, words
):
    w = fresh
    w.project.edit_config("Slower", learning_rate=0.003)
    before = (_design(w), w.project.undo_stack.index(), w.windowTitle(), w.files.path)
    path, marker = tmp_path / "bad.nnproj", tmp_path / "payload-ran"
    make(path, marker)
    with qtbot.waitSignal(
        w.engine.failed, timeout=TIMEOUT_MS, check_params_cb=lambda f: f.command is OpenProject
    ):
        w.files.open_path(path)
    assert words in w.files.last_error
    assert w.files.error_box is not None and w.files.error_box.isVisible()
    assert (_design(w), w.project.undo_stack.index(), w.windowTitle(), w.files.path) == before
    assert w.isWindowModified() and not marker.exists()
    # The app goes on working: the engine still answers.
    with qtbot.waitSignal(w.engine.project_saved, timeout=TIMEOUT_MS):
        w.files.save_to(tmp_path / "still-works.nnproj")


@pytest.mark.slow  # the shared window's training process
def test_a_moved_data_file_is_asked_for(fresh, qtbot, tmp_path, monkeypatch):
    w = fresh
    frame = make_toy(ToySource("circle", samples=200, seed=4))
    csv = tmp_path / "first" / "circle.csv"
    csv.parent.mkdir()
    frame.to_csv(csv, index=False)
    data = auto_data_spec(frame, CsvSource(str(csv)), "label")
    project = tmp_path / "projects" / "circle.nnproj"
    project.parent.mkdir()
    save_project(project, ProjectFile(data, SMALL, TrainConfig(epochs=3)))
    moved = tmp_path / "elsewhere" / "circle.csv"
    moved.parent.mkdir()
    shutil.move(csv, moved)

    # Cancelled: nothing opens.
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda parent, caption, *a: asked.append(caption) or ("", ""),
    )
    with qtbot.waitSignal(w.engine.project_opened, timeout=TIMEOUT_MS):
        w.files.open_path(project)
    assert len(asked) == 1 and "circle.csv" in asked[0]
    assert w.project.is_toy and w.files.path is None

    # Found: the project opens reading the file from its new place.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(moved), ""))
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS) as configured:
        w.files.open_path(project)
    assert w.project.data.source.path == str(moved)
    assert w.project.network == SMALL and w.files.path == project
    assert configured.args[0].n_train + configured.args[0].n_val == 200
    assert w.isWindowModified(), "the new place is not saved yet"


def _circle_project(tmp_path: Path, data_folder: str) -> tuple[Path, Path]:
    """A project in tmp_path/projects whose CSV file lies in tmp_path/`data_folder`."""
    frame = make_toy(ToySource("circle", samples=200, seed=4))
    csv = tmp_path / data_folder / "circle.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(csv, index=False)
    data = auto_data_spec(frame, CsvSource(str(csv)), "label")
    project = tmp_path / "projects" / "circle.nnproj"
    project.parent.mkdir(exist_ok=True)
    save_project(project, ProjectFile(data, SMALL, TrainConfig(epochs=3)))
    return project, csv


@pytest.mark.slow  # the shared window's training process
def test_a_data_file_outside_the_project_folder_is_asked_about(fresh, qtbot, tmp_path, monkeypatch):
    w = fresh
    project, csv = _circle_project(tmp_path, "elsewhere")
    asked: list[tuple[str, Path]] = []
    sent: list[object] = []
    send = w.engine.send
    monkeypatch.setattr(w.engine, "send", lambda command: sent.append(command) or send(command))
    said: list[str] = []

    def say(text: str, error: bool) -> None:
        said.append(text)

    w.files.message_changed.connect(say)

    # No: the design opens without its data; the training process is told not to read it.
    monkeypatch.setattr(
        file_actions,
        "ask_to_read_data",
        lambda parent, name, path: asked.append((name, path)) and False,
    )
    with qtbot.waitSignal(w.engine.project_opened, timeout=TIMEOUT_MS):
        w.files.open_path(project)
    assert asked == [("circle.nnproj", csv)]
    opens = [c for c in sent if isinstance(c, OpenProject)]
    assert opens == [OpenProject(str(project), None, without_data=True)]
    assert w.project.is_toy, "the data file was not read"
    assert w.project.network == SMALL and w.files.path == project
    w.files.message_changed.disconnect(say)
    assert f"Opened circle.nnproj without its data file {csv}." in said

    # Yes: it opens reading the file.
    monkeypatch.setattr(file_actions, "ask_to_read_data", lambda parent, name, path: True)
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS) as configured:
        w.files.open_path(project)
    assert w.project.data.source.path == str(csv)
    assert configured.args[0].n_train + configured.args[0].n_val == 200
    # Once allowed, the file is trusted: opening the project again asks nothing.
    monkeypatch.setattr(
        file_actions, "ask_to_read_data", lambda *a: pytest.fail("asked about a trusted file")
    )
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS):
        w.files.open_path(project)


@pytest.mark.slow  # the shared window's training process
def test_a_data_file_beside_the_project_opens_without_asking(fresh, qtbot, tmp_path, monkeypatch):
    w = fresh
    project, csv = _circle_project(tmp_path, "projects/data")
    asked: list[Path] = []
    monkeypatch.setattr(
        file_actions, "ask_to_read_data", lambda parent, name, path: asked.append(path)
    )
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS):
        w.files.open_path(project)
    assert asked == []
    assert w.project.data.source.path == str(csv)


@pytest.mark.slow  # the shared window's training process
def test_a_project_named_at_start_up_opens(fresh, qtbot, tmp_path, data_dir):
    """`nnplay work.nnproj` (app.main's open_at_start once the window has painted)."""
    from app.main import open_at_start

    w = fresh
    project = _toy_project(tmp_path / "named.nnproj", learning_rate=0.2)
    with qtbot.waitSignal(w.run.configured, timeout=TIMEOUT_MS):
        open_at_start(w, str(project))
    assert w.project.config.learning_rate == 0.2 and w.files.path == project
    open_at_start(w, str(data_dir / "iris.csv"))  # a CSV file: the import dialog, on it
    dialog = w.csv_import.dialog
    assert dialog is not None and dialog.isVisible() and "iris.csv" in dialog.windowTitle()
    dialog.reject()


@pytest.mark.slow  # a window with a training process of its own
def test_recovery_is_offered_after_a_crash(qapp, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path))
    # What a crashed session left: two autosaves, no live lock on either.
    older = _toy_project(tmp_path / "autosave-999998-1.nnproj", learning_rate=0.011)
    os.utime(older, (time.time() - 3600, time.time() - 3600))
    newer = tmp_path / "autosave-999999-1.nnproj"
    data = auto_data_spec(make_toy(XOR), XOR, "label")
    extras = {"autosave_of": str(tmp_path / "mywork.nnproj")}
    save_project(newer, ProjectFile(data, SMALL, TrainConfig(learning_rate=0.042), extras=extras))

    w = MainWindow()
    w.show()
    banner = w.files.banner
    assert banner.isVisible() and "did not close properly" in banner.message.text()
    assert "1 more" in banner.message.text()
    w.start_engine()  # Recover waits for the engine to be ready
    with qtbot.waitSignal(w.engine.project_opened, timeout=READY_TIMEOUT_S * 1000):
        banner.recover_button.click()
    assert w.project.config.learning_rate == 0.042 and w.project.network == SMALL
    assert w.windowTitle().startswith("mywork[*]") and w.isWindowModified()
    assert not newer.exists()
    assert banner.isVisible()  # now offering the older one
    banner.discard_button.click()
    assert not older.exists() and not banner.isVisible()

    # Recovered work goes straight into this session's own recovery file, gone on a clean exit.
    qtbot.waitUntil(w.files.autosave.path.is_file, timeout=TIMEOUT_MS)
    assert load_project(w.files.autosave.path).config.learning_rate == 0.042
    w.close()
    w.deleteLater()
    qapp.processEvents()
    assert sorted(p.name for p in tmp_path.iterdir() if "autosave" in p.name) == []


def test_open_recent_keeps_the_last_eight_newest_first(qtbot, tmp_path):
    w = MainWindow()
    qtbot.addWidget(w)
    paths = [_toy_project(tmp_path / f"p{i}.nnproj") for i in range(10)]
    for path in paths:
        w.files._add_recent(path)
    assert w.files.recent_files() == [str(p.resolve()) for p in reversed(paths)][:8]
    entries = [a for a in w.files.recent_menu.actions() if a.text().startswith("&")]
    assert [a.text() for a in entries] == [f"&{i} p{10 - i}.nnproj" for i in range(1, 9)]
    # One that has gone away: said so, and dropped from the list.
    paths[9].unlink()
    entries[0].trigger()
    assert "not there any more" in w.files.last_error
    assert str(paths[9].resolve()) not in w.files.recent_files()
    w.files.error_box.close()
