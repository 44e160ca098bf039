"""WalkRow through the real training process: before training, while paused, when finished."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from core.columns import auto_data_spec
from core.data_spec import ToySource
from core.dataset import load_frame
from core.events import TrainEnded, TrainPaused
from core.spec import TrainConfig
from core.training_process.client import TrainingProcess
from core.training_process.commands import Configure, Pause, Step, Train, WalkRow
from core.training_process.messages import Configured, Failed, Message, Ready, RowWalked
from core.walk.steps import RowWalk
from core.workflow import dense_network

TIMEOUT = 60.0
SOURCE = ToySource("spiral", samples=200, seed=1)


@pytest.fixture(scope="module")
def remote() -> Iterator[TrainingProcess]:
    process = TrainingProcess()
    process.start()
    wait(process, Ready)
    yield process
    process.close()


def wait(process: TrainingProcess, kind: type, request: str = "") -> Message:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for message in process.poll(0.05):
            items = getattr(message, "events", (message,))
            for item in items:
                if isinstance(item, Failed) and item.request == request and request:
                    raise AssertionError(item.message)
                if isinstance(item, kind) and getattr(item, "request", request) == request:
                    return item  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind.__name__} in time")


def walked(process: TrainingProcess, command: WalkRow) -> RowWalk:
    process.send(command)
    answer = wait(process, RowWalked, command.request)
    assert isinstance(answer, RowWalked)
    return answer.walk


def test_a_row_walks_before_training_while_paused_and_when_finished(
    remote: TrainingProcess,
) -> None:
    spec = auto_data_spec(load_frame(SOURCE), SOURCE, "label")
    config = TrainConfig(epochs=3, batch_size=16, device="cpu", optimizer="adam")
    remote.send(Configure(spec, dense_network([6, 6], "tanh"), config))
    wait(remote, Configured)
    before = walked(remote, WalkRow("train", 5, request="before"))
    assert before.step == 0 and before.updates["adam"].state == "fresh"

    remote.send(Step(4))
    wait(remote, TrainPaused)
    paused = walked(remote, WalkRow("train", 5, request="paused"))
    assert paused.step == 4 and paused.updates["adam"].state == "current"
    assert paused.updates["adam"].params[0].step == 5  # Adam's fifth step
    assert paused.x.tolist() == before.x.tolist()
    assert paused.forward[0].weights["W"].tolist() != before.forward[0].weights["W"].tolist()

    remote.send(Train())
    wait(remote, TrainEnded)
    finished = walked(remote, WalkRow("val", 0, request="finished"))
    assert finished.epoch == 3 and finished.row.startswith("validation row 1 of")
    remote.send(Pause())  # nothing runs: the walk above was answered at once


def test_a_row_that_does_not_exist_is_refused_with_its_request(remote: TrainingProcess) -> None:
    remote.send(WalkRow("val", 10_000, request="far"))
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for message in remote.poll(0.05):
            if isinstance(message, Failed) and message.request == "far":
                assert "no validation row 10001" in message.message
                return
    raise AssertionError("no Failed in time")
