"""GUI test setup: fail any test that leaves a thread, a QThread, a background job or a training
process running.

A fixture of a wider scope (one window and training process shared by a module's tests) may keep
its process between that module's tests; it must be gone when the module ends. A test that
replaces such a shared process on purpose is marked `replaces_shared_process`: its new process
is then checked when the module ends instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time
from contextlib import contextmanager

import pytest

from core.training_process.commands import SaveModel

GRACE_S = 5.0  # what was asked to stop gets this long to end


def _running_qthreads() -> list[object]:
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # pragma: no cover - Qt is always there for these tests
        return []
    out = []
    for obj in gc.get_objects():
        try:
            # type(), not isinstance(): the latter trips lazy modules' __getattr__ (torch's).
            if issubclass(type(obj), QThread) and obj.isRunning():
                out.append(obj)
        except RuntimeError:  # the C++ object is already deleted
            continue
    return out


def _pool_jobs() -> int:
    """Background jobs running in Qt's global thread pool (superqt's workers, app.background)."""
    try:
        from PySide6.QtCore import QThreadPool
    except ImportError:  # pragma: no cover
        return 0
    return QThreadPool.globalInstance().activeThreadCount()


def _leaks(
    threads_before: set[int | None],
    processes_before: set[int | None],
    qthreads_before: set[int],
    processes: bool = True,
) -> list[str]:
    deadline = time.monotonic() + GRACE_S
    while True:
        # A dummy thread is one Python did not start: a Qt pool thread that ran Python code (it
        # stays listed, idle, after its job); the pool's running jobs are counted instead.
        threads = [
            t
            for t in threading.enumerate()
            if t.ident not in threads_before
            and t.is_alive()
            and not isinstance(t, threading._DummyThread)
        ]
        jobs = _pool_jobs()
        children = [
            p
            for p in multiprocessing.active_children()
            if processes and p.pid not in processes_before and p.is_alive()
        ]
        qthreads = [q for q in _running_qthreads() if id(q) not in qthreads_before]
        if not (threads or children or qthreads or jobs) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    return (
        [f"thread {t.name!r}" for t in threads]
        + [f"process {p.name} (pid {p.pid})" for p in children]
        + [f"QThread {q.objectName() or q!r}" for q in qthreads]
        + ([f"{jobs} background job(s) in the thread pool"] if jobs else [])
    )


def _snapshot() -> tuple[set[int | None], set[int | None], set[int]]:
    threads = {t.ident for t in threading.enumerate()}
    processes = {p.pid for p in multiprocessing.active_children()}
    qthreads = {id(q) for q in _running_qthreads()}
    return threads, processes, qthreads


@pytest.fixture(autouse=True, scope="session")
def app_data_folder(tmp_path_factory):
    """Recovery files and the recent-files list go to a temporary folder, never the user's; and
    a window closed with unsaved changes discards them instead of asking in a modal box that
    would hang the test. Tests that answer the questions themselves replace `ask_to_save` and
    `ask_to_read_data`."""
    path = tmp_path_factory.mktemp("app-data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NNPLAY_DATA_DIR", str(path))
        mp.setattr("app.file_actions.ask_to_save", lambda parent, name: "discard")
        # A project's data file outside its folder: read it (tests of the question answer it).
        mp.setattr("app.file_actions.ask_to_read_data", lambda parent, project, path: True)
        yield path


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "replaces_shared_process: the test restarts a module-scoped training process on purpose",
    )


@pytest.fixture(autouse=True, scope="module")
def no_leaks_after_module():
    before = _snapshot()
    yield
    leaked = _leaks(*before)
    if leaked:
        pytest.fail(f"tests in this module left running: {', '.join(leaked)}")


@pytest.fixture(autouse=True)
def no_leaked_threads_or_processes(request, no_leaks_after_module):
    before = _snapshot()
    yield
    replaces = request.node.get_closest_marker("replaces_shared_process") is not None
    leaked = _leaks(*before, processes=not replaces)
    if leaked:
        pytest.fail(f"test left running: {', '.join(leaked)}")


# --- layouts: wait until Qt has laid out what changed --------------------------------------


@pytest.fixture
def settle_layout(qtbot):
    """`settle_layout()` waits until no layout request is pending, anywhere in the app.

    A layout that changes posts a request to its widget; handling it may post the next one to
    the parent, one level per pass of the event loop, up to the window, which then grows to its
    new minimum size. So a test that checks a window did *not* grow waits for the requests to run
    out, rather than for some milliseconds that a loaded machine may not honour.
    """
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class Counter(QObject):
        seen = 0

        def eventFilter(self, _obj, event):
            if event.type() == QEvent.Type.LayoutRequest:
                self.seen += 1
            return False

    def settle(timeout: int = 5000) -> None:
        counter = Counter()
        app = QCoreApplication.instance()
        app.installEventFilter(counter)

        def none_pending() -> bool:
            before = counter.seen
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            return counter.seen == before

        try:
            qtbot.waitUntil(none_pending, timeout=timeout)
        finally:
            app.removeEventFilter(counter)

    return settle


# --- a CSV project in a real window: shared by the evaluation and prediction tests ------------


class CsvSteps:
    """Choose a CSV as the import dialog would, train, save the model, run `nnplay`."""

    ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
    DATA = ROOT / "resources" / "data"

    READY_TIMEOUT_S = 90  # a fresh training process imports torch: seconds, more on a busy machine

    @classmethod
    def open_window(cls, app):
        """A shown 1400x900 main window whose training process is ready."""
        from app.main_window import MainWindow

        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        window.start_engine()
        end = time.monotonic() + cls.READY_TIMEOUT_S
        while window.run.info is None:
            if time.monotonic() > end:
                raise TimeoutError("the training process did not get ready")
            app.processEvents()
            time.sleep(0.01)
        return window

    @classmethod
    @contextmanager
    def running_window(cls, app):
        """A window with its training process ready, for a module's tests; closed after."""
        window = cls.open_window(app)
        try:
            yield window
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()

    @classmethod
    def use_csv(
        cls, window, qtbot, name: str, target: str, epochs: int = 5, rate: float = 0.01, **kw
    ):
        """Set the project to predict `target` of resources/data/`name` with a small network;
        wait until the engine has built that model. Returns the DataSpec."""
        from app.project import DataShape
        from core.columns import auto_data_spec
        from core.data_spec import CsvSource
        from core.dataset import load_frame, prepare_data
        from core.spec import LayerSpec, NetworkSpec

        source = CsvSource(str(cls.DATA / name))
        frame = load_frame(source)
        spec = auto_data_spec(frame, source, target, **kw)
        prepared = prepare_data(spec, frame)
        shape = DataShape(
            prepared.n_inputs,
            prepared.task,
            prepared.class_names,
            prepared.preprocessor.input_names,
        )
        project = window.project
        small = NetworkSpec(layers=(LayerSpec(units=8, activation="relu"),))
        project.edit_network(small, "Small network")
        project.edit_config("Short run", epochs=epochs, batch_size=32, learning_rate=rate)
        project.edit("data", spec, f"Use {name}")
        project.set_data_shape(shape)

        def built() -> bool:
            info = window.run.info
            return (
                info is not None
                and info.preprocessor is not None
                and info.preprocessor.target.name == target
                and info.n_test == len(prepared.test)
                and info.parameters > 0
            )

        qtbot.waitUntil(built, timeout=20_000)
        return spec

    @staticmethod
    def train(window, qtbot) -> None:
        with qtbot.waitSignal(window.engine.finished, timeout=30_000) as finished:
            window.controls.train_button.click()
        assert finished.args[0].outcome == "finished"

    @staticmethod
    def split_of(window, spec) -> dict[str, object]:
        """The loaded table's rows in each split of `spec`, checked against the engine's counts."""
        from core.dataset import load_frame, split_rows

        split = split_rows(spec, load_frame(spec.source))
        rows = dict(
            zip(("train", "val", "test"), (split.kept[p] for p in split.parts), strict=True)
        )
        info = window.run.info
        assert (len(rows["train"]), len(rows["val"]), len(rows["test"])) == (
            info.n_train,
            info.n_val,
            info.n_test,
        )
        return rows

    @staticmethod
    def save_model(window, qtbot, path) -> None:
        with qtbot.waitSignal(window.engine.model_saved, timeout=10_000):
            window.engine.send(SaveModel(str(path)))

    @classmethod
    def nnplay(cls, *args: str):
        """`nnplay ARGS` in a subprocess, started now (torch takes seconds: start several)."""
        import subprocess
        import sys

        return subprocess.Popen(
            [sys.executable, "-m", "cli", *map(str, args)],
            cwd=cls.ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def output(process) -> str:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        return out


@pytest.fixture(scope="session")
def steps() -> type[CsvSteps]:
    return CsvSteps


@pytest.fixture
def wheel_down():
    """Turn the mouse wheel one notch down over a widget, as a user would."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    def turn(widget) -> None:
        centre = QPointF(widget.rect().center())
        event = QWheelEvent(
            centre,
            QPointF(widget.mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)

    return turn


@pytest.fixture
def bare_window(qtbot):
    """The main window without its training process: for what needs no engine."""
    from app.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.project.undo_stack.setClean()  # nothing to save: closing asks no question
    w.close()
