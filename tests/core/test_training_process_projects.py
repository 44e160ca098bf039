"""Project files and exports through the training process (the window's way to them)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.dataset import load_frame
from core.events import EpochEnded, TrainEnded
from core.plot_points import PlotPoints
from core.project import load_project
from core.spec import TrainConfig
from core.training_process.client import TrainingProcess
from core.training_process.commands import (
    Configure,
    Export,
    OpenProject,
    SaveProject,
    TakeSnapshot,
    Train,
)
from core.training_process.messages import (
    Configured,
    Events,
    Exported,
    Failed,
    Message,
    ProjectOpened,
    ProjectSaved,
    Ready,
    Snapshot,
)
from core.workflow import dense_network

TIMEOUT = 60.0
SOURCE = ToySource("xor", samples=200, noise=0.0, seed=1)
NET = dense_network([6, 6], activation="tanh")
CONFIG = TrainConfig(epochs=3, device="cpu", learning_rate=0.03)


class Inbox:
    def __init__(self, remote: TrainingProcess) -> None:
        self.remote = remote
        self.messages: list[Message] = []

    def until(self, done: Callable[[Message], bool]) -> list[Message]:
        """Messages up to and including the first for which `done` is true (and the rest of
        its batch: what the child sends together arrives together)."""
        end = time.monotonic() + TIMEOUT
        while True:
            for i, m in enumerate(self.messages):
                if done(m):
                    out, self.messages = self.messages[: i + 1], self.messages[i + 1 :]
                    return out
            assert time.monotonic() < end, f"timed out; last: {self.messages[-3:]}"
            self.messages += self.remote.poll(0.05)


def ended(m: Message) -> bool:
    return isinstance(m, Events) and any(isinstance(e, TrainEnded) for e in m.events)


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with TrainingProcess() as remote:
        box = Inbox(remote)
        box.until(lambda m: isinstance(m, Ready))
        yield box


def test_a_trained_project_reopens_with_its_weights_and_history(inbox: Inbox, tmp_path: Path):
    data = auto_data_spec(load_frame(SOURCE), SOURCE, "label")
    inbox.remote.send(Configure(data, NET, CONFIG))
    inbox.until(lambda m: isinstance(m, Snapshot))
    inbox.remote.send(Train())
    inbox.until(ended)
    trained = inbox.until(lambda m: isinstance(m, Snapshot))[-1]
    path = tmp_path / "xor.nnproj"
    inbox.remote.send(SaveProject(str(path), data, NET, CONFIG, {"tab": "training"}, True))
    saved = inbox.until(lambda m: isinstance(m, (ProjectSaved, Failed)))[-1]
    assert saved == ProjectSaved(str(path), True)

    inbox.remote.send(Configure(data, dense_network([3]), CONFIG))  # something else in between
    inbox.until(lambda m: isinstance(m, PlotPoints))
    inbox.remote.send(OpenProject(str(path)))
    got = inbox.until(lambda m: isinstance(m, Events))
    assert [type(m) for m in got] == [ProjectOpened, Configured, Snapshot, PlotPoints, Events]
    opened, configured, snapshot, _points, history = got
    assert isinstance(opened, ProjectOpened) and isinstance(snapshot, Snapshot)
    assert opened.trained and opened.configured and opened.finished
    assert (opened.data, opened.network, opened.config) == (data, NET, CONFIG)
    assert opened.extras == {"tab": "training"} and opened.class_names == ("blue", "orange")
    assert isinstance(configured, Configured) and configured.parameters == 6 * 3 + 6 * 7 + 7
    assert snapshot.step == trained.step
    assert trained.output is not None and snapshot.output is not None
    np.testing.assert_allclose(snapshot.output, trained.output, atol=1e-6)
    assert isinstance(history, Events)
    assert [e.epoch for e in history.events if isinstance(e, EpochEnded)] == [1, 2, 3]

    # Untrained, or not asked for: the file holds the design alone.
    inbox.remote.send(SaveProject(str(path), data, NET, CONFIG, {}, False))
    assert not inbox.until(lambda m: isinstance(m, ProjectSaved))[-1].trained  # type: ignore[union-attr]
    assert load_project(path).model is None


def test_a_broken_file_is_an_error_and_the_model_stays(inbox: Inbox, tmp_path: Path):
    path = tmp_path / "broken.nnproj"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    inbox.remote.send(OpenProject(str(path)))
    error = inbox.until(lambda m: isinstance(m, (Failed, ProjectOpened)))[-1]
    assert isinstance(error, Failed) and error.command is OpenProject
    assert "not a valid zip" in error.message
    inbox.remote.send(TakeSnapshot())  # the model from before is still there
    assert isinstance(inbox.until(lambda m: isinstance(m, (Snapshot, Failed)))[-1], Snapshot)


def test_a_moved_csv_is_reported_then_read_from_where_it_is(inbox: Inbox, tmp_path: Path):
    csv = tmp_path / "a" / "xor.csv"
    csv.parent.mkdir()
    load_frame(SOURCE).to_csv(csv, index=False)
    data = auto_data_spec(load_frame(CsvSource(str(csv))), CsvSource(str(csv)), "label")
    path = tmp_path / "b" / "xor.nnproj"
    path.parent.mkdir()
    inbox.remote.send(SaveProject(str(path), data, NET, CONFIG, {}, False))
    inbox.until(lambda m: isinstance(m, ProjectSaved))
    moved = tmp_path / "c" / "xor.csv"
    moved.parent.mkdir()
    shutil.move(csv, moved)

    inbox.remote.send(OpenProject(str(path)))
    first = inbox.until(lambda m: isinstance(m, ProjectOpened))[-1]
    assert isinstance(first, ProjectOpened) and first.missing_source == str(csv)
    assert not first.configured
    inbox.remote.send(OpenProject(str(path), str(moved)))
    second = inbox.until(lambda m: isinstance(m, Configured))
    opened = second[-2]
    assert isinstance(opened, ProjectOpened) and opened.missing_source is None
    assert opened.data is not None and opened.data.source.path == str(moved)  # type: ignore[union-attr]
    assert opened.n_rows == 200


def test_export_needs_a_trained_model_then_writes_each_file(inbox: Inbox, tmp_path: Path):
    data = auto_data_spec(load_frame(SOURCE), SOURCE, "label")
    inbox.remote.send(Configure(data, NET, CONFIG))
    inbox.until(lambda m: isinstance(m, Snapshot))
    inbox.remote.send(Export("onnx", str(tmp_path / "m.onnx")))
    error = inbox.until(lambda m: isinstance(m, (Failed, Exported)))[-1]
    assert isinstance(error, Failed) and "train the model" in error.message
    inbox.remote.send(Train())
    inbox.until(ended)
    inbox.remote.send(Export("python", str(tmp_path / "m.py")))
    exported = inbox.until(lambda m: isinstance(m, (Failed, Exported)))[-1]
    assert exported == Exported("python", (str(tmp_path / "m.py"), str(tmp_path / "m.safetensors")))
