"""Runs' final models in the training process: kept when the window asks, restored exactly (the
same predictions as right after the run), saved in the project and read back from it."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from core.columns import auto_data_spec
from core.data_spec import ToySource
from core.dataset import load_frame
from core.events import TrainEnded, TrainStarted
from core.project import load_project
from core.runs import RunRecord, weights_member
from core.spec import TrainConfig
from core.training_process.client import TrainingProcess
from core.training_process.commands import (
    Configure,
    KeepRunWeights,
    OpenProject,
    Predict,
    SaveProject,
    Stop,
    Train,
)
from core.training_process.messages import (
    Configured,
    Events,
    Failed,
    Message,
    Predicted,
    ProjectSaved,
    Ready,
    RunWeightsKept,
)
from core.workflow import dense_network

TIMEOUT = 60.0
SOURCE = ToySource("circle", samples=200, noise=0.1, seed=2)
NET = dense_network([6, 6], activation="tanh")
CONFIG = TrainConfig(epochs=4, device="cpu", learning_rate=0.03)


class Inbox:
    def __init__(self, remote: TrainingProcess) -> None:
        self.remote = remote
        self.messages: list[Message] = []

    def until(self, done: Callable[[Message], bool]) -> list[Message]:
        end = time.monotonic() + TIMEOUT
        while True:
            for i, m in enumerate(self.messages):
                if done(m):
                    out, self.messages = self.messages[: i + 1], self.messages[i + 1 :]
                    return out
            assert time.monotonic() < end, f"timed out; last: {self.messages[-3:]}"
            self.messages += self.remote.poll(0.05)

    def answer(self, kind: type) -> Message:
        got = self.until(lambda m: isinstance(m, (kind, Failed)))[-1]
        assert isinstance(got, kind), got
        return got

    def train(self) -> tuple[TrainStarted, TrainEnded]:
        """Train; the run's start and end."""
        self.remote.send(Train())
        events = [
            e
            for m in self.until(lambda m: isinstance(m, Events) and _ended(m))
            if isinstance(m, Events)
            for e in m.events
        ]
        starts = [e for e in events if isinstance(e, TrainStarted)]
        ends = [e for e in events if isinstance(e, TrainEnded)]
        return starts[-1], ends[-1]

    def predict(self, frame) -> np.ndarray:
        self.remote.send(Predict(frame, "p"))
        predicted = self.answer(Predicted)
        assert isinstance(predicted, Predicted) and predicted.predictions.probabilities is not None
        return predicted.predictions.probabilities


def _ended(m: Events) -> bool:
    return any(isinstance(e, TrainEnded) for e in m.events)


@pytest.fixture(scope="module")
def inbox() -> Iterator[Inbox]:
    with TrainingProcess() as remote:
        box = Inbox(remote)
        box.until(lambda m: isinstance(m, Ready))
        yield box


def test_a_kept_run_is_restored_exactly_saved_and_reopened(inbox: Inbox, tmp_path: Path):
    frame = load_frame(SOURCE)
    data = auto_data_spec(frame, SOURCE, "label")
    faster = dataclasses.replace(CONFIG, learning_rate=0.3)
    after: dict[int, np.ndarray] = {}
    steps: dict[int, int] = {}
    for number, config in ((1, CONFIG), (2, faster)):
        inbox.remote.send(Configure(data, NET, config))
        inbox.answer(Configured)
        _start, end = inbox.train()
        assert end.outcome == "finished"
        steps[number] = end.step
        inbox.remote.send(KeepRunWeights(number, end.step, tuple(range(1, number + 1))))
        assert inbox.answer(RunWeightsKept) == RunWeightsKept(number, True)
        after[number] = inbox.predict(frame)
    assert not np.array_equal(after[1], after[2])

    # Restore run 1: exactly its model, and Train goes on from it (as many epochs again).
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=1))
    inbox.answer(Configured)
    np.testing.assert_array_equal(inbox.predict(frame), after[1])
    start, end = inbox.train()
    assert (start.step, end.step) == (steps[1], 2 * steps[1])

    # Saved with the project (the runs whose records say so), read back when it is opened.
    runs = tuple(
        RunRecord(n, f"run {n}", data, NET, c, epochs=4, steps=steps[n], weights=weights_member(n))
        for n, c in ((1, CONFIG), (2, faster))
    )
    path = tmp_path / "runs.nnproj"
    inbox.remote.send(SaveProject(str(path), data, NET, CONFIG, {}, True, runs))
    inbox.answer(ProjectSaved)
    assert sorted(load_project(path).run_models) == [1, 2]
    inbox.remote.send(Configure(data, NET, CONFIG))  # something else in between
    inbox.answer(Configured)
    inbox.remote.send(OpenProject(str(path)))
    inbox.answer(Configured)
    inbox.remote.send(Configure(data, NET, faster, weights_of=2))
    inbox.answer(Configured)
    np.testing.assert_array_equal(inbox.predict(frame), after[2])


def test_a_stopped_run_is_kept_a_stale_request_is_not(inbox: Inbox):
    frame = load_frame(SOURCE)
    data = auto_data_spec(frame, SOURCE, "label")
    inbox.remote.send(Configure(data, NET, dataclasses.replace(CONFIG, epochs=10_000)))
    inbox.answer(Configured)
    inbox.remote.send(Train())
    inbox.until(
        lambda m: isinstance(m, Events) and any(isinstance(e, TrainStarted) for e in m.events)
    )
    inbox.remote.send(Stop())
    end = [e for m in inbox.until(lambda m: isinstance(m, Events) and _ended(m))
           if isinstance(m, Events) for e in m.events if isinstance(e, TrainEnded)][-1]  # fmt: skip
    assert end.outcome == "stopped"
    # A Reset (a fresh Configure) before the window's request: the run's own model is kept.
    stopped = inbox.predict(frame)
    inbox.remote.send(Configure(data, NET, CONFIG))
    inbox.answer(Configured)
    inbox.remote.send(KeepRunWeights(5, end.step))
    assert inbox.answer(RunWeightsKept) == RunWeightsKept(5, True)
    inbox.remote.send(KeepRunWeights(6, end.step))  # asked twice: nothing is held any more
    assert inbox.answer(RunWeightsKept) == RunWeightsKept(6, False)
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=5))
    inbox.answer(Configured)
    np.testing.assert_array_equal(inbox.predict(frame), stopped)
    inbox.remote.send(Configure(data, NET, CONFIG, weights_of=6))
    failed = inbox.answer(Failed)
    assert isinstance(failed, Failed) and failed.command is Configure
    assert "the weights of run 6 are no longer kept" in failed.message
