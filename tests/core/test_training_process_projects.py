"""Project files and exports through the training process (the window's way to them)."""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from core.columns import auto_data_spec
from core.data_spec import CsvSource, ToySource
from core.dataset import load_frame
from core.events import BatchesEnded, EpochEnded, TrainEnded
from core.plot_points import PlotPoints
from core.project import load_project
from core.runs import RunRecord, weights_member
from core.spec import TrainConfig
from core.training_process.client import TrainingProcess
from core.training_process.commands import (
    Configure,
    Export,
    KeepRunWeights,
    OpenProject,
    Predict,
    SaveProject,
    Stop,
    TakeSnapshot,
    Train,
)
from core.training_process.messages import (
    Configured,
    Events,
    Exported,
    Failed,
    Message,
    Predicted,
    ProjectOpened,
    ProjectSaved,
    Ready,
    RunWeightsKept,
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


# --- runs' final models: kept when the window asks, restored exactly, saved and reopened ---


CIRCLE = ToySource("circle", samples=200, noise=0.1, seed=2)


def answer(inbox: Inbox, kind: type) -> Message:
    got = inbox.until(lambda m: isinstance(m, (kind, Failed)))[-1]
    assert isinstance(got, kind), got
    return got


def run_end(inbox: Inbox) -> TrainEnded:
    """How the run going on ended, once it has."""
    events = [e for m in inbox.until(ended) if isinstance(m, Events) for e in m.events]
    return [e for e in events if isinstance(e, TrainEnded)][-1]


def predict(inbox: Inbox, frame) -> np.ndarray:
    inbox.remote.send(Predict(frame, "p"))
    predicted = answer(inbox, Predicted)
    assert isinstance(predicted, Predicted) and predicted.predictions.probabilities is not None
    return predicted.predictions.probabilities


def test_a_kept_run_is_restored_exactly_saved_and_reopened(inbox: Inbox, tmp_path: Path):
    frame = load_frame(CIRCLE)
    data = auto_data_spec(frame, CIRCLE, "label")
    faster = dataclasses.replace(CONFIG, learning_rate=0.3)
    after: dict[int, np.ndarray] = {}
    steps: dict[int, int] = {}
    for number, config in ((1, CONFIG), (2, faster)):
        inbox.remote.send(Configure(data, NET, config))
        answer(inbox, Configured)
        inbox.remote.send(Train())
        end = run_end(inbox)
        assert end.outcome == "finished"
        steps[number] = end.step
        inbox.remote.send(KeepRunWeights(number, end.step, tuple(range(1, number + 1))))
        assert answer(inbox, RunWeightsKept) == RunWeightsKept(number, True)
        after[number] = predict(inbox, frame)
    assert not np.array_equal(after[1], after[2])

    # Restore run 1: exactly its model, and Train goes on from it (as many epochs again).
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=1))
    answer(inbox, Configured)
    np.testing.assert_array_equal(predict(inbox, frame), after[1])
    inbox.remote.send(Train())
    assert run_end(inbox).step == 2 * steps[1]  # as many epochs again, from run 1's end

    # Saved with the project (the runs whose records say so), read back when it is opened.
    runs = tuple(
        RunRecord(n, f"run {n}", data, NET, c, epochs=4, steps=steps[n], weights=weights_member(n))
        for n, c in ((1, CONFIG), (2, faster))
    )
    path = tmp_path / "runs.nnproj"
    inbox.remote.send(SaveProject(str(path), data, NET, CONFIG, {}, True, runs))
    answer(inbox, ProjectSaved)
    assert sorted(load_project(path).run_models) == [1, 2]
    inbox.remote.send(Configure(data, NET, CONFIG))  # something else in between
    answer(inbox, Configured)
    inbox.remote.send(OpenProject(str(path)))
    answer(inbox, Configured)
    inbox.remote.send(Configure(data, NET, faster, weights_of=2))
    answer(inbox, Configured)
    np.testing.assert_array_equal(predict(inbox, frame), after[2])


def test_a_stopped_run_is_kept_a_stale_request_is_not(inbox: Inbox):
    frame = load_frame(CIRCLE)
    data = auto_data_spec(frame, CIRCLE, "label")
    inbox.remote.send(Configure(data, NET, dataclasses.replace(CONFIG, epochs=10_000)))
    answer(inbox, Configured)
    inbox.remote.send(Train())
    # A step done first: a run stopped before its first step is no run, and keeps nothing.
    inbox.until(
        lambda m: isinstance(m, Events) and any(isinstance(e, BatchesEnded) for e in m.events)
    )
    inbox.remote.send(Stop())
    end = run_end(inbox)
    assert end.outcome == "stopped" and end.step > 0
    # A Reset (a fresh Configure) before the window's request: the run's own model is kept.
    stopped = predict(inbox, frame)
    inbox.remote.send(Configure(data, NET, CONFIG))
    answer(inbox, Configured)
    inbox.remote.send(KeepRunWeights(5, end.step))
    assert answer(inbox, RunWeightsKept) == RunWeightsKept(5, True)
    inbox.remote.send(KeepRunWeights(6, end.step))  # asked twice: nothing is held any more
    assert answer(inbox, RunWeightsKept) == RunWeightsKept(6, False)
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=5))
    answer(inbox, Configured)
    np.testing.assert_array_equal(predict(inbox, frame), stopped)
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=6))
    failed = answer(inbox, Failed)
    assert isinstance(failed, Failed) and failed.command is Configure
    assert "the weights of run 6 are no longer kept" in failed.message
